// The garbage collector's picture of who owns whom (kube's GraphBuilder), built from the watch events of every
// resource. Nodes are keyed by uid; an owner referenced before (or after) it was seen is a "virtual" node that the
// collector must confirm with the apiserver. Updating the graph is synchronous and pure: each change returns the
// uids whose state may now call for work, and the collector queues them.
import type { OwnerReference } from '../apiserver/api/types.ts';
import type { ApiObject } from '../apiserver/client/index.ts';

export const orphanFinalizer = 'orphan';
export const foregroundFinalizer = 'foregroundDeletion';

export interface ObjectIdentity {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  uid: string;
}

export interface GraphNode {
  identity: ObjectIdentity;
  owners: OwnerReference[];
  dependents: Set<string>;
  /** Known only from a dependent's ownerReference; may not exist. */
  virtual: boolean;
  beingDeleted: boolean;
  /** Being deleted with the foregroundDeletion finalizer: its dependents go first. */
  deletingDependents: boolean;
  /** Carries the orphan finalizer: its dependents are to be released, not deleted. */
  orphaning: boolean;
}

/** The work the collector has to do after a graph change. */
export interface GraphWork {
  /** Check whether these objects' owners are gone (delete them) or they finished deleting dependents. */
  attemptToDelete: string[];
  /** Release these owners' dependents, then drop their orphan finalizer. */
  attemptToOrphan: string[];
}

export class OwnershipGraph {
  private readonly nodes = new Map<string, GraphNode>();

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  get size(): number {
    return this.nodes.size;
  }

  /** An object was added or updated. */
  observe(obj: ApiObject, apiVersion: string, kind: string): GraphWork {
    const work: GraphWork = { attemptToDelete: [], attemptToOrphan: [] };
    const uid = obj.metadata?.uid;
    if (!uid) return work;
    const identity: ObjectIdentity = {
      apiVersion, kind, namespace: obj.metadata?.namespace, name: obj.metadata?.name ?? '', uid,
    };
    const owners = [...(obj.metadata?.ownerReferences ?? [])];
    const finalizers = obj.metadata?.finalizers ?? [];
    const beingDeleted = Boolean(obj.metadata?.deletionTimestamp);
    let node = this.nodes.get(uid);
    const previousOwners = node?.owners ?? [];
    if (!node) {
      node = { identity, owners, dependents: new Set(), virtual: false, beingDeleted: false, deletingDependents: false, orphaning: false };
      this.nodes.set(uid, node);
    }
    node.identity = identity;
    node.virtual = false;
    node.owners = owners;
    const wasDeletingDependents = node.deletingDependents;
    node.beingDeleted = beingDeleted;
    node.deletingDependents = beingDeleted && finalizers.includes(foregroundFinalizer);
    node.orphaning = beingDeleted && finalizers.includes(orphanFinalizer);

    // Owner links that went away and came.
    const before = new Set(previousOwners.map((r) => r.uid));
    const after = new Set(owners.map((r) => r.uid));
    for (const ownerUid of before) {
      if (after.has(ownerUid)) continue;
      const owner = this.nodes.get(ownerUid);
      owner?.dependents.delete(uid);
      // An owner waiting for its dependents may now have none left.
      if (owner?.deletingDependents) work.attemptToDelete.push(ownerUid);
      this.dropIfVirtualOrphan(ownerUid);
    }
    let hasVirtualOwner = false;
    for (const ref of owners) {
      let owner = this.nodes.get(ref.uid);
      if (!owner) {
        owner = {
          identity: { apiVersion: ref.apiVersion, kind: ref.kind, namespace: obj.metadata?.namespace, name: ref.name, uid: ref.uid },
          owners: [], dependents: new Set(), virtual: true, beingDeleted: false, deletingDependents: false, orphaning: false,
        };
        this.nodes.set(ref.uid, owner);
      }
      owner.dependents.add(uid);
      if (owner.virtual) hasVirtualOwner = true;
      // A dependent whose owner is already being deleted must be looked at now, or nothing would.
      if (owner.beingDeleted && !before.has(ref.uid)) work.attemptToDelete.push(uid);
    }
    if (hasVirtualOwner) work.attemptToDelete.push(uid);
    if (node.orphaning) work.attemptToOrphan.push(uid);
    if (node.deletingDependents) {
      if (!wasDeletingDependents) work.attemptToDelete.push(...node.dependents);
      work.attemptToDelete.push(uid);
    }
    return work;
  }

  /** An object was deleted: its dependents lost an owner; owners waiting in the foreground may be done. */
  remove(uid: string): GraphWork {
    const work: GraphWork = { attemptToDelete: [], attemptToOrphan: [] };
    const node = this.nodes.get(uid);
    if (!node) return work;
    for (const ref of node.owners) {
      const owner = this.nodes.get(ref.uid);
      if (!owner) continue;
      owner.dependents.delete(uid);
      if (owner.deletingDependents) work.attemptToDelete.push(ref.uid);
      this.dropIfVirtualOrphan(ref.uid);
    }
    if (node.dependents.size > 0) {
      // Keep it as a virtual node so its dependents still point somewhere, and let the collector confirm it is gone.
      node.virtual = true;
      node.owners = [];
      node.beingDeleted = false;
      node.deletingDependents = false;
      node.orphaning = false;
      work.attemptToDelete.push(...node.dependents);
    } else {
      this.nodes.delete(uid);
    }
    return work;
  }

  /** The collector confirmed a virtual node does not exist: forget it and queue its dependents. */
  confirmAbsent(uid: string): string[] {
    const node = this.nodes.get(uid);
    if (!node?.virtual) return [];
    return [...node.dependents];
  }

  private dropIfVirtualOrphan(uid: string): void {
    const node = this.nodes.get(uid);
    if (node?.virtual && node.dependents.size === 0) this.nodes.delete(uid);
  }
}

export type OwnerState = 'solid' | 'dangling' | 'waitingForDependentsDeletion';

/**
 * kube's attemptToDeleteItem decision for an object whose owners have been classified: keep it (drop the refs to
 * owners that are gone or deleting in the foreground), or delete it with the right propagation.
 */
export type DependentDecision =
  | { action: 'keep' }
  | { action: 'removeOwnerReferences'; uids: string[] }
  | { action: 'delete'; propagationPolicy: 'Foreground' | 'Background' | 'Orphan' };

export function decideDependent(owners: { uid: string; state: OwnerState }[], hasDependents: boolean,
  finalizers: readonly string[]): DependentDecision {
  if (owners.length === 0) return { action: 'keep' };
  const solid = owners.filter((o) => o.state === 'solid');
  const notSolid = owners.filter((o) => o.state !== 'solid');
  if (solid.length > 0) {
    return notSolid.length > 0 ? { action: 'removeOwnerReferences', uids: notSolid.map((o) => o.uid) } : { action: 'keep' };
  }
  const waiting = owners.some((o) => o.state === 'waitingForDependentsDeletion');
  // An owner deleting in the foreground waits for this object; if it has dependents of its own they go first.
  if (waiting && hasDependents) return { action: 'delete', propagationPolicy: 'Foreground' };
  if (finalizers.includes(orphanFinalizer)) return { action: 'delete', propagationPolicy: 'Orphan' };
  if (finalizers.includes(foregroundFinalizer)) return { action: 'delete', propagationPolicy: 'Foreground' };
  return { action: 'delete', propagationPolicy: 'Background' };
}
