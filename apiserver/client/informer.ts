// An informer keeps a local, indexed copy of one kind: list (in pages), then watch from the list's resourceVersion,
// apply every event to the cache and tell the handlers. On 410 Expired it lists again and turns the difference with
// the cache into events (adds, updates, deletes), so handlers never miss a change, only intermediate states.
// Handlers should only enqueue keys (style.md §2); the reconcile loop reads the cache.
import { Backoff, sleep, type BackoffOptions } from './backoff.ts';
import { ObjectCache, namespaceIndex, type IndexFunc } from './cache.ts';
import { listAllPages } from './list-pager.ts';
import { defaultLogger, type Logger } from './logger.ts';
import { objectKey, type ApiObject } from './object.ts';
import type { ResourceRef } from './paths.ts';
import type { RestClient } from './rest.ts';
import { ReconnectingWatcher, WatchExpiredError } from './watch.ts';

export interface EventHandlers<T> {
  /** `isInInitialList`: delivered for the first list, or as a synthetic add to a handler registered late. */
  onAdd?: (obj: T, isInInitialList: boolean) => void;
  /** Also called with old === new on a periodic resync. */
  onUpdate?: (oldObj: T, newObj: T) => void;
  /**
   * `finalStateUnknown`: the deletion was noticed on a relist, so `obj` is the last state this cache saw, not the
   * object's final state (client-go's DeletedFinalStateUnknown).
   */
  onDelete?: (obj: T, finalStateUnknown: boolean) => void;
}

export interface HandlerRegistration {
  remove(): void;
}

export interface InformerOptions<T> {
  resource: ResourceRef;
  /** Limit to one namespace; omit for all. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Re-deliver every cached object to onUpdate this often; 0 (default) disables. */
  resyncPeriodMs?: number;
  /** List page size; 0 lists in one request. Default 500. */
  pageSize?: number;
  /** Extra indexes; 'namespace' is always there. */
  indexers?: Record<string, IndexFunc<T>>;
  /** Back-off between failed lists and failed watch connections. */
  backoff?: BackoffOptions;
  /** Server-side watch timeout per connection. Default random in [5, 10) min, as client-go's reflector. */
  watchTimeoutSeconds?: () => number;
  logger?: Logger;
}

export class Informer<T extends ApiObject = ApiObject> {
  readonly resource: ResourceRef;
  private readonly client: RestClient;
  private readonly opts: InformerOptions<T>;
  private readonly logger: Logger;
  private readonly cache: ObjectCache<T>;
  private handlers: EventHandlers<T>[] = [];
  private synced = false;
  private syncWaiters: ((synced: boolean) => void)[] = [];
  private stopper: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private lastRv = '';

  constructor(client: RestClient, opts: InformerOptions<T>) {
    this.client = client;
    this.opts = opts;
    this.resource = opts.resource;
    this.logger = (opts.logger ?? defaultLogger()).child({ informer: opts.resource.plural });
    this.cache = new ObjectCache<T>({ namespace: namespaceIndex, ...opts.indexers });
  }

