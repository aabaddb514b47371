// The scheduling loop: informers keep the queue and the node snapshot current; each popped pod is filtered and
// scored against the snapshot, assumed onto the chosen node at once (so the next pod sees the resources taken),
// and bound through the pods/binding subresource in the background. A pod no node can take gets
// PodScheduled=False/Unschedulable with kube's message and a FailedScheduling event, and waits in the queue until
// the cluster changes.
import type { Logger } from 'pino';
import { resourceFor } from '../apiserver/api/resources.ts';
import type { Namespace, Node, Pod } from '../apiserver/api/types.ts';
import { ApiStatusError, EventRecorder, SharedInformerFactory, objectKey, type RestClient } from '../apiserver/client/index.ts';
import { Snapshot } from './framework/snapshot.ts';
import { defaultProfile, schedulePod, type Profile } from './framework/schedule-one.ts';
import { SchedulingQueue, type QueuedPod } from './scheduling-queue.ts';

export const pods = resourceFor('', 'v1', 'pods')!;
export const nodes = resourceFor('', 'v1', 'nodes')!;
const namespaces = resourceFor('', 'v1', 'namespaces')!;

export interface SchedulerOptions {
  /** Writes (bindings, status, events) go through this client; fenced when leader-elected. */
  client: RestClient;
  /** Informers read through this one. */
  readClient: RestClient;
  schedulerName: string;
  logger: Logger;
  profile?: Profile;
  /** Bindings in flight at once (kube binds asynchronously too). */
  maxConcurrentBinds?: number;
}

/** Whether this scheduler should place the pod: unbound, ours, and not being deleted or finished. */
export function isPendingFor(pod: Pod, schedulerName: string): boolean {
  return !pod.spec?.nodeName
    && (pod.spec?.schedulerName ?? 'default-scheduler') === schedulerName
    && !pod.metadata?.deletionTimestamp
    && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
}

export class Scheduler {
  private readonly opts: SchedulerOptions;
  private readonly queue = new SchedulingQueue();
  private readonly snapshot = new Snapshot();
  private readonly recorder: EventRecorder;
  private readonly profile: Profile;
  private bindsInFlight = 0;
  private bindSlots: (() => void)[] = [];

  constructor(opts: SchedulerOptions) {
    this.opts = opts;
    this.profile = opts.profile ?? defaultProfile();
    this.recorder = new EventRecorder(opts.client, { component: opts.schedulerName }, { logger: opts.logger });
  }

  async run(signal: AbortSignal): Promise<void> {
    const factory = new SharedInformerFactory(this.opts.readClient, { logger: this.opts.logger });
    const podInformer = factory.informerFor<Pod>(pods);
    const nodeInformer = factory.informerFor<Node>(nodes);
    // Pod affinity terms may select namespaces by label.
    const namespaceInformer = factory.informerFor<Namespace>(namespaces);
    namespaceInformer.addEventHandler({
      onAdd: (ns) => this.snapshot.setNamespaceLabels(ns.metadata?.name ?? '', ns.metadata?.labels),
      onUpdate: (_old, ns) => this.snapshot.setNamespaceLabels(ns.metadata?.name ?? '', ns.metadata?.labels),
      onDelete: (ns) => this.snapshot.setNamespaceLabels(ns.metadata?.name ?? '', undefined),
    });
    nodeInformer.addEventHandler({
      onAdd: (node) => { this.snapshot.setNode(node); this.queue.moveAllToActiveOrBackoff(); },
      onUpdate: (_old, node) => { this.snapshot.setNode(node); this.queue.moveAllToActiveOrBackoff(); },
      onDelete: (node) => this.snapshot.removeNode(node.metadata?.name ?? ''),
    });
    podInformer.addEventHandler({
      onAdd: (pod) => this.podChanged(pod),
      onUpdate: (_old, pod) => this.podChanged(pod),
      onDelete: (pod) => {
        this.queue.delete(objectKey(pod));
        if (this.snapshot.removePod(pod)) this.queue.moveAllToActiveOrBackoff();
      },
    });
    factory.start(signal);
    await factory.waitForCacheSync(signal);
    this.opts.logger.info({ nodes: nodeInformer.list().length, pods: podInformer.list().length }, 'caches synced; scheduling');

    const flusher = setInterval(() => this.queue.flush(), 200);
    signal.addEventListener('abort', () => this.queue.close(), { once: true });
    try {
      for (;;) {
        const qp = await this.queue.pop();
        if (!qp || signal.aborted) break;
        await this.scheduleOne(qp);
      }
    } finally {
      clearInterval(flusher);
      factory.shutDown();
      await this.recorder.flush();
    }
  }

