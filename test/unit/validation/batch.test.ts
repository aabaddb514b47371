// Validation tables for Jobs and CronJobs.
import { describe, it } from 'node:test';
import { defaultCronJob, defaultJob } from '../../../apiserver/api/defaults/batch.ts';
import type { CronJob, Job } from '../../../apiserver/api/types.ts';
import { validateCronJob } from '../../../apiserver/api/validation/cronjob.ts';
import { validateJob, validateJobStatusUpdate, validateJobUpdate } from '../../../apiserver/api/validation/job.ts';
import { generateJobSelector } from '../../../apiserver/registry/strategies/job-selector.ts';
import { assertHasError, assertNoErrors, validationTable } from './field-errors.ts';
import { clone, podTemplate } from './fixtures.ts';


/** A Job as the registry stores it: defaulted, with the uid-based selector generated. */
function job(): Job {
  const j: Job = {
    metadata: { name: 'pi', namespace: 'default', uid: '0e6a2c1e-1111-4aaa-8bbb-123456789abc' },
    spec: { template: podTemplate({ app: 'pi' }, 'Never') },
  };
  defaultJob(j);
  generateJobSelector(j);
  return j;
}

function indexed(j: Job): void {
  j.spec!.completionMode = 'Indexed';
  j.spec!.completions = 3;
  j.spec!.parallelism = 3;
}