  /**
   * Registers handlers. When the cache already holds objects, the new handlers first get a synthetic onAdd for
   * each, so late registration sees the same world as early registration.
   */
  addEventHandler(handlers: EventHandlers<T>): HandlerRegistration {
    this.handlers = [...this.handlers, handlers];
    if (handlers.onAdd) for (const obj of this.cache.list()) this.call(() => handlers.onAdd?.(obj, true));
    return { remove: () => { this.handlers = this.handlers.filter((h) => h !== handlers); } };
  }

  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    this.cache.addIndexers(indexers);
  }

  hasIndex(name: string): boolean {
    return this.cache.hasIndex(name);
  }

  get(key: string): T | undefined {
    return this.cache.get(key);
  }

  /** By namespace and name (namespace ignored for cluster-scoped kinds). */
  getByName(namespace: string | undefined, name: string): T | undefined {
    return this.cache.get(this.resource.namespaced && namespace ? `${namespace}/${name}` : name);
  }

  list(): T[] {
    return this.cache.list();
  }

  keys(): string[] {
    return this.cache.keys();
  }

  byIndex(name: string, value: string): T[] {
    return this.cache.byIndex(name, value);
  }

  indexKeys(name: string, value: string): string[] {
    return this.cache.indexKeys(name, value);
  }

  /** True once the first full list is in the cache and was delivered to the handlers. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves true when synced, false if the informer (or `signal`) stops first. */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (ok: boolean): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve(ok);
      };
      const onAbort = (): void => {
        this.syncWaiters = this.syncWaiters.filter((w) => w !== done);
        resolve(false);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.syncWaiters.push(done);
    });
  }

  /** The resourceVersion of the latest list or event applied to the cache. */
  lastSyncResourceVersion(): string {
    return this.lastRv;
  }

  /** Starts listing and watching in the background; `signal` (or stop()) ends it. Starting twice is a no-op. */
  start(signal?: AbortSignal): void {
    if (this.stopper) return;
    const stopper = new AbortController();
    this.stopper = stopper;
    signal?.addEventListener('abort', () => stopper.abort(), { once: true });
    if (signal?.aborted) stopper.abort();
    const period = this.opts.resyncPeriodMs ?? 0;
    if (period > 0) this.resyncTimer = setInterval(() => this.resync(), period);
    this.loop = this.listAndWatch(stopper.signal).finally(() => {
      clearInterval(this.resyncTimer);
      for (const w of this.syncWaiters.splice(0)) w(this.synced);
    });
  }

  /** Stops and waits until the list/watch loop has ended. */
  async stop(): Promise<void> {
    this.stopper?.abort();
    await this.loop;
  }

  private async listAndWatch(signal: AbortSignal): Promise<void> {
    const backoff = new Backoff(this.opts.backoff);
    const { resource, namespace, labelSelector, fieldSelector } = this.opts;
    while (!signal.aborted) {
      try {
        const listed = await listAllPages<T>(this.client, resource, namespace, {
          labelSelector, fieldSelector, pageSize: this.opts.pageSize, signal,
        });
        if (signal.aborted) return;
        this.replace(listed.items, listed.resourceVersion);
        backoff.reset();
        const watcher = new ReconnectingWatcher<T>(this.client, resource, {
          namespace, labelSelector, fieldSelector, signal,
          resourceVersion: listed.resourceVersion,
          allowWatchBookmarks: true,
          timeoutSeconds: this.opts.watchTimeoutSeconds?.() ?? Math.floor(300 * (1 + Math.random())),
          backoff: this.opts.backoff,
          logger: this.logger,
        });
        for await (const ev of watcher) {
          if (ev.type === 'BOOKMARK') this.lastRv = watcher.resourceVersion;
          else this.apply(ev.type, ev.object, watcher.resourceVersion);
        }
      } catch (e) {
        if (signal.aborted) return;
        if (e instanceof WatchExpiredError) {
          this.logger.info({ resourceVersion: this.lastRv, reason: e.message }, 'watch expired; relisting');
          continue;
        }
        const delay = backoff.next();
        this.logger.warn({ err: (e as Error).message, retryInMs: Math.round(delay) }, 'list/watch failed; retrying');
        await sleep(delay, signal);
      }
    }
  }

  /** Brings the cache to exactly `items`, delivering the difference as events. */
  private replace(items: T[], resourceVersion: string): void {
    const initial = !this.synced;
    const seen = new Set<string>();
    for (const obj of items) {
      const key = objectKey(obj);
      seen.add(key);
      const old = this.cache.get(key);
      if (old && old.metadata?.resourceVersion === obj.metadata?.resourceVersion) continue;
      this.cache.upsert(obj);
      if (old) this.dispatch((h) => h.onUpdate?.(old, obj));
      else this.dispatch((h) => h.onAdd?.(obj, initial));
    }
    for (const key of this.cache.keys()) {
      if (seen.has(key)) continue;
      const gone = this.cache.remove(key)!;
      this.dispatch((h) => h.onDelete?.(gone, true));
    }
    this.lastRv = resourceVersion;
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w(true);
    }
  }

  private apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: T, resourceVersion: string): void {
    this.lastRv = resourceVersion;
    if (type === 'DELETED') {
      const old = this.cache.remove(objectKey(obj));
      // The event carries the object's last state, which is newer than the cached one.
      this.dispatch((h) => h.onDelete?.(obj, false));
      if (!old) this.logger.debug({ key: objectKey(obj) }, 'deleted an object the cache did not hold');
      return;
    }
    const old = this.cache.upsert(obj);
    if (old) this.dispatch((h) => h.onUpdate?.(old, obj));
    else this.dispatch((h) => h.onAdd?.(obj, false));
  }

  private resync(): void {
    if (!this.synced) return;
    for (const obj of this.cache.list()) this.dispatch((h) => h.onUpdate?.(obj, obj));
  }

  private dispatch(deliver: (h: EventHandlers<T>) => void): void {
    for (const h of this.handlers) this.call(() => deliver(h));
  }

  /** A failing handler must not stop the informer or starve the other handlers. */
  private call(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.logger.error({ err: e instanceof Error ? e.message : String(e) }, 'event handler threw');
    }
  }
}
