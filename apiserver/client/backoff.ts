// Exponential back-off with jitter, as client-go's wait.Backoff / reflector back-off manager: retries spread out
// instead of every client hammering a recovering apiserver in lock-step.

export interface BackoffOptions {
  /** First delay. client-go's reflector uses 800 ms. */
  initialMs?: number;
  /** Ceiling. client-go's reflector uses 30 s. */
  maxMs?: number;
  factor?: number;
  /** Each delay is stretched by up to this fraction at random (1.0: up to double). */
  jitter?: number;
}

export class Backoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly jitter: number;
  private current: number;

  constructor(opts: BackoffOptions = {}) {
    this.initialMs = opts.initialMs ?? 800;
    this.maxMs = opts.maxMs ?? 30_000;
    this.factor = opts.factor ?? 2;
    this.jitter = opts.jitter ?? 1.0;
    this.current = this.initialMs;
  }

  /** The delay to wait now; the following call returns a longer one, up to the ceiling. */
  next(): number {
    const base = this.current;
    this.current = Math.min(this.maxMs, this.current * this.factor);
    return Math.min(this.maxMs, jittered(base, this.jitter));
  }

  reset(): void {
    this.current = this.initialMs;
  }
}

/** `ms` stretched by a random fraction in [0, factor), as wait.Jitter does. */
export function jittered(ms: number, factor: number): number {
  return factor > 0 ? ms * (1 + Math.random() * factor) : ms;
}

/** Waits `ms`, or less if `signal` aborts first. Never rejects, so loops check the signal themselves. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) { resolve(); return; }
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}
