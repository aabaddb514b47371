// How fast an HPA may move (kube's normalizeDesiredReplicas and normalizeDesiredReplicasWithBehaviors): the raw
// recommendation from the metrics is stabilized against the recent ones (scale down only to the highest
// recommendation of the stabilization window, 5 minutes by default, so a short dip does not shed pods), then limited
// by the scaling rate and clamped to [minReplicas, maxReplicas]. Without spec.behavior kube keeps its older rule: up
// to max(2 × current, 4) per sync. With spec.behavior the policies decide: each limits the change within its period,
// counting the scale events of that period, and selectPolicy picks the most (Max), least (Min) or none (Disabled).
// Pure: the history of recommendations and scale events is passed in and handed back, the clock is an argument.
// Like kube, the controller keeps the history in memory only: after a restart the window starts again.
import type { HPAScalingRules, HorizontalPodAutoscalerBehavior } from 'kubernetes-types/autoscaling/v2.d.ts';

export interface Recommendation {
  replicas: number;
  atMs: number;
}

export interface ScaleEvent {
  /** Replicas added (or removed), always positive. */
  change: number;
  atMs: number;
  /** Older than every policy period: its slot may be reused. */
  outdated: boolean;
}

/** What one HPA remembers between syncs. */
export interface AutoscalerHistory {
  recommendations: Recommendation[];
  scaleUpEvents: ScaleEvent[];
  scaleDownEvents: ScaleEvent[];
}

export const emptyHistory = (): AutoscalerHistory => ({ recommendations: [], scaleUpEvents: [], scaleDownEvents: [] });

/** A condition the normalization reports: AbleToScale's reason, or ScalingLimited's. */
export interface Verdict {
  reason: string;
  message: string;
}

export interface Normalized {
  replicas: number;
  /** AbleToScale (True) with this reason and message. */
  ableToScale: Verdict;
  /** ScalingLimited, True when the rate or the bounds held the count back. */
  limited: Verdict & { status: 'True' | 'False' };
  history: AutoscalerHistory;
}

/** kube's scaleUpLimitFactor and scaleUpLimitMinimum, for HPAs without spec.behavior. */
const scaleUpLimitFactor = 2;
const scaleUpLimitMinimum = 4;

/** The first sight of an HPA records the current count, so a restarted controller does not scale down at once. */
export function recordInitialRecommendation(history: AutoscalerHistory, currentReplicas: number, nowMs: number): AutoscalerHistory {
  if (history.recommendations.length > 0) return history;
  return { ...history, recommendations: [{ replicas: currentReplicas, atMs: nowMs }] };
}

/** Replaces the (last) sample older than the window with `rec`, or appends it: the list stays as long as the window. */
function remember(recs: readonly Recommendation[], oldIndex: number | undefined, rec: Recommendation): Recommendation[] {
  const out = [...recs];
  if (oldIndex === undefined) out.push(rec);
  else out[oldIndex] = rec;
  return out;
}

/** kube's stabilizeRecommendation: the highest recommendation of the window (recording the new one). */
export function stabilizeRecommendation(history: AutoscalerHistory, desired: number, windowMs: number, nowMs: number):
  { replicas: number; history: AutoscalerHistory } {
  let max = desired;
  let oldIndex: number | undefined;
  const cutoff = nowMs - windowMs;
  history.recommendations.forEach((rec, i) => {
    if (rec.atMs < cutoff) oldIndex = i;
    else if (rec.replicas > max) max = rec.replicas;
  });
  return {
    replicas: max,
    history: { ...history, recommendations: remember(history.recommendations, oldIndex, { replicas: desired, atMs: nowMs }) },
  };
}

