// The annotations through which autoscaling/v1 carries the HorizontalPodAutoscaler fields it has no place for
// (kube's pkg/apis/autoscaling/annotations.go), and the formats of two of them: the behavior, written as kube's
// internal Go type with no JSON tags ({"ScaleUp":{"StabilizationWindowSeconds":0,...}}), and the conditions, as
// autoscaling/v1's HorizontalPodAutoscalerCondition. The metric annotations are autoscaling-v1-metrics.ts's.
import type {
  HorizontalPodAutoscalerBehavior, HorizontalPodAutoscalerCondition, HPAScalingPolicy, HPAScalingRules,
} from 'kubernetes-types/autoscaling/v2.d.ts';
import { goArray, goField, goInt, goObject, goString, type GoObject } from './go-json.ts';

export const metricSpecsAnnotation = 'autoscaling.alpha.kubernetes.io/metrics';
export const metricStatusesAnnotation = 'autoscaling.alpha.kubernetes.io/current-metrics';
export const behaviorSpecsAnnotation = 'autoscaling.alpha.kubernetes.io/behavior';
export const conditionsAnnotation = 'autoscaling.alpha.kubernetes.io/conditions';

const roundTripAnnotations = [metricSpecsAnnotation, behaviorSpecsAnnotation, metricStatusesAnnotation, conditionsAnnotation];

/**
 * The annotations without the round-trip ones (kube's DropRoundTripHorizontalPodAutoscalerAnnotations): a
 * conversion writes only those it produced, and none is ever stored. The same map when there is none to drop.
 */
export function dropRoundTripAnnotations(annotations: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!annotations || !roundTripAnnotations.some((a) => Object.hasOwn(annotations, a))) return annotations;
  const kept = Object.fromEntries(Object.entries(annotations).filter(([k]) => !roundTripAnnotations.includes(k)));
  return Object.keys(kept).length > 0 ? kept : undefined;
}

/** The behavior as the annotation holds it: json.Marshal of the internal type, nil pointers written as null. */
export function behaviorToAnnotation(b: HorizontalPodAutoscalerBehavior): unknown {
  return { ScaleUp: rulesToInternal(b.scaleUp), ScaleDown: rulesToInternal(b.scaleDown) };
}

function rulesToInternal(r: HPAScalingRules | undefined): unknown {
  if (!r) return null;
  return {
    StabilizationWindowSeconds: r.stabilizationWindowSeconds ?? null,
    SelectPolicy: r.selectPolicy ?? null,
    Policies: r.policies ? r.policies.map((p) => ({ Type: p.type, Value: p.value, PeriodSeconds: p.periodSeconds })) : null,
  };
}

/** The annotation's behavior; undefined when it sets neither direction (kube then leaves spec.behavior unset). */
export function behaviorFromAnnotation(value: unknown): HorizontalPodAutoscalerBehavior | undefined {
  const b = goObject(value);
  const scaleUp = rulesFromInternal(goObject(goField(b, 'ScaleUp')));
  const scaleDown = rulesFromInternal(goObject(goField(b, 'ScaleDown')));
  if (!scaleUp && !scaleDown) return undefined;
  return { ...(scaleUp ? { scaleUp } : {}), ...(scaleDown ? { scaleDown } : {}) };
}

function rulesFromInternal(r: GoObject | undefined): HPAScalingRules | undefined {
  if (!r) return undefined;
  const out: HPAScalingRules = {};
  const window = goInt(goField(r, 'StabilizationWindowSeconds'));
  if (window !== undefined) out.stabilizationWindowSeconds = window;
  const select = goString(goField(r, 'SelectPolicy'));
  if (select !== undefined) out.selectPolicy = select;
  const policies = goArray(goField(r, 'Policies'));
  if (policies) out.policies = policies.map(policyFromInternal);
  return out;
}

function policyFromInternal(value: unknown): HPAScalingPolicy {
  const p = goObject(value);
  return {
    type: goString(goField(p, 'Type')) ?? '',
    value: goInt(goField(p, 'Value')) ?? 0,
    periodSeconds: goInt(goField(p, 'PeriodSeconds')) ?? 0,
  };
}

/** A condition as autoscaling/v1's struct writes it: lastTransitionTime always there (null when unset). */
export function conditionToV1(c: HorizontalPodAutoscalerCondition): unknown {
  return {
    type: c.type, status: c.status, lastTransitionTime: c.lastTransitionTime ?? null,
    ...(c.reason ? { reason: c.reason } : {}),
    ...(c.message ? { message: c.message } : {}),
  };
}

export function conditionFromV1(value: unknown): HorizontalPodAutoscalerCondition {
  const c = goObject(value);
  const lastTransitionTime = goString(goField(c, 'lastTransitionTime'));
  const reason = goString(goField(c, 'reason'));
  const message = goString(goField(c, 'message'));
  return {
    type: goString(goField(c, 'type')) ?? '',
    status: goString(goField(c, 'status')) ?? '',
    ...(lastTransitionTime ? { lastTransitionTime } : {}),
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  };
}
