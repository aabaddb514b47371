import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CronJob, Job } from '../../../apiserver/api/types.ts';
import { cronJobPrinter } from '../../../apiserver/server/printers/cronjob.ts';
import { jobPrinter } from '../../../apiserver/server/printers/job.ts';
import { ago, columnNames, row } from './helpers.ts';

const podTemplate = { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl:5.34' }] } };

function job(spec: Partial<NonNullable<Job['spec']>>, status: Job['status'] = {}, deleting = false): Job {
  return {
    metadata: { name: 'pi', namespace: 'default', creationTimestamp: ago({ m: 30 }), ...(deleting ? { deletionTimestamp: ago({ s: 1 }) } : {}) },
    spec: { template: podTemplate, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'abc' } }, ...spec },
    status,
  };
}

const condition = (type: string, status = 'True') => ({ type, status });

describe('job printer', () => {
  it('has kubectl\'s columns', () => {
    assert.deepEqual(columnNames(jobPrinter), {
      standard: ['Name', 'Status', 'Completions', 'Duration', 'Age'], wide: ['Containers', 'Images', 'Selector'],
    });
  });

  it('fills every cell of a finished job', () => {
    const j = job({ completions: 1 }, {
      succeeded: 1, startTime: ago({ m: 30 }), completionTime: ago({ m: 29, s: 15 }), conditions: [condition('Complete')],
    });
    assert.deepEqual(Object.values(row(jobPrinter, j)),
      ['pi', 'Complete', '1/1', '45s', '30m', 'pi', 'perl:5.34', 'batch.kubernetes.io/controller-uid=abc']);
  });

  const statuses: [string, Job, string][] = [
    ['no conditions', job({}, { active: 1 }), 'Running'],
    ['complete', job({}, { conditions: [condition('Complete')] }), 'Complete'],
    ['failed', job({}, { conditions: [condition('Failed')] }), 'Failed'],
    ['a false Failed condition does not count', job({}, { conditions: [condition('Failed', 'False')] }), 'Running'],
    ['suspended', job({ suspend: true }, { conditions: [condition('Suspended')] }), 'Suspended'],
    ['about to fail', job({}, { conditions: [condition('FailureTarget')] }), 'FailureTarget'],
    ['being deleted', job({}, { active: 1 }, true), 'Terminating'],
    ['being deleted after completing', job({}, { conditions: [condition('Complete')] }, true), 'Complete'],
    ['suspended and being deleted', job({}, { conditions: [condition('Suspended')] }, true), 'Terminating'],
  ];
  for (const [what, j, want] of statuses) {
    it(`STATUS when ${what}: ${want}`, () => assert.equal(row(jobPrinter, j).Status, want));
  }

  const completions: [string, Partial<NonNullable<Job['spec']>>, number, string][] = [
    ['fixed completions', { completions: 5 }, 2, '2/5'],
    ['no completions, serial', { parallelism: 1 }, 0, '0/1'],
    ['no completions, parallel work queue', { parallelism: 3 }, 1, '1/1 of 3'],
  ];
  for (const [what, spec, succeeded, want] of completions) {
    it(`COMPLETIONS with ${what}: ${want}`, () => assert.equal(row(jobPrinter, job(spec, { succeeded })).Completions, want));
  }

  it('DURATION is empty before start and runs on the server clock while active', () => {
    assert.equal(row(jobPrinter, job({})).Duration, '');
    assert.equal(row(jobPrinter, job({}, { startTime: ago({ m: 4, s: 5 }) })).Duration, '4m5s');
  });
});

describe('cronjob printer', () => {
  const cronJob = (spec: Partial<NonNullable<CronJob['spec']>>, status: CronJob['status'] = {}): CronJob => ({
    metadata: { name: 'nightly', namespace: 'default', creationTimestamp: ago({ d: 2 }) },
    spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: podTemplate } }, ...spec },
    status,
  });

  it('has kubectl\'s columns', () => {
    assert.deepEqual(columnNames(cronJobPrinter), {
      standard: ['Name', 'Schedule', 'Timezone', 'Suspend', 'Active', 'Last Schedule', 'Age'],
      wide: ['Containers', 'Images', 'Selector'],
    });
  });

  it('fills every cell', () => {
    const cj = cronJob({ timeZone: 'Europe/Paris', suspend: false }, {
      active: [{ kind: 'Job', name: 'nightly-28571', namespace: 'default' }], lastScheduleTime: ago({ h: 9 }),
    });
    assert.deepEqual(Object.values(row(cronJobPrinter, cj)),
      ['nightly', '0 3 * * *', 'Europe/Paris', 'False', 1, '9h', '2d', 'pi', 'perl:5.34', '<none>']);
  });

  it('prints <none> and <unset> for what is not set', () => {
    const r = row(cronJobPrinter, cronJob({}));
    assert.deepEqual([r.Timezone, r.Suspend, r.Active, r['Last Schedule']], ['<none>', '<unset>', 0, '<none>']);
    assert.equal(row(cronJobPrinter, cronJob({ suspend: true })).Suspend, 'True');
  });
});
