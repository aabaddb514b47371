// Keeps an in-memory view of some stored objects current from inside the apiserver: list a key prefix, then
// watch it from the list's revision, as an informer does but without HTTP. The authorizers read their indexes
// on every request, so those indexes must be memory, never a query. Delivery from the store is synchronous after
// each commit, so a binding created by one request already counts for the next.
import type { Logger } from 'pino';
import type { StoredObject } from '../api/types.ts';
import type { Store, StoreEvent } from '../storage/store.ts';

export interface FeedHandler {
  /** Everything under the prefix now; replaces whatever the view held (first list and relists). */
  replace(items: StoredObject[]): void;
  apply(event: StoreEvent): void;
}

export interface StoreFeed {
  stop(): void;
}

const relistDelayMs = 500;

/** Resolves once the first list has been handed over, so the caller can serve with a complete view. */
export async function feedFromStore(store: Store, prefix: string, handler: FeedHandler, logger: Logger): Promise<StoreFeed> {
  let stopped = false;
  let cancelWatch: (() => void) | undefined;
  let retry: NodeJS.Timeout | undefined;

  const listAndWatch = async (): Promise<void> => {
    const list = await store.list(prefix);
    if (stopped) return;
    handler.replace(list.items);
    cancelWatch = store.watch(prefix, list.rv, (event) => handler.apply(event), (err) => {
      // Cut off (too slow, compacted history) or the store closing: relist, unless we are stopping.
      if (stopped) return;
      logger.warn({ prefix, err: err.message }, 'policy watch ended; relisting');
      scheduleRelist();
    });
  };
  const scheduleRelist = (): void => {
    cancelWatch?.();
    cancelWatch = undefined;
    retry = setTimeout(() => {
      listAndWatch().catch((err: unknown) => {
        logger.warn({ prefix, err: (err as Error).message }, 'policy relist failed');
        if (!stopped) scheduleRelist();
      });
    }, relistDelayMs);
    retry.unref();
  };

  await listAndWatch();
  return {
    stop: () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      cancelWatch?.();
    },
  };
}
