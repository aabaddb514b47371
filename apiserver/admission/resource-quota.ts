// The ResourceQuota admission plugin (kube's plugin/pkg/admission/resourcequota): a create (or an update that adds
// usage) in a namespace with quotas is refused with 403 when it would take any quota past its limit, and otherwise
// charged to the quotas' status.used before the object is stored, with a compare-and-swap on each quota. A racing
// create that read the same quota loses the swap, reads again and is measured against the raised usage, so two
// creates can never both take the last slot. The resource-quota controller later recomputes usage from what is
// actually stored (giving back what a create that failed after admission was charged).
import { ApiError, errors } from '../api/errors.ts';
import { resourceFor, type ResourceInfo } from '../api/resources.ts';
import type { ResourceQuota, StoredObject } from '../api/types.ts';
import { checkRequest } from '../quota/check-request.ts';
import { evaluatorFor } from '../quota/evaluators.ts';
import { collectionPrefix, objectKey } from '../registry/keys.ts';
import type { AdmissionAttributes } from '../registry/registry.ts';
import { ConflictError, NotFoundError } from '../storage/errors.ts';
import type { Store } from '../storage/store.ts';
import { admissionForbidden } from './forbidden.ts';
import { KeyedLock } from './keyed-lock.ts';

const quotasInfo = resourceFor('', 'v1', 'resourcequotas')!;

/** Kinds quota never counts: events come too fast to gate and are nobody's capacity (kube's default ignore list). */
function ignored(ri: ResourceInfo): boolean {
  return ri.group === '' && ri.plural === 'events';
}

/** After this many lost swaps the write fails with the last conflict, as kube's evaluator gives up after 3 retries. */
const maxAttempts = 4;

/** Per store, so apiservers sharing a process (tests) do not wait on each other. */
const locks = new WeakMap<Store, KeyedLock>();

function lockFor(store: Store): KeyedLock {
  let lock = locks.get(store);
  if (!lock) {
    lock = new KeyedLock();
    locks.set(store, lock);
  }
  return lock;
}

export interface ResourceQuotaAdmissionOptions {
  clock?: () => number;
}

export async function admitResourceQuota(store: Store, a: AdmissionAttributes, o: ResourceQuotaAdmissionOptions = {}): Promise<void> {
  if (a.subresource !== '' || !a.ri.namespaced || !a.namespace || ignored(a.ri)) return;
  if ((a.operation !== 'CREATE' && a.operation !== 'UPDATE') || !a.object) return;
  const evaluator = evaluatorFor(a.ri.group, a.ri.plural);
  if (!evaluator.handles(a.operation, a.object, a.oldObject)) return;
  const clock = o.clock ?? Date.now;
  const object = a.object;
  // Most namespaces have no quota: their writes need not wait for each other.
  if ((await store.list(collectionPrefix(quotasInfo, a.namespace), { limit: 1 })).items.length === 0) return;

  await lockFor(store).run(a.namespace, async () => {
    // Quotas already charged in an earlier attempt are not charged again (kube retries only the ones that failed).
    const done = new Set<string>();
    let lastConflict: ApiError | undefined;
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const page = await store.list(collectionPrefix(quotasInfo, a.namespace));
      const quotas = (page.items as (StoredObject & ResourceQuota)[]).filter((q) => !done.has(q.metadata.name));
      if (quotas.length === 0) return;
      const decision = checkRequest(quotas, evaluator, {
        operation: a.operation as 'CREATE' | 'UPDATE', object, oldObject: a.oldObject, nowMs: clock(),
      });
      if (!decision.allowed) throw admissionForbidden(a, decision.reason);
      // A dry run is checked like a real write but charges nothing.
      if (a.dryRun || decision.charged.length === 0) return;
      lastConflict = undefined;
      for (const { quota, used } of decision.charged) {
        const stored = quota as StoredObject & ResourceQuota;
        try {
          await store.update(objectKey(quotasInfo, a.namespace, stored.metadata.name), withUsed(stored, used),
            Number(stored.metadata.resourceVersion));
          done.add(stored.metadata.name);
        } catch (e) {
          // Changed since it was read (the controller, a spec edit): measure again against what it is now.
          // Gone: a deleted quota limits nothing any more.
          if (e instanceof NotFoundError) continue;
          if (!(e instanceof ConflictError)) throw e;
          lastConflict = errors.conflict('', 'resourcequotas', stored.metadata.name);
        }
      }
      if (!lastConflict) return;
    }
    throw lastConflict!;
  });
}

function withUsed(quota: StoredObject & ResourceQuota, used: Record<string, string>): StoredObject {
  const next = structuredClone(quota) as StoredObject & ResourceQuota;
  next.status = { ...next.status, used };
  return next;
}
