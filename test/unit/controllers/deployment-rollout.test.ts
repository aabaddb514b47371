// The deployment-controller's rollout arithmetic: fenceposts, rolling steps, Recreate and proportional scaling.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod, ReplicaSet } from '../../../apiserver/api/types.ts';
import {
  findNewReplicaSet, maxSurge, maxUnavailable, replicasOf, resolveFenceposts, scaledValue, sumReplicas,
  sumAvailableReplicas,
} from '../../../controllers/deployment-replicasets.ts';
import {
  findActiveOrLatest, isSaturated, isScalingEvent, newRSNewReplicas, oldPodsRunning, proportionalScale,
  recreateScaleDown, rollingScaleDown, rollingScaleUp, type ScaleStep,
} from '../../../controllers/deployment-rollout.ts';
import { deploy, rs } from './deployment-fixtures.ts';

const sizes = (steps: ScaleStep[]): Record<string, number> =>
  Object.fromEntries(steps.map((s) => [s.rs.metadata?.name ?? '', s.replicas]));

describe('fenceposts', () => {
  it('rounds maxSurge up and maxUnavailable down', () => {
    assert.deepEqual(resolveFenceposts('25%', '25%', 10), { surge: 3, unavailable: 2 });
    assert.deepEqual(resolveFenceposts('25%', '25%', 1), { surge: 1, unavailable: 0 });
    assert.deepEqual(resolveFenceposts('50%', '49%', 3), { surge: 2, unavailable: 1 });
    assert.deepEqual(resolveFenceposts(2, 3, 10), { surge: 2, unavailable: 3 });
  });

  it('turns both zero into maxUnavailable 1', () => {
    assert.deepEqual(resolveFenceposts(0, 0, 5), { surge: 0, unavailable: 1 });
    assert.deepEqual(resolveFenceposts('0%', '0%', 5), { surge: 0, unavailable: 1 });
    assert.deepEqual(resolveFenceposts('10%', '10%', 1), { surge: 1, unavailable: 0 });
  });

  it('scales percentages and reads plain counts', () => {
    assert.equal(scaledValue('33%', 10, true), 4);
    assert.equal(scaledValue('33%', 10, false), 3);
    assert.equal(scaledValue(7, 10, false), 7);
    assert.equal(scaledValue('7', 10, false), 7);
    assert.throws(() => scaledValue('x', 10, false), /invalid value for IntOrString/);
  });

  it('caps maxUnavailable at spec.replicas and is zero for Recreate', () => {
    assert.equal(maxUnavailable(deploy({ replicas: 3, maxUnavailable: 5 })), 3);
    assert.equal(maxUnavailable(deploy({ replicas: 0 })), 0);
    assert.equal(maxUnavailable(deploy({ type: 'Recreate' })), 0);
    assert.equal(maxSurge(deploy({ type: 'Recreate' })), 0);
    assert.equal(maxSurge(deploy({ replicas: 10 })), 3);
  });
});

