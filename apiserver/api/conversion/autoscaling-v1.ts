// autoscaling/v1 HorizontalPodAutoscalers, served from the autoscaling/v2 objects Skiff stores and converted as
// kube's pkg/apis/autoscaling/v1/conversion.go converts them (kube's internal version has v2's shape):
// - v1's targetCPUUtilizationPercentage is a v2 Resource metric on cpu with a Utilization target: v2 -> v1 takes
//   the first such metric; v1 -> v2 puts it after the metrics read from the annotation;
// - every other metric, the current metrics, the behavior and the conditions travel in annotations
//   (autoscaling-v1-annotations.ts): written on the way out, read and dropped on the way in, so a client that
//   reads a v1 object, edits it and writes it back keeps what only v2 can say;
// - a v1 object with neither a CPU target nor other metrics means the 80% CPU default.
// autoscaling/v2, the storage version, goes through here only to lose round-trip annotations, as in kube.
import type { HorizontalPodAutoscaler as V1 } from 'kubernetes-types/autoscaling/v1.d.ts';
import type { HorizontalPodAutoscaler as V2, MetricSpec, MetricStatus } from 'kubernetes-types/autoscaling/v2.d.ts';
import type { KubeObject } from '../types.ts';
import {
  behaviorFromAnnotation, behaviorSpecsAnnotation, behaviorToAnnotation, conditionFromV1, conditionsAnnotation,
  conditionToV1, dropRoundTripAnnotations, metricSpecsAnnotation, metricStatusesAnnotation,
} from './autoscaling-v1-annotations.ts';
import { metricSpecFromV1, metricSpecToV1, metricStatusFromV1, metricStatusToV1 } from './autoscaling-v1-metrics.ts';
import type { KindConverter } from './converters.ts';
import { goArray, goMarshal, unmarshalOrIgnore } from './go-json.ts';

/** autoscaling.DefaultCPUUtilization: v1's implicit target, made explicit by the conversion. */
const defaultCPUUtilization = 80;

function isCPUUtilization(m: MetricSpec): boolean {
  return m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource.target?.averageUtilization !== undefined;
}

function cpuUtilizationMetric(averageUtilization: number): MetricSpec {
  return { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization } } };
}

/** A stored (v2) HPA as autoscaling/v1 shows it. Builds a new object: `hpa` may be a frozen stored one. */
export function horizontalPodAutoscalerToV1(hpa: V2): V1 {
  const metrics = hpa.spec?.metrics ?? [];
  const status = hpa.status ?? { desiredReplicas: 0 };
  const current = status.currentMetrics ?? [];

  const annotations = { ...dropRoundTripAnnotations(hpa.metadata?.annotations) };
  const others = metrics.filter((m) => !isCPUUtilization(m));
  if (others.length > 0) annotations[metricSpecsAnnotation] = goMarshal(others.map(metricSpecToV1));
  // Written even when it is just the CPU figure, which v1's status rounds: the annotation keeps the raw value.
  if (current.length > 0) annotations[metricStatusesAnnotation] = goMarshal(current.map(metricStatusToV1));
  if (hpa.spec?.behavior) annotations[behaviorSpecsAnnotation] = goMarshal(behaviorToAnnotation(hpa.spec.behavior));
  if (status.conditions && status.conditions.length > 0) {
    annotations[conditionsAnnotation] = goMarshal(status.conditions.map(conditionToV1));
  }

  const metadata = { ...hpa.metadata };
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  else delete metadata.annotations;

  const targetCPU = metrics.find(isCPUUtilization)?.resource?.target.averageUtilization;
  // The last CPU utilization reported wins, as in kube's loop.
  let currentCPU: number | undefined;
  for (const m of current) {
    if (m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource.current?.averageUtilization !== undefined) {
      currentCPU = m.resource.current.averageUtilization;
    }
  }
  const spec = hpa.spec;
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'HorizontalPodAutoscaler',
    metadata,
    spec: {
      scaleTargetRef: spec?.scaleTargetRef ?? { kind: '', name: '' },
      ...(spec?.minReplicas !== undefined ? { minReplicas: spec.minReplicas } : {}),
      maxReplicas: spec?.maxReplicas ?? 0,
      ...(targetCPU !== undefined ? { targetCPUUtilizationPercentage: targetCPU } : {}),
    },
    status: {
      ...(status.observedGeneration !== undefined ? { observedGeneration: status.observedGeneration } : {}),
      ...(status.lastScaleTime !== undefined ? { lastScaleTime: status.lastScaleTime } : {}),
      currentReplicas: status.currentReplicas ?? 0,
      desiredReplicas: status.desiredReplicas ?? 0,
      ...(currentCPU !== undefined ? { currentCPUUtilizationPercentage: currentCPU } : {}),
    },
  };
}

