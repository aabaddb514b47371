// Values the downward API exposes (env valueFrom and downwardAPI volumes): pod fields by fieldPath and container
// resources by resourceFieldRef, as kube's fieldpath and resource helpers render them. Pure.
import { milliValue, parseQuantity, value } from '../../apiserver/api/quantity.ts';
import type { Pod } from '../../apiserver/api/types.ts';

export interface DownwardContext {
  podIP?: string;
  hostIP?: string;
  /** Stands in for a missing limit, as in Kubernetes. */
  nodeAllocatable: { cpuMilli: number; memoryBytes: number };
}

export interface ResourceFieldRef {
  containerName?: string;
  resource: string;
  divisor?: string | number;
}

/** `k="v"` lines sorted by key, values quoted as Go's %q does: the format of metadata.labels files. */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {}).sort().map((k) => `${k}=${JSON.stringify(m![k])}`).join('\n');
}

const subscript = /^metadata\.(labels|annotations)\['(.+)'\]$/;

export function fieldRefValue(pod: Pod, fieldPath: string, ctx: DownwardContext): string {
  const m = pod.metadata ?? {};
  const sub = subscript.exec(fieldPath);
  if (sub) return (sub[1] === 'labels' ? m.labels : m.annotations)?.[sub[2]] ?? '';
  switch (fieldPath) {
    case 'metadata.name': return m.name ?? '';
    case 'metadata.namespace': return m.namespace ?? '';
    case 'metadata.uid': return m.uid ?? '';
    case 'metadata.labels': return formatMap(m.labels);
    case 'metadata.annotations': return formatMap(m.annotations);
    case 'spec.nodeName': return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName': return pod.spec?.serviceAccountName ?? '';
    case 'status.podIP': return ctx.podIP ?? pod.status?.podIP ?? '';
    case 'status.podIPs': return ctx.podIP ?? (pod.status?.podIPs ?? []).map((p) => p.ip).join(',');
    case 'status.hostIP': return ctx.hostIP ?? pod.status?.hostIP ?? '';
    case 'status.hostIPs': return ctx.hostIP ?? (pod.status?.hostIPs ?? []).map((p) => p.ip).join(',');
    default: throw new Error(`unsupported fieldPath: ${fieldPath}`);
  }
}

/** kube's ExtractContainerResourceValue: the quantity divided by the divisor, rounded up. */
export function resourceFieldRefValue(pod: Pod, containerName: string, ref: ResourceFieldRef, ctx: DownwardContext): string {
  const container = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c) => c.name === containerName);
  if (!container) throw new Error(`container ${containerName} not found in pod ${pod.metadata?.name}`);
  const [kind, name] = ref.resource.split('.') as ['limits' | 'requests', string];
  const raw = container.resources?.[kind]?.[name];
  const divisor = parseQuantity(ref.divisor ?? '1');
  if (name === 'cpu') {
    const milli = raw !== undefined ? milliValue(parseQuantity(raw)) : kind === 'limits' ? ctx.nodeAllocatable.cpuMilli : 0;
    return String(Math.ceil(milli / milliValue(divisor)));
  }
  if (name === 'memory' || name === 'ephemeral-storage') {
    const bytes = raw !== undefined ? value(parseQuantity(raw)) : kind === 'limits' && name === 'memory' ? ctx.nodeAllocatable.memoryBytes : 0;
    return String(Math.ceil(bytes / value(divisor)));
  }
  throw new Error(`unsupported container resource: ${ref.resource}`);
}
