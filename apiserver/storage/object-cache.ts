// The current state of every key, in memory, so get and list never touch the disk. It holds the same frozen objects
// the store returns. The store updates it only after a write has committed, so it never shows uncommitted data.
import type { StoredObject } from '../api/types.ts';
import { SortedKeys } from './sorted-keys.ts';
import type { ListOptions } from './store.ts';

export interface CachePage {
  items: StoredObject[];
  nextKey?: string;
  remaining?: number;
}

export class ObjectCache {
  private readonly objects = new Map<string, StoredObject>();
  private readonly order = new SortedKeys();

  get size(): number {
    return this.objects.size;
  }

  get(key: string): StoredObject | undefined {
    return this.objects.get(key);
  }

  set(key: string, obj: StoredObject): void {
    if (!this.objects.has(key)) this.order.insert(key);
    this.objects.set(key, obj);
  }

  delete(key: string): void {
    if (this.objects.delete(key)) this.order.remove(key);
  }

  /** Loads a whole state at once (store start-up). */
  reset(entries: Iterable<[string, StoredObject]>): void {
    this.objects.clear();
    for (const [key, obj] of entries) this.objects.set(key, obj);
    this.order.reset(this.objects.keys());
  }

  list(prefix: string, opts: ListOptions = {}): CachePage {
    const limit = opts.limit !== undefined && opts.limit > 0 ? opts.limit : Infinity;
    const end = this.order.prefixEnd(prefix);
    let i = this.order.lowerBound(prefix);
    if (opts.startAfterKey !== undefined) i = Math.max(i, this.order.upperBound(opts.startAfterKey));

    const items: StoredObject[] = [];
    const { filter } = opts;
    for (; i < end && items.length < limit; i++) {
      const obj = this.objects.get(this.order.at(i)) as StoredObject;
      if (!filter || filter(obj)) items.push(obj);
    }
    if (i >= end) return { items };

    const lastKey = this.order.at(i - 1);
    if (!filter) return { items, nextKey: lastKey, remaining: end - i };
    // With a filter only a real next match justifies a continue key; an empty last page would confuse clients.
    for (; i < end; i++) {
      if (filter(this.objects.get(this.order.at(i)) as StoredObject)) return { items, nextKey: lastKey };
    }
    return { items };
  }
}
