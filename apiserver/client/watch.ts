// Watching: `watch()` is one streaming connection, parsed line by line; `ReconnectingWatcher` keeps a watch alive
// across stream ends and errors, resuming from the last resourceVersion it saw (BOOKMARKs included), and surfaces a
// too-old resourceVersion (410 at connect, or an ERROR event with a 410 Status) as WatchExpiredError so the caller
// relists. The shapes on the wire are in clients.md ("Watch").
import type { Status, WatchEventType } from '../api/types.ts';
import { Backoff, sleep, type BackoffOptions } from './backoff.ts';
import { defaultLogger, type Logger } from './logger.ts';
import type { ApiObject } from './object.ts';
import { resourcePath, type ResourceRef } from './paths.ts';
import type { RestClient } from './rest.ts';
import { ApiStatusError, isExpired, isTransient, statusFromWatchError, type StatusWithCode } from './status-error.ts';
import { LineSplitter, parseWatchLine } from './watch-lines.ts';

export type ObjectEventType = Exclude<WatchEventType, 'ERROR'>;

/** ADDED, MODIFIED, DELETED (the last state) and BOOKMARK (only metadata.resourceVersion) carry the watched kind. */
export interface ObjectWatchEvent<T> {
  type: ObjectEventType;
  object: T;
}

/** An ERROR event carries a Status, every other event an object of the watched kind. */
export type WatchEventOf<T> = ObjectWatchEvent<T> | { type: 'ERROR'; object: Status };

export interface WatchOptions {
  /** Omit to watch a namespaced kind across all namespaces. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Unset or '0': synthetic ADDED for everything first; otherwise only changes after it. */
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  /** Asks the server to end the watch after this long; a client-side guard also closes it a little later. */
  timeoutSeconds?: number;
  signal?: AbortSignal;
  logger?: Logger;
}

/** How long past timeoutSeconds the client waits for the server to end a watch before closing it itself. */
const serverTimeoutGraceMs = 30_000;

/**
 * One watch connection. Yields events until the server ends the stream; returns quietly when `signal` aborts.
 * Connection failures and non-2xx answers (as ApiStatusError) are thrown. Unparseable lines are logged and dropped.
 */
export async function* watch<T = ApiObject>(client: RestClient, ri: ResourceRef, opts: WatchOptions = {}):
  AsyncGenerator<WatchEventOf<T>, void, undefined> {
  const logger = opts.logger ?? defaultLogger();
  const local = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, local.signal]) : local.signal;
  // A socket that silently died (a partition, a suspended VM) would otherwise hang the watch forever.
  const guard = opts.timeoutSeconds
    ? setTimeout(() => local.abort(), opts.timeoutSeconds * 1000 + serverTimeoutGraceMs)
    : undefined;
  try {
    const res = await client.stream('GET', resourcePath(ri, opts.namespace), {
      signal,
      query: {
        watch: 'true',
        resourceVersion: opts.resourceVersion,
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        allowWatchBookmarks: opts.allowWatchBookmarks ? 'true' : undefined,
        timeoutSeconds: opts.timeoutSeconds,
      },
    });
    const splitter = new LineSplitter();
    try {
      for await (const chunk of res) {
        for (const line of splitter.push(chunk as Buffer)) {
          const ev = decode<T>(line, logger, ri);
          if (ev) yield ev;
        }
      }
      for (const line of splitter.end()) {
        const ev = decode<T>(line, logger, ri);
        if (ev) yield ev;
      }
    } finally {
      res.destroy();
    }
  } catch (e) {
    if (signal.aborted) {
      if (local.signal.aborted && !opts.signal?.aborted) logger.debug({ resource: ri.plural }, 'closed a watch the server left open past its timeout');
      return;
    }
    throw e;
  } finally {
    clearTimeout(guard);
  }
}

