// Which offsets of a range are taken, and how a free one is chosen: kube's AllocationBitmap with its
// random-scan-with-offset strategy. Dynamic allocation starts at a random point in the upper part of the range and
// only falls back to the lower part (the first `staticBand` offsets) when the upper part is full, so addresses and
// ports people pick by hand (usually low ones: 10.96.0.10 for DNS, 30080) rarely collide with generated ones.

export class AllocationMap {
  readonly size: number;
  private readonly staticBand: number;
  private readonly random: () => number;
  private readonly taken = new Set<number>();

  /**
   * @param size how many offsets the range has (0..size-1)
   * @param staticBand how many of the lowest offsets dynamic allocation leaves for last
   * @param random a source in [0, 1); tests pass a fixed one
   */
  constructor(size: number, staticBand: number, random: () => number = Math.random) {
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`invalid range size ${size}`);
    this.size = size;
    this.staticBand = Math.min(Math.max(0, staticBand), size);
    this.random = random;
  }

  get used(): number {
    return this.taken.size;
  }

  get free(): number {
    return this.size - this.taken.size;
  }

  has(offset: number): boolean {
    return this.taken.has(offset);
  }

  /** Takes `offset`; false when it was already taken. The caller has checked it is inside the range. */
  allocate(offset: number): boolean {
    if (this.taken.has(offset)) return false;
    this.taken.add(offset);
    return true;
  }

  /** Takes a free offset chosen as described above; undefined when the range is full. */
  allocateNext(): number | undefined {
    if (this.taken.size >= this.size) return undefined;
    const offset = this.scan(this.staticBand, this.size) ?? this.scan(0, this.staticBand);
    if (offset !== undefined) this.taken.add(offset);
    return offset;
  }

  /** Releasing an offset that is not taken is a no-op, as in kube. */
  release(offset: number): void {
    this.taken.delete(offset);
  }

  forEach(fn: (offset: number) => void): void {
    for (const offset of this.taken) fn(offset);
  }

  /** The first free offset in [from, to), starting at a random point and wrapping around. */
  private scan(from: number, to: number): number | undefined {
    const width = to - from;
    if (width <= 0) return undefined;
    const start = Math.floor(this.random() * width);
    for (let i = 0; i < width; i++) {
      const at = from + ((start + i) % width);
      if (!this.taken.has(at)) return at;
    }
    return undefined;
  }
}

/**
 * The size of the band dynamic allocation leaves for last: min(max(min, size/step), max), and none at all for
 * ranges of `min` or fewer (kube's calculateRangeOffset, with min 16 and max 256 and step 16 for IPs, max 128 and
 * step 32 for node ports).
 */
export function staticBandSize(size: number, opts: { min: number; max: number; step: number }): number {
  if (size <= opts.min) return 0;
  return Math.min(Math.max(opts.min, Math.floor(size / opts.step)), opts.max);
}
