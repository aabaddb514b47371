// The Deployment controller's rollout decisions (kube's pkg/controller/deployment rolling.go, recreate.go and
// sync.go's scale): pure functions from the Deployment and its ReplicaSets to the sizes ReplicaSets should get.
// The controller applies them one by one and looks again on the next sync.
import type { Deployment, Pod, ReplicaSet } from '../apiserver/api/types.ts';
import {
  activeReplicaSets, byCreation, bySizeNewer, bySizeOlder, desiredReplicas, isRollingUpdate, maxSurge,
  maxUnavailable, replicasOf, scaledValue, sumAvailableReplicas, sumActualReplicas, sumReplicas,
} from './deployment-replicasets.ts';
import { desiredReplicasAnnotationOf, maxReplicasAnnotationOf } from './deployment-revisions.ts';

/** One ReplicaSet scaled to `replicas`. */
export interface ScaleStep {
  rs: ReplicaSet;
  replicas: number;
  /** Write the replica annotations even when the size stays (proportional scaling records the new totals). */
  syncAnnotations?: boolean;
}

/** kube's NewRSNewReplicas: how big the new ReplicaSet may be now. */
export function newRSNewReplicas(d: Deployment, allRSs: ReplicaSet[], newRS: ReplicaSet): number {
  const desired = desiredReplicas(d);
  if (!isRollingUpdate(d)) return desired;
  const surge = scaledValue(d.spec?.strategy?.rollingUpdate?.maxSurge ?? '25%', desired, true);
  const current = sumReplicas(allRSs);
  const maxTotal = desired + surge;
  if (current >= maxTotal) return replicasOf(newRS);
  const up = Math.min(maxTotal - current, desired - replicasOf(newRS));
  return replicasOf(newRS) + up;
}

/** reconcileNewReplicaSet: the new ReplicaSet's next size, or undefined when it stays. */
export function rollingScaleUp(d: Deployment, allRSs: ReplicaSet[], newRS: ReplicaSet): number | undefined {
  const desired = desiredReplicas(d);
  const current = replicasOf(newRS);
  if (current === desired) return undefined;
  const next = current > desired ? desired : newRSNewReplicas(d, allRSs, newRS);
  return next === current ? undefined : next;
}

/**
 * reconcileOldReplicaSets: old ReplicaSets scaled down as far as maxUnavailable lets the Deployment go, first their
 * unavailable replicas (which cost no availability), then available ones, oldest ReplicaSet first.
 */
export function rollingScaleDown(d: Deployment, oldRSs: ReplicaSet[], newRS: ReplicaSet): ScaleStep[] {
  const active = activeReplicaSets(oldRSs);
  if (sumReplicas(active) === 0) return [];
  const allPods = sumReplicas([...active, newRS]);
  const minAvailable = desiredReplicas(d) - maxUnavailable(d);
  const newUnavailable = replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = allPods - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return [];

  const steps: ScaleStep[] = [];
  const size = new Map<ReplicaSet, number>(active.map((rs) => [rs, replicasOf(rs)]));
  const ordered = [...active].sort(byCreation);

  // Unhealthy replicas first, or they would block the rollout until the deadline (kubernetes#16737).
  let cleaned = 0;
  for (const rs of ordered) {
    if (cleaned >= maxScaledDown) break;
    const replicas = size.get(rs)!;
    const available = rs.status?.availableReplicas ?? 0;
    if (replicas === 0 || replicas === available) continue;
    const down = Math.min(maxScaledDown - cleaned, replicas - available);
    if (down <= 0) continue;
    size.set(rs, replicas - down);
    steps.push({ rs, replicas: replicas - down });
    cleaned += down;
  }

  // Then available ones, while the Deployment keeps minAvailable.
  const availablePods = sumAvailableReplicas([...active, newRS]);
  if (availablePods <= minAvailable) return steps;
  const budget = availablePods - minAvailable;
  let scaled = 0;
  for (const rs of ordered) {
    if (scaled >= budget) break;
    const replicas = size.get(rs)!;
    if (replicas === 0) continue;
    const down = Math.min(replicas, budget - scaled);
    size.set(rs, replicas - down);
    steps.push({ rs, replicas: replicas - down });
    scaled += down;
  }
  return steps;
}