/** An autoscaling/v1 HPA, as decoded from a request, in the stored (v2) form. */
export function horizontalPodAutoscalerFromV1(hpa: V1): V2 {
  const annotations = hpa.metadata?.annotations ?? {};
  const read = <T>(name: string, parse: (value: unknown) => T): T | undefined =>
    (Object.hasOwn(annotations, name) ? unmarshalOrIgnore(annotations[name], parse) : undefined);
  const spec = hpa.spec;
  const status = hpa.status;

  let metrics: MetricSpec[] = spec?.targetCPUUtilizationPercentage !== undefined
    ? [cpuUtilizationMetric(spec.targetCPUUtilizationPercentage)] : [];
  const otherMetrics = read(metricSpecsAnnotation, (v) => (goArray(v) ?? []).map(metricSpecFromV1));
  if (otherMetrics) metrics = [...otherMetrics, ...metrics];
  if (metrics.length === 0) metrics = [cpuUtilizationMetric(defaultCPUUtilization)];
  const behavior = read(behaviorSpecsAnnotation, behaviorFromAnnotation);

  let currentMetrics: MetricStatus[] = status?.currentCPUUtilizationPercentage !== undefined
    ? [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: status.currentCPUUtilizationPercentage } } }]
    : [];
  // The annotation's figures replace v1's: they say more (the raw values, the other metrics).
  currentMetrics = read(metricStatusesAnnotation, (v) => (goArray(v) ?? []).map(metricStatusFromV1)) ?? currentMetrics;
  const conditions = read(conditionsAnnotation, (v) => (goArray(v) ?? []).map(conditionFromV1)) ?? [];

  const metadata = { ...hpa.metadata };
  const kept = dropRoundTripAnnotations(hpa.metadata?.annotations);
  if (kept) metadata.annotations = kept;
  else delete metadata.annotations;

  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata,
    spec: {
      scaleTargetRef: spec?.scaleTargetRef ?? { kind: '', name: '' },
      ...(spec?.minReplicas !== undefined ? { minReplicas: spec.minReplicas } : {}),
      maxReplicas: spec?.maxReplicas ?? 0,
      metrics,
      ...(behavior ? { behavior } : {}),
    },
    status: {
      ...(status?.observedGeneration !== undefined ? { observedGeneration: status.observedGeneration } : {}),
      ...(status?.lastScaleTime !== undefined ? { lastScaleTime: status.lastScaleTime } : {}),
      // v2 leaves a zero currentReplicas out (omitempty); desiredReplicas is always written.
      ...(status?.currentReplicas ? { currentReplicas: status.currentReplicas } : {}),
      desiredReplicas: status?.desiredReplicas ?? 0,
      ...(currentMetrics.length > 0 ? { currentMetrics } : {}),
      ...(conditions.length > 0 ? { conditions } : {}),
    },
  };
}

/** A v2 object without round-trip annotations (kube's v2 conversion drops them both ways). */
function withoutRoundTripAnnotations(hpa: KubeObject): KubeObject {
  const annotations = hpa.metadata?.annotations;
  const kept = dropRoundTripAnnotations(annotations);
  if (kept === annotations) return hpa;
  const metadata = { ...hpa.metadata };
  if (kept) metadata.annotations = kept;
  else delete metadata.annotations;
  return { ...hpa, metadata };
}

export const horizontalPodAutoscalerConverter: KindConverter = {
  toStorage: (obj, version) => (version === 'v1'
    ? horizontalPodAutoscalerFromV1(obj as V1) as KubeObject
    : withoutRoundTripAnnotations(obj)),
  fromStorage: (obj, version) => (version === 'v1'
    ? horizontalPodAutoscalerToV1(obj as V2) as KubeObject
    : withoutRoundTripAnnotations(obj)),
};
