// How fast the HPA moves: the downscale stabilization window, kube's max(2×, 4) rule for HPAs without behavior, and
// spec.behavior's policies (rates per period, selectPolicy, stabilization windows), as horizontal.go computes them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HorizontalPodAutoscalerBehavior } from 'kubernetes-types/autoscaling/v2.d.ts';
import { defaultHorizontalPodAutoscaler } from '../../../apiserver/api/defaults/autoscaling.ts';
import type { HorizontalPodAutoscaler } from '../../../apiserver/api/types.ts';
import {
  calculateScaleDownLimitWithBehaviors, calculateScaleUpLimitWithScalingRules, convertDesiredReplicasWithRules, emptyHistory,
  normalizeDesiredReplicas, normalizeDesiredReplicasWithBehaviors, recordInitialRecommendation, stabilizeRecommendation,
  storeScaleEvent, type AutoscalerHistory,
} from '../../../controllers/horizontal-pod-autoscaler-behavior.ts';

const t0 = Date.parse('2025-03-01T12:00:00Z');
const fiveMinutes = 5 * 60_000;
const withRecs = (...recs: [number, number][]): AutoscalerHistory =>
  ({ ...emptyHistory(), recommendations: recs.map(([replicas, atMs]) => ({ replicas, atMs })) });

/** The behavior the apiserver fills in for `behavior: {}` (kube's defaults). */
function defaultedBehavior(given: HorizontalPodAutoscalerBehavior = {}): HorizontalPodAutoscalerBehavior {
  const hpa: HorizontalPodAutoscaler = { spec: { maxReplicas: 10, scaleTargetRef: { kind: 'Deployment', name: 'web' }, behavior: given } };
  defaultHorizontalPodAutoscaler(hpa);
  return hpa.spec!.behavior!;
}

describe('HPA stabilization without behavior (kube stabilizeRecommendation)', () => {
  it('records the current count at first sight only', () => {
    const h = recordInitialRecommendation(emptyHistory(), 3, t0);
    assert.deepEqual(h.recommendations, [{ replicas: 3, atMs: t0 }]);
    assert.equal(recordInitialRecommendation(h, 7, t0 + 1000), h);
  });

  it('scales down only to the highest recommendation of the window, replacing one sample older than it', () => {
    let h = withRecs([7, t0 - 6 * 60_000], [4, t0 - 45_000], [3, t0 - 30_000]);
    const a = stabilizeRecommendation(h, 2, fiveMinutes, t0);
    assert.equal(a.replicas, 4);
    assert.deepEqual(a.history.recommendations.map((r) => r.replicas), [2, 4, 3], 'the old 7 gave its slot to the new 2');
    h = withRecs([7, t0 - 2 * 60_000], [8, t0 - 3 * 60_000]);
    assert.equal(stabilizeRecommendation(h, 3, 60_000, t0).replicas, 3, 'both outside a one minute window');
  });

  it('a scale-up is never held back by the window', () => {
    assert.equal(stabilizeRecommendation(withRecs([2, t0 - 10_000]), 6, fiveMinutes, t0).replicas, 6);
  });
});

