// The loop around a controller's reconcile function: n workers take keys from the queue; success forgets the key's
// back-off, failure logs and re-queues it rate-limited; done() is always called so the key can be handed out again.
import { defaultLogger, type Logger } from './logger.ts';
import type { WorkQueue } from './workqueue.ts';

export interface RunWorkersOptions {
  logger?: Logger;
  /** Shuts the queue down when aborted; the workers then finish their current key and return. */
  signal?: AbortSignal;
  /** Give up on a key after this many consecutive failures (it comes back on its next event). Default: never. */
  maxRetries?: number;
}

export async function runWorkers<K>(queue: WorkQueue<K>, workers: number,
  reconcile: (key: K) => Promise<void>, opts: RunWorkersOptions = {}): Promise<void> {
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`workers must be a positive integer, got ${workers}`);
  const logger = opts.logger ?? defaultLogger();
  const onAbort = (): void => queue.shutDown();
  if (opts.signal?.aborted) queue.shutDown();
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  const worker = async (): Promise<void> => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        await reconcile(key);
        queue.forget(key);
      } catch (e) {
        const retries = queue.numRequeues(key);
        const err = e instanceof Error ? e.message : String(e);
        if (opts.maxRetries !== undefined && retries >= opts.maxRetries) {
          logger.error({ key, err, retries }, 'reconcile failed too often; dropping the key until its next change');
          queue.forget(key);
        } else {
          logger.error({ key, err, retries }, 'reconcile failed; retrying with back-off');
          queue.addRateLimited(key);
        }
      } finally {
        queue.done(key);
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
