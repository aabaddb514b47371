// Lease-based leader election, as client-go's leaderelection package, plus a fencing token.
//
// Expiry is judged only by LOCAL observation: a candidate remembers when (on its own monotonic clock) it last saw
// the Lease record change, and takes over once leaseDurationSeconds pass with no change. The holder's timestamps
// are written but never trusted, so fixed clock offsets between machines do not matter (reliability.md §1.1).
// Every write to the Lease is a compare-and-swap on its resourceVersion.
//
// Leader election alone is not fencing: a leader paused past its lease wakes up believing it still leads. So the
// elector hands out a fence token (`<namespace>/<name>/<holderIdentity>/<leaseTransitions>`) only while its last
// successful renew is younger than renewDeadline; a fenced RestClient sends it with every write, and the apiserver
// refuses writes whose token no longer names the Lease's current, unexpired term (reliability.md F5).
import { setMaxListeners } from 'node:events';
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Lease } from '../api/types.ts';
import { jittered, sleep } from './backoff.ts';
import { formatFenceToken } from './fence.ts';
import { defaultLogger, type Logger } from './logger.ts';
import type { ResourceRef } from './paths.ts';
import type { RestClient } from './rest.ts';
import { isAlreadyExists, isConflict, isNotFound } from './status-error.ts';

/** client-go's JitterFactor: acquire retries wait retryPeriod * (1 + rand * 1.2). */
export const JITTER_FACTOR = 1.2;

export const leaseResource: ResourceRef = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', namespaced: true };

type LeaseSpec = NonNullable<Lease['spec']>;

export interface LeaderElectorOptions {
  /** Lease writes go out unfenced whatever this client's fence (the lease is what the fence is checked against). */
  client: RestClient;
  namespace: string;
  name: string;
  /** Unique per process: defaultIdentity() gives `<hostname>_<uuid>`. */
  identity: string;
  /** How long a candidate waits, after last seeing the Lease change, before taking it over. Default 15. */
  leaseDurationSeconds?: number;
  /** How long the leader keeps trying to renew before giving up. Default 10. */
  renewDeadlineSeconds?: number;
  /** Interval between tries. Default 2. */
  retryPeriodSeconds?: number;
  /**
   * On a graceful stop (run's signal aborted), hand the Lease back so a successor needn't wait out leaseDuration.
   * Only safe once all work guarded by the lease has stopped (client-go's ReleaseOnCancel caveat).
   */
  releaseOnCancel?: boolean;
  /** Called on becoming leader; `signal` aborts the moment leadership ends. */
  onStartedLeading: (signal: AbortSignal) => void | Promise<void>;
  /** Called when leadership that had started ends (lost, or stopped). */
  onStoppedLeading?: () => void;
  /** Called whenever a different holder is observed, including this process and the first one seen. */
  onNewLeader?: (identity: string) => void;
  logger?: Logger;
}

export function defaultIdentity(): string {
  return `${os.hostname()}_${randomUUID()}`;
}

/** client-go's checks: leaseDuration > renewDeadline > JitterFactor * retryPeriod, all positive. */
export function validateLeaderElectionTimings(leaseDurationSeconds: number, renewDeadlineSeconds: number,
  retryPeriodSeconds: number): void {
  if (!(leaseDurationSeconds > 0) || !(renewDeadlineSeconds > 0) || !(retryPeriodSeconds > 0)) {
    throw new Error('leaseDuration, renewDeadline and retryPeriod must be greater than zero');
  }
  if (leaseDurationSeconds <= renewDeadlineSeconds) throw new Error('leaseDuration must be greater than renewDeadline');
  if (renewDeadlineSeconds <= JITTER_FACTOR * retryPeriodSeconds) {
    throw new Error(`renewDeadline must be greater than retryPeriod*${JITTER_FACTOR}`);
  }
}

/** AbortSignal.timeout takes whole milliseconds only. */
function timeoutSignal(ms: number): AbortSignal {
  return AbortSignal.timeout(Math.max(1, Math.ceil(ms)));
}

/** Kubernetes MicroTime: RFC 3339 with microseconds. */
function microTime(d: Date): string {
  return d.toISOString().replace(/Z$/, '000Z');
}

/** The part of the record whose change counts as "the holder is alive" (client-go compares the raw record). */
function recordFingerprint(spec: LeaseSpec | undefined): string {
  const s = spec ?? {};
  return JSON.stringify([s.holderIdentity ?? '', s.leaseDurationSeconds ?? 0, s.acquireTime ?? '', s.renewTime ?? '',
    s.leaseTransitions ?? 0]);
}

export class LeaderElector {
  private readonly opts: LeaderElectorOptions;
  private readonly client: RestClient;
  private readonly logger: Logger;
  private readonly leaseMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryMs: number;
  /** The Lease as last read or written (its resourceVersion is the CAS precondition of the next write). */
  private observed: Lease | undefined;
  private observedFingerprint: string | undefined;
  /** Monotonic time the record was last seen to change. */
  private observedAt = 0;
  /** Monotonic time our last successful acquire/renew request was SENT (conservative for the fence). */
  private lastRenewAt: number | undefined;
  private reportedLeader: string | undefined;
  private leading = false;
  private running = false;

