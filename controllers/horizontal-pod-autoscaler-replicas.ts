// kube's ReplicaCalculator (pkg/controller/podautoscaler/replica_calculator.go): from a metric's current value and
// its target, the replica count that would bring the metric to the target. desired = ceil(current × ratio), where
// ratio = current value / target; a ratio within the tolerance of 1 changes nothing. Pods being deleted or failed
// are ignored, pending and not-yet-ready pods (for cpu: still starting up) are set aside, and pods without metrics
// are assumed to be at 100% on a scale-down and at 0% on a scale-up, so that neither makes the autoscaler overshoot.
// Pure: the metrics are fetched before, the pods come from the informer cache. Integer arithmetic as kube's int64.
import type { Pod } from '../apiserver/api/types.ts';
import { milliValue, parseQuantity } from '../apiserver/api/quantity.ts';
import { timeMs, type PodMetricsInfo } from './horizontal-pod-autoscaler-metrics.ts';
import { isPodReady, podCondition } from './workload-pods.ts';

export interface ReplicaCalcSettings {
  /** --horizontal-pod-autoscaler-tolerance: how far from 1 the usage ratio must be before anything changes. */
  tolerance: number;
  /** --horizontal-pod-autoscaler-cpu-initialization-period: cpu samples of pods this young are distrusted. */
  cpuInitializationPeriodMs: number;
  /** --horizontal-pod-autoscaler-initial-readiness-delay: a pod unready this soon after start is just starting. */
  delayOfInitialReadinessStatusMs: number;
}

export const defaultReplicaCalcSettings: ReplicaCalcSettings = {
  tolerance: 0.1,
  cpuInitializationPeriodMs: 5 * 60_000,
  delayOfInitialReadinessStatusMs: 30_000,
};

/** A calculation's answer, or kube's error text for why there is none. */
export type Calc<T> = ({ ok: true } & T) | { ok: false; error: string };

const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });

export interface PodGroups {
  readyPodCount: number;
  unready: Set<string>;
  missing: Set<string>;
  ignored: Set<string>;
}

/** kube's groupPods: which pods count, which are set aside and which have no metric. */
export function groupPods(pods: readonly Pod[], metrics: PodMetricsInfo, resource: string, s: ReplicaCalcSettings,
  nowMs: number): PodGroups {
  const groups: PodGroups = { readyPodCount: 0, unready: new Set(), missing: new Set(), ignored: new Set() };
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '';
    if (pod.metadata?.deletionTimestamp || pod.status?.phase === 'Failed') {
      groups.ignored.add(name);
      continue;
    }
    if (pod.status?.phase === 'Pending') {
      groups.unready.add(name);
      continue;
    }
    const metric = metrics.get(name);
    if (!metric) {
      groups.missing.add(name);
      continue;
    }
    if (resource === 'cpu') {
      const ready = podCondition(pod, 'Ready');
      let unready: boolean;
      if (!ready || !pod.status?.startTime) {
        unready = true;
      } else {
        const start = timeMs(pod.status.startTime);
        const transition = timeMs(ready.lastTransitionTime);
        unready = start + s.cpuInitializationPeriodMs > nowMs
          // Still starting: distrust a sample unless the pod is ready and a whole window was measured since.
          ? ready.status === 'False' || metric.timestampMs < transition + metric.windowMs
          // Started long ago: only a pod that has never been ready is set aside.
          : ready.status === 'False' && start + s.delayOfInitialReadinessStatusMs > transition;
      }
      if (unready) {
        groups.unready.add(name);
        continue;
      }
    }
    groups.readyPodCount++;
  }
  return groups;
}

/** kube's calculatePodRequests: each pod's request (milli) summed over its containers (or the one named). */
export function calculatePodRequests(pods: readonly Pod[], container: string, resource: string): Calc<{ requests: Map<string, number> }> {
  const requests = new Map<string, number>();
  for (const pod of pods) {
    let sum = 0;
    // Sidecars (restartable init containers) run alongside the app and count too.
    const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
    for (const c of containers) {
      if (container !== '' && container !== c.name) continue;
      const request = c.resources?.requests?.[resource];
      if (request === undefined) return fail(`missing request for ${resource} in container ${c.name} of Pod ${pod.metadata?.name ?? ''}`);
      sum += milliValue(parseQuantity(request));
    }
    requests.set(pod.metadata?.name ?? '', sum);
  }
  return { ok: true, requests };
}

