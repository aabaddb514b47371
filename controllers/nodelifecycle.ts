// node-lifecycle-controller (kube's pkg/controller/nodelifecycle): watches the heartbeats kubelets send (their
// Lease in kube-node-lease, and their Ready condition) and, when one stops for longer than the grace period, marks
// the node's conditions Unknown and its pods not ready. It keeps the node's taints in line with its conditions:
// NoSchedule ones for every unhealthy condition, and the NoExecute not-ready/unreachable taint the taint eviction
// controller acts on, added at a rate limit per zone and not at all when every zone looks down.
//
// Two loops: the periodic health pass (the tick) writes conditions and pod readiness and decides zone health; the
// per-node reconcile is the only writer of taints, so a node's taints are never written by two workers at once.
import { resourceFor } from '../apiserver/api/resources.ts';
import type { Lease, Node, Pod } from '../apiserver/api/types.ts';
import { EventRecorder, isConflict, isNotFound, nodeNameIndex } from '../apiserver/client/index.ts';
import { controllerBasics, type Controller, type ControllerContext } from './framework/controller.ts';
import {
  TokenBucket, afterOwnWrite, disruptionTransition, heartbeatTimedOut, labelNodeExcludeDisruption, nodeEvictionRate,
  nodeLeaseNamespace, noExecuteDecision, notReadyPodStatus, observeNodeHealth, plannedTaints, readyStatus,
  computeZoneState, unknownConditions, zoneEvictionRate, zoneKey, type NodeHealth, type ZoneState,
} from './nodelifecycle-plan.ts';
import { rfc3339 } from './workload-pods.ts';

const nodesResource = resourceFor('', 'v1', 'nodes')!;
const leasesResource = resourceFor('coordination.k8s.io', 'v1', 'leases')!;
const podsResource = resourceFor('', 'v1', 'pods')!;
export const byNodeNameIndex = 'spec.nodeName';
/** kube's nodeUpdateWorkerSize: nodes checked at once in a health pass. */
const healthWorkers = 8;
const conflictRetries = 5;

