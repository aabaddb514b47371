// Fans committed events out to watchers, and brings a resuming watcher from its revision up to the live stream.
//
// The seam between history and live events is where watch implementations lose or duplicate events, so the order of
// operations matters: the watcher is registered for live events *before* any history is read, in the same
// synchronous step that fixes the revision the replay stops at (`upto`). Every event at or below `upto` comes from
// history, every event above it arrives live (held back until the replay ends), and the watcher drops anything at or
// below the last revision it queued. Nothing can fall between the two, and nothing is seen twice.
//
// Recent history comes from an in-memory ring; older history is read from the revision log. A short replay is queued
// at once; a long one goes in windows of revisions, waiting for the consumer to drain between windows, so it neither
// blocks the event loop nor piles up in memory.
import type { StoreEvent, WatchErrorHandler, WatchEventHandler } from './store.ts';
import { EventRing } from './event-ring.ts';
import { Watcher } from './watcher.ts';

/** Reads committed history: events under `prefix` with revisions in (afterRv, uptoRv], oldest first. */
export type HistoryReader = (prefix: string, afterRv: number, uptoRv: number) => StoreEvent[];

export interface WatchHubOptions {
  /** The store's revision at start: the hub has seen nothing above it. */
  headRv: number;
  /** How many recent events the ring keeps. */
  ringSize: number;
  /** Events one watcher may have waiting before it is cut off as too slow. */
  bufferLimit: number;
  readHistory: HistoryReader;
  /** Turns a failed history read into the error the watcher's onError receives. */
  wrapHistoryError: (err: unknown) => Error;
}

export class WatchHub {
  private head: number;
  private readonly ring: EventRing;
  private readonly watchers = new Set<Watcher>();
  private readonly bufferLimit: number;
  private readonly readHistory: HistoryReader;
  private readonly wrapHistoryError: (err: unknown) => Error;
  /** Revisions read per history window; at most one window of events is queued on top of the live ones. */
  private readonly windowSize: number;
  private readonly fanOutQueue: StoreEvent[] = [];
  private fanningOut = false;

  constructor(opts: WatchHubOptions) {
    this.head = opts.headRv;
    this.ring = new EventRing(opts.ringSize, opts.headRv);
    this.bufferLimit = opts.bufferLimit;
    this.readHistory = opts.readHistory;
    this.wrapHistoryError = opts.wrapHistoryError;
    this.windowSize = Math.max(1, Math.min(1000, Math.floor(opts.bufferLimit / 2)));
  }

  get watcherCount(): number {
    return this.watchers.size;
  }

  /** Called once per committed write, in revision order, after the commit. */
  publish(e: StoreEvent): void {
    this.head = e.rv;
    this.ring.push(e);
    this.fanOutQueue.push(e);
    // A consumer that writes from inside onEvent publishes again while we are still handing out the previous
    // event. Fanning that newer event out at once would reach the remaining watchers before the older one, and
    // they would drop the older one as already seen; so it waits its turn in the queue.
    if (this.fanningOut) return;
    this.fanningOut = true;
    try {
      for (let i = 0; i < this.fanOutQueue.length; i++) {
        const next = this.fanOutQueue[i];
        // A snapshot, because consumers may start or stop watches from inside onEvent.
        for (const w of [...this.watchers]) {
          if (w.matches(next.key)) w.offer(next);
        }
      }
    } finally {
      this.fanOutQueue.length = 0;
      this.fanningOut = false;
    }
  }

  /**
   * Starts a watch for events above `fromRv` (0: above the current head). The caller has already checked fromRv
   * against compaction. Delivery starts on a microtask, after the caller holds the returned cancel function.
   */
  watch(prefix: string, fromRv: number, onEvent: WatchEventHandler, onError?: WatchErrorHandler): () => void {
    const afterRv = fromRv === 0 ? this.head : fromRv;
    const watcher = new Watcher({
      prefix, afterRv, bufferLimit: this.bufferLimit, onEvent, onError,
      onClose: (w) => this.watchers.delete(w),
    });
    this.watchers.add(watcher);

    const upto = this.head;
    if (afterRv < upto) {
      if (upto - afterRv <= this.windowSize && this.ring.covers(afterRv)) {
        watcher.addReplayed(this.ring.between(prefix, afterRv, upto));
      } else {
        watcher.beginReplay();
        watcher.replayCursor = afterRv; // pins the history from now on, before the first read
        queueMicrotask(() => void this.replayHistory(watcher, upto));
      }
    }
    queueMicrotask(() => watcher.start());
    return () => watcher.cancel();
  }

  /**
   * The lowest revision a watcher is still replaying from: compaction must keep every log entry above it.
   * Undefined when nobody is reading history.
   */
  oldestReplayCursor(): number | undefined {
    let oldest: number | undefined;
    for (const w of this.watchers) {
      if (w.replayCursor !== undefined && (oldest === undefined || w.replayCursor < oldest)) oldest = w.replayCursor;
    }
    return oldest;
  }

  /** Ends every watch with `err` (the store is closing). */
  closeAll(err: Error): void {
    for (const w of [...this.watchers]) w.fail(err);
  }

  private async replayHistory(watcher: Watcher, upto: number): Promise<void> {
    let cursor = watcher.replayCursor ?? upto;
    while (!watcher.closed && cursor < upto) {
      const windowEnd = Math.min(upto, cursor + this.windowSize);
      let events: StoreEvent[];
      try {
        events = this.ring.covers(cursor)
          ? this.ring.between(watcher.prefix, cursor, windowEnd)
          : this.readHistory(watcher.prefix, cursor, windowEnd);
      } catch (err) {
        watcher.fail(this.wrapHistoryError(err));
        return;
      }
      watcher.addReplayed(events);
      cursor = windowEnd;
      watcher.replayCursor = cursor;
      await watcher.whenDrained();
      // Let writes and other requests run between windows even when the consumer is synchronous.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    watcher.finishReplay();
  }
}
