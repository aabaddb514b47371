// kube's ControllerRefManager: which of the objects a controller sees are its own. It owns what it controls and still
// selects; it adopts orphans it selects (once the apiserver confirms the owner is still there, so a deleted owner's
// stale cache entry cannot adopt anything), and releases what it controls but no longer selects.
import { matchesSelector, type Selector } from '../apiserver/api/labels.ts';
import type { OwnerReference } from '../apiserver/api/types.ts';
import { isNotFound, type ApiObject, type RestClient, type ResourceRef } from '../apiserver/client/index.ts';
import { controllerOf } from './workload-pods.ts';

export interface ClaimRequest<T extends ApiObject> {
  owner: ApiObject;
  /** The controller reference adoption adds (controller: true). */
  ownerRef: OwnerReference;
  selector: Selector | 'nothing';
  candidates: T[];
  /** Asked at most once per claim, and only when there is an orphan to adopt. */
  canAdopt: () => Promise<boolean>;
  /** Writes `refs` as the object's ownerReferences; undefined when the object is gone. */
  setOwnerReferences: (obj: T, refs: OwnerReference[]) => Promise<T | undefined>;
}

export async function claimObjects<T extends ApiObject>(req: ClaimRequest<T>): Promise<T[]> {
  const uid = req.owner.metadata?.uid ?? '';
  const ownerDeleting = Boolean(req.owner.metadata?.deletionTimestamp);
  let mayAdopt: boolean | undefined;
  const claimed: T[] = [];
  for (const obj of req.candidates) {
    const ref = controllerOf(obj);
    const matches = matchesSelector(req.selector, obj.metadata?.labels);
    if (ref) {
      if (ref.uid !== uid) continue;
      if (matches) claimed.push(obj);
      else if (!ownerDeleting) await req.setOwnerReferences(obj, (obj.metadata?.ownerReferences ?? []).filter((r) => r.uid !== uid));
      continue;
    }
    if (ownerDeleting || !matches || obj.metadata?.deletionTimestamp) continue;
    mayAdopt ??= await req.canAdopt();
    if (!mayAdopt) continue;
    const adopted = await req.setOwnerReferences(obj, [...(obj.metadata?.ownerReferences ?? []), req.ownerRef]);
    if (adopted) claimed.push(adopted);
  }
  return claimed;
}

/** canAdopt for `owner`: a quorum read showing the same uid, not being deleted. */
export function ownerStillThere(client: RestClient, resource: ResourceRef, owner: ApiObject): () => Promise<boolean> {
  return async () => {
    try {
      const fresh = await client.get(resource, owner.metadata?.namespace, owner.metadata?.name ?? '');
      return fresh.metadata?.uid === owner.metadata?.uid && !fresh.metadata?.deletionTimestamp;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  };
}

/**
 * setOwnerReferences through a merge patch that carries the resourceVersion the decision was made on, so a
 * concurrent change (another controller adopting first) is a 409 Conflict rather than a lost write.
 */
export function patchOwnerReferences<T extends ApiObject>(client: RestClient, resource: ResourceRef) {
  return async (obj: T, refs: OwnerReference[]): Promise<T | undefined> => {
    try {
      return await client.patch<T>(resource, obj.metadata?.namespace, obj.metadata?.name ?? '', {
        metadata: { resourceVersion: obj.metadata?.resourceVersion, uid: obj.metadata?.uid, ownerReferences: refs },
      }, 'merge');
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };
}