/** kube's GetResourceUtilizationRatio: the usage ratio, the utilization (% of requests) and the average usage. */
export function resourceUtilizationRatio(metrics: PodMetricsInfo, requests: Map<string, number>, targetUtilization: number):
  Calc<{ ratio: number; utilization: number; rawAverage: number }> {
  let metricsTotal = 0n;
  let requestsTotal = 0n;
  let entries = 0n;
  for (const [pod, m] of metrics) {
    const request = requests.get(pod);
    // Metrics of pods the selector does not (or no longer) pick are extraneous.
    if (request === undefined) continue;
    metricsTotal += BigInt(m.value);
    requestsTotal += BigInt(request);
    entries++;
  }
  if (requestsTotal === 0n) return fail('no metrics returned matched known pods');
  const utilization = Number((metricsTotal * 100n) / requestsTotal);
  return { ok: true, ratio: utilization / targetUtilization, utilization, rawAverage: Number(metricsTotal / entries) };
}

/** kube's GetMetricUsageRatio: average usage over the pods with metrics, and its ratio to the target. */
export function metricUsageRatio(metrics: PodMetricsInfo, targetUsage: number): { ratio: number; usage: number } {
  let total = 0n;
  for (const m of metrics.values()) total += BigInt(m.value);
  const usage = Number(total / BigInt(metrics.size));
  return { ratio: usage / targetUsage, usage };
}

const outOfTolerance = (ratio: number, s: ReplicaCalcSettings): boolean => Math.abs(1 - ratio) > s.tolerance;

function withoutPods(metrics: PodMetricsInfo, pods: Set<string>): PodMetricsInfo {
  const out = new Map(metrics);
  for (const p of pods) out.delete(p);
  return out;
}

export interface PodMetricInput {
  currentReplicas: number;
  /** The pods the target's selector picks, in its namespace. */
  pods: readonly Pod[];
  metrics: PodMetricsInfo;
  nowMs: number;
}

/** kube's GetResourceReplicas: a resource target as a utilization (percentage of the pods' requests). */
export function resourceReplicas(input: PodMetricInput & { targetUtilization: number; resource: string; container: string },
  s: ReplicaCalcSettings): Calc<{ replicas: number; utilization: number; rawUtilization: number }> {
  const { currentReplicas, pods, targetUtilization, resource, container, nowMs } = input;
  if (pods.length === 0) return fail('no pods returned by selector while calculating replica count');
  const groups = groupPods(pods, input.metrics, resource, s, nowMs);
  let metrics = withoutPods(withoutPods(input.metrics, groups.ignored), groups.unready);
  if (metrics.size === 0) return fail('did not receive metrics for targeted pods (pods might be unready)');
  const req = calculatePodRequests(pods, container, resource);
  if (!req.ok) return req;
  const requests = req.requests;
  const first = resourceUtilizationRatio(metrics, requests, targetUtilization);
  if (!first.ok) return first;
  const { ratio, utilization, rawAverage: rawUtilization } = first;
  const result = (replicas: number) => ({ ok: true as const, replicas, utilization, rawUtilization });

  const scaleUpWithUnready = groups.unready.size > 0 && ratio > 1;
  if (!scaleUpWithUnready && groups.missing.size === 0) {
    if (!outOfTolerance(ratio, s)) return result(currentReplicas);
    return result(Math.ceil(ratio * groups.readyPodCount));
  }
  metrics = new Map(metrics);
  if (groups.missing.size > 0) {
    if (ratio < 1) {
      // On a scale-down a pod without metrics is taken to use all it requested (or the target, when above 100%).
      const fallback = BigInt(Math.max(100, targetUtilization));
      for (const pod of groups.missing) {
        metrics.set(pod, { value: Number((BigInt(requests.get(pod) ?? 0) * fallback) / 100n), timestampMs: 0, windowMs: 0 });
      }
    } else if (ratio > 1) {
      for (const pod of groups.missing) metrics.set(pod, { value: 0, timestampMs: 0, windowMs: 0 });
    }
  }
  // On a scale-up the pods still starting are taken to use nothing.
  if (scaleUpWithUnready) for (const pod of groups.unready) metrics.set(pod, { value: 0, timestampMs: 0, windowMs: 0 });

  const second = resourceUtilizationRatio(metrics, requests, targetUtilization);
  if (!second.ok) return second;
  const newRatio = second.ratio;
  // Too small a change, or the assumptions turned the direction around: stay.
  if (!outOfTolerance(newRatio, s) || (ratio < 1 && newRatio > 1) || (ratio > 1 && newRatio < 1)) return result(currentReplicas);
  const newReplicas = Math.ceil(newRatio * metrics.size);
  if ((newRatio < 1 && newReplicas > currentReplicas) || (newRatio > 1 && newReplicas < currentReplicas)) return result(currentReplicas);
  return result(newReplicas);
}

