// Pod helpers shared by the Job, DaemonSet and StatefulSet controllers: what counts as active or ready, and the
// ownerReference a controller puts on what it creates (so the garbage collector and adoption can find the owner).
import type { OwnerReference, Pod, PodCondition } from '../apiserver/api/types.ts';
import type { ApiObject } from '../apiserver/client/index.ts';

/** Not finished and not being deleted: the pod still does (or will do) the owner's work. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata?.deletionTimestamp;
}

export function isPodTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

export function podCondition(pod: Pod, type: string): PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === type);
}

export function isPodReady(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && podCondition(pod, 'Ready')?.status === 'True';
}

/** Ready for at least minReadySeconds (kube's IsPodAvailable). */
export function isPodAvailable(pod: Pod, minReadySeconds: number, nowMs: number): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const since = podCondition(pod, 'Ready')?.lastTransitionTime;
  if (!since) return false;
  return Date.parse(since) + minReadySeconds * 1000 <= nowMs;
}

/** The controller ownerReference pointing at `owner` (blockOwnerDeletion, as kube's controllers set it). */
export function controllerRef(owner: ApiObject, apiVersion: string, kind: string): OwnerReference {
  return {
    apiVersion, kind,
    name: owner.metadata?.name ?? '',
    uid: owner.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The controller ownerReference of `obj`, if any. */
export function controllerOf(obj: ApiObject): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller);
}

/** Informer index: `namespace/name` of the controlling owner of kind `kind`, so a deleted owner's pods can be found. */
export function controllerNameIndex(kind: string): (obj: ApiObject) => string[] {
  return (obj) => {
    const ref = controllerOf(obj);
    return ref && ref.kind === kind ? [`${obj.metadata?.namespace ?? ''}/${ref.name}`] : [];
  };
}

/** RFC 3339 with seconds, as Kubernetes writes times. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Queues a pod's controlling owner of `kind` (namespace/name) on every pod event, telling the expectations what
 * was observed: a new pod is an expected create, a pod going away an expected delete.
 */
export function watchOwnedPods(
  pods: { addEventHandler(h: { onAdd(p: Pod): void; onUpdate(old: Pod, p: Pod): void; onDelete(p: Pod): void }): unknown },
  kind: string,
  expectations: { creationObserved(key: string): void; deletionObserved(key: string): void },
  queue: { add(key: string): void },
): void {
  const ownerKey = (p: Pod): string | undefined => {
    const ref = controllerOf(p);
    return ref?.kind === kind && p.metadata?.namespace ? `${p.metadata.namespace}/${ref.name}` : undefined;
  };
  pods.addEventHandler({
    onAdd: (p) => {
      const key = ownerKey(p);
      if (!key) return;
      expectations.creationObserved(key);
      queue.add(key);
    },
    onUpdate: (old, p) => {
      const key = ownerKey(p);
      if (!key) return;
      if (!old.metadata?.deletionTimestamp && p.metadata?.deletionTimestamp) expectations.deletionObserved(key);
      queue.add(key);
    },
    onDelete: (p) => {
      const key = ownerKey(p);
      if (!key) return;
      if (!p.metadata?.deletionTimestamp) expectations.deletionObserved(key);
      queue.add(key);
    },
  });
}

/**
 * Wraps a sync so that a 409 Conflict ends the attempt quietly: it means the cache is behind the controller's own
 * last write, and that write's watch event queues the key again.
 */
export function skipConflicts(sync: (key: string) => Promise<void>, isConflict: (e: unknown) => boolean): (key: string) => Promise<void> {
  return async (key) => {
    try {
      await sync(key);
    } catch (err) {
      if (isConflict(err)) return;
      throw err;
    }
  };
}
