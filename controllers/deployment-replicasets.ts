// What the Deployment controller knows about its ReplicaSets (kube's deployment/util): which one holds the current
// pod template, how many replicas they add up to, the orders kube sorts them in, and the rolling-update fenceposts
// (maxSurge, maxUnavailable) resolved against the desired replica count.
import type { Deployment, PodTemplateSpec, ReplicaSet } from '../apiserver/api/types.ts';
import { percentValue, type IntOrPercent } from '../apiserver/api/validation/int-or-percent.ts';
import { canonicalJson } from './controller-revision.ts';

/** The label that tells a Deployment's ReplicaSets (and their pods) apart: the hash of the pod template. */
export const podTemplateHashLabel = 'pod-template-hash';

export function replicasOf(rs: ReplicaSet): number {
  return rs.spec?.replicas ?? 1;
}

export function desiredReplicas(d: Deployment): number {
  return d.spec?.replicas ?? 1;
}

/** Sum of spec.replicas: what the controller has asked for. */
export function sumReplicas(rss: ReplicaSet[]): number {
  return rss.reduce((n, rs) => n + replicasOf(rs), 0);
}

/** Sum of status.replicas: the pods that exist. */
export function sumActualReplicas(rss: ReplicaSet[]): number {
  return rss.reduce((n, rs) => n + (rs.status?.replicas ?? 0), 0);
}

export function sumReadyReplicas(rss: ReplicaSet[]): number {
  return rss.reduce((n, rs) => n + (rs.status?.readyReplicas ?? 0), 0);
}

export function sumAvailableReplicas(rss: ReplicaSet[]): number {
  return rss.reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0);
}

/** ReplicaSets asked to run at least one pod. */
export function activeReplicaSets(rss: (ReplicaSet | undefined)[]): ReplicaSet[] {
  return rss.filter((rs): rs is ReplicaSet => rs !== undefined && replicasOf(rs) > 0);
}

function createdMs(rs: ReplicaSet): number {
  return Date.parse(rs.metadata?.creationTimestamp ?? '') || 0;
}

function byName(a: ReplicaSet, b: ReplicaSet): number {
  const x = a.metadata?.name ?? '';
  const y = b.metadata?.name ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Oldest first; the name breaks ties (controller.ReplicaSetsByCreationTimestamp). */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  return createdMs(a) - createdMs(b) || byName(a, b);
}

/** Largest first, older first among equals: who gives up replicas first when scaling down. */
export function bySizeOlder(a: ReplicaSet, b: ReplicaSet): number {
  return replicasOf(b) - replicasOf(a) || byCreation(a, b);
}

/** Largest first, newer first among equals: who gets replicas first when scaling up. */
export function bySizeNewer(a: ReplicaSet, b: ReplicaSet): number {
  return replicasOf(b) - replicasOf(a) || byCreation(b, a);
}

/** Drops what Go's semantic equality ignores (nil against empty maps and slices) so equal templates compare equal. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map(normalize);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const n = normalize(v);
      if (n !== undefined && n !== null) out[k] = n;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return value;
}

function withoutHashLabel(t: PodTemplateSpec | undefined): unknown {
  const copy = structuredClone(t ?? {});
  if (copy.metadata?.labels) delete copy.metadata.labels[podTemplateHashLabel];
  return normalize(copy);
}

/** kube's EqualIgnoreHash: the same template once the pod-template-hash label is set aside. */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return canonicalJson(withoutHashLabel(a) ?? {}) === canonicalJson(withoutHashLabel(b) ?? {});
}

/** The oldest ReplicaSet whose template is the Deployment's (there should be one at most). */
export function findNewReplicaSet(d: Deployment, rss: ReplicaSet[]): ReplicaSet | undefined {
  return [...rss].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

/** Every ReplicaSet but the new one. */
export function findOldReplicaSets(d: Deployment, rss: ReplicaSet[]): ReplicaSet[] {
  const newRS = findNewReplicaSet(d, rss);
  return rss.filter((rs) => rs !== newRS);
}

/** An IntOrString against a total: a count as is, a percentage scaled and rounded up or down. */
export function scaledValue(value: IntOrPercent | undefined, total: number, roundUp: boolean): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  const pct = percentValue(value);
  if (pct === undefined) {
    const n = Number.parseInt(value, 10);
    if (String(n) !== value) throw new Error(`invalid value for IntOrString: invalid value ${JSON.stringify(value)}`);
    return n;
  }
  const scaled = (pct * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/**
 * kube's ResolveFenceposts: maxSurge rounds up, maxUnavailable down, and both zero would deadlock a rollout, so
 * maxUnavailable becomes 1.
 */
export function resolveFenceposts(maxSurge: IntOrPercent | undefined, maxUnavailable: IntOrPercent | undefined,
  desired: number): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge ?? 0, desired, true);
  let unavailable = scaledValue(maxUnavailable ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export function isRollingUpdate(d: Deployment): boolean {
  return (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/** How far above spec.replicas a rolling update may go (0 for Recreate). */
export function maxSurge(d: Deployment): number {
  if (!isRollingUpdate(d)) return 0;
  const ru = d.spec?.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge ?? '25%', ru?.maxUnavailable ?? '25%', desiredReplicas(d)).surge;
}

/** How many replicas may be unavailable during a rolling update, never more than spec.replicas (0 for Recreate). */
export function maxUnavailable(d: Deployment): number {
  const desired = desiredReplicas(d);
  if (!isRollingUpdate(d) || desired === 0) return 0;
  const ru = d.spec?.strategy?.rollingUpdate;
  const { unavailable } = resolveFenceposts(ru?.maxSurge ?? '25%', ru?.maxUnavailable ?? '25%', desired);
  return Math.min(unavailable, desired);
}