/**
 * kube's calcPlainMetricReplicas: a per-pod average value target (a resource's AverageValue, or a Pods metric);
 * `resource` is '' for custom metrics, which have no cpu start-up allowance.
 */
export function plainMetricReplicas(input: PodMetricInput & { targetUsage: number; resource: string }, s: ReplicaCalcSettings):
  Calc<{ replicas: number; usage: number }> {
  const { currentReplicas, pods, targetUsage, resource, nowMs } = input;
  if (pods.length === 0) return fail('no pods returned by selector while calculating replica count');
  const groups = groupPods(pods, input.metrics, resource, s, nowMs);
  let metrics = withoutPods(withoutPods(input.metrics, groups.ignored), groups.unready);
  if (metrics.size === 0) return fail('did not receive metrics for targeted pods (pods might be unready)');
  const { ratio, usage } = metricUsageRatio(metrics, targetUsage);
  const result = (replicas: number) => ({ ok: true as const, replicas, usage });

  const scaleUpWithUnready = groups.unready.size > 0 && ratio > 1;
  if (!scaleUpWithUnready && groups.missing.size === 0) {
    if (!outOfTolerance(ratio, s)) return result(currentReplicas);
    return result(Math.ceil(ratio * groups.readyPodCount));
  }
  metrics = new Map(metrics);
  if (groups.missing.size > 0) {
    // On a scale-down a pod without metrics is taken to be exactly at the target; on a scale-up, at zero.
    const assumed = ratio < 1 ? targetUsage : ratio > 1 ? 0 : undefined;
    if (assumed !== undefined) for (const pod of groups.missing) metrics.set(pod, { value: assumed, timestampMs: 0, windowMs: 0 });
  }
  if (scaleUpWithUnready) for (const pod of groups.unready) metrics.set(pod, { value: 0, timestampMs: 0, windowMs: 0 });

  const newRatio = metricUsageRatio(metrics, targetUsage).ratio;
  if (!outOfTolerance(newRatio, s) || (ratio < 1 && newRatio > 1) || (ratio > 1 && newRatio < 1)) return result(currentReplicas);
  const newReplicas = Math.ceil(newRatio * metrics.size);
  if ((newRatio < 1 && newReplicas > currentReplicas) || (newRatio > 1 && newReplicas < currentReplicas)) return result(currentReplicas);
  return result(newReplicas);
}

/** kube's getReadyPodsCount: pods Running and Ready. */
function readyPodsCount(pods: readonly Pod[]): Calc<{ count: number }> {
  if (pods.length === 0) return fail('no pods returned by selector while calculating replica count');
  return { ok: true, count: pods.filter(isPodReady).length };
}

/**
 * kube's getUsageRatioReplicaCount (Object and External Value targets): the ratio applied to the ready pods; from
 * zero replicas the ratio alone decides (scaling from and to zero).
 */
export function usageRatioReplicaCount(currentReplicas: number, ratio: number, pods: readonly Pod[], s: ReplicaCalcSettings):
  Calc<{ replicas: number }> {
  if (currentReplicas === 0) return { ok: true, replicas: Math.ceil(ratio) };
  if (!outOfTolerance(ratio, s)) return { ok: true, replicas: currentReplicas };
  const ready = readyPodsCount(pods);
  if (!ready.ok) return fail(`unable to calculate ready pods: ${ready.error}`);
  return { ok: true, replicas: Math.ceil(ratio * ready.count) };
}

/**
 * kube's GetObjectPerPodMetricReplicas and GetExternalPerPodMetricReplicas: a total to be spread at `targetAverage`
 * per pod; the usage reported is the total per current replica.
 */
export function perPodTotalReplicas(statusReplicas: number, total: number, targetAverage: number, s: ReplicaCalcSettings):
  { replicas: number; usage: number } {
  let replicas = statusReplicas;
  const ratio = total / (targetAverage * replicas);
  if (outOfTolerance(ratio, s)) replicas = Math.ceil(total / targetAverage);
  // kube divides by zero here when the target has no replicas yet; the total itself is the honest figure.
  const usage = statusReplicas > 0 ? Math.ceil(total / statusReplicas) : total;
  return { replicas, usage };
}
