// One informer per resource (and selector) per process, as client-go's SharedInformerFactory: the scheduler and each
// controller in the controller-manager ask for "pods" and share one list/watch and one cache.
import { setMaxListeners } from 'node:events';
import { defaultLogger, type Logger } from './logger.ts';
import type { ApiObject } from './object.ts';
import { Informer, type InformerOptions } from './informer.ts';
import type { ResourceRef } from './paths.ts';
import type { RestClient } from './rest.ts';

export interface SharedInformerFactoryOptions {
  /** Watch one namespace only; omit for all. */
  namespace?: string;
  resyncPeriodMs?: number;
  logger?: Logger;
  /** Passed to every informer. */
  informerDefaults?: Pick<InformerOptions<ApiObject>, 'pageSize' | 'backoff' | 'watchTimeoutSeconds'>;
}

export type InformerRequest<T> = Pick<InformerOptions<T>, 'labelSelector' | 'fieldSelector' | 'indexers'>;

function groupVersion(ri: ResourceRef): string {
  return ri.group ? `${ri.group}/${ri.version}` : ri.version;
}

export class SharedInformerFactory {
  private readonly client: RestClient;
  private readonly opts: SharedInformerFactoryOptions;
  private readonly logger: Logger;
  private readonly informers = new Map<string, Informer<ApiObject>>();
  private readonly stopper = new AbortController();
  private started = false;

  constructor(client: RestClient, opts: SharedInformerFactoryOptions = {}) {
    this.client = client;
    this.opts = opts;
    this.logger = opts.logger ?? defaultLogger();
    // One listener per informer: a process watching every resource (the garbage collector) has dozens.
    setMaxListeners(0, this.stopper.signal);
  }

  /**
   * The shared informer for `ri` (and these selectors). Indexers asked for by a later caller are added to the
   * existing informer. Informers asked for after start() start at once.
   */
  informerFor<T extends ApiObject>(ri: ResourceRef, req: InformerRequest<T> = {}): Informer<T> {
    const key = `${groupVersion(ri)}/${ri.plural}?l=${req.labelSelector ?? ''}&f=${req.fieldSelector ?? ''}`;
    let informer = this.informers.get(key) as Informer<T> | undefined;
    if (!informer) {
      informer = new Informer<T>(this.client, {
        ...this.opts.informerDefaults,
        resource: ri,
        namespace: this.opts.namespace,
        labelSelector: req.labelSelector,
        fieldSelector: req.fieldSelector,
        resyncPeriodMs: this.opts.resyncPeriodMs,
        logger: this.logger,
      });
      this.informers.set(key, informer as unknown as Informer<ApiObject>);
      if (this.started) informer.start(this.stopper.signal);
    }
    for (const [name, fn] of Object.entries(req.indexers ?? {})) {
      // Two controllers asking for the same index name share it; the first definition wins.
      if (!informer.hasIndex(name)) informer.addIndexers({ [name]: fn });
    }
    return informer;
  }

  /** Starts every informer made so far (and any made later). */
  start(signal?: AbortSignal): void {
    this.started = true;
    signal?.addEventListener('abort', () => this.stopper.abort(), { once: true });
    for (const informer of this.informers.values()) informer.start(this.stopper.signal);
  }

  /** Resolves true once every started informer has synced; false if stopped first. */
  async waitForCacheSync(signal?: AbortSignal): Promise<boolean> {
    const results = await Promise.all([...this.informers.values()].map((i) => i.waitForSync(signal)));
    return results.every(Boolean);
  }

  async shutDown(): Promise<void> {
    this.stopper.abort();
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}
