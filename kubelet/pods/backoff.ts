// Per-key exponential back-off, as kubelet's flowcontrol.Backoff: 10 s doubling to a 5 minute cap for container
// restarts (and image pulls). An entry untouched for twice the cap is forgotten, so a container that ran fine for
// ten minutes starts again from 10 s.
export class Backoff {
  private readonly entries = new Map<string, { delayMs: number; lastUpdateMs: number }>();
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly clock: () => number;

  constructor(initialMs = 10_000, maxMs = 300_000, clock: () => number = Date.now) {
    this.initialMs = initialMs;
    this.maxMs = maxMs;
    this.clock = clock;
  }

  /** True while `key` is still waiting out its delay, counted from `sinceMs` (the container's exit). */
  isInBackoffSince(key: string, sinceMs: number): boolean {
    return this.remainingMs(key, sinceMs) > 0;
  }

  /** How long `key` must still wait, counted from `sinceMs`; 0 when it may go now. */
  remainingMs(key: string, sinceMs: number): number {
    const e = this.live(key);
    if (!e) return 0;
    return Math.max(0, sinceMs + e.delayMs - this.clock());
  }

  /** The current delay of `key` (0 with no entry). */
  delayMs(key: string): number {
    return this.live(key)?.delayMs ?? 0;
  }

  /** Records another failure: the first waits the initial delay, each next one twice as long up to the cap. */
  next(key: string): void {
    const e = this.live(key);
    const delayMs = e ? Math.min(e.delayMs * 2, this.maxMs) : this.initialMs;
    this.entries.set(key, { delayMs, lastUpdateMs: this.clock() });
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  /** Drops every key starting with `prefix` (a deleted pod's containers). */
  forgetPrefix(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  private live(key: string): { delayMs: number; lastUpdateMs: number } | undefined {
    const e = this.entries.get(key);
    if (e && this.clock() - e.lastUpdateMs > 2 * this.maxMs) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }
}
