// One worker per pod (kube's pod_workers): syncs of the same pod never overlap, updates that arrive during a sync
// coalesce into one more pass, and a pod can ask to be looked at again after a delay (back-off, retries).
// Deletion runs the terminating path once, then removes the API object and everything the pod left behind.
import type { Logger } from 'pino';
import { resourceFor } from '../../apiserver/api/resources.ts';
import type { Pod } from '../../apiserver/api/types.ts';
import { isConflict, isNotFound, type RestClient } from '../../apiserver/client/index.ts';
import type { PodSyncer } from './pod-sync.ts';

const podsResource = resourceFor('', 'v1', 'pods')!;

interface Worker {
  pod: Pod | undefined;
  /** The pod is gone from the apiserver: clean up and forget it. */
  removed: boolean;
  running: boolean;
  dirty: boolean;
  timer: NodeJS.Timeout | undefined;
  timerAt: number;
  terminated: boolean;
}

export class PodWorkers {
  private readonly workers = new Map<string, Worker>();
  private readonly syncer: PodSyncer;
  private readonly client: RestClient;
  private readonly logger: Logger;
  private stopped = false;

  constructor(o: { syncer: PodSyncer; client: RestClient; logger: Logger }) {
    this.syncer = o.syncer;
    this.client = o.client;
    this.logger = o.logger;
  }

  /** The pod changed (or the runtime saw one of its containers change): sync it soon. */
  update(pod: Pod): void {
    const uid = pod.metadata?.uid ?? '';
    const w = this.worker(uid);
    w.pod = pod;
    this.kick(uid, w);
  }

  /** Re-sync a known pod (PLEG event, probe change) with the newest spec the worker has. */
  poke(uid: string): void {
    const w = this.workers.get(uid);
    if (w?.pod || w?.removed) this.kick(uid, w);
  }

  /** The pod no longer exists in the apiserver (or never did, for leftover containers). */
  remove(uid: string): void {
    const w = this.worker(uid);
    w.removed = true;
    this.kick(uid, w);
  }

  known(uid: string): boolean {
    return this.workers.has(uid);
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.workers.values()) if (w.timer) clearTimeout(w.timer);
  }

  private worker(uid: string): Worker {
    let w = this.workers.get(uid);
    if (!w) {
      w = { pod: undefined, removed: false, running: false, dirty: false, timer: undefined, timerAt: 0, terminated: false };
      this.workers.set(uid, w);
    }
    return w;
  }

  private kick(uid: string, w: Worker): void {
    if (this.stopped) return;
    w.dirty = true;
    if (!w.running) void this.run(uid, w);
  }

  private requeue(uid: string, w: Worker, afterMs: number): void {
    const at = Date.now() + afterMs;
    if (w.timer && w.timerAt <= at) return;
    if (w.timer) clearTimeout(w.timer);
    w.timerAt = at;
    w.timer = setTimeout(() => {
      w.timer = undefined;
      this.kick(uid, w);
    }, afterMs);
  }

  private async run(uid: string, w: Worker): Promise<void> {
    w.running = true;
    try {
      while (w.dirty && !this.stopped) {
        w.dirty = false;
        try {
          const requeueMs = await this.syncOnce(uid, w);
          if (requeueMs !== undefined) this.requeue(uid, w, requeueMs);
        } catch (err) {
          this.logger.error({ pod: podKey(w.pod), uid, err: (err as Error).message }, 'pod sync failed; retrying');
          this.requeue(uid, w, 2_000);
        }
        if (!this.workers.has(uid)) return;
      }
    } finally {
      w.running = false;
    }
  }

  private async syncOnce(uid: string, w: Worker): Promise<number | undefined> {
    const pod = w.pod;
    if (w.removed || !pod) {
      if (pod && !w.terminated) await this.syncer.terminate({ ...pod, metadata: { ...pod.metadata, deletionGracePeriodSeconds: 0 } });
      await this.syncer.cleanup(uid);
      if (w.timer) clearTimeout(w.timer);
      this.workers.delete(uid);
      return undefined;
    }
    if (pod.metadata?.deletionTimestamp) {
      if (!w.terminated) {
        await this.syncer.terminate(pod);
        w.terminated = true;
      }
      await this.deleteFromApi(pod);
      return 5_000;
    }
    const result = await this.syncer.sync(pod);
    return result.requeueAfterMs;
  }

  /** Everything stopped: the kubelet finishes the graceful delete it was asked for (grace 0, same uid). */
  private async deleteFromApi(pod: Pod): Promise<void> {
    try {
      await this.client.delete(podsResource, pod.metadata?.namespace, pod.metadata?.name ?? '', {
        gracePeriodSeconds: 0, preconditions: { uid: pod.metadata?.uid },
      });
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }
}

function podKey(pod: Pod | undefined): string {
  return pod ? `${pod.metadata?.namespace}/${pod.metadata?.name}` : '?';
}
