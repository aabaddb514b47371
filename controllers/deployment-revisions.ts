// Revisions of a Deployment (kube's deployment/util annotations and cleanupDeployment): every ReplicaSet carries the
// revision number it was last rolled out as, the Deployment carries its new ReplicaSet's, a ReplicaSet rolled back
// to keeps the numbers it had before in revision-history, and old empty ReplicaSets beyond revisionHistoryLimit go.
import type { Deployment, ReplicaSet } from '../apiserver/api/types.ts';
import { templateHash } from './controller-revision.ts';
import {
  byCreation, desiredReplicas, maxSurge, podTemplateHashLabel, replicasOf,
} from './deployment-replicasets.ts';
import { controllerRef } from './workload-pods.ts';

export const revisionAnnotation = 'deployment.kubernetes.io/revision';
export const revisionHistoryAnnotation = 'deployment.kubernetes.io/revision-history';
export const desiredReplicasAnnotation = 'deployment.kubernetes.io/desired-replicas';
export const maxReplicasAnnotation = 'deployment.kubernetes.io/max-replicas';
export const changeCauseAnnotation = 'kubernetes.io/change-cause';
/** apps/v1 has no spec.rollbackTo; kube keeps the old API's request in this annotation. */
export const rollbackToAnnotation = 'deprecated.deployment.rollback.to';
const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';

/** How long revision-history may grow (kube's maxRevHistoryLengthInChars). */
export const maxRevisionHistoryChars = 2000;

/** Annotations the controller manages itself and never copies between a Deployment and its ReplicaSets. */
const notCopied = new Set([
  lastAppliedAnnotation, revisionAnnotation, revisionHistoryAnnotation, desiredReplicasAnnotation,
  maxReplicasAnnotation, rollbackToAnnotation,
]);

export function skipCopyAnnotation(key: string): boolean {
  return notCopied.has(key);
}

/** The revision a ReplicaSet was rolled out as (0 when missing or unreadable). */
export function revisionOf(obj: { metadata?: { annotations?: Record<string, string> } }): number {
  const v = obj.metadata?.annotations?.[revisionAnnotation];
  if (v === undefined || !/^\d+$/.test(v)) return 0;
  return Number(v);
}

export function maxRevision(rss: ReplicaSet[]): number {
  return rss.reduce((max, rs) => Math.max(max, revisionOf(rs)), 0);
}

/** The second highest revision: what `rollout undo` without --to-revision goes back to. */
export function lastRevision(rss: ReplicaSet[]): number {
  let max = 0;
  let second = 0;
  for (const rs of rss) {
    const v = revisionOf(rs);
    if (v >= max) {
      second = max;
      max = v;
    } else if (v > second) second = v;
  }
  return second;
}

/** Copies the Deployment's own annotations (change-cause and the like) onto a ReplicaSet; true when any changed. */
export function copyDeploymentAnnotations(d: Deployment, annotations: Record<string, string>): boolean {
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) {
    if (skipCopyAnnotation(k) || annotations[k] === v) continue;
    annotations[k] = v;
    changed = true;
  }
  return changed;
}

/** Sets desired-replicas and max-replicas (what proportional scaling reads back); true when either changed. */
export function setReplicasAnnotations(annotations: Record<string, string>, desired: number, max: number): boolean {
  let changed = false;
  if (annotations[desiredReplicasAnnotation] !== String(desired)) {
    annotations[desiredReplicasAnnotation] = String(desired);
    changed = true;
  }
  if (annotations[maxReplicasAnnotation] !== String(max)) {
    annotations[maxReplicasAnnotation] = String(max);
    changed = true;
  }
  return changed;
}

export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = rs.metadata?.annotations ?? {};
  return a[desiredReplicasAnnotation] !== String(desired) || a[maxReplicasAnnotation] !== String(max);
}

/** The replica count a ReplicaSet's desired-replicas annotation records, if readable. */
export function desiredReplicasAnnotationOf(rs: ReplicaSet): number | undefined {
  return intAnnotation(rs, desiredReplicasAnnotation);
}

export function maxReplicasAnnotationOf(rs: ReplicaSet): number | undefined {
  return intAnnotation(rs, maxReplicasAnnotation);
}

function intAnnotation(rs: ReplicaSet, key: string): number | undefined {
  const v = rs.metadata?.annotations?.[key];
  return v !== undefined && /^-?\d+$/.test(v) ? Number(v) : undefined;
}

/**
 * kube's SetNewReplicaSetAnnotations on `annotations` (the new ReplicaSet's, changed in place): the Deployment's
 * annotations, the revision raised to `newRevision` (a rolled-back ReplicaSet remembers the number it had in
 * revision-history), and for a ReplicaSet about to be created the replica annotations. True when anything changed.
 */
