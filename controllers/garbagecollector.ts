// garbage-collector-controller (kube's pkg/controller/garbagecollector): deleting an owner deletes its dependents.
// Background (the default): the owner is gone at once and the collector deletes what pointed at it. Foreground:
// the owner waits, with the foregroundDeletion finalizer, until its blocking dependents are gone. Orphan: the
// dependents lose their ownerReference and the owner's orphan finalizer is removed. The ownership graph comes from
// watching every resource; every decision to delete is confirmed against the apiserver first, never the cache.
import { groupVersion, resourceForKind, resources } from '../apiserver/api/resources.ts';
import type { OwnerReference } from '../apiserver/api/types.ts';
import { isConflict, isNotFound, type ApiObject } from '../apiserver/client/index.ts';
import { controllerBasics, type Controller, type ControllerContext } from './framework/controller.ts';
import {
  OwnershipGraph, decideDependent, foregroundFinalizer, orphanFinalizer, type GraphWork, type ObjectIdentity, type OwnerState,
} from './garbage-collector-graph.ts';

/** Kinds that never own anything and are too numerous to be worth watching. */
const unwatched = new Set(['events']);

export function newGarbageCollector(ctx: ControllerContext): Controller {
  const name = 'garbage-collector-controller';
  const { queue, logger } = controllerBasics(ctx, name);
  const graph = new OwnershipGraph();

  const schedule = (work: GraphWork): void => {
    for (const uid of work.attemptToDelete) queue.add(`delete/${uid}`);
    for (const uid of work.attemptToOrphan) queue.add(`orphan/${uid}`);
  };
  for (const ri of resources) {
    if (unwatched.has(ri.plural) || !ri.verbs.includes('watch')) continue;
    const apiVersion = groupVersion(ri);
    ctx.informers.informerFor<ApiObject>(ri).addEventHandler({
      onAdd: (o) => schedule(graph.observe(o, apiVersion, ri.kind)),
      onUpdate: (_old, o) => schedule(graph.observe(o, apiVersion, ri.kind)),
      onDelete: (o) => schedule(graph.remove(o.metadata?.uid ?? '')),
    });
  }

  /** The object as the apiserver has it now, or undefined when it is gone (or is another object of that name). */
  async function live(id: ObjectIdentity): Promise<ApiObject | undefined> {
    const ri = resourceForKind(id.apiVersion, id.kind);
    if (!ri) return undefined;
    try {
      const obj = await ctx.client.get(ri, ri.namespaced ? id.namespace : undefined, id.name);
      return obj.metadata?.uid === id.uid ? obj : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async function ownerState(ref: OwnerReference, namespace: string | undefined): Promise<OwnerState> {
    const known = graph.get(ref.uid);
    if (known && !known.virtual) return known.deletingDependents ? 'waitingForDependentsDeletion' : 'solid';
    // Only the apiserver may say an owner is gone.
    const owner = (await live({ apiVersion: ref.apiVersion, kind: ref.kind, namespace, name: ref.name, uid: ref.uid }))?.metadata;
    if (!owner) return 'dangling';
    return owner.deletionTimestamp && (owner.finalizers ?? []).includes(foregroundFinalizer) ? 'waitingForDependentsDeletion' : 'solid';
  }

  /** A merge patch on the live object, tried again on a conflict (the object moved on while we looked). */
  async function patchMetadata(id: ObjectIdentity, change: (obj: ApiObject) => Record<string, unknown>): Promise<void> {
    const ri = resourceForKind(id.apiVersion, id.kind);
    if (!ri) return;
    for (let attempt = 1; ; attempt++) {
      const obj = await live(id);
      if (!obj) return;
      try {
        await ctx.client.patch(ri, obj.metadata?.namespace, obj.metadata?.name ?? '', {
          metadata: { resourceVersion: obj.metadata?.resourceVersion, ...change(obj) },
        }, 'merge');
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        if (!isConflict(err) || attempt >= 5) throw err;
      }
    }
  }

  const removeFinalizer = (id: ObjectIdentity, finalizer: string): Promise<void> =>
    patchMetadata(id, (obj) => ({ finalizers: (obj.metadata?.finalizers ?? []).filter((f) => f !== finalizer) }));

  const removeOwnerReferences = (id: ObjectIdentity, uids: string[]): Promise<void> =>
    patchMetadata(id, (obj) => ({ ownerReferences: (obj.metadata?.ownerReferences ?? []).filter((r) => !uids.includes(r.uid)) }));

  async function attemptToOrphan(uid: string): Promise<void> {
    const node = graph.get(uid);
    if (!node?.orphaning) return;
    await Promise.all([...node.dependents].map(async (dep) => {
      const d = graph.get(dep);
      if (d && !d.virtual) await removeOwnerReferences(d.identity, [uid]);
    }));
    await removeFinalizer(node.identity, orphanFinalizer);
    logger.info({ owner: describe(node.identity), dependents: node.dependents.size }, 'orphaned dependents');
  }

  async function attemptToDelete(uid: string): Promise<void> {
    const node = graph.get(uid);
    if (!node) return;
    if (node.virtual) {
      // An owner seen only in references: once the apiserver confirms it is gone, its dependents are looked at.
      if (!(await live(node.identity))) for (const dep of graph.confirmAbsent(uid)) queue.add(`delete/${dep}`);
      return;
    }
    if (node.deletingDependents) {
      const blocking = [...node.dependents].filter((dep) =>
        graph.get(dep)?.owners.some((r) => r.uid === uid && r.blockOwnerDeletion));
      if (blocking.length === 0) {
        await removeFinalizer(node.identity, foregroundFinalizer);
        return;
      }
      for (const dep of blocking) if (!graph.get(dep)?.deletingDependents) queue.add(`delete/${dep}`);
      return;
    }
    if (node.beingDeleted) return;

    const obj = await live(node.identity);
    if (!obj) return;
    const refs = obj.metadata?.ownerReferences ?? [];
    if (refs.length === 0) return;
    const owners = await Promise.all(refs.map(async (r) => ({ uid: r.uid, state: await ownerState(r, obj.metadata?.namespace) })));
    const decision = decideDependent(owners, node.dependents.size > 0, obj.metadata?.finalizers ?? []);
    if (decision.action === 'removeOwnerReferences') {
      await removeOwnerReferences(node.identity, decision.uids);
    } else if (decision.action === 'delete') {
      const ri = resourceForKind(node.identity.apiVersion, node.identity.kind);
      if (!ri) return;
      logger.info({ object: describe(node.identity), propagationPolicy: decision.propagationPolicy }, 'deleting object whose owners are gone');
      try {
        await ctx.client.delete(ri, obj.metadata?.namespace, node.identity.name, {
          propagationPolicy: decision.propagationPolicy, preconditions: { uid },
        });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }

  // A conflict is retried with back-off like any error: the object changed, and the graph may not queue it again.
  async function reconcile(key: string): Promise<void> {
    const [verb, uid] = key.split('/');
    if (verb === 'orphan') await attemptToOrphan(uid);
    else await attemptToDelete(uid);
  }

  return { name, queue, workers: 10, reconcile };
}

function describe(id: ObjectIdentity): string {
  return `${id.kind} ${id.namespace ? `${id.namespace}/` : ''}${id.name}`;
}
