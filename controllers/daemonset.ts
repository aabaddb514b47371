// daemonset-controller: one pod per eligible node (kube's pkg/controller/daemon). Pods are created with a required
// node affinity to their node and left to the scheduler to bind, as kube does since 1.12. Template changes are
// recorded as ControllerRevisions; RollingUpdate replaces old pods within maxUnavailable (maxSurge 0), OnDelete
// waits for the user to delete them.
import { resourceFor } from '../apiserver/api/resources.ts';
import type { ControllerRevision, DaemonSet, Node, Pod } from '../apiserver/api/types.ts';
import {
  isConflict, isNotFound, objectKey, splitObjectKey,
} from '../apiserver/client/index.ts';
import { canonicalJson, ensureRevision, revisionHashLabel } from './controller-revision.ts';
import {
  daemonPodSpec, nodeShouldRunDaemonPod, planDaemonSet, targetNodeName, type DaemonNodeState,
} from './daemonset-plan.ts';
import { controllerBasics, type Controller, type ControllerContext } from './framework/controller.ts';
import { WorkloadExpectations } from './workload-expectations.ts';
import { controllerNameIndex, controllerOf, controllerRef, isPodAvailable, isPodReady, skipConflicts, watchOwnedPods } from './workload-pods.ts';

const daemonSetsResource = resourceFor('apps', 'v1', 'daemonsets')!;
const podsResource = resourceFor('', 'v1', 'pods')!;
const nodesResource = resourceFor('', 'v1', 'nodes')!;
const revisionsResource = resourceFor('apps', 'v1', 'controllerrevisions')!;
const byDaemonSetIndex = 'daemonset-controller/by-daemonset';

