// The keys of the object cache kept in sorted order, so a prefix list is a binary search plus a contiguous scan and
// pages come out in a stable order. Inserting into an array is O(n), which at apiserver sizes (tens of thousands of
// objects) is a memmove of a few hundred kilobytes: cheaper than any tree we would write, and lists stay fast.

export class SortedKeys {
  private readonly keys: string[] = [];

  at(index: number): string {
    return this.keys[index];
  }

  /** Adds a key that is not present yet. */
  insert(key: string): void {
    const i = this.lowerBound(key);
    if (this.keys[i] !== key) this.keys.splice(i, 0, key);
  }

  remove(key: string): void {
    const i = this.lowerBound(key);
    if (this.keys[i] === key) this.keys.splice(i, 1);
  }

  /** Replaces the contents with `keys` (any order, no duplicates): one sort instead of n inserts at load. */
  reset(keys: Iterable<string>): void {
    this.keys.length = 0;
    for (const k of keys) this.keys.push(k);
    this.keys.sort(compareKeys);
  }

  /** Index of the first key >= `key`. */
  lowerBound(key: string): number {
    return this.search((k) => k < key);
  }

  /** Index of the first key > `key`. */
  upperBound(key: string): number {
    return this.search((k) => k <= key);
  }

  /** Index one past the last key that starts with `prefix` (keys with a prefix are contiguous in sorted order). */
  prefixEnd(prefix: string): number {
    return this.search((k) => k < prefix || k.startsWith(prefix));
  }

  /** First index whose key does not satisfy `before`; `before` must hold for a leading run of keys only. */
  private search(before: (k: string) => boolean): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(this.keys[mid])) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Plain code-unit order, the same one `<` uses, so the binary searches and the sort agree. */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
