// One watch: a bounded queue between the store and one consumer. It guarantees the consumer sees events in
// revision order, each once (anything at or below the last queued revision is dropped, which is what makes replay
// followed by live events seamless), and that a consumer that stops keeping up is cut off instead of growing memory.
//
// Delivery is synchronous when the consumer is idle, so a fast consumer never builds a queue. Re-entrancy is
// expected: a consumer may write to the store from inside onEvent, which publishes again while we are delivering;
// the `delivering` flag turns that into a plain enqueue so order is kept.
import { WatcherTooSlowError } from './errors.ts';
import type { StoreEvent, WatchErrorHandler, WatchEventHandler } from './store.ts';

export class Watcher {
  readonly prefix: string;
  private readonly onEvent: WatchEventHandler;
  private readonly onError: WatchErrorHandler | undefined;
  private readonly onClose: (w: Watcher) => void;
  private readonly bufferLimit: number;

  /** Events waiting for the consumer; `head` is the next one (an index avoids O(n) shift()). */
  private queue: StoreEvent[] = [];
  private head = 0;
  /** Live events that arrived while history was still being replayed; they follow the replay. */
  private held: StoreEvent[] = [];
  private lastQueuedRv: number;
  /** The last revision handed to the consumer (reported when it is cut off, so it knows where to resume). */
  private delivered: number;

  private started = false;
  private replaying = false;
  private delivering = false;
  private awaitingConsumer = false;
  private closedFlag = false;
  private drainWaiters: (() => void)[] = [];
  /** While replaying from the log: the last revision read, so compaction keeps everything above it. */
  replayCursor: number | undefined;

  constructor(opts: {
    prefix: string;
    afterRv: number;
    bufferLimit: number;
    onEvent: WatchEventHandler;
    onError?: WatchErrorHandler;
    onClose: (w: Watcher) => void;
  }) {
    this.prefix = opts.prefix;
    this.lastQueuedRv = opts.afterRv;
    this.delivered = opts.afterRv;
    this.bufferLimit = opts.bufferLimit;
    this.onEvent = opts.onEvent;
    this.onError = opts.onError;
    this.onClose = opts.onClose;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  matches(key: string): boolean {
    return key.startsWith(this.prefix);
  }

  /** Delivery begins only once the caller holds the cancel function returned by watch(). */
  start(): void {
    if (this.started || this.closedFlag) return;
    this.started = true;
    this.drain();
  }

  /** From now on live events are held back until finishReplay(). */
  beginReplay(): void {
    this.replaying = true;
  }

  /** Queues replayed history (oldest first). */
  addReplayed(events: StoreEvent[]): void {
    for (const e of events) this.enqueue(e);
    this.drain();
  }

  /** Replay is complete: the held live events follow it, duplicates dropped by revision. */
  finishReplay(): void {
    if (!this.replaying) return;
    this.replaying = false;
    this.replayCursor = undefined;
    const held = this.held;
    this.held = [];
    for (const e of held) this.enqueue(e);
    this.drain();
  }

  /** A live event just committed under this watcher's prefix. */
  offer(e: StoreEvent): void {
    if (this.closedFlag) return;
    if (this.replaying) {
      this.held.push(e);
      this.checkLimit();
      return;
    }
    this.enqueue(e);
    this.drain();
  }

  /** Resolves once the consumer has taken everything queued so far (or the watch ended). */
  whenDrained(): Promise<void> {
    if (this.closedFlag || (this.pendingInQueue() === 0 && !this.awaitingConsumer)) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Stops the watch without telling the consumer (the consumer asked for it). */
  cancel(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.queue = [];
    this.head = 0;
    this.held = [];
    this.replayCursor = undefined;
    this.onClose(this);
    this.wakeDrainWaiters();
  }

  /** Ends the watch from the store's side and tells the consumer why. */
  fail(err: Error): void {
    if (this.closedFlag) return;
    this.cancel();
    if (!this.onError) return;
    try {
      this.onError(err);
    } catch {
      // The consumer's error handler failing must not break the store's write path that called us.
    }
  }

  private enqueue(e: StoreEvent): void {
    if (this.closedFlag || e.rv <= this.lastQueuedRv) return;
    this.lastQueuedRv = e.rv;
    this.queue.push(e);
    this.checkLimit();
  }

  private checkLimit(): void {
    const buffered = this.pendingInQueue() + this.held.length;
    if (buffered > this.bufferLimit) this.fail(new WatcherTooSlowError(buffered, this.delivered));
  }

  private pendingInQueue(): number {
    return this.queue.length - this.head;
  }

  private drain(): void {
    if (!this.started || this.delivering || this.awaitingConsumer || this.closedFlag) return;
    this.delivering = true;
    try {
      while (this.head < this.queue.length && !this.awaitingConsumer && !this.closedFlag) {
        const e = this.queue[this.head++];
        this.delivered = e.rv;
        let result: void | Promise<void>;
        try {
          result = this.onEvent(e);
        } catch (err) {
          this.fail(err instanceof Error ? err : new Error(String(err)));
          return;
        }
        if (result instanceof Promise) this.waitForConsumer(result);
      }
      if (this.head === this.queue.length) {
        this.queue = [];
        this.head = 0;
      } else if (this.head > 1024) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
    } finally {
      this.delivering = false;
    }
    if (!this.awaitingConsumer && this.pendingInQueue() === 0) this.wakeDrainWaiters();
  }

  private waitForConsumer(p: Promise<void>): void {
    this.awaitingConsumer = true;
    p.then(
      () => {
        this.awaitingConsumer = false;
        this.drain();
      },
      (err: unknown) => this.fail(err instanceof Error ? err : new Error(String(err))),
    );
  }

  private wakeDrainWaiters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const wake of waiters) wake();
  }
}