describe('Job validation', () => {
  validationTable(job, validateJob, [
    { name: 'rejects negative parallelism', mutate: (j) => { j.spec!.parallelism = -1; }, field: 'spec.parallelism', type: 'FieldValueInvalid' },
    { name: 'rejects negative completions', mutate: (j) => { j.spec!.completions = -1; }, field: 'spec.completions', type: 'FieldValueInvalid' },
    { name: 'rejects a negative activeDeadlineSeconds', mutate: (j) => { j.spec!.activeDeadlineSeconds = -1; }, field: 'spec.activeDeadlineSeconds', type: 'FieldValueInvalid', detail: 'must be greater than or equal to 0' },
    { name: 'rejects a negative backoffLimit', mutate: (j) => { j.spec!.backoffLimit = -1; }, field: 'spec.backoffLimit', type: 'FieldValueInvalid' },
    { name: 'rejects a negative ttlSecondsAfterFinished', mutate: (j) => { j.spec!.ttlSecondsAfterFinished = -1; }, field: 'spec.ttlSecondsAfterFinished', type: 'FieldValueInvalid' },
    { name: 'requires restartPolicy OnFailure or Never', mutate: (j) => { j.spec!.template.spec!.restartPolicy = 'Always'; }, field: 'spec.template.spec.restartPolicy', type: 'FieldValueNotSupported', detail: 'supported values: "OnFailure", "Never"' },
    { name: 'rejects an unknown completionMode', mutate: (j) => { j.spec!.completionMode = 'Sometimes'; }, field: 'spec.completionMode', type: 'FieldValueNotSupported' },
    { name: 'requires completions for Indexed jobs', mutate: (j) => { j.spec!.completionMode = 'Indexed'; delete j.spec!.completions; }, field: 'spec.completions', type: 'FieldValueRequired' },
    { name: 'caps Indexed completions', mutate: (j) => { indexed(j); j.spec!.completions = 200000; }, field: 'spec.completions', type: 'FieldValueInvalid' },
    { name: 'requires Indexed for backoffLimitPerIndex', mutate: (j) => { j.spec!.backoffLimitPerIndex = 1; }, field: 'spec.backoffLimitPerIndex', type: 'FieldValueInvalid' },
    { name: 'requires backoffLimitPerIndex for maxFailedIndexes', mutate: (j) => { indexed(j); j.spec!.maxFailedIndexes = 1; }, field: 'spec.backoffLimitPerIndex', type: 'FieldValueRequired' },
    { name: 'rejects an unknown podReplacementPolicy', mutate: (j) => { j.spec!.podReplacementPolicy = 'Eventually'; }, field: 'spec.podReplacementPolicy', type: 'FieldValueNotSupported' },
    {
      name: 'requires podReplacementPolicy Failed with a pod failure policy',
      mutate: (j) => { j.spec!.podFailurePolicy = { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] }; j.spec!.podReplacementPolicy = 'TerminatingOrFailed'; },
      field: 'spec.podReplacementPolicy', type: 'FieldValueNotSupported',
    },
    {
      name: 'requires restartPolicy Never with a pod failure policy',
      mutate: (j) => { j.spec!.podFailurePolicy = { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] }; j.spec!.podReplacementPolicy = 'Failed'; j.spec!.template.spec!.restartPolicy = 'OnFailure'; },
      field: 'spec.template.spec.restartPolicy', type: 'FieldValueInvalid',
    },
    {
      name: 'rejects an unknown pod failure policy action',
      mutate: (j) => { j.spec!.podFailurePolicy = { rules: [{ action: 'Explode', onExitCodes: { operator: 'In', values: [1] } }] }; j.spec!.podReplacementPolicy = 'Failed'; },
      field: 'spec.podFailurePolicy.rules[0].action', type: 'FieldValueNotSupported',
    },
    { name: 'requires a selector', mutate: (j) => { j.spec!.manualSelector = true; delete j.spec!.selector; }, field: 'spec.selector', type: 'FieldValueRequired' },
    { name: 'requires the generated labels', mutate: (j) => { j.spec!.template.metadata!.labels!['controller-uid'] = 'someone-else'; }, field: 'spec.template.metadata.labels[controller-uid]', type: 'FieldValueInvalid' },
    { name: 'requires the generated selector', mutate: (j) => { j.spec!.selector = { matchLabels: { app: 'pi' } }; }, field: 'spec.selector', type: 'FieldValueInvalid', detail: '`selector` not auto-generated' },
    { name: 'requires a manual selector to match the template', mutate: (j) => { j.spec!.manualSelector = true; j.spec!.selector = { matchLabels: { app: 'other' } }; }, field: 'spec.template.metadata.labels', type: 'FieldValueInvalid' },
  ]);

  it('accepts a manual selector that matches the template', () => {
    const j = job();
    j.spec!.manualSelector = true;
    j.spec!.selector = { matchLabels: { app: 'pi' } };
    assertNoErrors(validateJob(j));
  });

  it('accepts an Indexed job with per-index limits', () => {
    const j = job();
    indexed(j);
    j.spec!.backoffLimitPerIndex = 1;
    j.spec!.maxFailedIndexes = 2;
    assertNoErrors(validateJob(j));
  });

  it('fixes selector, completions and template after creation', () => {
    const old = job();
    const reselected = clone(old);
    reselected.spec!.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': 'x' } };
    assertHasError(validateJobUpdate(reselected, old), 'spec.selector', 'FieldValueInvalid', 'field is immutable');
    const more = clone(old);
    more.spec!.completions = 5;
    assertHasError(validateJobUpdate(more, old), 'spec.completions', 'FieldValueInvalid', 'field is immutable');
    const retemplated = clone(old);
    retemplated.spec!.template.spec!.containers[0].image = 'busybox:1.37';
    assertHasError(validateJobUpdate(retemplated, old), 'spec.template', 'FieldValueInvalid', 'field is immutable');
    const tuned = clone(old);
    tuned.spec!.parallelism = 4;
    tuned.spec!.activeDeadlineSeconds = 60;
    assertNoErrors(validateJobUpdate(tuned, old));
  });

  it('lets Indexed jobs scale completions together with parallelism', () => {
    const old = job();
    indexed(old);
    const scaled = clone(old);
    scaled.spec!.completions = 5;
    scaled.spec!.parallelism = 5;
    assertNoErrors(validateJobUpdate(scaled, old));
    const lopsided = clone(old);
    lopsided.spec!.completions = 5;
    assertHasError(validateJobUpdate(lopsided, old), 'spec.completions', 'FieldValueInvalid', 'can only be modified in tandem with spec.parallelism');
  });

  it('lets a suspended job that never ran change where it will be scheduled', () => {
    const old = job();
    old.spec!.suspend = true;
    const moved = clone(old);
    moved.spec!.template.spec!.nodeSelector = { zone: 'a' };
    assertNoErrors(validateJobUpdate(moved, old));
    const reimaged = clone(old);
    reimaged.spec!.template.spec!.containers[0].image = 'busybox:1.37';
    assertHasError(validateJobUpdate(reimaged, old), 'spec.template', 'FieldValueInvalid');
    old.status = { startTime: '2024-01-01T00:00:00Z' };
    assertHasError(validateJobUpdate(moved, old), 'spec.template', 'FieldValueInvalid');
  });

  it('rejects negative status counters', () => {
    const j = job();
    j.status = { active: -1, succeeded: 0 };
    assertHasError(validateJobStatusUpdate(j), 'status.active', 'FieldValueInvalid');
  });
});