function decode<T>(line: string, logger: Logger, ri: ResourceRef): WatchEventOf<T> | undefined {
  const parsed = parseWatchLine(line);
  if (!parsed) return undefined;
  if ('error' in parsed) {
    logger.warn({ resource: ri.plural, reason: parsed.error, line: line.slice(0, 200) }, 'dropping a watch line');
    return undefined;
  }
  return parsed as WatchEventOf<T>;
}

/** The watched resourceVersion is gone from the server's history: list again, then watch from the new list. */
export class WatchExpiredError extends ApiStatusError {
  constructor(status: StatusWithCode) {
    super(status);
    this.name = 'WatchExpiredError';
  }
}

export interface ReconnectingWatchOptions extends Omit<WatchOptions, 'resourceVersion'> {
  /** Where to start; afterwards the watcher resumes from the last resourceVersion it saw. */
  resourceVersion: string;
  /** Back-off between failed connections. Default 800 ms doubling to 30 s, with jitter (client-go's reflector). */
  backoff?: BackoffOptions;
}

/** A stream that ended this soon after connecting, having delivered nothing, counts as a failure (back off). */
const minHealthyConnectionMs = 1000;

export class ReconnectingWatcher<T extends ApiObject = ApiObject> implements AsyncIterable<ObjectWatchEvent<T>> {
  private readonly client: RestClient;
  private readonly ri: ResourceRef;
  private readonly opts: ReconnectingWatchOptions;
  private readonly logger: Logger;
  private rv: string;
  private connectionCount = 0;

  constructor(client: RestClient, ri: ResourceRef, opts: ReconnectingWatchOptions) {
    this.client = client;
    this.ri = ri;
    this.opts = opts;
    this.logger = opts.logger ?? defaultLogger();
    this.rv = opts.resourceVersion;
  }

  /** The last resourceVersion seen (from an event or a BOOKMARK); a new watch resumes after it. */
  get resourceVersion(): string {
    return this.rv;
  }

  /** How many connections were opened so far. */
  get connections(): number {
    return this.connectionCount;
  }

  /**
   * Yields ADDED/MODIFIED/DELETED/BOOKMARK events (never ERROR) until `signal` aborts. Throws WatchExpiredError on a
   * 410, and ApiStatusError on an answer that retrying cannot fix (400, 401, 403, 404, ...). Everything else (network
   * errors, 429/5xx, streams the server ended) leads to a reconnect, after a back-off when the connection failed.
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<ObjectWatchEvent<T>, void, undefined> {
    const { signal } = this.opts;
    const backoff = new Backoff(this.opts.backoff);
    while (!signal?.aborted) {
      const started = performance.now();
      let received = 0;
      let failure: unknown;
      this.connectionCount++;
      try {
        for await (const ev of watch<T>(this.client, this.ri, { ...this.opts, resourceVersion: this.rv })) {
          if (ev.type === 'ERROR') {
            const err = new ApiStatusError(statusFromWatchError(ev.object));
            if (isExpired(err) || !isTransient(err)) throw err;
            failure = err;
            break;
          }
          const rv = ev.object.metadata?.resourceVersion;
          if (rv) this.rv = rv;
          received++;
          yield ev;
        }
      } catch (e) {
        if (signal?.aborted) return;
        if (e instanceof ApiStatusError && isExpired(e)) throw new WatchExpiredError(e.status);
        if (e instanceof ApiStatusError && !isTransient(e)) throw e;
        failure = e;
      }
      if (signal?.aborted) return;
      if (received > 0) backoff.reset();
      if (!failure && (received > 0 || performance.now() - started >= minHealthyConnectionMs)) continue;
      const delay = backoff.next();
      this.logger.warn({
        resource: this.ri.plural, resourceVersion: this.rv, retryInMs: Math.round(delay),
        err: failure instanceof Error ? failure.message : failure === undefined ? 'stream ended at once' : String(failure),
      }, 'watch interrupted; reconnecting');
      await sleep(delay, signal);
    }
  }
}
