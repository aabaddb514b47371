// The in-memory tail of the revision log: the most recent events, in revision order, in a fixed-size ring. Watchers
// that resume from a recent revision are served from here without touching the disk; older resumes read the log.
import type { StoreEvent } from './store.ts';

export class EventRing {
  private readonly slots: (StoreEvent | undefined)[];
  private start = 0;
  private count = 0;
  /** Every event with a revision above this one is in the ring. */
  private floorRv: number;

  /** `headRv` is the store's revision when the ring starts empty: nothing above it has happened yet. */
  constructor(capacity: number, headRv: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be >= 1, got ${capacity}`);
    this.slots = new Array<StoreEvent | undefined>(capacity);
    this.floorRv = headRv;
  }

  push(e: StoreEvent): void {
    const capacity = this.slots.length;
    if (this.count === capacity) {
      const evicted = this.slots[this.start] as StoreEvent;
      this.floorRv = evicted.rv;
      this.slots[this.start] = e;
      this.start = (this.start + 1) % capacity;
      return;
    }
    this.slots[(this.start + this.count) % capacity] = e;
    this.count++;
  }

  /** True when the ring alone holds every event after `rv`. */
  covers(rv: number): boolean {
    return rv >= this.floorRv;
  }

  /** Events under `prefix` with revisions in (afterRv, uptoRv], oldest first. Complete only when covers(afterRv). */
  between(prefix: string, afterRv: number, uptoRv: number): StoreEvent[] {
    const out: StoreEvent[] = [];
    const capacity = this.slots.length;
    for (let i = 0; i < this.count; i++) {
      const e = this.slots[(this.start + i) % capacity] as StoreEvent;
      if (e.rv > uptoRv) break;
      if (e.rv > afterRv && e.key.startsWith(prefix)) out.push(e);
    }
    return out;
  }
}