/** Recreate's first step: every old ReplicaSet to zero. */
export function recreateScaleDown(oldRSs: ReplicaSet[]): ScaleStep[] {
  return activeReplicaSets(oldRSs).map((rs) => ({ rs, replicas: 0 }));
}

/**
 * Recreate waits while any pod of an old ReplicaSet may still run: counted in a status, or present and not
 * finished (a terminating pod still runs). `pods` are the pods of the Deployment's ReplicaSets.
 */
export function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[], pods: Pod[]): boolean {
  if (sumActualReplicas(oldRSs) > 0) return true;
  const newUid = newRS?.metadata?.uid;
  const oldUids = new Set(oldRSs.map((rs) => rs.metadata?.uid));
  return pods.some((p) => {
    const owner = p.metadata?.ownerReferences?.find((r) => r.controller)?.uid;
    if (!owner || owner === newUid || !oldUids.has(owner)) return false;
    return p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed';
  });
}

/** A scaling event: some active ReplicaSet was last sized for a different spec.replicas than the current one. */
export function isScalingEvent(d: Deployment, allRSs: ReplicaSet[]): boolean {
  return activeReplicaSets(allRSs).some((rs) => {
    const desired = desiredReplicasAnnotationOf(rs);
    return desired !== undefined && desired !== desiredReplicas(d);
  });
}

/** The new ReplicaSet has every replica the Deployment wants, all of them available. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const desired = desiredReplicas(d);
  return desiredReplicasAnnotationOf(rs) === desired && replicasOf(rs) === desired
    && (rs.status?.availableReplicas ?? 0) === desired;
}

/** The only active ReplicaSet, or the newest when none is active; undefined when several are. */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = activeReplicaSets([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  if (active.length === 1) return active[0];
  return undefined;
}

/** kube's getReplicaSetFraction: this ReplicaSet's share of the change, from the total it was last sized for. */
function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  const desired = desiredReplicas(d);
  if (desired === 0) return -replicasOf(rs);
  const maxNow = desired + maxSurge(d);
  let maxBefore = maxReplicasAnnotationOf(rs);
  if (maxBefore === undefined || maxBefore === 0) {
    // Someone removed the annotation: fall back to the Deployment's current size.
    maxBefore = d.status?.replicas ?? 0;
    if (maxBefore === 0) return 0;
  }
  const scaled = (replicasOf(rs) * maxNow) / maxBefore;
  // Go's math.Round: halves away from zero (the value is never negative here).
  return Math.round(scaled) - replicasOf(rs);
}

function proportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (replicasOf(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/**
 * kube's scale(): spec.replicas changed. A single active ReplicaSet (or the newest) simply takes the new size; a
 * saturated new ReplicaSet means the old ones go to zero; otherwise, during a rolling update, the change is spread
 * over the active ReplicaSets in proportion to their size, leftovers to the largest.
 */
export function proportionalScale(d: Deployment, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): ScaleStep[] {
  const desired = desiredReplicas(d);
  const only = findActiveOrLatest(newRS, oldRSs);
  if (only) return replicasOf(only) === desired ? [] : [{ rs: only, replicas: desired }];
  if (isSaturated(d, newRS)) return activeReplicaSets(oldRSs).map((rs) => ({ rs, replicas: 0 }));
  if (!isRollingUpdate(d)) return [];

  const all = activeReplicaSets([...oldRSs, newRS]);
  const allowed = desired > 0 ? desired + maxSurge(d) : 0;
  const toAdd = allowed - sumReplicas(all);
  if (toAdd > 0) all.sort(bySizeNewer);
  else if (toAdd < 0) all.sort(bySizeOlder);

  let added = 0;
  const sizes = all.map((rs) => {
    if (toAdd === 0) return replicasOf(rs);
    const p = proportion(rs, d, toAdd, added);
    added += p;
    return replicasOf(rs) + p;
  });
  if (toAdd !== 0 && sizes.length > 0) sizes[0] = Math.max(0, sizes[0] + toAdd - added);
  return all.map((rs, i) => ({ rs, replicas: sizes[i], syncAnnotations: true }));
}
