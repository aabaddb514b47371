// Kubelet summaries to NodeMetrics and PodMetrics, as metrics-server builds them: cpu is the usage rate in cores
// (written in nanocores, `12345678n`, or shorter when exact), memory the working set in bytes (written in binary
// units, `67760Ki`), metadata the node's or pod's name and labels, created now. Anything without a rate yet, and
// a pod missing any of its containers' figures, has no metrics: it is left out rather than shown as zero.
import { formatGoDuration } from '../api/duration.ts';
import { kubeletSamplingIntervalMs, type ContainerMetrics, type NodeMetrics, type PodMetrics, type ResourceUsage } from '../api/metrics-types.ts';
import { formatQuantity, parseQuantity, quantityFromValue } from '../api/quantity.ts';
import type { Node, Pod } from '../api/types.ts';
import { nowRFC3339 } from '../registry/object-meta.ts';
import type { Summary, SummaryCPU, SummaryMemory, SummaryPod } from './kubelet-summary.ts';

/** metav1.Time as JSON: RFC 3339 in UTC, whole seconds (as the registry stamps objects). */
export function rfc3339(at: Date): string {
  return nowRFC3339(() => at.getTime());
}

/** A rate in nanocores as metrics-server writes it: a DecimalSI quantity at scale -9, canonical. */
export function cpuQuantity(nanoCores: number): string {
  return formatQuantity(parseQuantity(`${Math.max(0, Math.round(nanoCores))}n`));
}

/** Bytes as metrics-server writes them: a BinarySI quantity, canonical (`67760Ki`; below 1024, plain). */
export function memoryQuantity(bytes: number): string {
  return formatQuantity(quantityFromValue(Math.max(0, Math.round(bytes)), 'BinarySI'));
}

function usageOf(cpu: SummaryCPU | undefined, memory: SummaryMemory | undefined): ResourceUsage | undefined {
  if (typeof cpu?.usageNanoCores !== 'number' || typeof memory?.workingSetBytes !== 'number') return undefined;
  return { cpu: cpuQuantity(cpu.usageNanoCores), memory: memoryQuantity(memory.workingSetBytes) };
}

function sampleTime(cpu: SummaryCPU | undefined, fallback: Date): Date {
  const at = cpu?.time ? new Date(cpu.time) : fallback;
  return Number.isNaN(at.getTime()) ? fallback : at;
}

function metadataOf(obj: { metadata?: { name?: string; namespace?: string; labels?: Record<string, string> } }, now: Date): NodeMetrics['metadata'] {
  const labels = obj.metadata?.labels;
  return {
    name: obj.metadata?.name ?? '',
    ...(obj.metadata?.namespace ? { namespace: obj.metadata.namespace } : {}),
    creationTimestamp: rfc3339(now),
    ...(labels && Object.keys(labels).length > 0 ? { labels: { ...labels } } : {}),
  };
}

/** The node's metrics from its kubelet's summary; undefined when the summary has no rate or memory for it. */
export function nodeMetricsFrom(node: Node, summary: Summary | undefined, now: Date): NodeMetrics | undefined {
  const usage = usageOf(summary?.node?.cpu, summary?.node?.memory);
  if (!usage) return undefined;
  return {
    metadata: metadataOf(node, now),
    timestamp: rfc3339(sampleTime(summary?.node?.cpu, now)),
    window: formatGoDuration(kubeletSamplingIntervalMs),
    usage,
  };
}

/**
 * The pod's metrics from its entry in its node's summary; undefined unless every container listed there has a
 * rate and a working set (a container only just started has no rate yet) and every container running by the pod's
 * status is listed. The timestamp is the earliest of the containers' samples, as metrics-server takes it.
 */
export function podMetricsFrom(pod: Pod, stats: SummaryPod | undefined, now: Date): PodMetrics | undefined {
  const listed = stats?.containers ?? [];
  if (listed.length === 0) return undefined;
  // A container the pod's status has running but the kubelet could not measure would make the sum a lie.
  const measured = new Set(listed.map((c) => c.name));
  const running = (pod.status?.containerStatuses ?? []).filter((s) => s.state?.running).map((s) => s.name);
  if (running.some((name) => !measured.has(name))) return undefined;
  const containers: ContainerMetrics[] = [];
  let earliest: Date | undefined;
  for (const c of listed) {
    const usage = usageOf(c.cpu, c.memory);
    if (!c.name || !usage) return undefined;
    containers.push({ name: c.name, usage });
    const at = sampleTime(c.cpu, now);
    if (!earliest || at < earliest) earliest = at;
  }
  return {
    metadata: metadataOf(pod, now),
    timestamp: rfc3339(earliest ?? now),
    window: formatGoDuration(kubeletSamplingIntervalMs),
    containers,
  };
}

/**
 * The summaries' pod entries by `namespace/name`. A pod deleted and created again under its name is a new pod:
 * where both carry a uid, an entry for another uid is not this pod's (see podStatsFor).
 */
export function indexPodStats(summaries: Iterable<Summary>): Map<string, SummaryPod> {
  const index = new Map<string, SummaryPod>();
  for (const summary of summaries) {
    for (const p of summary.pods ?? []) {
      if (p.podRef?.name && p.podRef.namespace) index.set(`${p.podRef.namespace}/${p.podRef.name}`, p);
    }
  }
  return index;
}

export function podStatsFor(index: Map<string, SummaryPod>, pod: Pod): SummaryPod | undefined {
  const stats = index.get(`${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`);
  const uid = pod.metadata?.uid;
  if (stats?.podRef?.uid && uid && stats.podRef.uid !== uid) return undefined;
  return stats;
}
