// taint-eviction-controller (kube's pkg/controller/tainteviction): deletes pods from nodes with NoExecute taints
// they do not tolerate, at once, or when their tolerationSeconds run out, counted from the taint's timeAdded.
// Whoever owns the pods (a ReplicaSet...) makes new ones, which the scheduler keeps off the tainted node.
// The key is the pod's; node taint changes queue every pod on the node. A pod that must wait is queued again for
// its deadline, and the tick catches any deadline passed on the controller's (injectable) clock.
import { resourceFor } from '../apiserver/api/resources.ts';
import type { Node, Pod, Toleration } from '../apiserver/api/types.ts';
import { isConflict, isNotFound, nodeNameIndex, objectKey } from '../apiserver/client/index.ts';
import { canonicalJson } from './controller-revision.ts';
import { controllerBasics, type Controller, type ControllerContext } from './framework/controller.ts';
import { byNodeNameIndex } from './nodelifecycle.ts';
import {
  disruptionTargetStatus, noExecuteTaints, planTaintEviction, taintAddedMs, taintIdentity,
} from './taint-eviction-plan.ts';
import { rfc3339 } from './workload-pods.ts';

const nodesResource = resourceFor('', 'v1', 'nodes')!;
const podsResource = resourceFor('', 'v1', 'pods')!;
const conflictRetries = 5;

export function newTaintEvictionController(ctx: ControllerContext): Controller {
  const name = 'taint-eviction-controller';
  const { queue, recorder, logger } = controllerBasics(ctx, name);
  const nodes = ctx.informers.informerFor<Node>(nodesResource);
  const pods = ctx.informers.informerFor<Pod>(podsResource, { indexers: { [byNodeNameIndex]: nodeNameIndex } });
  /** Pods waiting out their tolerationSeconds, with the time (controller clock) they go. */
  const scheduled = new Map<string, number>();
  /** When a NoExecute taint that carries no timeAdded was first seen: its clock starts then. */
  const firstSeen = new Map<string, number>();

  const tolerationsOf = (p: Pod): Toleration[] => p.spec?.tolerations ?? [];
  pods.addEventHandler({
    onAdd: (p) => {
      if (p.spec?.nodeName) queue.add(objectKey(p));
    },
    onUpdate: (old, p) => {
      if (old.spec?.nodeName === p.spec?.nodeName && canonicalJson(tolerationsOf(old)) === canonicalJson(tolerationsOf(p))
        && Boolean(old.metadata?.deletionTimestamp) === Boolean(p.metadata?.deletionTimestamp)) return;
      queue.add(objectKey(p));
    },
    onDelete: (p) => queue.add(objectKey(p)),
  });
  const enqueuePodsOn = (n: Node): void => {
    for (const p of pods.byIndex(byNodeNameIndex, n.metadata?.name ?? '')) queue.add(objectKey(p));
  };
  nodes.addEventHandler({
    onAdd: (n) => {
      if (noExecuteTaints(n).length > 0) enqueuePodsOn(n);
    },
    onUpdate: (old, n) => {
      if (canonicalJson(noExecuteTaints(old)) !== canonicalJson(noExecuteTaints(n))) enqueuePodsOn(n);
    },
    onDelete: enqueuePodsOn,
  });

  function cancel(key: string, pod: Pod | undefined): void {
    if (!scheduled.delete(key)) return;
    // Only a pod that stays is worth telling about; a deleted one is gone either way.
    if (pod && !pod.metadata?.deletionTimestamp) {
      recorder.event(pod, 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`);
    }
  }

  async function evict(key: string, pod: Pod): Promise<void> {
    const namespace = pod.metadata?.namespace ?? '';
    const podName = pod.metadata?.name ?? '';
    logger.info({ pod: key, node: pod.spec?.nodeName }, 'deleting pod for a NoExecute taint');
    recorder.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
    try {
      for (let attempt = 0; ; attempt++) {
        const fresh = await ctx.client.get<Pod>(podsResource, namespace, podName);
        if (fresh.metadata?.uid !== pod.metadata?.uid || fresh.metadata?.deletionTimestamp) return;
        const status = disruptionTargetStatus(fresh, rfc3339(ctx.clock()));
        if (!status) break;
        try {
          await ctx.client.updateStatus<Pod>(podsResource, namespace, { ...fresh, status });
          break;
        } catch (err) {
          // Another writer (the kubelet, the node lifecycle controller marking it not ready) got there first.
          if (!isConflict(err) || attempt >= conflictRetries) throw err;
        }
      }
      await ctx.client.delete(podsResource, namespace, podName, { preconditions: { uid: pod.metadata?.uid } });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
  }

  async function reconcile(key: string): Promise<void> {
    const pod = pods.get(key);
    const nodeName = pod?.spec?.nodeName;
    const node = nodeName ? nodes.get(nodeName) : undefined;
    const taints = noExecuteTaints(node);
    if (!pod || !nodeName || pod.metadata?.deletionTimestamp || taints.length === 0) {
      cancel(key, pod);
      return;
    }
    const now = ctx.clock();
    const startOf = (t: (typeof taints)[number]): number => {
      const added = taintAddedMs(t);
      if (added !== undefined) return added;
      const id = taintIdentity(nodeName, t);
      if (!firstSeen.has(id)) firstSeen.set(id, now);
      return firstSeen.get(id)!;
    };
    const plan = planTaintEviction(taints, pod.spec?.tolerations, now, startOf);
    switch (plan.kind) {
      case 'keep':
        cancel(key, pod);
        return;
      case 'wait':
        scheduled.set(key, plan.atMs);
        queue.addAfter(key, plan.atMs - now);
        return;
      case 'evict':
        scheduled.delete(key);
        await evict(key, pod);
        return;
    }
  }

  /** Deadlines passed on the controller's clock (which tests move), and first sightings of taints now gone. */
  function tick(): void {
    const now = ctx.clock();
    for (const [key, at] of scheduled) if (at <= now) queue.add(key);
    const present = new Set(nodes.list().flatMap((n) => noExecuteTaints(n).map((t) => taintIdentity(n.metadata?.name ?? '', t))));
    for (const id of firstSeen.keys()) if (!present.has(id)) firstSeen.delete(id);
  }

  return { name, queue, workers: 4, reconcile, tick: { everyMs: ctx.settings.nodeMonitorPeriodMs, run: tick } };
}