  private podChanged(pod: Pod): void {
    const key = objectKey(pod);
    if (pod.spec?.nodeName) {
      this.queue.delete(key);
      // Finished pods free their node's resources, as deleted ones do.
      if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') {
        if (this.snapshot.removePod(pod)) this.queue.moveAllToActiveOrBackoff();
      } else {
        this.snapshot.addPod(pod);
      }
    } else if (isPendingFor(pod, this.opts.schedulerName)) {
      this.queue.addOrUpdate(key, pod);
    } else {
      this.queue.delete(key);
    }
  }

  private async scheduleOne(qp: QueuedPod): Promise<void> {
    const pod = qp.pod;
    if (!isPendingFor(pod, this.opts.schedulerName)) {
      this.queue.done(qp.key);
      return;
    }
    const result = schedulePod(pod, this.snapshot, this.profile);
    if ('fitError' in result) {
      this.queue.requeueUnschedulable(qp);
      this.recorder.event(pod, 'Warning', 'FailedScheduling', result.fitError);
      void this.markUnschedulable(pod, result.fitError);
      return;
    }
    this.snapshot.assumePod(pod, result.nodeName);
    await this.acquireBindSlot();
    void this.bind(qp, result.nodeName).finally(() => this.releaseBindSlot());
  }

  private async bind(qp: QueuedPod, nodeName: string): Promise<void> {
    const pod = qp.pod;
    const { namespace = 'default', name = '', uid } = pod.metadata ?? {};
    try {
      await this.opts.client.createSubresource(pods, namespace, name, 'binding', {
        apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace, uid }, target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
      });
      this.queue.done(qp.key);
      this.recorder.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${nodeName}`);
    } catch (err) {
      this.snapshot.forgetPod(pod);
      if (err instanceof ApiStatusError && (err.code === 404 || (err.code === 409 && /already assigned|being deleted/.test(err.message)))) {
        // Gone, or someone else bound it: nothing left to do for this pod.
        this.queue.done(qp.key);
        return;
      }
      this.opts.logger.warn({ pod: qp.key, node: nodeName, err: (err as Error).message }, 'binding failed; will retry');
      this.recorder.event(pod, 'Warning', 'FailedScheduling', `Binding rejected: ${(err as Error).message}`);
      this.queue.requeueWithBackoff(qp);
    }
  }

  private async markUnschedulable(pod: Pod, message: string): Promise<void> {
    const current = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (current?.status === 'False' && current.reason === 'Unschedulable' && current.message === message) return;
    const { namespace = 'default', name = '' } = pod.metadata ?? {};
    try {
      await this.opts.client.patch(pods, namespace, name, {
        status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') }] },
      }, 'strategic', { subresource: 'status' });
    } catch (err) {
      if (!(err instanceof ApiStatusError && err.code === 404)) {
        this.opts.logger.warn({ pod: `${namespace}/${name}`, err: (err as Error).message }, 'could not record the Unschedulable condition');
      }
    }
  }

  private acquireBindSlot(): Promise<void> {
    if (this.bindsInFlight < (this.opts.maxConcurrentBinds ?? 16)) {
      this.bindsInFlight++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.bindSlots.push(() => { this.bindsInFlight++; resolve(); }));
  }

  private releaseBindSlot(): void {
    this.bindsInFlight--;
    this.bindSlots.shift()?.();
  }
}
