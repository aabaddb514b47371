// The StatefulSet controller's pure decisions (kube's pkg/controller/statefulset, stateful_set_control.go): which
// ordinal to create, delete or replace next. OrderedReady takes one step at a time and waits for every lower ordinal
// to be Running and Ready; Parallel creates and deletes all at once. Rolling updates go from the highest ordinal
// down to `partition`, one pod at a time, in both modes.
import type { Pod, StatefulSet } from '../apiserver/api/types.ts';
import { isPodAvailable, isPodReady } from './workload-pods.ts';

export const podNameLabel = 'statefulset.kubernetes.io/pod-name';
export const podIndexLabel = 'apps.kubernetes.io/pod-index';

/** The ordinal in `<set>-<ordinal>`, or undefined when the pod's name is not the set's. */
export function ordinalOf(setName: string, pod: Pod): number | undefined {
  const name = pod.metadata?.name ?? '';
  const prefix = `${setName}-`;
  if (!name.startsWith(prefix)) return undefined;
  const rest = name.slice(prefix.length);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : undefined;
}

export interface StatefulSetPlan {
  /** Ordinals to create, each from the current or the update revision. */
  create: { ordinal: number; revision: 'current' | 'update' }[];
  delete: Pod[];
}

export interface RevisionHashes {
  current: string;
  update: string;
}

function revisionOf(pod: Pod): string | undefined {
  return pod.metadata?.labels?.['controller-revision-hash'];
}

/**
 * Which revision a newly created pod of this ordinal gets: below the partition it stays current; otherwise (and
 * always under OnDelete, where deleting a pod is how the user asks for the new template) the update revision.
 */
export function revisionForOrdinal(set: StatefulSet, ordinal: number): 'current' | 'update' {
  const strategy = set.spec?.updateStrategy;
  if (strategy?.type === 'OnDelete') return 'update';
  const partition = strategy?.rollingUpdate?.partition ?? 0;
  return ordinal < partition ? 'current' : 'update';
}

export function planStatefulSet(set: StatefulSet, pods: Pod[], hashes: RevisionHashes, nowMs: number): StatefulSetPlan {
  const plan: StatefulSetPlan = { create: [], delete: [] };
  const setName = set.metadata?.name ?? '';
  const replicas = set.spec?.replicas ?? 1;
  const parallel = set.spec?.podManagementPolicy === 'Parallel';
  const minReady = set.spec?.minReadySeconds ?? 0;
  const byOrdinal = new Map<number, Pod>();
  for (const p of pods) {
    const ord = ordinalOf(setName, p);
    if (ord !== undefined) byOrdinal.set(ord, p);
  }
  const healthy = (p: Pod): boolean => !p.metadata?.deletionTimestamp && isPodReady(p) && isPodAvailable(p, minReady, nowMs);
  const terminal = (p: Pod): boolean => p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded';

  // Scale up (and repair): ordinals 0..replicas-1 in order.
  for (let ord = 0; ord < replicas; ord++) {
    const pod = byOrdinal.get(ord);
    if (!pod) {
      plan.create.push({ ordinal: ord, revision: revisionForOrdinal(set, ord) });
      if (!parallel) return plan;
      continue;
    }
    if (terminal(pod) && !pod.metadata?.deletionTimestamp) {
      // A pod that exited is deleted and made again under the same name.
      plan.delete.push(pod);
      if (!parallel) return plan;
      continue;
    }
    if (!parallel && !healthy(pod)) return plan;
  }

  // Scale down: ordinals >= replicas, highest first.
  const condemned = [...byOrdinal.entries()].filter(([ord]) => ord >= replicas).sort(([a], [b]) => b - a);
  for (const [, pod] of condemned) {
    if (pod.metadata?.deletionTimestamp) {
      if (!parallel) return plan;
      continue;
    }
    plan.delete.push(pod);
    if (!parallel) return plan;
  }
  if (plan.create.length > 0 || plan.delete.length > 0 || condemned.length > 0) return plan;

  // Rolling update: from the highest ordinal down to the partition, one pod at a time, each healthy before the next.
  if (set.spec?.updateStrategy?.type === 'OnDelete') return plan;
  const partition = set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
  for (let ord = replicas - 1; ord >= partition; ord--) {
    const pod = byOrdinal.get(ord);
    if (!pod) return plan;
    if (revisionOf(pod) !== hashes.update && !pod.metadata?.deletionTimestamp) {
      plan.delete.push(pod);
      return plan;
    }
    if (!healthy(pod)) return plan;
  }
  return plan;
}

/** Claim names for a pod: `<template>-<pod>` for each volumeClaimTemplate. */
export function claimNameFor(templateName: string, podName: string): string {
  return `${templateName}-${podName}`;
}