describe('rolling update', () => {
  it('scales the new ReplicaSet up within maxSurge', () => {
    const d = deploy({ replicas: 10 });
    const old = rs('old', 10, { created: 1 });
    const fresh = rs('new', 0, { created: 2 });
    assert.equal(newRSNewReplicas(d, [old, fresh], fresh), 3);
    assert.equal(rollingScaleUp(d, [old, fresh], fresh), 3);
    // At the surge limit nothing more is added.
    const at = rs('new', 3, { created: 2, available: 0 });
    assert.equal(rollingScaleUp(d, [old, at], at), undefined);
    // Never past spec.replicas.
    const small = rs('old', 1, { created: 1 });
    const near = rs('new', 9, { created: 2 });
    assert.equal(newRSNewReplicas(d, [small, near], near), 10);
  });

  it('scales a new ReplicaSet above spec.replicas straight down', () => {
    const d = deploy({ replicas: 3 });
    const fresh = rs('new', 5);
    assert.equal(rollingScaleUp(d, [fresh], fresh), 3);
    assert.equal(rollingScaleUp(d, [rs('new', 3)], rs('new', 3)), undefined);
  });

  it('with maxSurge 0 waits for old replicas to go first', () => {
    const d = deploy({ replicas: 4, maxSurge: 0, maxUnavailable: 1 });
    const old = rs('old', 4, { created: 1 });
    const fresh = rs('new', 0, { created: 2 });
    assert.equal(rollingScaleUp(d, [old, fresh], fresh), undefined);
    assert.deepEqual(sizes(rollingScaleDown(d, [old], fresh)), { old: 3 });
  });

  it('scales old ReplicaSets down only as far as maxUnavailable allows', () => {
    const d = deploy({ replicas: 10 });
    const old = rs('old', 10, { created: 1 });
    // 3 new replicas not available yet: 13 - 8 - 3 = 2 may go.
    const fresh = rs('new', 3, { created: 2, available: 0 });
    assert.deepEqual(sizes(rollingScaleDown(d, [old], fresh)), { old: 8 });
    // Once two old ones are gone, nothing more may go until new replicas become available.
    assert.deepEqual(rollingScaleDown(d, [rs('old', 8, { created: 1 })], fresh), []);
    const ready = rs('new', 3, { created: 2, available: 3 });
    assert.deepEqual(sizes(rollingScaleDown(d, [rs('old', 8, { created: 1 })], ready)), { old: 5 });
  });

  it('scales unavailable old replicas down first, oldest ReplicaSet first', () => {
    const d = deploy({ replicas: 10, maxSurge: 0, maxUnavailable: 2 });
    const a = rs('a', 4, { created: 1, available: 1 });
    const b = rs('b', 6, { created: 2, available: 6 });
    const fresh = rs('new', 0, { created: 3 });
    // maxScaledDown = 10 - 8 - 0 = 2: both come from a's unavailable replicas; available 7 < 8 so no more.
    const steps = rollingScaleDown(d, [a, b], fresh);
    assert.deepEqual(steps.map((s) => [s.rs.metadata?.name, s.replicas]), [['a', 2]]);
  });

  it('after cleaning up, scales available replicas of the oldest set down', () => {
    const d = deploy({ replicas: 10, maxSurge: 0, maxUnavailable: 4 });
    const a = rs('a', 3, { created: 1, available: 2 });
    const b = rs('b', 7, { created: 2, available: 7 });
    const fresh = rs('new', 0, { created: 3 });
    // maxScaledDown = 10 - 6 = 4; one unavailable replica of a first; then 9 available - 6 = 3 more.
    const steps = rollingScaleDown(d, [a, b], fresh);
    assert.deepEqual(steps.map((s) => [s.rs.metadata?.name, s.replicas]), [['a', 2], ['a', 0], ['b', 6]]);
  });

  it('ignores old ReplicaSets already at zero', () => {
    const d = deploy({ replicas: 2 });
    assert.deepEqual(rollingScaleDown(d, [rs('old', 0)], rs('new', 2)), []);
  });

  for (const [replicas, surge, unavailable] of [[10, '25%', '25%'], [3, 0, 1], [5, 1, 0], [4, '50%', '50%'], [1, '25%', '25%'], [7, 3, 2]] as const) {
    it(`converges within its bounds: ${replicas} replicas, maxSurge ${surge}, maxUnavailable ${unavailable}`, () => {
      const d = deploy({ replicas, maxSurge: surge, maxUnavailable: unavailable });
      let old = rs('old', replicas, { created: 1 });
      let fresh = rs('new', 0, { created: 2 });
      const maxTotal = replicas + maxSurge(d);
      const minAvailable = replicas - maxUnavailable(d);
      // Every pod becomes available as soon as it is asked for.
      const settle = (r: ReplicaSet): ReplicaSet => rs(r.metadata?.name ?? '', replicasOf(r), { created: r.metadata?.name === 'old' ? 1 : 2 });
      for (let step = 0; step < 50; step++) {
        if (replicasOf(fresh) === replicas && replicasOf(old) === 0) break;
        const up = rollingScaleUp(d, [old, fresh], fresh);
        if (up !== undefined) fresh = rs('new', up, { created: 2, available: replicasOf(fresh) });
        else {
          const down = rollingScaleDown(d, [old], fresh);
          assert.ok(down.length > 0, `stuck at old=${replicasOf(old)} new=${replicasOf(fresh)}`);
          old = rs('old', down[down.length - 1].replicas, { created: 1 });
        }
        assert.ok(sumReplicas([old, fresh]) <= maxTotal, 'over maxSurge');
        assert.ok(sumAvailableReplicas([old, fresh]) >= Math.min(minAvailable, replicas), 'below minAvailable');
        fresh = settle(fresh);
      }
      assert.equal(replicasOf(fresh), replicas);
      assert.equal(replicasOf(old), 0);
    });
  }
});

describe('Recreate', () => {
  it('scales every active old ReplicaSet to zero', () => {
    assert.deepEqual(sizes(recreateScaleDown([rs('a', 2), rs('b', 0), rs('c', 1)])), { a: 0, c: 0 });
  });

  it('waits while old pods are counted or still running, ignoring finished ones and the new set', () => {
    const pod = (owner: string, phase: string, deleting = false): Pod => ({
      metadata: {
        name: `${owner}-p`, namespace: 'default',
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner, uid: `${owner}-uid`, controller: true }],
        deletionTimestamp: deleting ? new Date(0).toISOString() : undefined,
      },
      status: { phase },
    });
    const old = rs('old', 0, { actual: 0 });
    const fresh = rs('new', 3);
    assert.equal(oldPodsRunning(fresh, [rs('old', 0, { actual: 1 })], []), true);
    assert.equal(oldPodsRunning(fresh, [old], []), false);
    assert.equal(oldPodsRunning(fresh, [old], [pod('old', 'Running', true)]), true);
    assert.equal(oldPodsRunning(fresh, [old], [pod('old', 'Pending')]), true);
    assert.equal(oldPodsRunning(fresh, [old], [pod('old', 'Succeeded'), pod('old', 'Failed')]), false);
    assert.equal(oldPodsRunning(fresh, [old], [pod('new', 'Running')]), false);
    assert.equal(oldPodsRunning(undefined, [old], [pod('old', 'Unknown')]), true);
  });

  it('sizes a new ReplicaSet at spec.replicas at once', () => {
    const d = deploy({ type: 'Recreate', replicas: 4 });
    assert.equal(newRSNewReplicas(d, [rs('new', 0)], rs('new', 0)), 4);
  });
});

