// What a DELETE does to an object, decided without I/O, as kube-apiserver's graceful deletion and
// garbage-collection finalizers decide it:
// - a pod bound to a node and still running is marked (deletionTimestamp = now + grace) and its kubelet
//   finishes the deletion with grace 0 once the containers are gone;
// - an object with finalizers is marked and stays until the finalizers are removed;
// - a namespace is marked Terminating and stays until the namespace controller has emptied and finalized it;
// - propagationPolicy Orphan / Foreground add the `orphan` / `foregroundDeletion` finalizer the garbage
//   collector acts on; Background (the default) deletes now and lets the collector remove dependents.
import type { KubeObject, Mutable, ObjectMeta } from '../api/types.ts';

export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';

export interface DeleteRequest {
  gracePeriodSeconds?: number;
  propagationPolicy?: PropagationPolicy;
  /** The legacy boolean form of propagationPolicy Orphan. */
  orphanDependents?: boolean;
}

export type DeletePlan =
  | { action: 'delete' }
  | { action: 'mark'; object: KubeObject };

export const orphanFinalizer = 'orphan';
export const foregroundFinalizer = 'foregroundDeletion';

interface PodLike {
  spec?: { nodeName?: string; terminationGracePeriodSeconds?: number };
  status?: { phase?: string };
}

/** Whether this kind is deleted gracefully (only pods, as in Kubernetes). */
export function supportsGracefulDeletion(plural: string): boolean {
  return plural === 'pods';
}

export function planDelete(plural: string, current: KubeObject, req: DeleteRequest, nowMs: number): DeletePlan {
  const object = structuredClone(current) as KubeObject;
  const meta: Mutable<ObjectMeta> = object.metadata ?? {};
  object.metadata = meta;
  let changed = false;

  // kube's namespace REST Delete: the first DELETE only turns the namespace Terminating (with the propagation
  // finalizers asked for); the namespace controller empties it and removes its spec.finalizers through
  // namespaces/finalize, which deletes it. A later DELETE waits while spec.finalizers remain, and once they are
  // gone deletes as any other object would.
  if (plural === 'namespaces') {
    if (meta.deletionTimestamp === undefined) {
      meta.deletionTimestamp = rfc3339(nowMs);
      object.status = { ...(object.status as Record<string, unknown> | undefined), phase: 'Terminating' };
      const finalizers = withPropagationFinalizers(meta.finalizers ?? [], req);
      if (finalizers.length > 0) meta.finalizers = finalizers;
      else delete meta.finalizers;
      return { action: 'mark', object };
    }
    if (specFinalizers(object).length > 0) return { action: 'mark', object: current };
  }

  const finalizers = withPropagationFinalizers(meta.finalizers ?? [], req);
  if (!sameList(finalizers, meta.finalizers ?? [])) {
    if (finalizers.length > 0) meta.finalizers = finalizers;
    else delete meta.finalizers;
    changed = true;
  }

  const grace = supportsGracefulDeletion(plural) ? podGracePeriod(object as PodLike, req) : 0;
  if (grace > 0) {
    // A second, shorter delete shortens the grace period; a longer one never extends it.
    const currentGrace = meta.deletionGracePeriodSeconds;
    if (meta.deletionTimestamp === undefined || currentGrace === undefined || grace < currentGrace) {
      meta.deletionTimestamp = rfc3339(nowMs + grace * 1000);
      meta.deletionGracePeriodSeconds = grace;
      changed = true;
    }
    return changed ? { action: 'mark', object } : { action: 'mark', object: current };
  }

  if ((meta.finalizers ?? []).length === 0) return { action: 'delete' };
  if (meta.deletionTimestamp === undefined) {
    meta.deletionTimestamp = rfc3339(nowMs);
    changed = true;
  }
  if (meta.deletionGracePeriodSeconds !== 0) {
    meta.deletionGracePeriodSeconds = 0;
    changed = true;
  }
  return { action: 'mark', object: changed ? object : current };
}

/** After an update of an object being deleted: gone once its finalizers are and no grace period is pending. */
export function shouldFinishDeletion(plural: string, obj: KubeObject): boolean {
  const meta = obj.metadata;
  return meta?.deletionTimestamp !== undefined
    && (meta.finalizers ?? []).length === 0
    && (meta.deletionGracePeriodSeconds ?? 0) === 0
    && (plural !== 'namespaces' || specFinalizers(obj).length === 0);
}

function specFinalizers(obj: KubeObject): string[] {
  const spec = obj.spec as { finalizers?: string[] } | undefined;
  return spec?.finalizers ?? [];
}

function podGracePeriod(pod: PodLike, req: DeleteRequest): number {
  // An unscheduled pod has nothing running; a finished one has nothing left to stop.
  if (!pod.spec?.nodeName) return 0;
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return 0;
  const grace = req.gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
  return Math.max(0, grace);
}

function withPropagationFinalizers(current: string[], req: DeleteRequest): string[] {
  const policy = req.propagationPolicy ?? (req.orphanDependents === true ? 'Orphan' : undefined);
  if (policy === undefined) return current;
  const rest = current.filter((f) => f !== orphanFinalizer && f !== foregroundFinalizer);
  if (policy === 'Orphan') return [...rest, orphanFinalizer];
  if (policy === 'Foreground') return [...rest, foregroundFinalizer];
  return rest;
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
