// What a controller is still waiting to see in its informer cache after its own writes (kube's
// ControllerExpectations), for the Job, DaemonSet and StatefulSet controllers. Without it a reconcile that runs
// before the cache shows the pods just created would create them again. Expectations expire after five minutes, as
// in Kubernetes, so a lost watch event cannot wedge an object forever.
const expectationTimeoutMs = 5 * 60 * 1000;

interface Pending {
  adds: number;
  deletes: number;
  setAtMs: number;
}

export class WorkloadExpectations {
  private readonly pending = new Map<string, Pending>();
  private readonly clock: () => number;

  constructor(clock: () => number = Date.now) {
    this.clock = clock;
  }

  /** Records that `adds` creations and `deletes` deletions for `key` were just sent. */
  expect(key: string, adds: number, deletes: number): void {
    const p = this.pending.get(key);
    if (p && !this.expired(p)) {
      p.adds += adds;
      p.deletes += deletes;
      p.setAtMs = this.clock();
    } else {
      this.pending.set(key, { adds, deletes, setAtMs: this.clock() });
    }
  }

  /** A creation was seen in the cache (or failed, so will never be seen). */
  creationObserved(key: string): void {
    const p = this.pending.get(key);
    if (p && p.adds > 0) p.adds--;
  }

  /** A deletion was seen in the cache (or failed). */
  deletionObserved(key: string): void {
    const p = this.pending.get(key);
    if (p && p.deletes > 0) p.deletes--;
  }

  /** True when the cache reflects every write made for `key`, so it can be trusted to decide again. */
  satisfied(key: string): boolean {
    const p = this.pending.get(key);
    if (!p) return true;
    if ((p.adds <= 0 && p.deletes <= 0) || this.expired(p)) {
      this.pending.delete(key);
      return true;
    }
    return false;
  }

  forget(key: string): void {
    this.pending.delete(key);
  }

  private expired(p: Pending): boolean {
    return this.clock() - p.setAtMs > expectationTimeoutMs;
  }
}