function cronJob(): CronJob {
  const cj: CronJob = {
    metadata: { name: 'backup' },
    spec: { schedule: '*/15 * * * *', jobTemplate: { spec: { template: podTemplate({ app: 'backup' }, 'OnFailure') } } },
  };
  defaultCronJob(cj);
  return cj;
}

describe('CronJob validation', () => {
  validationTable(cronJob, validateCronJob, [
    { name: 'limits the name to 52 characters', mutate: (cj) => { cj.metadata!.name = 'a'.repeat(53); }, field: 'metadata.name', type: 'FieldValueInvalid', detail: 'must be no more than 52 characters' },
    { name: 'requires a schedule', mutate: (cj) => { cj.spec!.schedule = ''; }, field: 'spec.schedule', type: 'FieldValueRequired' },
    { name: 'rejects a malformed schedule', mutate: (cj) => { cj.spec!.schedule = '61 * * * *'; }, field: 'spec.schedule', type: 'FieldValueInvalid', detail: /above maximum/ },
    { name: 'rejects a zone in the schedule', mutate: (cj) => { cj.spec!.schedule = 'TZ=Europe/Berlin 0 * * * *'; }, field: 'spec.schedule', type: 'FieldValueInvalid', detail: 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead' },
    { name: 'rejects an unknown time zone', mutate: (cj) => { cj.spec!.timeZone = 'Mars/Olympus_Mons'; }, field: 'spec.timeZone', type: 'FieldValueInvalid', detail: 'unknown time zone Mars/Olympus_Mons' },
    { name: 'rejects a wrongly cased time zone', mutate: (cj) => { cj.spec!.timeZone = 'europe/berlin'; }, field: 'spec.timeZone', type: 'FieldValueInvalid' },
    { name: 'rejects the Local time zone', mutate: (cj) => { cj.spec!.timeZone = 'Local'; }, field: 'spec.timeZone', type: 'FieldValueInvalid', detail: /explicit time zone/ },
    { name: 'rejects an empty time zone', mutate: (cj) => { cj.spec!.timeZone = ''; }, field: 'spec.timeZone', type: 'FieldValueInvalid' },
    { name: 'rejects a negative startingDeadlineSeconds', mutate: (cj) => { cj.spec!.startingDeadlineSeconds = -1; }, field: 'spec.startingDeadlineSeconds', type: 'FieldValueInvalid' },
    { name: 'rejects an unknown concurrencyPolicy', mutate: (cj) => { cj.spec!.concurrencyPolicy = 'Sometimes'; }, field: 'spec.concurrencyPolicy', type: 'FieldValueNotSupported' },
    { name: 'forbids a selector in the job template', mutate: (cj) => { cj.spec!.jobTemplate.spec!.selector = { matchLabels: { app: 'backup' } }; }, field: 'spec.jobTemplate.spec.selector', type: 'FieldValueInvalid', detail: '`selector` will be auto-generated' },
    { name: 'forbids manualSelector in the job template', mutate: (cj) => { cj.spec!.jobTemplate.spec!.manualSelector = true; }, field: 'spec.jobTemplate.spec.manualSelector', type: 'FieldValueNotSupported' },
    { name: 'validates the job template', mutate: (cj) => { cj.spec!.jobTemplate.spec!.template.spec!.restartPolicy = 'Always'; }, field: 'spec.jobTemplate.spec.template.spec.restartPolicy', type: 'FieldValueNotSupported' },
    { name: 'requires a job template spec', mutate: (cj) => { delete cj.spec!.jobTemplate.spec; }, field: 'spec.jobTemplate.spec', type: 'FieldValueRequired' },
    { name: 'rejects a negative successfulJobsHistoryLimit', mutate: (cj) => { cj.spec!.successfulJobsHistoryLimit = -1; }, field: 'spec.successfulJobsHistoryLimit', type: 'FieldValueInvalid' },
    { name: 'rejects a negative failedJobsHistoryLimit', mutate: (cj) => { cj.spec!.failedJobsHistoryLimit = -1; }, field: 'spec.failedJobsHistoryLimit', type: 'FieldValueInvalid' },
  ]);

  it('accepts descriptors and IANA zones', () => {
    for (const [schedule, timeZone] of [['@hourly', 'Europe/Berlin'], ['0 3 * * sun', 'UTC'], ['@every 90m', 'America/New_York']]) {
      const cj = cronJob();
      cj.spec!.schedule = schedule;
      cj.spec!.timeZone = timeZone;
      assertNoErrors(validateCronJob(cj), `CronJob ${schedule} in ${timeZone}`);
    }
  });
});
