// Work around a kind's writes that needs state a Strategy does not have (strategies are stateless tables): kube's
// BeginCreate/BeginUpdate/AfterDelete decorators of the generic store. Services use them to allocate ClusterIPs and
// NodePorts. The registry calls them in a fixed order:
//   create: ... validate -> beginCreate -> admit -> store -> commit (or revert when anything after it failed)
//   update: ... validate -> beginUpdate -> admit -> store -> commit (or revert; a retried conflict reverts first)
//   delete: store delete -> afterDelete (only once the object is really gone, not when it is only marked)
import type { KubeObject, StoredObject } from '../api/types.ts';

/** What a begin hook reserved: kept by commit once the write is stored, given back by revert when it is not. */
export interface WriteTransaction {
  commit(): void;
  revert(): void;
}

export interface WriteHooks {
  /** May fill fields of `obj` (allocated values); throws an ApiError to refuse the create. */
  beginCreate?(obj: KubeObject, dryRun: boolean): WriteTransaction;
  beginUpdate?(obj: KubeObject, old: StoredObject, dryRun: boolean): WriteTransaction;
  /** The object's last state, after the store deleted it. */
  afterDelete?(obj: StoredObject): void;
}

/** Hooks by `<group>/<Kind>` (core group empty), the key strategies use. */
export type WriteHooksByKind = Readonly<Record<string, WriteHooks>>;

export const noTransaction: WriteTransaction = { commit: () => undefined, revert: () => undefined };
