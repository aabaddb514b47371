// Fencing for leader-elected writers. Leader election alone lets a paused ex-leader act on a lease it has lost
// (client-go says so), so a leader sends `X-Skiff-Fence: <namespace>/<lease>/<holder>/<leaseTransitions>` with
// every write, and the apiserver refuses the write unless that Lease still names that holder, has not changed
// hands since, and was renewed within its duration, judged by the apiserver's own clock at the time it stored
// the renewal (never the holder's timestamps).
import { errors } from '../api/errors.ts';
import type { Lease, StoredObject } from '../api/types.ts';
import type { Store } from '../storage/store.ts';

export const fenceHeader = 'x-skiff-fence';
const leasePrefix = '/registry/coordination.k8s.io/leases/';

export class LeaseFreshness {
  private readonly renewedAt = new Map<string, number>();
  private readonly unsubscribe: () => void;
  private readonly clock: () => number;

  constructor(store: Store, clock: () => number = Date.now) {
    this.clock = clock;
    // Leases that exist at start count as renewed now: the holder gets one full duration to renew again.
    const start = clock();
    void store.list(leasePrefix).then((page) => {
      for (const lease of page.items) if (!this.renewedAt.has(keyOf(lease))) this.renewedAt.set(keyOf(lease), start);
    });
    this.unsubscribe = store.watch(leasePrefix, store.currentRevision(), (e) => {
      if (e.type === 'DELETED') this.renewedAt.delete(keyOf(e.object));
      else this.renewedAt.set(keyOf(e.object), this.clock());
    });
  }

  /** Throws 409 Conflict when the fence no longer holds. */
  async check(store: Store, fence: string): Promise<void> {
    const parts = fence.split('/');
    if (parts.length !== 4 || !/^\d+$/.test(parts[3])) {
      throw errors.badRequest(`malformed ${fenceHeader} header: want <namespace>/<lease>/<holder>/<leaseTransitions>`);
    }
    const [namespace, name, holder, transitions] = parts;
    const lease = await store.get(`${leasePrefix}${namespace}/${name}`) as (StoredObject & Lease) | undefined;
    const refuse = (why: string): never => {
      throw errors.conflict('coordination.k8s.io', 'leases', name, `fencing token is stale: ${why}`);
    };
    if (!lease) refuse('the lease does not exist');
    const spec = lease!.spec ?? {};
    if (spec.holderIdentity !== holder) refuse(`the lease is held by ${JSON.stringify(spec.holderIdentity ?? '')}`);
    if ((spec.leaseTransitions ?? 0) !== Number(transitions)) refuse('the lease has changed hands since');
    const renewed = this.renewedAt.get(`${namespace}/${name}`);
    const durationMs = (spec.leaseDurationSeconds ?? 15) * 1000;
    if (renewed === undefined || this.clock() - renewed > durationMs) refuse('the lease has expired');
  }

  close(): void {
    this.unsubscribe();
  }
}

function keyOf(lease: StoredObject): string {
  return `${lease.metadata.namespace ?? ''}/${lease.metadata.name}`;
}
