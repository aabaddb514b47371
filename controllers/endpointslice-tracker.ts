// kube's EndpointSliceTracker: the generation of every slice a controller last wrote, by the Service (or Endpoints)
// it belongs to. A controller that wrote slices must not plan from an informer cache that has not seen those writes
// yet, or it would create the same slices twice; and its own writes coming back through the watch are no reason to
// sync again. Pure state: the controller feeds it what it wrote and asks it about what the cache holds.
import type { EndpointSlice } from '../apiserver/api/types.ts';
import { serviceNameLabel, sliceLabel, sliceServiceKey } from './endpointslice-common.ts';

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
   * unexpected deletion means someone else removed a slice this controller keeps.
   */
  handleDeletion(slice: EndpointSlice): boolean {
    const gens = this.generations(slice);
    const uid = slice.metadata?.uid ?? '';
    const g = gens?.get(uid);
    gens?.delete(uid);
    return g === undefined || g === deletionExpected;
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
      const tracked = tracker.has(slice);
      if (!tracker.handleDeletion(slice) || !tracked) queueFor(slice);
    },
  };
}