  constructor(opts: LeaderElectorOptions) {
    const lease = opts.leaseDurationSeconds ?? 15;
    const renew = opts.renewDeadlineSeconds ?? 10;
    const retry = opts.retryPeriodSeconds ?? 2;
    validateLeaderElectionTimings(lease, renew, retry);
    if (!opts.identity) throw new Error('leader election needs a non-empty identity');
    if (!opts.namespace || !opts.name) throw new Error('leader election needs the Lease namespace and name');
    this.opts = opts;
    this.client = opts.client.withFence(undefined);
    this.logger = (opts.logger ?? defaultLogger()).child({ lease: `${opts.namespace}/${opts.name}`, identity: opts.identity });
    this.leaseMs = lease * 1000;
    this.renewDeadlineMs = renew * 1000;
    this.retryMs = retry * 1000;
  }

  /** True while this process leads (between onStartedLeading and the end of its signal). */
  isLeader(): boolean {
    return this.leading && this.holder() === this.opts.identity;
  }

  /** The holder last observed, if any. */
  getLeader(): string | undefined {
    return this.holder() || undefined;
  }

  /**
   * The fencing token for writes made under this leadership, or undefined when this process must not write: not
   * leading, or its last successful renew is older than renewDeadline (it may already have been replaced).
   */
  fenceToken(): string | undefined {
    if (!this.isLeader() || this.lastRenewAt === undefined) return undefined;
    if (performance.now() - this.lastRenewAt >= this.renewDeadlineMs) return undefined;
    return formatFenceToken({
      namespace: this.opts.namespace,
      name: this.opts.name,
      holderIdentity: this.opts.identity,
      leaseTransitions: this.observed?.spec?.leaseTransitions ?? 0,
    });
  }

  /**
   * Campaigns until leading, then renews until leadership is lost or `signal` aborts. Resolves when it is over; like
   * client-go it does not campaign again (a process that lost the lease usually exits and restarts).
   */
  async run(signal?: AbortSignal): Promise<void> {
    if (this.running) throw new Error('this LeaderElector is already running');
    this.running = true;
    const outer = signal ?? new AbortController().signal;
    try {
      if (!(await this.acquire(outer))) return;
      const leadership = new AbortController();
      // Every controller and informer of the leader listens to it.
      setMaxListeners(0, leadership.signal);
      const endLeadership = (): void => leadership.abort();
      outer.addEventListener('abort', endLeadership, { once: true });
      this.leading = true;
      this.startLeading(leadership.signal);
      try {
        await this.renewLoop(leadership.signal);
      } finally {
        this.leading = false;
        leadership.abort();
        outer.removeEventListener('abort', endLeadership);
        if (this.opts.releaseOnCancel && outer.aborted) await this.release();
        this.logger.info('stopped leading');
        this.safely('onStoppedLeading', () => this.opts.onStoppedLeading?.());
      }
    } finally {
      this.running = false;
    }
  }

  private startLeading(signal: AbortSignal): void {
    this.logger.info({ leaseTransitions: this.observed?.spec?.leaseTransitions ?? 0 }, 'started leading');
    Promise.resolve()
      .then(() => this.opts.onStartedLeading(signal))
      .catch((e: unknown) => this.logger.error({ err: e instanceof Error ? e.message : String(e) }, 'onStartedLeading failed'));
  }

  private async acquire(signal: AbortSignal): Promise<boolean> {
    this.logger.info('attempting to acquire leader lease');
    while (!signal.aborted) {
      const attempt = AbortSignal.any([signal, timeoutSignal(this.renewDeadlineMs)]);
      const ok = await this.tryAcquireOrRenew(attempt);
      this.reportTransition();
      if (ok) return true;
      await sleep(jittered(this.retryMs, JITTER_FACTOR), signal);
    }
    return false;
  }

