// kube-scheduler's scheduling queue: pods waiting to be tried (active, highest priority then oldest first),
// pods waiting out a back-off after a failed attempt (1 s doubling to 10 s), and pods no node could take
// (unschedulable) until the cluster changes — a node added or updated, a pod deleted — or five minutes pass.
// A pod whose attempt overlapped such a change goes to back-off rather than unschedulable, so no change is missed.
import type { Pod } from '../apiserver/api/types.ts';

export interface QueuedPod {
  key: string;
  pod: Pod;
  /** Failed attempts so far. */
  attempts: number;
  /** When the pod first entered the queue (ms): the tie-break between equal priorities. */
  enqueuedAt: number;
  /** The scheduling cycle it was popped in (for the move-request rule). */
  cycle: number;
  /** When its last failed attempt ended (ms): back-off counts from there. */
  lastAttemptAt: number;
}

export interface SchedulingQueueOptions {
  clock?: () => number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  unschedulableTimeoutMs?: number;
}

export class SchedulingQueue {
  private readonly clock: () => number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly unschedulableTimeoutMs: number;
  private readonly active = new PodHeap();
  private readonly backoff = new Map<string, { qp: QueuedPod; until: number }>();
  private readonly unschedulable = new Map<string, { qp: QueuedPod; since: number }>();
  private readonly inFlight = new Map<string, QueuedPod>();
  private cycle = 0;
  private moveRequestCycle = -1;
  private waiters: ((qp: QueuedPod | undefined) => void)[] = [];
  private closed = false;

  constructor(opts: SchedulingQueueOptions = {}) {
    this.clock = opts.clock ?? Date.now;
    this.initialBackoffMs = opts.initialBackoffMs ?? 1000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 10_000;
    this.unschedulableTimeoutMs = opts.unschedulableTimeoutMs ?? 5 * 60_000;
  }

  /** A pending pod appeared or changed: queue it, or refresh the copy wherever it waits. */
  addOrUpdate(key: string, pod: Pod): void {
    if (this.closed) return;
    const flying = this.inFlight.get(key);
    if (flying) { flying.pod = pod; return; }
    const backingOff = this.backoff.get(key);
    if (backingOff) { backingOff.qp.pod = pod; return; }
    const parked = this.unschedulable.get(key);
    if (parked) {
      // An update may make the pod schedulable (e.g. a relaxed nodeSelector): try it again.
      this.unschedulable.delete(key);
      parked.qp.pod = pod;
      this.activateOrBackoff(parked.qp);
      return;
    }
    if (this.active.has(key)) { this.active.update(key, pod); return; }
    this.pushActive({ key, pod, attempts: 0, enqueuedAt: this.clock(), cycle: 0, lastAttemptAt: 0 });
  }

  /** The pod is gone, bound elsewhere, or no longer ours. */
  delete(key: string): void {
    this.active.remove(key);
    this.backoff.delete(key);
    this.unschedulable.delete(key);
    this.inFlight.delete(key);
  }

  /** The next pod to schedule; waits until there is one. undefined once closed. */
  pop(): Promise<QueuedPod | undefined> {
    this.flush();
    const qp = this.active.pop();
    if (qp) return Promise.resolve(this.takeOff(qp));
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** No node fits: park the pod until the cluster changes (or back off, if it changed during the attempt). */
  requeueUnschedulable(qp: QueuedPod): void {
    if (!this.inFlight.delete(qp.key) || this.closed) return;
    qp.attempts++;
    qp.lastAttemptAt = this.clock();
    if (this.moveRequestCycle >= qp.cycle) this.backoff.set(qp.key, { qp, until: this.backoffEnd(qp) });
    else this.unschedulable.set(qp.key, { qp, since: this.clock() });
  }

  /** The attempt failed for another reason (a bind error): try again after a back-off. */
  requeueWithBackoff(qp: QueuedPod): void {
    if (!this.inFlight.delete(qp.key) || this.closed) return;
    qp.attempts++;
    qp.lastAttemptAt = this.clock();
    this.backoff.set(qp.key, { qp, until: this.backoffEnd(qp) });
  }

  /** The attempt is over (the pod was bound). */
  done(key: string): void {
    this.inFlight.delete(key);
  }

  /** The cluster changed in a way that may let parked pods fit: move them all back. */
  moveAllToActiveOrBackoff(): void {
    this.moveRequestCycle = this.cycle;
    for (const [key, { qp }] of this.unschedulable) {
      this.unschedulable.delete(key);
      this.activateOrBackoff(qp);
    }
  }

  /** Moves pods whose back-off has ended, and pods parked too long, to active. Call periodically. */
  flush(): void {
    const now = this.clock();
    for (const [key, { qp, until }] of this.backoff) {
      if (until <= now) {
        this.backoff.delete(key);
        this.pushActive(qp);
      }
    }
    for (const [key, { qp, since }] of this.unschedulable) {
      if (now - since >= this.unschedulableTimeoutMs) {
        this.unschedulable.delete(key);
        this.activateOrBackoff(qp);
      }
    }
  }

  close(): void {
    this.closed = true;
    for (const w of this.waiters) w(undefined);
    this.waiters = [];
  }

  /** Counts per sub-queue, for logs and tests. */
  stats(): { active: number; backoff: number; unschedulable: number; inFlight: number } {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size, inFlight: this.inFlight.size };
  }

