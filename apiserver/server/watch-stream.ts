// Serves `?watch=true`: a chunked stream of {"type","object"} lines, as kube-apiserver's watch handler.
// - resourceVersion unset or "0": the current objects as ADDED, then changes;
//   sendInitialEvents=true also ends the initial set with a BOOKMARK annotated k8s.io/initial-events-end;
// - any other resourceVersion: changes strictly after it, or an ERROR event with 410 Expired when compacted;
// - selectors apply to both the old and the new state, so an object that starts matching is ADDED and one that
//   stops matching is DELETED;
// - bookmarks (when allowed) carry the revision reached; the stream ends at timeoutSeconds, or after a random
//   30 to 60 minutes, and when the server shuts down.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import { ApiError, errors } from '../api/errors.ts';
import { fromStorage } from '../api/conversion/converters.ts';
import { groupVersion, type ResourceInfo } from '../api/resources.ts';
import type { KubeObject, StoredObject, WatchEventType } from '../api/types.ts';
import { collectionPrefix } from '../registry/keys.ts';
import { CompactedError } from '../storage/errors.ts';
import type { Store, StoreEvent } from '../storage/store.ts';
import { partialObjectMetadata, type Rendering } from './negotiate.ts';
import { toTable, type IncludeObject } from './table.ts';

export interface WatchRequest {
  /** The resource as addressed: events carry objects in its version. */
  ri: ResourceInfo;
  namespace: string;
  filter: (obj: StoredObject) => boolean;
  resourceVersion?: string;
  allowWatchBookmarks: boolean;
  sendInitialEvents?: boolean;
  timeoutSeconds?: number;
  rendering: Rendering;
  includeObject: IncludeObject;
}

/** Open watches, so that shutdown can end them (app.close() would otherwise wait for them forever). */
export class WatchSet {
  private readonly closers = new Set<() => void>();
  add(close: () => void): () => void {
    this.closers.add(close);
    return () => this.closers.delete(close);
  }
  get size(): number { return this.closers.size; }
  closeAll(): void {
    for (const close of [...this.closers]) close();
  }
}

const bookmarkIntervalMs = 15_000;

export async function serveWatch(
  store: Store, req: IncomingMessage, res: ServerResponse, w: WatchRequest, watches: WatchSet, log: FastifyBaseLogger,
): Promise<void> {
  const prefix = collectionPrefix(w.ri, w.namespace);
  const initial = w.resourceVersion === undefined || w.resourceVersion === '' || w.resourceVersion === '0'
    || w.sendInitialEvents === true;
  let fromRv: number;
  let initialObjects: StoredObject[] = [];
  if (initial) {
    const page = await store.list(prefix, { filter: w.filter });
    fromRv = page.rv;
    if (w.sendInitialEvents !== false) initialObjects = page.items;
  } else {
    fromRv = Number(w.resourceVersion);
    if (!Number.isSafeInteger(fromRv) || fromRv < 0) {
      throw errors.badRequest(`invalid resourceVersion: ${JSON.stringify(w.resourceVersion)}`);
    }
  }

  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  res.flushHeaders();

  let closed = false;
  let lastRv = fromRv;
  // A bookmark may claim the store's current revision only when every earlier event has reached this watcher:
  // not while history is still being replayed, nor while the client's socket is applying back-pressure.
  const revisionAtStart = store.currentRevision();
  let caughtUp = fromRv >= revisionAtStart;
  let draining: Promise<void> | undefined;
  let sentColumns = false;
  const timers: NodeJS.Timeout[] = [];
  let unsubscribe: (() => void) | undefined;
  let forget: (() => void) | undefined;

  const close = (): void => {
    if (closed) return;
    closed = true;
    for (const t of timers) clearTimeout(t);
    unsubscribe?.();
    forget?.();
    res.end();
  };

  const render = (obj: KubeObject): unknown => {
    switch (w.rendering.as) {
      case 'object': return fromStorage(w.ri, obj);
      case 'PartialObjectMetadata': return partialObjectMetadata(obj, w.rendering.version);
      case 'Table': {
        const table = toTable(w.ri, [obj], {
          version: w.rendering.version, includeObject: w.includeObject, now: Date.now(), withColumns: !sentColumns,
        });
        sentColumns = true;
        return table;
      }
    }
  };

  /** Writes one event; when the socket is full, returns a promise that settles once it drains. */
  const send = (type: WatchEventType, object: unknown): Promise<void> | undefined => {
    if (closed) return undefined;
    if (res.write(`${JSON.stringify({ type, object })}\n`)) return undefined;
    draining ??= new Promise<void>((resolve) => {
      const done = (): void => {
        res.off('drain', done);
        res.off('close', done);
        draining = undefined;
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
    return draining;
  };

  const sendError = (err: ApiError): void => {
    send('ERROR', err.status);
    close();
  };

  const bookmark = (extraAnnotations?: Record<string, string>): void => {
    if (caughtUp && !draining) lastRv = Math.max(lastRv, store.currentRevision());
    const metadata: Record<string, unknown> = { resourceVersion: String(lastRv) };
    if (extraAnnotations) metadata.annotations = extraAnnotations;
    send('BOOKMARK', { kind: w.ri.kind, apiVersion: groupVersion(w.ri), metadata });
  };

  // Returning the drain promise tells the store this watcher is behind; it buffers (up to a limit) meanwhile.
  const onEvent = (e: StoreEvent): Promise<void> | undefined => {
    lastRv = e.rv;
    if (e.rv >= revisionAtStart) caughtUp = true;
    const type = translate(e, w.filter);
    return type ? send(type, render(e.object)) : undefined;
  };

  forget = watches.add(close);
  req.on('close', close);
  res.on('error', close);

  for (const obj of initialObjects) send('ADDED', render(obj));
  if (w.sendInitialEvents === true) bookmark({ 'k8s.io/initial-events-end': 'true' });

  try {
    unsubscribe = store.watch(prefix, fromRv, onEvent, (err) => {
      // The store gives up on a watcher that fell too far behind (WatcherTooSlowError): the client relists.
      log.warn({ err: err.message, resource: w.ri.plural }, 'watch ended by the store');
      sendError(errors.expired(`watch closed: ${err.message}`));
    });
  } catch (e) {
    if (e instanceof CompactedError) {
      sendError(errors.expired(`too old resource version: ${fromRv} (${e.compactedRv})`));
      return;
    }
    close();
    throw e;
  }

  if (w.allowWatchBookmarks) {
    const tick = (): void => {
      if (closed) return;
      bookmark();
      timers.push(setTimeout(tick, bookmarkIntervalMs).unref());
    };
    timers.push(setTimeout(tick, bookmarkIntervalMs).unref());
  }
  const timeoutMs = w.timeoutSeconds !== undefined && w.timeoutSeconds > 0
    ? w.timeoutSeconds * 1000
    : (1800 + Math.random() * 1800) * 1000;
  timers.push(setTimeout(close, timeoutMs).unref());
}

/** What a store event means to a watcher with a selector. */
export function translate(e: StoreEvent, matches: (obj: StoredObject) => boolean): WatchEventType | undefined {
  switch (e.type) {
    case 'ADDED':
      return matches(e.object) ? 'ADDED' : undefined;
    case 'DELETED':
      return matches(e.prevObject ?? e.object) ? 'DELETED' : undefined;
    case 'MODIFIED': {
      const now = matches(e.object);
      const before = e.prevObject ? matches(e.prevObject) : false;
      if (now && before) return 'MODIFIED';
      if (now) return 'ADDED';
      if (before) return 'DELETED';
      return undefined;
    }
  }
}