  /**
   * Renews every retryPeriod. Gives up once renewDeadline has passed since the last successful renew, or at once
   * when another holder is seen.
   */
  private async renewLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await sleep(this.retryMs, signal);
      let renewed = false;
      while (!signal.aborted) {
        const remaining = (this.lastRenewAt ?? 0) + this.renewDeadlineMs - performance.now();
        if (remaining <= 0) break;
        const attempt = AbortSignal.any([signal, timeoutSignal(remaining)]);
        renewed = await this.tryAcquireOrRenew(attempt);
        this.reportTransition();
        if (renewed) break;
        if (this.holder() !== this.opts.identity) {
          this.logger.warn({ holder: this.holder() }, 'lease taken over by another holder');
          return;
        }
        await sleep(Math.min(this.retryMs, remaining), attempt);
      }
      if (signal.aborted) return;
      if (!renewed) {
        this.logger.warn({ renewDeadlineMs: this.renewDeadlineMs }, 'failed to renew lease within the renew deadline');
        return;
      }
    }
  }

  /** One attempt to take or keep the lease; true when this process now holds it. */
  private async tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    const me = this.opts.identity;
    const sentAt = performance.now();
    const now = microTime(new Date());
    const leaseDurationSeconds = Math.max(1, Math.ceil(this.leaseMs / 1000));

    // Fast path: we hold it and our copy is current, so write straight away; a 409 sends us to the slow path.
    if (this.observed && this.holder() === me && this.leaseValid(sentAt)) {
      const spec: LeaseSpec = { ...this.observed.spec, holderIdentity: me, leaseDurationSeconds, renewTime: now };
      if (await this.write('update', { ...this.observed, spec }, sentAt, signal, true)) return true;
      if (signal.aborted) return false;
    }

    let current: Lease;
    try {
      current = await this.client.get<Lease>(leaseResource, this.opts.namespace, this.opts.name, { signal });
    } catch (e) {
      if (!isNotFound(e)) {
        this.logWriteError('reading the lease failed', e, signal);
        return false;
      }
      const lease: Lease = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: this.opts.name, namespace: this.opts.namespace },
        spec: { holderIdentity: me, leaseDurationSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 },
      };
      return this.write('create', lease, sentAt, signal, false);
    }

    this.observe(current);
    const spec = current.spec ?? {};
    if (spec.holderIdentity && spec.holderIdentity !== me && this.leaseValid(performance.now())) return false;

    const alreadyHolder = spec.holderIdentity === me;
    const next: LeaseSpec = {
      holderIdentity: me,
      leaseDurationSeconds,
      acquireTime: alreadyHolder ? spec.acquireTime ?? now : now,
      renewTime: now,
      leaseTransitions: alreadyHolder ? spec.leaseTransitions ?? 0 : (spec.leaseTransitions ?? 0) + 1,
    };
    return this.write('update', { ...current, spec: next }, sentAt, signal, false);
  }

  private async write(kind: 'create' | 'update', lease: Lease, sentAt: number, signal: AbortSignal,
    optimistic: boolean): Promise<boolean> {
    try {
      const written = kind === 'create'
        ? await this.client.create<Lease>(leaseResource, this.opts.namespace, lease, { signal })
        : await this.client.update<Lease>(leaseResource, this.opts.namespace, lease, { signal });
      this.observe(written);
      this.lastRenewAt = sentAt;
      return true;
    } catch (e) {
      // Losing a compare-and-swap race is part of the protocol, not a fault.
      if (isConflict(e) || isAlreadyExists(e)) {
        this.logger.debug({ optimistic }, `${kind} of the lease lost a race with another writer`);
      } else this.logWriteError(`${kind} of the lease failed`, e, signal);
      return false;
    }
  }

  /** Hands the lease back: no holder, 1 s duration, same transitions count (client-go's release). */
  private async release(): Promise<void> {
    // A renewal cut short by the stop may still have landed: on a conflict, read the lease again and retry while
    // it is still ours.
    for (let attempt = 1; attempt <= 3; attempt++) {
      if (!this.observed || this.holder() !== this.opts.identity) return;
      const now = microTime(new Date());
      const spec: LeaseSpec = {
        leaseDurationSeconds: 1, acquireTime: now, renewTime: now,
        leaseTransitions: this.observed.spec?.leaseTransitions ?? 0,
      };
      try {
        const written = await this.client.update<Lease>(leaseResource, this.opts.namespace,
          { ...this.observed, spec }, { signal: timeoutSignal(this.renewDeadlineMs) });
        this.observe(written);
        this.logger.info('released the lease');
        return;
      } catch (e) {
        if (attempt < 3 && isConflict(e)) {
          try {
            this.observe(await this.client.get<Lease>(leaseResource, this.opts.namespace, this.opts.name,
              { signal: timeoutSignal(this.renewDeadlineMs) }));
            continue;
          } catch {
            // fall through to the warning
          }
        }
        this.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'releasing the lease failed');
        return;
      }
    }
  }

  /** Remembers the lease; restarts the expiry clock only when the record actually changed. */
  private observe(lease: Lease): void {
    const fingerprint = recordFingerprint(lease.spec);
    if (fingerprint !== this.observedFingerprint) {
      this.observedFingerprint = fingerprint;
      this.observedAt = performance.now();
    }
    this.observed = lease;
  }

  private leaseValid(now: number): boolean {
    const seconds = this.observed?.spec?.leaseDurationSeconds ?? 0;
    return this.observedAt + seconds * 1000 > now;
  }

  private holder(): string {
    return this.observed?.spec?.holderIdentity ?? '';
  }

  private reportTransition(): void {
    const holder = this.holder();
    if (!holder || holder === this.reportedLeader) return;
    this.reportedLeader = holder;
    const notify = this.opts.onNewLeader;
    if (notify) queueMicrotask(() => this.safely('onNewLeader', () => notify(holder)));
  }

  private logWriteError(what: string, e: unknown, signal: AbortSignal): void {
    if (signal.aborted) return;
    this.logger.warn({ err: e instanceof Error ? e.message : String(e) }, what);
  }

  private safely(what: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.logger.error({ err: e instanceof Error ? e.message : String(e) }, `${what} threw`);
    }
  }
}