/** kube's convertDesiredReplicasWithRules: bounds and the max(2×, 4) rate of HPAs without behavior. */
export function convertDesiredReplicasWithRules(currentReplicas: number, desired: number, minReplicas: number,
  maxReplicas: number): { replicas: number } & Verdict {
  const scaleUpLimit = calculateScaleUpLimit(currentReplicas);
  let maximumAllowed: number;
  let limiting: Verdict;
  if (maxReplicas > scaleUpLimit) {
    maximumAllowed = scaleUpLimit;
    limiting = { reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' };
  } else {
    maximumAllowed = maxReplicas;
    limiting = { reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' };
  }
  if (desired < minReplicas) {
    return { replicas: minReplicas, reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };
  }
  if (desired > maximumAllowed) return { replicas: maximumAllowed, ...limiting };
  return { replicas: desired, reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };
}

export function calculateScaleUpLimit(currentReplicas: number): number {
  return Math.trunc(Math.max(scaleUpLimitFactor * currentReplicas, scaleUpLimitMinimum));
}

/** kube's normalizeDesiredReplicas, for an HPA without spec.behavior. */
export function normalizeDesiredReplicas(history: AutoscalerHistory, args: {
  currentReplicas: number; desiredReplicas: number; minReplicas: number; maxReplicas: number;
  downscaleStabilizationMs: number; nowMs: number;
}): Normalized {
  const stabilized = stabilizeRecommendation(history, args.desiredReplicas, args.downscaleStabilizationMs, args.nowMs);
  const ableToScale = stabilized.replicas !== args.desiredReplicas
    ? { reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' }
    : { reason: 'ReadyForNewScale', message: 'recommended size matches current size' };
  const { replicas, reason, message } = convertDesiredReplicasWithRules(args.currentReplicas, stabilized.replicas, args.minReplicas, args.maxReplicas);
  return {
    replicas,
    ableToScale,
    limited: { status: replicas === stabilized.replicas ? 'False' : 'True', reason, message },
    history: stabilized.history,
  };
}

interface BehaviorArgs {
  scaleUp: HPAScalingRules;
  scaleDown: HPAScalingRules;
  currentReplicas: number;
  desiredReplicas: number;
  minReplicas: number;
  maxReplicas: number;
  nowMs: number;
}

/** kube's stabilizeRecommendationWithBehaviors: within both windows, move only as far as every recent one agrees. */
export function stabilizeRecommendationWithBehaviors(history: AutoscalerHistory, args: BehaviorArgs):
  { replicas: number; history: AutoscalerHistory } & Verdict {
  let upRecommendation = args.desiredReplicas;
  const upCutoff = args.nowMs - (args.scaleUp.stabilizationWindowSeconds ?? 0) * 1000;
  let downRecommendation = args.desiredReplicas;
  const downCutoff = args.nowMs - (args.scaleDown.stabilizationWindowSeconds ?? 0) * 1000;
  let oldIndex: number | undefined;
  history.recommendations.forEach((rec, i) => {
    if (rec.atMs > upCutoff) upRecommendation = Math.min(rec.replicas, upRecommendation);
    if (rec.atMs > downCutoff) downRecommendation = Math.max(rec.replicas, downRecommendation);
    if (rec.atMs < upCutoff && rec.atMs < downCutoff) oldIndex = i;
  });
  let replicas = args.currentReplicas;
  if (replicas < upRecommendation) replicas = upRecommendation;
  if (replicas > downRecommendation) replicas = downRecommendation;
  const verdict = args.desiredReplicas >= args.currentReplicas
    ? { reason: 'ScaleUpStabilized', message: 'recent recommendations were lower than current one, applying the lowest recent recommendation' }
    : { reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' };
  return {
    replicas,
    history: { ...history, recommendations: remember(history.recommendations, oldIndex, { replicas: args.desiredReplicas, atMs: args.nowMs }) },
    ...verdict,
  };
}

/** Replicas changed by the events of the last `periodSeconds`. */
function changeInPeriod(periodSeconds: number, events: readonly ScaleEvent[], nowMs: number): number {
  const cutoff = nowMs - periodSeconds * 1000;
  return events.reduce((sum, e) => (e.atMs > cutoff ? sum + e.change : sum), 0);
}

/** kube's calculateScaleUpLimitWithScalingRules: the most replicas the scale-up policies allow now. */
export function calculateScaleUpLimitWithScalingRules(currentReplicas: number, upEvents: readonly ScaleEvent[],
  downEvents: readonly ScaleEvent[], rules: HPAScalingRules, nowMs: number): number {
  const select = rules.selectPolicy ?? 'Max';
  if (select === 'Disabled') return currentReplicas;
  const pick = select === 'Min' ? Math.min : Math.max;
  let result = select === 'Min' ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
  for (const policy of rules.policies ?? []) {
    const periodStart = currentReplicas - changeInPeriod(policy.periodSeconds, upEvents, nowMs) + changeInPeriod(policy.periodSeconds, downEvents, nowMs);
    let proposed = result;
    if (policy.type === 'Pods') proposed = periodStart + policy.value;
    // Rounded up, or a small target would never grow.
    else if (policy.type === 'Percent') proposed = Math.ceil(periodStart * (1 + policy.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

/** kube's calculateScaleDownLimitWithBehaviors: the fewest replicas the scale-down policies allow now. */
export function calculateScaleDownLimitWithBehaviors(currentReplicas: number, upEvents: readonly ScaleEvent[],
  downEvents: readonly ScaleEvent[], rules: HPAScalingRules, nowMs: number): number {
  const select = rules.selectPolicy ?? 'Max';
  if (select === 'Disabled') return currentReplicas;
  const pick = select === 'Min' ? Math.max : Math.min;
  let result = select === 'Min' ? Number.MIN_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
  for (const policy of rules.policies ?? []) {
    const periodStart = currentReplicas - changeInPeriod(policy.periodSeconds, upEvents, nowMs) + changeInPeriod(policy.periodSeconds, downEvents, nowMs);
    let proposed = result;
    if (policy.type === 'Pods') proposed = periodStart - policy.value;
    else if (policy.type === 'Percent') proposed = Math.trunc(periodStart * (1 - policy.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

/** kube's convertDesiredReplicasWithBehaviorRate: the policies' rate and the bounds. */
export function convertDesiredReplicasWithBehaviorRate(history: AutoscalerHistory, args: BehaviorArgs): { replicas: number } & Verdict {
  if (args.desiredReplicas > args.currentReplicas) {
    let scaleUpLimit = calculateScaleUpLimitWithScalingRules(args.currentReplicas, history.scaleUpEvents, history.scaleDownEvents, args.scaleUp, args.nowMs);
    // Never below the current count: wait for the period's events to age instead.
    if (scaleUpLimit < args.currentReplicas) scaleUpLimit = args.currentReplicas;
    let maximumAllowed = args.maxReplicas;
    let limiting: Verdict;
    if (maximumAllowed > scaleUpLimit) {
      maximumAllowed = scaleUpLimit;
      limiting = { reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' };
    } else {
      limiting = { reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' };
    }
    if (args.desiredReplicas > maximumAllowed) return { replicas: maximumAllowed, ...limiting };
  } else if (args.desiredReplicas < args.currentReplicas) {
    let scaleDownLimit = calculateScaleDownLimitWithBehaviors(args.currentReplicas, history.scaleUpEvents, history.scaleDownEvents, args.scaleDown, args.nowMs);
    if (scaleDownLimit > args.currentReplicas) scaleDownLimit = args.currentReplicas;
    let minimumAllowed = args.minReplicas;
    let limiting: Verdict;
    if (minimumAllowed < scaleDownLimit) {
      minimumAllowed = scaleDownLimit;
      limiting = { reason: 'ScaleDownLimit', message: 'the desired replica count is decreasing faster than the maximum scale rate' };
    } else {
      limiting = { reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };
    }
    if (args.desiredReplicas < minimumAllowed) return { replicas: minimumAllowed, ...limiting };
  }
  return { replicas: args.desiredReplicas, reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };
}

/**
 * kube's normalizeDesiredReplicasWithBehaviors. A scaleDown without a window takes the controller's
 * --horizontal-pod-autoscaler-downscale-stabilization (maybeInitScaleDownStabilizationWindow).
 */
export function normalizeDesiredReplicasWithBehaviors(history: AutoscalerHistory, behavior: HorizontalPodAutoscalerBehavior, args: {
  currentReplicas: number; desiredReplicas: number; minReplicas: number; maxReplicas: number;
  downscaleStabilizationMs: number; nowMs: number;
}): Normalized {
  const scaleDown = { ...behavior.scaleDown };
  scaleDown.stabilizationWindowSeconds ??= Math.trunc(args.downscaleStabilizationMs / 1000);
  const full: BehaviorArgs = { ...args, scaleUp: behavior.scaleUp ?? {}, scaleDown };
  const stabilized = stabilizeRecommendationWithBehaviors(history, full);
  const ableToScale = stabilized.replicas !== args.desiredReplicas
    ? { reason: stabilized.reason, message: stabilized.message }
    : { reason: 'ReadyForNewScale', message: 'recommended size matches current size' };
  const { replicas, reason, message } = convertDesiredReplicasWithBehaviorRate(stabilized.history, { ...full, desiredReplicas: stabilized.replicas });
  return {
    replicas,
    ableToScale,
    limited: { status: replicas === stabilized.replicas ? 'False' : 'True', reason, message },
    history: stabilized.history,
  };
}

function longestPolicyPeriod(rules: HPAScalingRules | undefined): number {
  return Math.max(0, ...(rules?.policies ?? []).map((p) => p.periodSeconds));
}

/** Marks events older than every period (their slots are reused), then records the change (kube's storeScaleEvent). */
function addEvent(events: readonly ScaleEvent[], periodSeconds: number, change: number, nowMs: number): ScaleEvent[] {
  const cutoff = nowMs - periodSeconds * 1000;
  const out = events.map((e) => (e.atMs < cutoff ? { ...e, outdated: true } : e));
  let oldIndex: number | undefined;
  out.forEach((e, i) => {
    if (e.outdated) oldIndex = i;
  });
  const event = { change, atMs: nowMs, outdated: false };
  if (oldIndex === undefined) out.push(event);
  else out[oldIndex] = event;
  return out;
}

/** Records a rescale for the rate policies; HPAs without behavior keep none, as nothing reads them. */
export function storeScaleEvent(history: AutoscalerHistory, behavior: HorizontalPodAutoscalerBehavior | undefined,
  prevReplicas: number, newReplicas: number, nowMs: number): AutoscalerHistory {
  if (!behavior) return history;
  if (newReplicas > prevReplicas) {
    return { ...history, scaleUpEvents: addEvent(history.scaleUpEvents, longestPolicyPeriod(behavior.scaleUp), newReplicas - prevReplicas, nowMs) };
  }
  return { ...history, scaleDownEvents: addEvent(history.scaleDownEvents, longestPolicyPeriod(behavior.scaleDown), prevReplicas - newReplicas, nowMs) };
}