export function newNodeLifecycleController(ctx: ControllerContext): Controller {
  const name = 'node-lifecycle-controller';
  const { queue, logger } = controllerBasics(ctx, name);
  // kube's node lifecycle controller reports as `node-controller`.
  const recorder = new EventRecorder(ctx.client, { component: 'node-controller' }, { logger, clock: ctx.clock });
  const nodes = ctx.informers.informerFor<Node>(nodesResource);
  const leases = ctx.informers.informerFor<Lease>(leasesResource);
  const pods = ctx.informers.informerFor<Pod>(podsResource, { indexers: { [byNodeNameIndex]: nodeNameIndex } });

  // What the controller has observed, rebuilt by observing again after a restart (kube's nodeHealthMap and
  // zone states): a restart gives every node a fresh grace period, never less.
  const healths = new Map<string, NodeHealth>();
  const known = new Set<string>();
  let zoneStates = new Map<string, ZoneState>();
  const limiters = new Map<string, TokenBucket>();
  let evictionsStopped = false;
  // No NoExecute taint is added before one health pass has judged the zones.
  let zonesJudged = false;

  nodes.addEventHandler({
    onAdd: (n) => queue.add(n.metadata?.name ?? ''),
    onUpdate: (old, n) => {
      if (old.metadata?.resourceVersion !== n.metadata?.resourceVersion) queue.add(n.metadata?.name ?? '');
    },
    onDelete: (n) => queue.add(n.metadata?.name ?? ''),
  });

  const limiterFor = (zone: string): TokenBucket => {
    let limiter = limiters.get(zone);
    if (!limiter) {
      limiter = new TokenBucket(nodeEvictionRate, 1, ctx.clock());
      limiters.set(zone, limiter);
    }
    return limiter;
  };

  /** The taint pass for one node: NoSchedule taints from its conditions, the NoExecute one as decided. */
  async function reconcile(nodeName: string): Promise<void> {
    let node = nodes.get(nodeName);
    if (!node) {
      healths.delete(nodeName);
      return;
    }
    let tokenTaken = false;
    for (let attempt = 0; ; attempt++) {
      const decision = noExecuteDecision(node, evictionsStopped);
      let noExecuteKey: string | undefined | 'unchanged' = decision === 'unchanged' ? 'unchanged' : decision.key;
      if (decision !== 'unchanged' && decision.needsToken && !tokenTaken) {
        // Rate-limited: the next health pass queues the node again.
        tokenTaken = zonesJudged && !evictionsStopped && limiterFor(zoneKey(node)).tryTake(ctx.clock());
        if (!tokenTaken) noExecuteKey = 'unchanged';
      }
      const taints = plannedTaints(node, noExecuteKey, rfc3339(ctx.clock()));
      if (!taints) return;
      try {
        await ctx.client.update<Node>(nodesResource, undefined, { ...node, spec: { ...node.spec, taints } });
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        // Status writes (ours, the kubelet's) move the resourceVersion all the time: read again and redo.
        if (!isConflict(err) || attempt >= conflictRetries) throw err;
        node = await ctx.client.get<Node>(nodesResource, undefined, nodeName);
      }
    }
  }

  /** kube's tryUpdateNodeHealth: the node as it stands after marking it Unknown if its heartbeats stopped. */
  async function updateHealth(cached: Node, now: number): Promise<Node> {
    const nodeName = cached.metadata?.name ?? '';
    let node = cached;
    for (let attempt = 0; ; attempt++) {
      const lease = leases.get(`${nodeLeaseNamespace}/${nodeName}`);
      const health = observeNodeHealth(healths.get(nodeName), node, lease, now);
      healths.set(nodeName, health);
      if (!heartbeatTimedOut(health, node, ctx.settings.nodeMonitorGracePeriodMs, now)) return node;
      const conditions = unknownConditions(node, rfc3339(now));
      if (!conditions) return node;
      try {
        const written = await ctx.client.updateStatus<Node>(nodesResource, undefined, { ...node, status: { ...node.status, conditions } });
        healths.set(nodeName, afterOwnWrite(health, conditions));
        if (readyStatus(node) === 'True') {
          logger.info({ node: nodeName }, 'node stopped posting status; marked Unknown');
          recorder.event(node, 'Normal', 'NodeNotReady', `Node ${nodeName} status is now: NodeNotReady`);
        }
        return written;
      } catch (err) {
        if (!isConflict(err) || attempt >= conflictRetries) throw err;
        // Most likely the kubelet just posted: look at its status again.
        node = await ctx.client.get<Node>(nodesResource, undefined, nodeName);
      }
    }
  }

  /** kube's MarkPodsNotReady, level-triggered: every pod of a node whose kubelet is gone reads Ready=False. */
  async function markPodsNotReady(node: Node, now: number): Promise<void> {
    const nodeName = node.metadata?.name ?? '';
    for (const pod of pods.byIndex(byNodeNameIndex, nodeName)) {
      const status = notReadyPodStatus(pod, rfc3339(now));
      if (!status) continue;
      try {
        await ctx.client.updateStatus<Pod>(podsResource, pod.metadata?.namespace, { ...pod, status });
        recorder.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
      } catch (err) {
        // Gone, or changed since the cache saw it: the next pass looks again.
        if (!isNotFound(err) && !isConflict(err)) throw err;
      }
    }
  }

  function recordMembership(all: Node[]): void {
    const present = new Set(all.map((n) => n.metadata?.name ?? ''));
    for (const n of all) {
      const nodeName = n.metadata?.name ?? '';
      if (known.has(nodeName)) continue;
      known.add(nodeName);
      recorder.event(n, 'Normal', 'RegisteredNode', `Node ${nodeName} event: Registered Node ${nodeName} in Controller`);
    }
    for (const nodeName of [...known]) {
      if (present.has(nodeName)) continue;
      known.delete(nodeName);
      healths.delete(nodeName);
      const ref = { apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName } };
      recorder.event(ref, 'Normal', 'RemovingNode', `Node ${nodeName} event: Removing Node ${nodeName} from Controller`);
    }
  }

  /** kube's handleDisruption: zone states, their taint rates, and whether evictions stop altogether. */
  function judgeZones(readyByZone: Map<string, (string | undefined)[]>, now: number): void {
    const next = new Map([...readyByZone].map(([zone, statuses]) => [zone, computeZoneState(statuses)]));
    for (const zone of next.keys()) if (!zoneStates.has(zone)) zoneStates.set(zone, 'Initial');
    const transition = disruptionTransition(zoneStates, next);
    if (transition === 'enter') {
      logger.warn('every node is not ready: entering master disruption mode, no NoExecute taints until one is back');
      evictionsStopped = true;
    } else if (transition === 'exit') {
      logger.info('some nodes are ready again: leaving master disruption mode');
      evictionsStopped = false;
      // Nodes that were down with the rest get a fresh grace period.
      for (const [nodeName, health] of healths) healths.set(nodeName, { ...health, probeMs: now });
    }
    for (const [zone, state] of next) {
      if (zoneStates.get(zone) !== state && zoneStates.get(zone) !== 'Initial') logger.info({ zone, state }, 'zone changed state');
      limiterFor(zone).setRate(zoneEvictionRate(state, readyByZone.get(zone)?.length ?? 0), now);
    }
    for (const zone of limiters.keys()) if (!next.has(zone)) limiters.delete(zone);
    zoneStates = next;
    zonesJudged = true;
  }

  /** kube's monitorNodeHealth, every --node-monitor-period. */
  async function monitorNodeHealth(): Promise<void> {
    const now = ctx.clock();
    const all = nodes.list();
    recordMembership(all);
    const readyByZone = new Map<string, (string | undefined)[]>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < all.length) {
        const cached = all[next++];
        let node = cached;
        try {
          node = await updateHealth(cached, now);
          if (readyStatus(node) === 'Unknown') await markPodsNotReady(node, now);
        } catch (err) {
          logger.error({ node: cached.metadata?.name, err: (err as Error).message }, 'updating node health failed');
        }
        if (node.metadata?.labels?.[labelNodeExcludeDisruption] !== undefined) continue;
        const zone = zoneKey(node);
        readyByZone.set(zone, [...(readyByZone.get(zone) ?? []), readyStatus(node)]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(healthWorkers, all.length) }, worker));
    judgeZones(readyByZone, now);
    for (const n of all) queue.add(n.metadata?.name ?? '');
  }

  return { name, queue, workers: 4, reconcile, tick: { everyMs: ctx.settings.nodeMonitorPeriodMs, run: monitorNodeHealth } };
}
