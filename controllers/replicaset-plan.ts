// The ReplicaSet and ReplicationController decisions (kube's pkg/controller/replicaset): how many pods to create or
// which to delete, in what batches, and the status the pods add up to. Pure: the controller reads the caches, asks
// here, writes what it is told and looks again on the next sync.
import type { Pod, PodTemplateSpec } from '../apiserver/api/types.ts';
import { isPodAvailable, isPodReady, podCondition } from './workload-pods.ts';

/** kube's burstReplicas: at most this many creates or deletes in one sync. */
export const burstReplicas = 500;
/** The annotation that lets users say which pods to delete first (lower cost goes first). */
export const podDeletionCostAnnotation = 'controller.kubernetes.io/pod-deletion-cost';

export type ReplicaPlan =
  | { kind: 'create'; count: number }
  | { kind: 'delete'; pods: Pod[] }
  | { kind: 'none' };

/** Creates or deletes towards `replicas`, never more than burstReplicas at once. */
export function planReplicas(replicas: number, active: Pod[]): ReplicaPlan {
  const diff = active.length - replicas;
  if (diff < 0) return { kind: 'create', count: Math.min(-diff, burstReplicas) };
  if (diff > 0) return { kind: 'delete', pods: podsToDelete(active, Math.min(diff, burstReplicas)) };
  return { kind: 'none' };
}

/**
 * kube's slowStartBatch sizes: 1, 2, 4, ... so that a template the apiserver refuses (quota, admission) fails once
 * instead of `count` times.
 */
export function slowStartBatches(count: number, initial = 1): number[] {
  const batches: number[] = [];
  let remaining = count;
  let size = Math.min(initial, remaining);
  while (remaining > 0) {
    batches.push(size);
    remaining -= size;
    size = Math.min(size * 2, remaining);
  }
  return batches;
}

/** The `count` pods it costs least to lose, ranked as kube's ActivePodsWithRanks does. */
export function podsToDelete(active: Pod[], count: number): Pod[] {
  const onNode = new Map<string, number>();
  for (const p of active) {
    const node = p.spec?.nodeName;
    if (node) onNode.set(node, (onNode.get(node) ?? 0) + 1);
  }
  const rank = (p: Pod): number => (p.spec?.nodeName ? onNode.get(p.spec.nodeName) ?? 0 : 0);
  return [...active].sort((a, b) => compareForDeletion(a, b, rank)).slice(0, count);
}

const phaseOrder: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/** Negative when `a` should be deleted before `b`. */
export function compareForDeletion(a: Pod, b: Pod, rank: (p: Pod) => number = () => 0): number {
  // 1. Not yet on a node before placed.
  const assigned = Number(Boolean(a.spec?.nodeName)) - Number(Boolean(b.spec?.nodeName));
  if (assigned !== 0) return assigned;
  // 2. Pending before Unknown before Running.
  const phase = (phaseOrder[a.status?.phase ?? 'Pending'] ?? 0) - (phaseOrder[b.status?.phase ?? 'Pending'] ?? 0);
  if (phase !== 0) return phase;
  // 3. Not ready before ready.
  const ready = Number(isPodReady(a)) - Number(isPodReady(b));
  if (ready !== 0) return ready;
  // 4. Lower deletion cost first.
  const cost = deletionCost(a) - deletionCost(b);
  if (cost !== 0) return cost;
  // 5. Pods doubled up on a node before pods alone on theirs.
  const doubled = rank(b) - rank(a);
  if (doubled !== 0) return doubled;
  // 6. Ready for a shorter time first.
  if (isPodReady(a) && isPodReady(b)) {
    const since = timeOf(podCondition(b, 'Ready')?.lastTransitionTime) - timeOf(podCondition(a, 'Ready')?.lastTransitionTime);
    if (since !== 0) return since;
  }
  // 7. More container restarts first.
  const restarts = maxRestarts(b) - maxRestarts(a);
  if (restarts !== 0) return restarts;
  // 8. Newer first.
  return timeOf(b.metadata?.creationTimestamp) - timeOf(a.metadata?.creationTimestamp);
}

function deletionCost(p: Pod): number {
  const raw = p.metadata?.annotations?.[podDeletionCostAnnotation];
  const n = raw === undefined ? 0 : Number(raw);
  return Number.isInteger(n) ? n : 0;
}

/** A missing time sorts as the newest: kube treats an empty timestamp as "after" every real one. */
function timeOf(t: string | undefined): number {
  return t ? Date.parse(t) : Number.MAX_SAFE_INTEGER;
}

function maxRestarts(p: Pod): number {
  return Math.max(0, ...(p.status?.containerStatuses ?? []).map((s) => s.restartCount ?? 0));
}

export interface ReplicaCounts {
  replicas: number;
  fullyLabeledReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
}

/** What the active pods add up to; fully labeled means carrying every label of the template. */
export function countReplicas(active: Pod[], template: PodTemplateSpec | undefined, minReadySeconds: number,
  nowMs: number): ReplicaCounts {
  const templateLabels = Object.entries(template?.metadata?.labels ?? {});
  let fullyLabeledReplicas = 0;
  let readyReplicas = 0;
  let availableReplicas = 0;
  for (const p of active) {
    const labels = p.metadata?.labels ?? {};
    if (templateLabels.every(([k, v]) => labels[k] === v)) fullyLabeledReplicas++;
    if (isPodReady(p)) readyReplicas++;
    if (isPodAvailable(p, minReadySeconds, nowMs)) availableReplicas++;
  }
  return { replicas: active.length, fullyLabeledReplicas, readyReplicas, availableReplicas };
}

/**
 * When some ready pods are not yet available because of minReadySeconds, the sync to run when the first of them
 * becomes available (ms from now); undefined when nothing is waiting.
 */
export function availabilityRequeueMs(active: Pod[], minReadySeconds: number, nowMs: number): number | undefined {
  if (minReadySeconds <= 0) return undefined;
  let soonest: number | undefined;
  for (const p of active) {
    if (!isPodReady(p) || isPodAvailable(p, minReadySeconds, nowMs)) continue;
    const since = podCondition(p, 'Ready')?.lastTransitionTime;
    const wait = since ? Date.parse(since) + minReadySeconds * 1000 - nowMs : minReadySeconds * 1000;
    soonest = Math.min(soonest ?? wait, Math.max(wait, 0));
  }
  return soonest === undefined ? undefined : soonest + 1;
}
