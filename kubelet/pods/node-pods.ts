// The kubelet's pod loop: watches the pods bound to this node (field selector spec.nodeName), hands each to its
// worker, and notices on its own what the apiserver cannot tell it. A relist of the node's containers every second
// (kube's PLEG) wakes the worker of a pod whose container changed state; a periodic resync catches everything else;
// containers and volume directories of pods that no longer exist are removed.
import type { Logger } from 'pino';
import { resourceFor } from '../../apiserver/api/resources.ts';
import type { Pod } from '../../apiserver/api/types.ts';
import { Informer, type RestClient } from '../../apiserver/client/index.ts';
import { labels, nodeFilter } from '../runtime/naming.ts';
import type { ContainerRuntime } from '../runtime/runtime.ts';
import type { VolumeManager } from '../volumes/volume-manager.ts';
import type { PodWorkers } from './pod-workers.ts';
import { isMirrorPod } from './static-pods.ts';

const podsResource = resourceFor('', 'v1', 'pods')!;

export interface NodePodsOptions {
  client: RestClient;
  runtime: ContainerRuntime;
  workers: PodWorkers;
  volumes: VolumeManager;
  nodeName: string;
  logger: Logger;
  relistIntervalMs?: number;
  resyncIntervalMs?: number;
  housekeepingIntervalMs?: number;
}

export class NodePods {
  private readonly o: NodePodsOptions;
  readonly informer: Informer<Pod>;
  private lastStates = new Map<string, string>();

  constructor(o: NodePodsOptions) {
    this.o = o;
    this.informer = new Informer<Pod>(o.client, {
      resource: podsResource, fieldSelector: `spec.nodeName=${o.nodeName}`, logger: o.logger,
    });
    // Mirror pods only show static pods (static-pods.ts); the static pod itself is what runs.
    this.informer.addEventHandler({
      onAdd: (pod) => { if (!isMirrorPod(pod)) o.workers.update(pod); },
      onUpdate: (_old, pod) => { if (!isMirrorPod(pod)) o.workers.update(pod); },
      onDelete: (pod) => { if (!isMirrorPod(pod)) o.workers.remove(pod.metadata?.uid ?? ''); },
    });
  }

  /** The pod the apiserver has for this uid, if it is bound here. */
  podByUid(uid: string): Pod | undefined {
    return this.informer.list().find((p) => p.metadata?.uid === uid);
  }

  async run(signal: AbortSignal): Promise<void> {
    this.informer.start(signal);
    while (!this.informer.hasSynced() && !signal.aborted) await sleep(50, signal);
    const loops = [
      this.every(this.o.relistIntervalMs ?? 1_000, () => this.relist(), 'container relist', signal),
      this.every(this.o.resyncIntervalMs ?? 10_000, async () => {
        for (const p of this.informer.list()) if (!isMirrorPod(p)) this.o.workers.update(p);
      }, 'pod resync', signal),
      this.every(this.o.housekeepingIntervalMs ?? 10_000, () => this.housekeeping(), 'housekeeping', signal),
    ];
    await Promise.all(loops);
  }

  /** Wakes the worker of every pod whose containers changed state since the last relist. */
  async relist(): Promise<void> {
    const listed = await this.o.runtime.listContainers(nodeFilter(this.o.nodeName));
    const states = new Map<string, string>();
    const changed = new Set<string>();
    for (const c of listed) {
      const uid = c.labels[labels.podUid];
      if (!uid) continue;
      states.set(c.id, `${uid}/${c.state}`);
      if (this.lastStates.get(c.id) !== `${uid}/${c.state}`) changed.add(uid);
    }
    for (const [id, state] of this.lastStates) if (!states.has(id)) changed.add(state.split('/')[0]);
    this.lastStates = states;
    const live = new Set(this.informer.list().map((p) => p.metadata?.uid ?? ''));
    for (const uid of changed) {
      if (live.has(uid) || this.o.workers.known(uid)) this.o.workers.poke(uid);
      else this.o.workers.remove(uid); // a pod deleted while the kubelet was down: its containers go
    }
  }

  /** Removes volume directories of pods that exist nowhere any more. */
  async housekeeping(): Promise<void> {
    const live = new Set(this.informer.list().map((p) => p.metadata?.uid ?? ''));
    for (const uid of await this.o.volumes.podUids()) {
      if (!live.has(uid) && !this.o.workers.known(uid)) this.o.workers.remove(uid);
    }
    const listed = await this.o.runtime.listContainers(nodeFilter(this.o.nodeName));
    for (const c of listed) {
      const uid = c.labels[labels.podUid];
      if (uid && !live.has(uid) && !this.o.workers.known(uid)) this.o.workers.remove(uid);
    }
  }

  private async every(ms: number, fn: () => Promise<void>, what: string, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await fn();
      } catch (err) {
        this.o.logger.warn({ err: (err as Error).message }, `${what} failed`);
      }
      await sleep(ms, signal);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
