// Defaults of Jobs and CronJobs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultCronJob, defaultJob } from '../../../apiserver/api/defaults/batch.ts';
import type { CronJob, Job } from '../../../apiserver/api/types.ts';
import { assertIdempotent } from './defaults-helpers.ts';

const minimalJob = (): Job => ({
  metadata: { name: 'pi' },
  spec: { template: { metadata: { labels: { app: 'pi' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl' }] } } },
});

describe('Job defaults', () => {
  it('runs one pod to completion by default', () => {
    const job = minimalJob();
    defaultJob(job);
    const spec = job.spec!;
    assert.equal(spec.completions, 1);
    assert.equal(spec.parallelism, 1);
    assert.equal(spec.backoffLimit, 6);
    assert.equal(spec.completionMode, 'NonIndexed');
    assert.equal(spec.suspend, false);
    assert.equal(spec.podReplacementPolicy, 'TerminatingOrFailed');
    assert.equal(spec.template.spec!.dnsPolicy, 'ClusterFirst');
    assert.deepEqual(job.metadata!.labels, { app: 'pi' });
  });

  it('leaves completions unset for a work queue', () => {
    const job = minimalJob();
    job.spec!.parallelism = 5;
    defaultJob(job);
    assert.equal(job.spec!.completions, undefined);
    assert.equal(job.spec!.parallelism, 5);
  });

  it('defaults parallelism alone when completions are set', () => {
    const job = minimalJob();
    job.spec!.completions = 8;
    defaultJob(job);
    assert.equal(job.spec!.parallelism, 1);
    assert.equal(job.spec!.completions, 8);
  });

  it('waits for pods to fail fully under a pod failure policy', () => {
    const job = minimalJob();
    job.spec!.podFailurePolicy = { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: '' }] }] };
    defaultJob(job);
    assert.equal(job.spec!.podReplacementPolicy, 'Failed');
    assert.equal(job.spec!.podFailurePolicy!.rules[0].onPodConditions![0].status, 'True');
  });

  it('lifts the global backoff limit under per-index limits', () => {
    const job = minimalJob();
    job.spec!.backoffLimitPerIndex = 2;
    defaultJob(job);
    assert.equal(job.spec!.backoffLimit, 2147483647);
  });

  it('keeps existing labels', () => {
    const job = minimalJob();
    job.metadata!.labels = { team: 'x' };
    defaultJob(job);
    assert.deepEqual(job.metadata!.labels, { team: 'x' });
  });

  it('is idempotent', () => assertIdempotent(defaultJob, minimalJob()));
});

describe('CronJob defaults', () => {
  const minimal = (): CronJob => ({
    metadata: { name: 'nightly' },
    spec: { schedule: '@daily', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] } } } } },
  });

  it('fills policy, suspend and history limits, and the pod template', () => {
    const cj = minimal();
    defaultCronJob(cj);
    const spec = cj.spec!;
    assert.equal(spec.concurrencyPolicy, 'Allow');
    assert.equal(spec.suspend, false);
    assert.equal(spec.successfulJobsHistoryLimit, 3);
    assert.equal(spec.failedJobsHistoryLimit, 1);
    assert.equal(spec.jobTemplate.spec!.template.spec!.dnsPolicy, 'ClusterFirst');
    // The Job's own defaults are applied when the controller creates it.
    assert.equal(spec.jobTemplate.spec!.backoffLimit, undefined);
  });

  it('is idempotent', () => assertIdempotent(defaultCronJob, minimal()));
});
