// A pod's quality-of-service class, computed as Kubernetes' ComputePodQOS does: only cpu and memory count,
// zero counts as unset, and init containers count like app containers. The kubelet maps the class to cgroups
// and eviction order; the apiserver records it in status.qosClass when the pod is created.
import { addQuantity, compareQuantity, parseQuantity } from '../quantity.ts';
import type { PodSpec } from '../types.ts';

type Quantity = ReturnType<typeof parseQuantity>;
export type PodQOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

const qosResources = ['cpu', 'memory'];

export function podQOSClass(spec: PodSpec): PodQOSClass {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    addPositive(requests, c.resources?.requests);
    const limited = addPositive(limits, c.resources?.limits);
    // Guaranteed needs every container to cap both cpu and memory.
    if (!qosResources.every((name) => limited.has(name))) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, request] of requests) {
      const limit = limits.get(name);
      if (!limit || compareQuantity(limit, request) !== 0) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

/** Adds the positive cpu/memory quantities of `list` into `totals`; returns the names it added. */
function addPositive(totals: Map<string, Quantity>, list: Record<string, unknown> | undefined): Set<string> {
  const added = new Set<string>();
  for (const [name, raw] of Object.entries(list ?? {})) {
    if (!qosResources.includes(name)) continue;
    const q = positiveQuantity(raw);
    if (!q) continue;
    added.add(name);
    const total = totals.get(name);
    totals.set(name, total ? addQuantity(total, q) : q);
  }
  return added;
}

/** Malformed quantities are validation's business; here they simply do not count. */
function positiveQuantity(raw: unknown): Quantity | undefined {
  if (typeof raw !== 'string' && typeof raw !== 'number') return undefined;
  try {
    const q = parseQuantity(raw);
    return compareQuantity(q, parseQuantity(0)) > 0 ? q : undefined;
  } catch {
    return undefined;
  }
}