describe('HPA limits without behavior (kube convertDesiredReplicasWithRules)', () => {
  it('grows at most to max(2 × current, 4) per sync', () => {
    assert.deepEqual(convertDesiredReplicasWithRules(1, 10, 1, 10), { replicas: 4, reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' });
    assert.deepEqual(convertDesiredReplicasWithRules(3, 100, 1, 10), { replicas: 6, reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' });
    assert.deepEqual(convertDesiredReplicasWithRules(6, 100, 1, 10), { replicas: 10, reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' });
  });
  it('never below minReplicas, and in range as asked', () => {
    assert.deepEqual(convertDesiredReplicasWithRules(5, 1, 2, 10), { replicas: 2, reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' });
    assert.deepEqual(convertDesiredReplicasWithRules(5, 7, 2, 10), { replicas: 7, reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' });
  });
  it('normalizeDesiredReplicas reports ScaleDownStabilized while the window holds, ReadyForNewScale otherwise', () => {
    const args = { currentReplicas: 4, desiredReplicas: 2, minReplicas: 1, maxReplicas: 10, downscaleStabilizationMs: fiveMinutes };
    const held = normalizeDesiredReplicas(withRecs([4, t0 - 60_000]), { ...args, nowMs: t0 });
    assert.equal(held.replicas, 4);
    assert.equal(held.ableToScale.reason, 'ScaleDownStabilized');
    assert.equal(held.ableToScale.message, 'recent recommendations were higher than current one, applying the highest recent recommendation');
    assert.deepEqual(held.limited, { status: 'False', reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' });
    const later = normalizeDesiredReplicas(held.history, { ...args, nowMs: t0 + fiveMinutes });
    assert.equal(later.replicas, 2);
    assert.deepEqual(later.ableToScale, { reason: 'ReadyForNewScale', message: 'recommended size matches current size' });
    const limited = normalizeDesiredReplicas(emptyHistory(), { ...args, currentReplicas: 1, desiredReplicas: 9, nowMs: t0 });
    assert.deepEqual([limited.replicas, limited.limited.status, limited.limited.reason], [4, 'True', 'ScaleUpLimit']);
  });
});

describe('HPA behavior policies (kube calculateScale{Up,Down}Limit...)', () => {
  it('TestCalculateScaleUpLimitWithScalingRules: Min of 2 pods and 50% from 1 is 2', () => {
    assert.equal(calculateScaleUpLimitWithScalingRules(1, [], [], {
      stabilizationWindowSeconds: 300, selectPolicy: 'Min',
      policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }, { type: 'Percent', value: 50, periodSeconds: 60 }],
    }, t0), 2);
  });
  it('TestCalculateScaleDownLimitWithBehaviors: Min of 2 pods and 50% from 5 is 3', () => {
    assert.equal(calculateScaleDownLimitWithBehaviors(5, [], [], {
      stabilizationWindowSeconds: 300, selectPolicy: 'Min',
      policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }, { type: 'Percent', value: 50, periodSeconds: 60 }],
    }, t0), 3);
  });
  it('Max picks the biggest change, Disabled none; a period counts the changes made within it', () => {
    const up = defaultedBehavior().scaleUp!;
    assert.equal(calculateScaleUpLimitWithScalingRules(1, [], [], up, t0), 5, 'max(1 + 4 pods, 1 + 100%)');
    assert.equal(calculateScaleUpLimitWithScalingRules(10, [], [], up, t0), 20, 'max(10 + 4, 10 + 100%)');
    const events = [{ change: 4, atMs: t0 - 5_000, outdated: false }];
    assert.equal(calculateScaleUpLimitWithScalingRules(5, events, [], up, t0), 5, 'the period started at 1 replica');
    assert.equal(calculateScaleUpLimitWithScalingRules(5, events, [], up, t0 + 11_000), 10, 'that event left the 15 s period');
    assert.equal(calculateScaleUpLimitWithScalingRules(5, [], [], { ...up, selectPolicy: 'Disabled' }, t0), 5);
    assert.equal(calculateScaleDownLimitWithBehaviors(8, [], [], { selectPolicy: 'Disabled', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] }, t0), 8);
    assert.equal(calculateScaleDownLimitWithBehaviors(8, [], [], defaultedBehavior().scaleDown!, t0), 0, '100% may go all the way');
  });
});

describe('HPA normalization with behavior (kube normalizeDesiredReplicasWithBehaviors)', () => {
  const base = { minReplicas: 1, maxReplicas: 100, downscaleStabilizationMs: fiveMinutes };

  it('the default behavior grows by max(4 pods, 100%) per 15 s', () => {
    const behavior = defaultedBehavior();
    let h = recordInitialRecommendation(emptyHistory(), 1, t0);
    const first = normalizeDesiredReplicasWithBehaviors(h, behavior, { ...base, currentReplicas: 1, desiredReplicas: 50, nowMs: t0 });
    assert.equal(first.replicas, 5);
    assert.deepEqual(first.limited, { status: 'True', reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' });
    h = storeScaleEvent(first.history, behavior, 1, 5, t0);
    const soon = normalizeDesiredReplicasWithBehaviors(h, behavior, { ...base, currentReplicas: 5, desiredReplicas: 50, nowMs: t0 + 5_000 });
    assert.equal(soon.replicas, 5, 'the 15 s period already used its budget');
    h = storeScaleEvent(soon.history, behavior, 5, 5, t0 + 5_000);
    const later = normalizeDesiredReplicasWithBehaviors(h, behavior, { ...base, currentReplicas: 5, desiredReplicas: 50, nowMs: t0 + 16_000 });
    assert.equal(later.replicas, 10);
  });

  it('a scale-down waits out the window the flag gives a scaleDown without one', () => {
    const behavior = defaultedBehavior();
    assert.equal(behavior.scaleDown?.stabilizationWindowSeconds, undefined, 'left to the controller');
    const h = withRecs([10, t0 - 60_000]);
    const held = normalizeDesiredReplicasWithBehaviors(h, behavior, { ...base, currentReplicas: 10, desiredReplicas: 2, nowMs: t0 });
    assert.equal(held.replicas, 10);
    assert.deepEqual(held.ableToScale, { reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' });
    const after = normalizeDesiredReplicasWithBehaviors(held.history, behavior, { ...base, currentReplicas: 10, desiredReplicas: 2, nowMs: t0 + fiveMinutes });
    assert.equal(after.replicas, 2, '100% per 15 s lets it go at once');
    const short = normalizeDesiredReplicasWithBehaviors(h, behavior, { ...base, downscaleStabilizationMs: 30_000, currentReplicas: 10, desiredReplicas: 2, nowMs: t0 });
    assert.equal(short.replicas, 2, 'a 30 s flag');
  });

  it('custom scale-down: 50% per minute, no window; the period remembers the last step', () => {
    const behavior = defaultedBehavior({ scaleDown: { stabilizationWindowSeconds: 0, policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] } });
    const first = normalizeDesiredReplicasWithBehaviors(emptyHistory(), behavior, { ...base, currentReplicas: 10, desiredReplicas: 1, nowMs: t0 });
    assert.deepEqual([first.replicas, first.limited.reason], [5, 'ScaleDownLimit']);
    const h = storeScaleEvent(first.history, behavior, 10, 5, t0);
    const again = normalizeDesiredReplicasWithBehaviors(h, behavior, { ...base, currentReplicas: 5, desiredReplicas: 1, nowMs: t0 + 30_000 });
    assert.equal(again.replicas, 5, 'the minute started at 10: 50% of it is spent');
    const next = normalizeDesiredReplicasWithBehaviors(h, behavior, { ...base, currentReplicas: 5, desiredReplicas: 1, nowMs: t0 + 61_000 });
    assert.equal(next.replicas, 2, 'trunc(5 × 50%)');
  });

  it('scale-up stabilization takes the lowest recommendation of its window', () => {
    const behavior = defaultedBehavior({ scaleUp: { stabilizationWindowSeconds: 60 } });
    const out = normalizeDesiredReplicasWithBehaviors(withRecs([3, t0 - 10_000]), behavior, { ...base, currentReplicas: 2, desiredReplicas: 5, nowMs: t0 });
    assert.equal(out.replicas, 3);
    assert.deepEqual(out.ableToScale, { reason: 'ScaleUpStabilized', message: 'recent recommendations were lower than current one, applying the lowest recent recommendation' });
  });

  it('selectPolicy Min takes the smaller change; Disabled holds scale-up', () => {
    const min = defaultedBehavior({ scaleUp: { selectPolicy: 'Min' } });
    assert.equal(normalizeDesiredReplicasWithBehaviors(emptyHistory(), min, { ...base, currentReplicas: 10, desiredReplicas: 50, nowMs: t0 }).replicas, 14);
    const off = defaultedBehavior({ scaleUp: { selectPolicy: 'Disabled' } });
    const held = normalizeDesiredReplicasWithBehaviors(emptyHistory(), off, { ...base, currentReplicas: 10, desiredReplicas: 50, nowMs: t0 });
    assert.deepEqual([held.replicas, held.limited.status, held.limited.reason], [10, 'True', 'ScaleUpLimit']);
  });

  it('the bounds: TooManyReplicas and TooFewReplicas', () => {
    const behavior = defaultedBehavior();
    const many = normalizeDesiredReplicasWithBehaviors(emptyHistory(), behavior, { ...base, maxReplicas: 6, currentReplicas: 5, desiredReplicas: 9, nowMs: t0 });
    assert.deepEqual([many.replicas, many.limited.reason], [6, 'TooManyReplicas']);
    const few = normalizeDesiredReplicasWithBehaviors(emptyHistory(), defaultedBehavior({ scaleDown: { stabilizationWindowSeconds: 0 } }),
      { ...base, minReplicas: 3, currentReplicas: 5, desiredReplicas: 1, nowMs: t0 });
    assert.deepEqual([few.replicas, few.limited.reason], [3, 'TooFewReplicas']);
  });
});

describe('HPA scale events (kube storeScaleEvent)', () => {
  it('keeps none without behavior; reuses the slot of an event older than every period', () => {
    assert.deepEqual(storeScaleEvent(emptyHistory(), undefined, 1, 4, t0), emptyHistory());
    const behavior = defaultedBehavior();
    let h = storeScaleEvent(emptyHistory(), behavior, 1, 5, t0);
    h = storeScaleEvent(h, behavior, 5, 9, t0 + 5_000);
    assert.deepEqual(h.scaleUpEvents.map((e) => e.change), [4, 4]);
    h = storeScaleEvent(h, behavior, 9, 12, t0 + 19_000);
    assert.deepEqual(h.scaleUpEvents.map((e) => [e.change, e.outdated]), [[3, false], [4, false]], 'the first (20 s old) was outdated and replaced');
    h = storeScaleEvent(h, behavior, 12, 2, t0 + 20_000);
    assert.deepEqual(h.scaleDownEvents.map((e) => e.change), [10]);
  });
});
