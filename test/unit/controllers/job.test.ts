// The Job controller's pure decisions: how many pods to run or delete, the failure back-off, the deadline,
// completion, and the TTL after finishing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Job, Pod } from '../../../apiserver/api/types.ts';
import {
  backoffDelayMs, planJob, rankForDeletion, ttlExpiryMs, wantedActive, type JobCounts,
} from '../../../controllers/job-plan.ts';

const t0 = Date.parse('2026-01-01T00:00:00Z');
const job = (spec: Partial<NonNullable<Job['spec']>>, status: Job['status'] = {}): Job =>
  ({ metadata: { name: 'j' }, spec: { template: { spec: { containers: [], restartPolicy: 'Never' } }, ...spec }, status });
const pod = (name: string, extra: Partial<Pod> = {}): Pod =>
  ({ metadata: { name, creationTimestamp: '2026-01-01T00:00:00Z' }, status: { phase: 'Pending' }, ...extra });
const counts = (c: Partial<JobCounts>): JobCounts =>
  ({ succeeded: 0, failed: 0, restarts: 0, active: [], consecutiveFailures: 0, ...c });

describe('job plan', () => {
  it('backs off 10 s, 20 s, 40 s ... capped at 6 minutes', () => {
    assert.equal(backoffDelayMs(0), 0);
    assert.equal(backoffDelayMs(1), 10_000);
    assert.equal(backoffDelayMs(2), 20_000);
    assert.equal(backoffDelayMs(3), 40_000);
    assert.equal(backoffDelayMs(6), 320_000);
    assert.equal(backoffDelayMs(7), 360_000);
    assert.equal(backoffDelayMs(1000), 360_000);
  });

  it('runs min(parallelism, remaining completions)', () => {
    assert.equal(wantedActive(job({ completions: 5, parallelism: 2 }), 0, 0), 2);
    assert.equal(wantedActive(job({ completions: 5, parallelism: 2 }), 4, 0), 1);
    assert.equal(wantedActive(job({ completions: 5, parallelism: 2 }), 5, 0), 0);
    // Work-queue Jobs (no completions): none started once one succeeded.
    assert.equal(wantedActive(job({ parallelism: 3 }), 0, 0), 3);
    assert.equal(wantedActive(job({ parallelism: 3 }), 1, 2), 2);
  });

  it('creates the missing pods and deletes the excess, least useful first', () => {
    const p = planJob(job({ completions: 4, parallelism: 3 }), counts({ active: [pod('a')] }), t0);
    assert.deepEqual(p, { kind: 'run', create: 2, deletePods: [], requeueAfterMs: undefined });
    const ready = pod('ready', { spec: { containers: [], nodeName: 'n' }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } });
    const pending = pod('pending');
    const ranked = rankForDeletion([ready, pending]);
    const q = planJob(job({ completions: 4, parallelism: 1 }), counts({ active: ranked }), t0);
    assert.equal(q.kind, 'run');
    assert.deepEqual(q.deletePods.map((x) => x.metadata?.name), ['pending']);
  });

  it('waits out the back-off before replacing a failed pod', () => {
    const p = planJob(job({ completions: 1 }), counts({ failed: 1, consecutiveFailures: 1, lastFailureMs: t0 }), t0 + 4_000);
    assert.deepEqual(p, { kind: 'run', create: 0, deletePods: [], requeueAfterMs: 6_000 });
    const q = planJob(job({ completions: 1 }), counts({ failed: 1, consecutiveFailures: 1, lastFailureMs: t0 }), t0 + 10_000);
    assert.equal(q.kind === 'run' && q.create, 1);
  });

  it('fails once failures exceed backoffLimit, counting OnFailure restarts', () => {
    assert.equal(planJob(job({ backoffLimit: 2 }), counts({ failed: 2 }), t0).kind, 'run');
    const p = planJob(job({ backoffLimit: 2 }), counts({ failed: 3, active: [pod('a')] }), t0);
    assert.equal(p.kind, 'fail');
    assert.equal(p.kind === 'fail' && p.reason, 'BackoffLimitExceeded');
    assert.equal(p.deletePods.length, 1);
    const onFailure = job({ backoffLimit: 2, template: { spec: { containers: [], restartPolicy: 'OnFailure' } } });
    assert.equal(planJob(onFailure, counts({ restarts: 3, active: [pod('a')] }), t0).kind, 'fail');
    assert.equal(planJob(job({ backoffLimit: 2 }), counts({ restarts: 3, active: [pod('a')] }), t0).kind, 'run');
  });

  it('fails at activeDeadlineSeconds and requeues for it before', () => {
    const j = job({ completions: 1, activeDeadlineSeconds: 30 }, { startTime: '2026-01-01T00:00:00Z' });
    const before = planJob(j, counts({ active: [pod('a')] }), t0 + 10_000);
    assert.deepEqual(before, { kind: 'run', create: 0, deletePods: [], requeueAfterMs: 20_000 });
    const at = planJob(j, counts({ active: [pod('a')] }), t0 + 30_000);
    assert.equal(at.kind === 'fail' && at.reason, 'DeadlineExceeded');
  });

  it('completes at completions, or when a work-queue Job has a success and nothing running', () => {
    assert.equal(planJob(job({ completions: 2 }), counts({ succeeded: 2 }), t0).kind, 'complete');
    assert.equal(planJob(job({ parallelism: 2 }), counts({ succeeded: 1, active: [pod('a')] }), t0).kind, 'run');
    assert.equal(planJob(job({ parallelism: 2 }), counts({ succeeded: 1 }), t0).kind, 'complete');
  });

  it('keeps a decided FailureTarget until the pods are gone', () => {
    const j = job({ completions: 1 }, { conditions: [{ type: 'FailureTarget', status: 'True', reason: 'DeadlineExceeded', message: 'm' }] });
    const p = planJob(j, counts({ succeeded: 1 }), t0);
    assert.equal(p.kind === 'fail' && p.reason, 'DeadlineExceeded');
  });

  it('suspended: deletes active pods and starts none', () => {
    const p = planJob(job({ completions: 2, suspend: true }), counts({ active: [pod('a')] }), t0);
    assert.deepEqual(p.deletePods.map((x) => x.metadata?.name), ['a']);
    assert.equal(p.kind === 'run' && p.create, 0);
  });

  it('expires finished Jobs ttlSecondsAfterFinished after completion', () => {
    assert.equal(ttlExpiryMs(job({ ttlSecondsAfterFinished: 60 }, { completionTime: '2026-01-01T00:00:00Z' })), t0 + 60_000);
    assert.equal(ttlExpiryMs(job({}, { completionTime: '2026-01-01T00:00:00Z' })), undefined);
    const failed = job({ ttlSecondsAfterFinished: 0 }, { conditions: [{ type: 'Failed', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] });
    assert.equal(ttlExpiryMs(failed), t0);
  });
});
