// Deployment status and conditions: what `kubectl rollout status` and `kubectl get deploy` read.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  calculateStatus, deploymentComplete, getCondition, newCondition, pausedConditionStatus, rolloutStatus, setCondition,
  stuckRequeueAfterMs, type DeploymentCondition,
} from '../../../controllers/deployment-status.ts';
import { deploy, rs } from './deployment-fixtures.ts';

const t0 = Date.parse('2026-01-01T00:00:00Z');
const at = (s: number): string => new Date(t0 + s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const progressing = (reason: string, status = 'True', updatedS = 0): DeploymentCondition => ({
  type: 'Progressing', status, reason, message: 'm', lastUpdateTime: at(updatedS), lastTransitionTime: at(0),
});

describe('calculateStatus', () => {
  it('sums replica counts over the ReplicaSets', () => {
    const d = deploy({ replicas: 4, generation: 3 });
    const status = calculateStatus(d, [rs('old', 2, { available: 1, ready: 2 }), rs('new', 3, { actual: 2, available: 1, ready: 1 })], rs('new', 3, { actual: 2, available: 1, ready: 1 }), t0);
    assert.equal(status.observedGeneration, 3);
    assert.equal(status.replicas, 4);
    assert.equal(status.updatedReplicas, 2);
    assert.equal(status.readyReplicas, 3);
    assert.equal(status.availableReplicas, 2);
    // Asked for (5) minus available (2).
    assert.equal(status.unavailableReplicas, 3);
  });

  it('is Available while no more than maxUnavailable replicas are missing', () => {
    const d = deploy({ replicas: 4, maxUnavailable: 1 });
    const ok = calculateStatus(d, [rs('a', 4, { available: 3 })], undefined, t0);
    assert.deepEqual(getCondition(ok, 'Available'), {
      type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.',
      lastUpdateTime: at(0), lastTransitionTime: at(0),
    });
    const bad = calculateStatus(d, [rs('a', 4, { available: 2 })], undefined, t0);
    assert.equal(getCondition(bad, 'Available')?.status, 'False');
    assert.equal(getCondition(bad, 'Available')?.reason, 'MinimumReplicasUnavailable');
    assert.equal(getCondition(bad, 'Available')?.message, 'Deployment does not have minimum availability.');
  });
});

describe('conditions', () => {
  it('keeps a condition with the same status and reason, and its transition time when only the reason changes', () => {
    const status = { conditions: [progressing('ReplicaSetUpdated')] };
    setCondition(status, newCondition('Progressing', 'True', 'ReplicaSetUpdated', 'other', t0 + 50_000));
    assert.equal(status.conditions[0].message, 'm');
    setCondition(status, newCondition('Progressing', 'True', 'NewReplicaSetAvailable', 'done', t0 + 60_000));
    assert.equal(status.conditions.length, 1);
    assert.equal(status.conditions[0].reason, 'NewReplicaSetAvailable');
    assert.equal(status.conditions[0].lastTransitionTime, at(0));
    assert.equal(status.conditions[0].lastUpdateTime, at(60));
  });
});

describe('rolloutStatus', () => {
  it('reports a finished rollout as NewReplicaSetAvailable', () => {
    const d = deploy({ replicas: 2, status: { conditions: [progressing('ReplicaSetUpdated')] } });
    const fresh = rs('web-abc', 2);
    const status = rolloutStatus(d, [fresh], fresh, t0 + 5000);
    assert.equal(deploymentComplete(d, status), true);
    const cond = getCondition(status, 'Progressing');
    assert.equal(cond?.reason, 'NewReplicaSetAvailable');
    assert.equal(cond?.message, 'ReplicaSet "web-abc" has successfully progressed.');
    assert.equal(cond?.lastTransitionTime, at(0));
  });

  it('moves lastUpdateTime on progress, keeping the reason', () => {
    const d = deploy({ replicas: 3, status: { replicas: 1, updatedReplicas: 1, conditions: [progressing('ReplicaSetUpdated')] } });
    const fresh = rs('web-abc', 2, { available: 0 });
    const status = rolloutStatus(d, [fresh], fresh, t0 + 30_000);
    const cond = getCondition(status, 'Progressing');
    assert.equal(cond?.reason, 'ReplicaSetUpdated');
    assert.equal(cond?.message, 'ReplicaSet "web-abc" is progressing.');
    assert.equal(cond?.lastUpdateTime, at(30));
    assert.equal(cond?.lastTransitionTime, at(0));
  });

  it('times out after progressDeadlineSeconds without progress', () => {
    const before = { replicas: 2, updatedReplicas: 2, availableReplicas: 0, readyReplicas: 0 };
    const d = deploy({ replicas: 2, progressDeadlineSeconds: 60, status: { ...before, conditions: [progressing('NewReplicaSetCreated')] } });
    const fresh = rs('web-abc', 2, { available: 0, ready: 0 });
    assert.equal(getCondition(rolloutStatus(d, [fresh], fresh, t0 + 60_000), 'Progressing')?.reason, 'NewReplicaSetCreated');
    const late = getCondition(rolloutStatus(d, [fresh], fresh, t0 + 61_000), 'Progressing');
    assert.equal(late?.status, 'False');
    assert.equal(late?.reason, 'ProgressDeadlineExceeded');
    assert.equal(late?.message, 'ReplicaSet "web-abc" has timed out progressing.');
  });

  it('does not look at progress again once the rollout is complete', () => {
    const d = deploy({ replicas: 2, status: { replicas: 2, updatedReplicas: 2, conditions: [progressing('NewReplicaSetAvailable')] } });
    const fresh = rs('web-abc', 2, { available: 1 });
    assert.equal(getCondition(rolloutStatus(d, [fresh], fresh, t0 + 999_000), 'Progressing')?.reason, 'NewReplicaSetAvailable');
  });

  it('drops Progressing without a deadline and carries a ReplicaSet failure up', () => {
    const d = deploy({ replicas: 1, progressDeadlineSeconds: 2147483647, status: { conditions: [progressing('ReplicaSetUpdated')] } });
    const fresh = rs('web-abc', 1, { available: 0, actual: 0 });
    (fresh.status as { conditions?: unknown[] }).conditions = [{
      type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'quota', lastTransitionTime: at(3),
    }];
    const status = rolloutStatus(d, [fresh], fresh, t0);
    assert.equal(getCondition(status, 'Progressing'), undefined);
    assert.deepEqual(getCondition(status, 'ReplicaFailure'), {
      type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'quota', lastTransitionTime: at(3), lastUpdateTime: at(3),
    });
  });
});

describe('requeue for the deadline', () => {
  it('looks again a second after the deadline would pass, or at once when it has', () => {
    const d = deploy({ replicas: 2, progressDeadlineSeconds: 60, status: { conditions: [progressing('ReplicaSetUpdated', 'True', 10)] } });
    const status = { replicas: 2, updatedReplicas: 2, availableReplicas: 0 };
    assert.equal(stuckRequeueAfterMs(d, status, t0 + 20_000), 51_000);
    assert.equal(stuckRequeueAfterMs(d, status, t0 + 69_500), 0);
    assert.equal(stuckRequeueAfterMs(d, { ...status, availableReplicas: 2, observedGeneration: 1 }, t0), undefined);
    const timedOut = deploy({ status: { conditions: [progressing('ProgressDeadlineExceeded', 'False')] } });
    assert.equal(stuckRequeueAfterMs(timedOut, status, t0), undefined);
  });
});

describe('paused', () => {
  it('marks Progressing Unknown while paused and resumed after', () => {
    const d = deploy({ status: { conditions: [progressing('ReplicaSetUpdated')] } });
    d.spec!.paused = true;
    const paused = pausedConditionStatus(d, t0 + 1000);
    assert.equal(getCondition(paused, 'Progressing')?.status, 'Unknown');
    assert.equal(getCondition(paused, 'Progressing')?.reason, 'DeploymentPaused');
    assert.equal(getCondition(paused, 'Progressing')?.message, 'Deployment is paused');
    assert.equal(pausedConditionStatus({ ...d, status: paused }, t0 + 2000), undefined);
    const resumed = pausedConditionStatus({ ...d, spec: { ...d.spec!, paused: false }, status: paused }, t0 + 3000);
    assert.equal(getCondition(resumed, 'Progressing')?.reason, 'DeploymentResumed');
    assert.equal(getCondition(resumed, 'Progressing')?.lastUpdateTime, at(3));
    // A timed-out rollout stays timed out.
    const timedOut = deploy({ status: { conditions: [progressing('ProgressDeadlineExceeded', 'False')] } });
    timedOut.spec!.paused = true;
    assert.equal(pausedConditionStatus(timedOut, t0), undefined);
  });
});
