// The work queue between informer handlers and reconcile workers, as client-go's rate-limited workqueue:
// - a key queued many times is processed once (de-duplication);
// - a key being processed is never handed to a second worker: if it is added meanwhile it is marked dirty and
//   queued again when the first worker calls done();
// - failed keys come back after a per-key back-off (addRateLimited), successful ones are forgotten.
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.ts';

export interface WorkQueueOptions<K> {
  rateLimiter?: RateLimiter<K>;
}

export class WorkQueue<K = string> {
  private readonly rateLimiter: RateLimiter<K>;
  /** Keys ready to hand out, in order. Each is in `dirty` and not in `processing`. */
  private readonly queue: K[] = [];
  private head = 0;
  /** Keys that need processing (queued, or re-added while processing). */
  private readonly dirty = new Set<K>();
  /** Keys handed to a worker and not yet done. */
  private readonly processing = new Set<K>();
  /** Keys waiting out a delay, with when they become ready and the timer that will add them. */
  private readonly waiting = new Map<K, { readyAt: number; timer: NodeJS.Timeout }>();
  private getters: ((key: K | undefined) => void)[] = [];
  private drainWaiters: (() => void)[] = [];
  private shuttingDown = false;

  constructor(opts: WorkQueueOptions<K> = {}) {
    this.rateLimiter = opts.rateLimiter ?? defaultControllerRateLimiter<K>();
  }

  /** Marks `key` as needing processing. Ignored after shutDown(). */
  add(key: K): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.queue.push(key);
    this.handOut();
  }

  /** Adds `key` after `delayMs`. If it is already waiting to be added sooner, the sooner time stands. */
  addAfter(key: K, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const readyAt = performance.now() + delayMs;
    const pending = this.waiting.get(key);
    if (pending && pending.readyAt <= readyAt) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.waiting.delete(key);
      this.add(key);
    }, delayMs);
    this.waiting.set(key, { readyAt, timer });
  }

  /** Adds `key` after the rate limiter's delay for it (one more failure). */
  addRateLimited(key: K): void {
    this.addAfter(key, this.rateLimiter.when(key));
  }

  /** `key` succeeded: reset its back-off. Does not remove it from the queue. */
  forget(key: K): void {
    this.rateLimiter.forget(key);
  }

  numRequeues(key: K): number {
    return this.rateLimiter.numRequeues(key);
  }

  /**
   * The next key to process, waiting for one if needed; undefined once the queue is shut down. The caller must
   * call done(key) when finished with it.
   */
  get(): Promise<K | undefined> {
    if (this.shuttingDown) return Promise.resolve(undefined);
    const key = this.tryGet();
    if (key !== undefined) return Promise.resolve(key);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** The next key if one is ready now, without waiting; undefined otherwise. */
  tryGet(): K | undefined {
    if (this.shuttingDown || this.head >= this.queue.length) return undefined;
    const key = this.queue[this.head];
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    this.processing.add(key);
    this.dirty.delete(key);
    return key;
  }

  /** Processing of `key` finished; if it was added again meanwhile, it is queued again now. */
  done(key: K): void {
    this.processing.delete(key);
    if (this.dirty.has(key) && !this.shuttingDown) {
      this.queue.push(key);
      this.handOut();
    }
    if (this.processing.size === 0) for (const w of this.drainWaiters.splice(0)) w();
  }

  /** Keys ready to hand out (not counting those being processed or waiting out a delay). */
  len(): number {
    return this.queue.length - this.head;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /**
   * Stops handing out keys: waiting and future get() calls answer undefined, adds are ignored, delayed adds are
   * dropped. Unlike client-go, keys still queued are not handed out: after losing leadership or on SIGTERM a
   * controller should start no new work.
   */
  shutDown(): void {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    for (const { timer } of this.waiting.values()) clearTimeout(timer);
    this.waiting.clear();
    for (const g of this.getters.splice(0)) g(undefined);
  }

  /** shutDown(), then wait until every key handed out has been marked done. */
  shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private handOut(): void {
    while (this.getters.length > 0 && this.len() > 0) {
      const getter = this.getters.shift()!;
      getter(this.tryGet());
    }
  }
}