  /** When the next back-off ends (ms), so the caller can flush then; undefined when nothing backs off. */
  nextBackoffExpiry(): number | undefined {
    let next: number | undefined;
    for (const { until } of this.backoff.values()) if (next === undefined || until < next) next = until;
    return next;
  }

  /** Back-off ends 1 s, 2 s, 4 s ... (at most 10 s) after the last failed attempt. */
  private backoffEnd(qp: QueuedPod): number {
    return qp.lastAttemptAt + Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** Math.max(0, qp.attempts - 1));
  }

  private activateOrBackoff(qp: QueuedPod): void {
    const until = this.backoffEnd(qp);
    if (qp.attempts > 0 && until > this.clock()) this.backoff.set(qp.key, { qp, until });
    else this.pushActive(qp);
  }

  private pushActive(qp: QueuedPod): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(this.takeOff(qp));
    else this.active.push(qp);
  }

  private takeOff(qp: QueuedPod): QueuedPod {
    qp.cycle = ++this.cycle;
    this.inFlight.set(qp.key, qp);
    return qp;
  }
}

/** A binary heap of pods: higher priority first, then earlier enqueue time; removal by key is lazy. */
class PodHeap {
  private items: QueuedPod[] = [];
  private readonly live = new Map<string, QueuedPod>();

  get size(): number { return this.live.size; }
  has(key: string): boolean { return this.live.has(key); }

  push(qp: QueuedPod): void {
    this.live.set(qp.key, qp);
    this.items.push(qp);
    this.up(this.items.length - 1);
  }

  update(key: string, pod: Pod): void {
    const qp = this.live.get(key);
    if (!qp) return;
    const before = priority(qp.pod);
    qp.pod = pod;
    if (priority(pod) !== before) {
      // Re-insert: the stale entry is skipped when popped.
      this.remove(key);
      this.push({ ...qp, pod });
    }
  }

  remove(key: string): void {
    this.live.delete(key);
  }

  pop(): QueuedPod | undefined {
    while (this.items.length > 0) {
      const top = this.items[0];
      const last = this.items.pop()!;
      if (this.items.length > 0) {
        this.items[0] = last;
        this.down(0);
      }
      if (this.live.get(top.key) === top) {
        this.live.delete(top.key);
        return top;
      }
    }
    return undefined;
  }

  private before(a: QueuedPod, b: QueuedPod): boolean {
    const pa = priority(a.pod);
    const pb = priority(b.pod);
    return pa !== pb ? pa > pb : a.enqueuedAt < b.enqueuedAt;
  }

  private up(i: number): void {
    const items = this.items;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(items[i], items[parent])) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  private down(i: number): void {
    const items = this.items;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < items.length && this.before(items[l], items[best])) best = l;
      if (r < items.length && this.before(items[r], items[best])) best = r;
      if (best === i) return;
      [items[i], items[best]] = [items[best], items[i]];
      i = best;
    }
  }
}

function priority(pod: Pod): number {
  return pod.spec?.priority ?? 0;
}
