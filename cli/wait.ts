// Waiting on one object the way kubectl's wait and rollout status do: read it, and unless it already satisfies the
// condition, watch it (by name) and judge every change, until the condition holds, the deadline passes or the user
// interrupts. Level-triggered: each judgement looks at the whole object, so a missed event costs nothing.
import type { ApiObject } from '../apiserver/client/object.ts';
import { isNotFound } from '../apiserver/client/status-error.ts';
import { streamEvents } from './commands/get-watch.ts';
import type { DiscoveredResource } from './discovery.ts';
import { usageError } from './errors.ts';
import { getObject } from './fetch.ts';
import type { Session } from './session.ts';

/** The object as it is now (undefined: it is gone) -> done? */
export type Condition = (obj: ApiObject | undefined) => boolean | Promise<boolean>;

export class WaitTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WaitTimeoutError';
  }
}

export interface WaitOptions {
  /** 0 or undefined: no limit. */
  timeoutMs?: number;
  /** The message of the timeout error. */
  timeoutMessage: string;
}

/** Resolves with the object that satisfied `done` (undefined when deletion did). */
export async function waitForObject(session: Session, resource: DiscoveredResource, namespace: string | undefined,
  name: string, done: Condition, opts: WaitOptions): Promise<ApiObject | undefined> {
  const stop = new AbortController();
  let timedOut = false;
  const timer = opts.timeoutMs ? setTimeout(() => { timedOut = true; stop.abort(); }, opts.timeoutMs) : undefined;
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    let current: ApiObject | undefined;
    try {
      current = await getObject(session.client(), resource, namespace, name);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    if (await done(current)) return current;
    let result: ApiObject | undefined;
    let satisfied = false;
    let judging = Promise.resolve();
    const rv = current?.metadata?.resourceVersion ?? '0';
    await streamEvents(session, resource, namespace, { fieldSelector: `metadata.name=${name}` }, rv, stop.signal, (ev) => {
      // Judge events one at a time, in order; a condition may read other objects.
      judging = judging.then(async () => {
        if (satisfied) return;
        const obj = ev.type === 'DELETED' ? undefined : ev.object as ApiObject;
        if (await done(obj)) {
          satisfied = true;
          result = obj;
          stop.abort();
        }
      }).catch((e: unknown) => {
        satisfied = true;
        stop.abort();
        throw e;
      });
    });
    await judging;
    if (satisfied) return result;
    if (timedOut) throw new WaitTimeoutError(opts.timeoutMessage);
    throw usageError('interrupted');
  } finally {
    if (timer) clearTimeout(timer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** kubectl's --timeout: a Go duration (`30s`, `5m`), bare seconds, or 0 for none. */
export function parseTimeout(value: string | undefined, flag = '--timeout'): number {
  if (value === undefined || value === '' || value === '0') return 0;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let rest = value;
  while (rest !== '') {
    const m = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/.exec(rest);
    if (!m) throw usageError(`invalid argument "${value}" for "${flag}" flag: time: invalid duration "${value}"`);
    total += Number(m[1]) * units[m[2]];
    rest = rest.slice(m[0].length);
  }
  return total;
}