describe('proportional scaling', () => {
  // The documentation's example: 10 replicas, maxSurge 3, maxUnavailable 2, mid-rollout with 8 old and 5 new.
  const midRollout = (): ReplicaSet[] => [
    rs('old', 8, { created: 1, desired: 10, max: 13, revision: 1 }),
    rs('new', 5, { created: 2, desired: 10, max: 13, revision: 2, available: 0 }),
  ];

  it('is a scaling event when spec.replicas differs from what a ReplicaSet was sized for', () => {
    assert.equal(isScalingEvent(deploy({ replicas: 15 }), midRollout()), true);
    assert.equal(isScalingEvent(deploy({ replicas: 10 }), midRollout()), false);
    // Inactive ReplicaSets do not count.
    assert.equal(isScalingEvent(deploy({ replicas: 10 }), [rs('x', 0, { desired: 3 })]), false);
  });

  it('spreads new replicas over the ReplicaSets, the larger getting more', () => {
    const [old, fresh] = midRollout();
    const d = deploy({ replicas: 15, maxSurge: 3, maxUnavailable: 2 });
    const steps = proportionalScale(d, fresh, [old]);
    assert.deepEqual(sizes(steps), { old: 11, new: 7 });
    assert.ok(steps.every((s) => s.syncAnnotations));
  });

  it('takes replicas away proportionally, never below zero', () => {
    const d = deploy({ replicas: 10, maxSurge: 3, maxUnavailable: 2 });
    const old = rs('old', 11, { created: 1, desired: 15, max: 18 });
    const fresh = rs('new', 7, { created: 2, desired: 15, max: 18, available: 0 });
    assert.deepEqual(sizes(proportionalScale(d, fresh, [old])), { old: 8, new: 5 });
    const zero = deploy({ replicas: 0, maxSurge: 3, maxUnavailable: 2 });
    assert.deepEqual(sizes(proportionalScale(zero, fresh, [old])), { old: 0, new: 0 });
  });

  it('gives leftovers to the largest ReplicaSet, newer first among equals', () => {
    const d = deploy({ replicas: 5, maxSurge: 0, maxUnavailable: 1 });
    const a = rs('a', 2, { created: 1, desired: 4, max: 4 });
    const b = rs('b', 2, { created: 2, desired: 4, max: 4, available: 0 });
    // 4 -> 5: each fraction rounds 2*5/4=2.5 up to 3, but only one replica may be added; b (newer) gets it.
    assert.deepEqual(sizes(proportionalScale(d, b, [a])), { b: 3, a: 2 });
  });

  it('resizes a single active ReplicaSet, or the newest when none is active', () => {
    const d = deploy({ replicas: 6 });
    assert.deepEqual(sizes(proportionalScale(d, rs('new', 3), [rs('old', 0)])), { new: 6 });
    assert.deepEqual(proportionalScale(d, rs('new', 6), []), []);
    const older = rs('a', 0, { created: 1 });
    const newer = rs('b', 0, { created: 2 });
    assert.equal(findActiveOrLatest(undefined, [older, newer]), newer);
    assert.deepEqual(sizes(proportionalScale(d, undefined, [older, newer])), { b: 6 });
  });

  it('scales old ReplicaSets to zero when the new one is saturated', () => {
    const d = deploy({ replicas: 3 });
    const fresh = rs('new', 3, { desired: 3 });
    assert.equal(isSaturated(d, fresh), true);
    assert.equal(isSaturated(d, rs('new', 3, { desired: 3, available: 2 })), false);
    assert.deepEqual(sizes(proportionalScale(d, fresh, [rs('old', 1)])), { old: 0 });
  });

  it('leaves a Recreate rollout with several active ReplicaSets alone', () => {
    const d = deploy({ type: 'Recreate', replicas: 4 });
    assert.deepEqual(proportionalScale(d, rs('new', 2), [rs('old', 2)]), []);
  });
});

describe('the new ReplicaSet', () => {
  it('is the oldest one whose template matches, whatever its hash label', () => {
    const d = deploy({ image: 'busybox:old' });
    const match = rs('old', 1, { created: 5 });
    const other = rs('b', 1, { created: 1 });
    assert.equal(findNewReplicaSet(d, [other, match]), match);
    assert.equal(findNewReplicaSet(deploy({ image: 'nope' }), [other, match]), undefined);
  });
});
