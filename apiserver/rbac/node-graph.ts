// Which node may read which object (kube's node authorizer graph, reduced to what Skiff serves): a Secret,
// ConfigMap, claim or ServiceAccount is reachable from a node when a pod bound to that node uses it, and a
// PersistentVolume when such a claim is bound to it. Kept current from the store's pods and claims; every
// question is a few map lookups.
import type { PersistentVolumeClaim, Pod, StoredObject } from '../api/types.ts';
import type { StoreEvent } from '../storage/store.ts';
import { podReferences, referenceKey, type ReferenceKind } from './pod-references.ts';
import type { FeedHandler } from './store-feed.ts';

export class NodeGraph {
  /** reference key -> node -> how many of that node's pods use it. */
  private readonly users = new Map<string, Map<string, number>>();
  /** pod key -> what it was counted under, so an update or delete can take it back. */
  private readonly pods = new Map<string, { node: string; refs: string[] }>();
  /** volume name -> claims bound to it (`ns/name`); claim -> its volume. */
  private readonly claimsOfVolume = new Map<string, Set<string>>();
  private readonly volumeOfClaim = new Map<string, string>();

  readonly podFeed: FeedHandler = {
    replace: (items) => {
      this.users.clear();
      this.pods.clear();
      for (const item of items) this.putPod(item);
    },
    apply: (e: StoreEvent) => (e.type === 'DELETED' ? this.removePod(e.object) : this.putPod(e.object)),
  };

  readonly claimFeed: FeedHandler = {
    replace: (items) => {
      this.claimsOfVolume.clear();
      this.volumeOfClaim.clear();
      for (const item of items) this.putClaim(item);
    },
    apply: (e: StoreEvent) => (e.type === 'DELETED' ? this.removeClaim(e.object) : this.putClaim(e.object)),
  };

  /** Does a pod bound to `node` use this object? */
  uses(node: string, kind: ReferenceKind, namespace: string, name: string): boolean {
    return (this.users.get(referenceKey(kind, namespace, name))?.get(node) ?? 0) > 0;
  }

  /** Is this volume bound to a claim that a pod on `node` uses? */
  usesVolume(node: string, volume: string): boolean {
    for (const claim of this.claimsOfVolume.get(volume) ?? []) {
      const slash = claim.indexOf('/');
      if (this.uses(node, 'pvc', claim.slice(0, slash), claim.slice(slash + 1))) return true;
    }
    return false;
  }

  private putPod(obj: StoredObject): void {
    this.removePod(obj);
    const pod = obj as unknown as Pod;
    const node = pod.spec?.nodeName;
    // Unscheduled pods reach no node; finished ones still count, as in kube, until they are deleted.
    if (!node) return;
    const refs = podReferences(pod);
    this.pods.set(podKey(obj), { node, refs });
    for (const ref of refs) {
      let nodes = this.users.get(ref);
      if (!nodes) this.users.set(ref, (nodes = new Map()));
      nodes.set(node, (nodes.get(node) ?? 0) + 1);
    }
  }

  private removePod(obj: StoredObject): void {
    const key = podKey(obj);
    const entry = this.pods.get(key);
    if (!entry) return;
    this.pods.delete(key);
    for (const ref of entry.refs) {
      const nodes = this.users.get(ref);
      const count = (nodes?.get(entry.node) ?? 0) - 1;
      if (count > 0) nodes!.set(entry.node, count);
      else nodes?.delete(entry.node);
      if (nodes?.size === 0) this.users.delete(ref);
    }
  }

  private putClaim(obj: StoredObject): void {
    this.removeClaim(obj);
    const volume = (obj as unknown as PersistentVolumeClaim).spec?.volumeName;
    if (!volume) return;
    const key = podKey(obj);
    this.volumeOfClaim.set(key, volume);
    let claims = this.claimsOfVolume.get(volume);
    if (!claims) this.claimsOfVolume.set(volume, (claims = new Set()));
    claims.add(key);
  }

  private removeClaim(obj: StoredObject): void {
    const key = podKey(obj);
    const volume = this.volumeOfClaim.get(key);
    if (volume === undefined) return;
    this.volumeOfClaim.delete(key);
    const claims = this.claimsOfVolume.get(volume);
    claims?.delete(key);
    if (claims?.size === 0) this.claimsOfVolume.delete(volume);
  }
}

function podKey(obj: StoredObject): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}