export function setNewReplicaSetAnnotations(d: Deployment, annotations: Record<string, string>, newRevision: number,
  exists: boolean): boolean {
  let changed = copyDeploymentAnnotations(d, annotations);
  const had = Object.hasOwn(annotations, revisionAnnotation);
  const oldText = annotations[revisionAnnotation] ?? '';
  if (oldText !== '' && !/^\d+$/.test(oldText)) return false;
  const old = oldText === '' ? 0 : Number(oldText);
  if (old < newRevision) {
    annotations[revisionAnnotation] = String(newRevision);
    changed = true;
    if (had) {
      const history = annotations[revisionHistoryAnnotation] ?? '';
      const next = appendHistory(history, oldText, maxRevisionHistoryChars);
      if (next !== undefined) annotations[revisionHistoryAnnotation] = next;
    }
  }
  if (!exists && setReplicasAnnotations(annotations, desiredReplicas(d), desiredReplicas(d) + maxSurge(d))) changed = true;
  return changed;
}

/** Appends `revision` to a comma-separated history, dropping the oldest entries to stay within `limit` chars. */
export function appendHistory(history: string, revision: string, limit: number): string | undefined {
  const entries = history.split(',');
  if (entries[0] === '') return revision;
  let total = history.length + revision.length + 1;
  let start = 0;
  while (total > limit && start < entries.length) {
    total -= entries[start].length + 1;
    start++;
  }
  if (total > limit) return undefined;
  return [...entries.slice(start), revision].join(',');
}

/** The ReplicaSet a Deployment's current template is rolled out as, ready to create. */
export function newReplicaSetFor(d: Deployment, collisionCount: number, replicas: number, revision: number): ReplicaSet {
  const template = structuredClone(d.spec?.template ?? {});
  const hash = templateHash(d.spec?.template, collisionCount);
  const labels = { ...template.metadata?.labels, [podTemplateHashLabel]: hash };
  template.metadata = { ...template.metadata, labels };
  const selector = structuredClone(d.spec?.selector ?? {});
  selector.matchLabels = { ...selector.matchLabels, [podTemplateHashLabel]: hash };
  const annotations: Record<string, string> = {};
  setNewReplicaSetAnnotations(d, annotations, revision, false);
  return {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata?.name ?? ''}-${hash}`,
      namespace: d.metadata?.namespace,
      labels: { ...labels },
      annotations,
      ownerReferences: [controllerRef(d, 'apps/v1', 'Deployment')],
    },
    spec: {
      replicas,
      minReadySeconds: d.spec?.minReadySeconds ?? 0,
      selector,
      template,
    },
  };
}

/** Lowest revision first, the older first among equals (deploymentutil.ReplicaSetsByRevision). */
export function byRevision(a: ReplicaSet, b: ReplicaSet): number {
  return revisionOf(a) - revisionOf(b) || byCreation(a, b);
}

/**
 * kube's cleanupDeployment: the old ReplicaSets beyond revisionHistoryLimit, oldest revision first, that are
 * fully scaled down (nothing asked, nothing running, status caught up).
 */
export function replicaSetsToPrune(d: Deployment, oldRSs: ReplicaSet[]): ReplicaSet[] {
  const limit = d.spec?.revisionHistoryLimit;
  if (limit === undefined) return [];
  const alive = oldRSs.filter((rs) => !rs.metadata?.deletionTimestamp);
  const diff = alive.length - limit;
  if (diff <= 0) return [];
  return [...alive].sort(byRevision).slice(0, diff).filter((rs) =>
    (rs.status?.replicas ?? 0) === 0 && replicasOf(rs) === 0
    && (rs.metadata?.generation ?? 0) <= (rs.status?.observedGeneration ?? 0));
}

/**
 * The deprecated rollbackTo request (apps/v1 carries it as an annotation): the revision asked for, 0 meaning the
 * previous one; undefined when there is no request.
 */
export function rollbackRequest(d: Deployment): number | undefined {
  const v = d.metadata?.annotations?.[rollbackToAnnotation];
  // An unreadable request is ignored, as kube does.
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

/**
 * The Deployment rolled back to `rs`'s template (kube's rollbackToTemplate with SetDeploymentAnnotationsTo): the
 * template without the hash label, the ReplicaSet's annotations in place of the Deployment's own, and the request
 * annotation removed.
 */
export function rolledBack(d: Deployment, rs: ReplicaSet): Deployment {
  const template = structuredClone(rs.spec?.template ?? {});
  if (template.metadata?.labels) delete template.metadata.labels[podTemplateHashLabel];
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) if (skipCopyAnnotation(k)) annotations[k] = v;
  for (const [k, v] of Object.entries(rs.metadata?.annotations ?? {})) if (!skipCopyAnnotation(k)) annotations[k] = v;
  delete annotations[rollbackToAnnotation];
  return {
    ...d,
    metadata: { ...d.metadata, annotations },
    spec: { ...d.spec!, template },
  };
}