export function newDaemonSetController(ctx: ControllerContext): Controller {
  const name = 'daemonset-controller';
  const { queue, recorder } = controllerBasics(ctx, name);
  const daemonSets = ctx.informers.informerFor<DaemonSet>(daemonSetsResource);
  const nodes = ctx.informers.informerFor<Node>(nodesResource);
  const pods = ctx.informers.informerFor<Pod>(podsResource, { indexers: { [byDaemonSetIndex]: controllerNameIndex('DaemonSet') } });
  const revisions = ctx.informers.informerFor<ControllerRevision>(revisionsResource,
    { indexers: { [byDaemonSetIndex]: controllerNameIndex('DaemonSet') } });
  const expectations = new WorkloadExpectations(ctx.clock);

  daemonSets.addEventHandler({
    onAdd: (ds) => queue.add(objectKey(ds)),
    onUpdate: (_o, ds) => queue.add(objectKey(ds)),
    onDelete: (ds) => expectations.forget(objectKey(ds)),
  });
  // Any node change may change where daemons belong: look at every DaemonSet again.
  const enqueueAll = (): void => { for (const key of daemonSets.keys()) queue.add(key); };
  nodes.addEventHandler({ onAdd: enqueueAll, onUpdate: enqueueAll, onDelete: enqueueAll });
  watchOwnedPods(pods, 'DaemonSet', expectations, queue);

  const reconcile = skipConflicts(sync, isConflict);

  async function sync(key: string): Promise<void> {
    const ds = daemonSets.get(key);
    if (!ds || ds.metadata?.deletionTimestamp) return;
    const uid = ds.metadata?.uid ?? '';
    const { namespace } = splitObjectKey(key);
    const owned = pods.byIndex(byDaemonSetIndex, key).filter((p) => controllerOf(p)?.uid === uid);
    const ownedRevisions = revisions.byIndex(byDaemonSetIndex, key).filter((r) => controllerOf(r)?.uid === uid);
    const { hash, collisionCount } = await ensureRevision(ctx.client, ds, 'DaemonSet', ds.spec?.template, ownedRevisions, ds.status?.collisionCount ?? 0);

    const byNode = new Map<string, Pod[]>();
    const orphaned: Pod[] = [];
    for (const p of owned) {
      const nodeName = targetNodeName(p);
      if (nodeName && nodes.get(nodeName)) byNode.set(nodeName, [...(byNode.get(nodeName) ?? []), p]);
      else orphaned.push(p);
    }
    const states: DaemonNodeState[] = nodes.list().map((node) => ({ node, pods: byNode.get(node.metadata?.name ?? '') ?? [] }));
    const now = ctx.clock();

    if (expectations.satisfied(key)) {
      const plan = planDaemonSet(ds, states, hash, now);
      // Pods whose node is gone have nowhere to run.
      const victims = [...plan.delete, ...orphaned.filter((p) => !p.metadata?.deletionTimestamp)];
      expectations.expect(key, plan.create.length, victims.length);
      await Promise.all([
        ...plan.create.map((nodeName) => createPod(ds, key, namespace ?? '', nodeName, hash)),
        ...victims.map((p) => deletePod(ds, key, p)),
      ]);
    }
    await writeStatus(ds, states, hash, collisionCount, now);
  }

  async function createPod(ds: DaemonSet, key: string, namespace: string, nodeName: string, hash: string): Promise<void> {
    const template = ds.spec?.template;
    try {
      const pod = await ctx.client.create<Pod>(podsResource, namespace, {
        apiVersion: 'v1', kind: 'Pod',
        metadata: {
          generateName: `${ds.metadata?.name ?? ''}-`,
          labels: {
            ...template?.metadata?.labels, [revisionHashLabel]: hash,
            'pod-template-generation': String(ds.metadata?.generation ?? 1),
          },
          annotations: { ...template?.metadata?.annotations },
          ownerReferences: [controllerRef(ds, 'apps/v1', 'DaemonSet')],
        },
        spec: daemonPodSpec(template?.spec ?? { containers: [] }, nodeName),
      });
      recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata?.name ?? ''}`);
    } catch (err) {
      expectations.creationObserved(key);
      recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
      throw err;
    }
  }

  async function deletePod(ds: DaemonSet, key: string, pod: Pod): Promise<void> {
    try {
      await ctx.client.delete(podsResource, pod.metadata?.namespace, pod.metadata?.name ?? '');
      recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata?.name ?? ''}`);
    } catch (err) {
      expectations.deletionObserved(key);
      if (!isNotFound(err)) throw err;
    }
  }

  async function writeStatus(ds: DaemonSet, states: DaemonNodeState[], hash: string, collisionCount: number, now: number): Promise<void> {
    let desired = 0; let current = 0; let misscheduled = 0; let ready = 0; let updated = 0; let available = 0;
    const minReady = ds.spec?.minReadySeconds ?? 0;
    for (const { node, pods: nodePods } of states) {
      const { shouldRun } = nodeShouldRunDaemonPod(node, ds.spec?.template.spec);
      const live = nodePods.filter((p) => !p.metadata?.deletionTimestamp);
      if (shouldRun) desired++;
      if (live.length === 0) continue;
      if (!shouldRun) {
        misscheduled++;
        continue;
      }
      current++;
      const pod = live[0];
      if (isPodReady(pod)) ready++;
      if (isPodAvailable(pod, minReady, now)) available++;
      if (pod.metadata?.labels?.[revisionHashLabel] === hash) updated++;
    }
    const status = {
      ...ds.status,
      desiredNumberScheduled: desired, currentNumberScheduled: current, numberMisscheduled: misscheduled,
      numberReady: ready, updatedNumberScheduled: updated, numberAvailable: available,
      numberUnavailable: desired - available, observedGeneration: ds.metadata?.generation,
      collisionCount: collisionCount > 0 ? collisionCount : ds.status?.collisionCount,
    };
    if (canonicalJson(status) === canonicalJson(ds.status ?? {})) return;
    await ctx.client.updateStatus<DaemonSet>(daemonSetsResource, ds.metadata?.namespace, { ...ds, status });
  }

  return { name, queue, workers: 5, reconcile };
}
