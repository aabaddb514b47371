// The taint eviction decision (kube's pkg/controller/tainteviction), pure: a pod on a node with NoExecute taints
// goes at once if some taint is not tolerated, at the earliest end of its tolerationSeconds if all are, and stays if
// every toleration that matched is for ever.
import type { Node, Pod, Taint, Toleration } from '../apiserver/api/types.ts';
import { tolerates } from './daemonset-plan.ts';

export type EvictionPlan =
  | { kind: 'keep' }
  | { kind: 'evict' }
  /** Evict at `atMs` (controller clock) unless the taints or tolerations change first. */
  | { kind: 'wait'; atMs: number };

export function noExecuteTaints(node: Node | undefined): Taint[] {
  return (node?.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
}

/**
 * kube's GetMatchingTolerations + getMinTolerationTime, timed from each taint's timeAdded: the toleration that
 * counts for a taint is the first one matching it (as kube), and the pod may stay until the earliest
 * `start(taint) + tolerationSeconds`. A tolerationSeconds of zero or less means at once.
 */
export function planTaintEviction(taints: readonly Taint[], tolerations: readonly Toleration[] | undefined,
  nowMs: number, start: (taint: Taint) => number): EvictionPlan {
  let atMs: number | undefined;
  for (const taint of taints) {
    const used = (tolerations ?? []).find((t) => tolerates(t, taint));
    if (!used) return { kind: 'evict' };
    const seconds = used.tolerationSeconds;
    if (seconds === undefined || seconds === null) continue;
    if (seconds <= 0) return { kind: 'evict' };
    const deadline = start(taint) + seconds * 1000;
    atMs = atMs === undefined ? deadline : Math.min(atMs, deadline);
  }
  if (atMs === undefined) return { kind: 'keep' };
  return atMs <= nowMs ? { kind: 'evict' } : { kind: 'wait', atMs };
}

/** The time a taint was put on (its timeAdded), or undefined when the tainter did not say. */
export function taintAddedMs(taint: Taint): number | undefined {
  const ms = taint.timeAdded ? Date.parse(taint.timeAdded) : Number.NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

/** A stable identity for a taint on one node, for remembering when a taint without timeAdded was first seen. */
export function taintIdentity(nodeName: string, taint: Taint): string {
  return `${nodeName}\u0000${taint.key ?? ''}\u0000${taint.value ?? ''}\u0000${taint.effect}`;
}

type PodStatus = NonNullable<Pod['status']>;

/**
 * The pod's status with the DisruptionTarget condition kube's taint manager sets before deleting, so whoever reads
 * the pod afterwards (a Job's pod failure policy) knows why it went; undefined when it already says so.
 */
export function disruptionTargetStatus(pod: Pod, nowIso: string): PodStatus | undefined {
  const conditions = pod.status?.conditions ?? [];
  const wanted = { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' };
  const current = conditions.find((c) => c.type === wanted.type);
  if (current && current.status === wanted.status && current.reason === wanted.reason && current.message === wanted.message) return undefined;
  const condition = { ...wanted, lastTransitionTime: current?.status === wanted.status ? current.lastTransitionTime : nowIso };
  return {
    ...pod.status,
    conditions: current ? conditions.map((c) => (c.type === wanted.type ? condition : c)) : [...conditions, condition],
  };
}
