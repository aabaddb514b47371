// kube's EndpointSliceTracker: the generation of every slice a controller last wrote, by the Service (or Endpoints)
// it belongs to. A controller that wrote slices must not plan from an informer cache that has not seen those writes
// yet, or it would create the same slices twice; and its own writes coming back through the watch are no reason to
// sync again. Pure state: the controller feeds it what it wrote and asks it about what the cache holds.
import { serviceNameLabel, sliceServiceKey } from '../apiserver/api/endpoint-slices.ts';
import type { EndpointSlice } from '../apiserver/api/types.ts';
import { isNamespaceTerminating, isNotFound, type RestClient } from '../apiserver/client/index.ts';
import { endpointSlicesResource, sliceLabel, type SliceChanges } from './endpointslice-common.ts';

/** Marks a slice this controller deleted and expects to see go. */
const deletionExpected = -1;

export class EndpointSliceTracker {
  private readonly byService = new Map<string, Map<string, number>>();

  private generations(slice: EndpointSlice, create = false): Map<string, number> | undefined {
    const key = sliceServiceKey(slice);
    if (key === undefined) return undefined;
    let gens = this.byService.get(key);
    if (!gens && create) this.byService.set(key, gens = new Map());
    return gens;
  }

  /** Whether the slice is tracked at all. */
  has(slice: EndpointSlice): boolean {
    return this.generations(slice)?.has(slice.metadata?.uid ?? '') ?? false;
  }

  /** Records a slice this controller created or updated, as the apiserver answered it. */
  update(slice: EndpointSlice): void {
    this.generations(slice, true)?.set(slice.metadata?.uid ?? '', slice.metadata?.generation ?? 0);
  }

  /** Records a slice this controller deleted. */
  expectDeletion(slice: EndpointSlice): void {
    this.generations(slice, true)?.set(slice.metadata?.uid ?? '', deletionExpected);
  }

  /** True for a slice event this controller did not cause: unknown, newer than its last write, or deleted back. */
  shouldSync(slice: EndpointSlice): boolean {
    const g = this.generations(slice)?.get(slice.metadata?.uid ?? '');
    return g === undefined || (slice.metadata?.generation ?? 0) > g;
  }

  /**
   * StaleSlices: the cache is behind this controller's writes for the Service `key` when it holds an older
   * generation of a slice than was written, still holds one that was deleted, or lacks one that was created.
   */
  staleSlices(key: string, slices: readonly EndpointSlice[]): boolean {
    const gens = this.byService.get(key);
    if (!gens) return false;
    const seen = new Set<string>();
    for (const slice of slices) {
      const uid = slice.metadata?.uid ?? '';
      seen.add(uid);
      const g = gens.get(uid);
      if (g !== undefined && (g === deletionExpected || g > (slice.metadata?.generation ?? 0))) return true;
    }
    for (const [uid, g] of gens) if (g !== deletionExpected && !seen.has(uid)) return true;
    return false;
  }

  /**
   * A slice left the cache: forgets it, and answers whether that was expected (this controller deleted it). An
   * unexpected deletion means someone else removed a slice this controller keeps, or one it never wrote.
   */
  handleDeletion(slice: EndpointSlice): boolean {
    const gens = this.generations(slice);
    const uid = slice.metadata?.uid ?? '';
    const g = gens?.get(uid);
    gens?.delete(uid);
    return g === deletionExpected;
  }

  deleteService(key: string): void {
    this.byService.delete(key);
  }
}

/**
 * The slice informer's handler both slice controllers use: their own writes come back and are recognised by the
 * tracker; anything else (a slice changed, deleted or moved to another Service by hand) has the owner looked at
 * again. `managed` says whether a slice is this controller's; `queueFor` queues the key of the slice's owner.
 */
export function sliceEventHandler(
  tracker: EndpointSliceTracker, managed: (slice: EndpointSlice) => boolean, queueFor: (slice: EndpointSlice) => void,
): { onAdd(slice: EndpointSlice): void; onUpdate(old: EndpointSlice, slice: EndpointSlice): void; onDelete(slice: EndpointSlice): void } {
  return {
    onAdd: (slice) => {
      if (managed(slice) && tracker.shouldSync(slice)) queueFor(slice);
    },
    onUpdate: (old, slice) => {
      // A slice moved to another Service by hand: both Services look again.
      if (sliceLabel(old, serviceNameLabel) !== sliceLabel(slice, serviceNameLabel)) {
        queueFor(old);
        queueFor(slice);
        return;
      }
      if (managed(old) !== managed(slice) || (managed(slice) && tracker.shouldSync(slice))) queueFor(slice);
    },
    onDelete: (slice) => {
      if (!managed(slice)) return;
      // kube syncs only for a tracked slice deleted unexpectedly; one this controller never wrote (it restarted
      // since) is put back too, as another look is harmless.
      if (!tracker.handleDeletion(slice)) queueFor(slice);
    },
  };
}

/**
 * finalize: writes a Service's (or Endpoints') slice changes in `namespace`, creates, then updates, then deletes,
 * recording each write in the tracker so that it is not mistaken for someone else's when it comes back. A slice
 * already gone counts as deleted. `owner` names the object in errors ("Service ns/name"). False when the namespace
 * is being deleted, which stops the writes (nothing can be created there; the owner goes with it).
 */
export async function applySliceChanges(client: RestClient, tracker: EndpointSliceTracker, namespace: string,
  changes: SliceChanges, owner: string): Promise<boolean> {
  for (const slice of changes.create) {
    try {
      tracker.update(await client.create<EndpointSlice>(endpointSlicesResource, namespace, slice));
    } catch (err) {
      if (isNamespaceTerminating(err)) return false;
      throw new Error(`failed to create EndpointSlice for ${owner}: ${(err as Error).message}`, { cause: err });
    }
  }
  for (const slice of changes.update) {
    tracker.update(await client.update<EndpointSlice>(endpointSlicesResource, namespace, slice));
  }
  for (const slice of changes.delete) {
    try {
      await client.delete(endpointSlicesResource, namespace, slice.metadata?.name ?? '');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    tracker.expectDeletion(slice);
  }
  return true;
}
