// The node lifecycle decisions (kube's pkg/controller/nodelifecycle), pure: when a node's heartbeat was last seen,
// which conditions become Unknown once it stops, which taints the node's conditions call for, how unhealthy a zone
// is and how fast nodes in it may be tainted NoExecute. The controller (nodelifecycle.ts) reads the caches, asks
// here and writes what it is told.
import type { Lease, Node, NodeCondition, Pod, Taint } from '../apiserver/api/types.ts';

export const taintNodeNotReady = 'node.kubernetes.io/not-ready';
export const taintNodeUnreachable = 'node.kubernetes.io/unreachable';
export const taintNodeUnschedulable = 'node.kubernetes.io/unschedulable';
export const taintNodeMemoryPressure = 'node.kubernetes.io/memory-pressure';
export const taintNodeDiskPressure = 'node.kubernetes.io/disk-pressure';
export const taintNodePIDPressure = 'node.kubernetes.io/pid-pressure';
export const taintNodeNetworkUnavailable = 'node.kubernetes.io/network-unavailable';

/** Where kubelets renew their Leases (one per node, named after it). */
export const nodeLeaseNamespace = 'kube-node-lease';
/** kube's --node-startup-grace-period: a node that never posted its Ready condition gets this long. */
export const nodeStartupGracePeriodMs = 60_000;
/** kube's --node-eviction-rate: nodes per second a zone may have NoExecute-tainted. */
export const nodeEvictionRate = 0.1;
/** kube's --secondary-node-eviction-rate: the rate for a partially disrupted large zone. */
export const secondaryNodeEvictionRate = 0.01;
/** kube's --large-cluster-size-threshold: a partially disrupted zone this small stops tainting altogether. */
export const largeClusterSizeThreshold = 50;
/** kube's --unhealthy-zone-threshold: the share of not-ready nodes (at least 3) that disrupts a zone. */
export const unhealthyZoneThreshold = 0.55;
/** Nodes with this label count for no zone's health. */
export const labelNodeExcludeDisruption = 'node.kubernetes.io/exclude-disruption';

/** The conditions the controller turns Unknown when the kubelet goes quiet (NetworkUnavailable is not the kubelet's). */
const kubeletConditionTypes = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

/** kube's nodeConditionToTaintKeyStatusMap: condition type -> status -> NoSchedule taint key. */
const conditionTaints: Record<string, Record<string, string>> = {
  Ready: { False: taintNodeNotReady, Unknown: taintNodeUnreachable },
  MemoryPressure: { True: taintNodeMemoryPressure },
  DiskPressure: { True: taintNodeDiskPressure },
  NetworkUnavailable: { True: taintNodeNetworkUnavailable },
  PIDPressure: { True: taintNodePIDPressure },
};

/** The NoSchedule taint keys this controller owns: any other NoSchedule taint is someone else's. */
const noScheduleKeys = new Set([...Object.values(conditionTaints).flatMap((m) => Object.values(m)), taintNodeUnschedulable]);

export function nodeCondition(node: Node, type: string): NodeCondition | undefined {
  return node.status?.conditions?.find((c) => c.type === type);
}

/** True, False, Unknown, or undefined when the kubelet never posted it. */
export function readyStatus(node: Node): string | undefined {
  return nodeCondition(node, 'Ready')?.status;
}

// ---- health: when was the node last heard from ----

/**
 * What the controller last saw of a node's heartbeats, and when by its own clock. kube compares heartbeats with
 * what it saw before rather than with its clock, so skew between the kubelet's clock and ours does not matter.
 */
export interface NodeHealth {
  /** The controller's clock when a heartbeat last changed. */
  probeMs: number;
  /** The Ready condition's lastHeartbeatTime as last seen; undefined while the node has no Ready condition. */
  readyHeartbeat: string | undefined;
  hasReady: boolean;
  /** The Lease's renewTime as last seen. */
  leaseRenewTime: string | undefined;
}

/** kube's tryUpdateNodeHealth bookkeeping: the probe time moves whenever the Ready heartbeat or the Lease moves. */
export function observeNodeHealth(saved: NodeHealth | undefined, node: Node, lease: Lease | undefined, nowMs: number): NodeHealth {
  const ready = nodeCondition(node, 'Ready');
  let health: NodeHealth;
  if (!saved) {
    // A node that never posted status is timed from its creation, so a restart of the controller gives it no more.
    const created = Date.parse(node.metadata?.creationTimestamp ?? '');
    health = { probeMs: ready || Number.isNaN(created) ? nowMs : created, readyHeartbeat: ready?.lastHeartbeatTime, hasReady: Boolean(ready), leaseRenewTime: undefined };
  } else if (saved.hasReady !== Boolean(ready) || (ready && saved.readyHeartbeat !== ready.lastHeartbeatTime)) {
    health = { ...saved, probeMs: nowMs, readyHeartbeat: ready?.lastHeartbeatTime, hasReady: Boolean(ready) };
  } else {
    health = { ...saved };
  }
  const renewTime = lease?.spec?.renewTime;
  if (renewTime && (health.leaseRenewTime === undefined || isLater(renewTime, health.leaseRenewTime))) {
    health.leaseRenewTime = renewTime;
    health.probeMs = nowMs;
  }
  return health;
}

function isLater(a: string, b: string): boolean {
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  return Number.isNaN(ta) || Number.isNaN(tb) ? a !== b : ta > tb;
}

/** The grace a node gets: the startup grace until it has posted its Ready condition once. */
export function gracePeriodMs(node: Node, monitorGraceMs: number): number {
  return nodeCondition(node, 'Ready') ? monitorGraceMs : nodeStartupGracePeriodMs;
}

export function heartbeatTimedOut(health: NodeHealth, node: Node, monitorGraceMs: number, nowMs: number): boolean {
  return nowMs > health.probeMs + gracePeriodMs(node, monitorGraceMs);
}

/** The health to remember after the controller wrote `conditions` itself: its own write is no heartbeat. */
export function afterOwnWrite(health: NodeHealth, conditions: NodeCondition[]): NodeHealth {
  const ready = conditions.find((c) => c.type === 'Ready');
  return { ...health, hasReady: Boolean(ready), readyHeartbeat: ready?.lastHeartbeatTime };
}

/**
 * The node's conditions once its kubelet is presumed gone (kube's tryUpdateNodeHealth): the kubelet's conditions
 * become Unknown (added as never updated when missing). Undefined when they already are.
 */
export function unknownConditions(node: Node, nowIso: string): NodeCondition[] | undefined {
  const conditions = (node.status?.conditions ?? []).map((c) => ({ ...c }));
  let changed = false;
  for (const type of kubeletConditionTypes) {
    const current = conditions.find((c) => c.type === type);
    if (!current) {
      conditions.push({
        type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.',
        lastHeartbeatTime: node.metadata?.creationTimestamp, lastTransitionTime: nowIso,
      });
      changed = true;
    } else if (current.status !== 'Unknown') {
      current.status = 'Unknown';
      current.reason = 'NodeStatusUnknown';
      current.message = 'Kubelet stopped posting node status.';
      current.lastTransitionTime = nowIso;
      changed = true;
    }
  }
  return changed ? conditions : undefined;
}

// ---- taints ----

/** kube's doNoScheduleTaintingPass: one NoSchedule taint per unhealthy condition, and one for a cordoned node. */
export function wantedNoScheduleKeys(node: Node): string[] {
  const keys: string[] = [];
  for (const c of node.status?.conditions ?? []) {
    const key = conditionTaints[c.type]?.[c.status];
    if (key) keys.push(key);
  }
  if (node.spec?.unschedulable) keys.push(taintNodeUnschedulable);
  return keys;
}

function hasTaint(node: Node, key: string, effect: string): boolean {
  return (node.spec?.taints ?? []).some((t) => t.key === key && t.effect === effect);
}

/**
 * Which NoExecute taint the node should carry (kube's processTaintBaseEviction): not-ready for Ready=False,
 * unreachable for Ready=Unknown, none when Ready or while evictions are stopped (every zone fully disrupted), and
 * no decision for a node that never posted Ready. `needsToken`: putting it on means tainting a node that had
 * neither, which the zone's rate limit allows; swapping one for the other happens at once.
 */
export type NoExecuteDecision = { key: string | undefined; needsToken: boolean } | 'unchanged';

export function noExecuteDecision(node: Node, evictionsStopped: boolean): NoExecuteDecision {
  const status = readyStatus(node);
  if (status === undefined) return 'unchanged';
  if (evictionsStopped || status === 'True') return { key: undefined, needsToken: false };
  const key = status === 'False' ? taintNodeNotReady : taintNodeUnreachable;
  const hasEither = hasTaint(node, taintNodeNotReady, 'NoExecute') || hasTaint(node, taintNodeUnreachable, 'NoExecute');
  return { key, needsToken: !hasEither };
}

/**
 * The node's taints with the controller's own brought in line: NoSchedule ones from its conditions, the NoExecute
 * one from `noExecuteKey` ('unchanged' leaves them as they are). Taints that stay keep their timeAdded; new ones get
 * `nowIso` (kube's SwapNodeControllerTaint). Everybody else's taints are kept. Undefined when nothing changes.
 */
export function plannedTaints(node: Node, noExecuteKey: string | undefined | 'unchanged', nowIso: string): Taint[] | undefined {
  const current = node.spec?.taints ?? [];
  const wantNoSchedule = new Set(wantedNoScheduleKeys(node));
  const ownedNoExecute = new Set([taintNodeNotReady, taintNodeUnreachable]);
  const kept = current.filter((t) => {
    if (t.effect === 'NoSchedule' && t.key && noScheduleKeys.has(t.key)) return wantNoSchedule.has(t.key);
    if (t.effect === 'NoExecute' && t.key && ownedNoExecute.has(t.key) && noExecuteKey !== 'unchanged') return t.key === noExecuteKey;
    return true;
  });
  const added: Taint[] = [];
  for (const key of wantNoSchedule) {
    if (!kept.some((t) => t.key === key && t.effect === 'NoSchedule')) added.push({ key, effect: 'NoSchedule', timeAdded: nowIso });
  }
  if (noExecuteKey !== 'unchanged' && noExecuteKey !== undefined && !kept.some((t) => t.key === noExecuteKey && t.effect === 'NoExecute')) {
    added.push({ key: noExecuteKey, effect: 'NoExecute', timeAdded: nowIso });
  }
  if (added.length === 0 && kept.length === current.length) return undefined;
  return [...kept, ...added];
}

// ---- pods on a node that stopped answering ----

/**
 * The pod's status with Ready=False (kube's MarkPodsNotReady), or undefined when it has no Ready condition or it is
 * False already. The transition time moves with the status; reason and message stay.
 */
export function notReadyPodStatus(pod: Pod, nowIso: string): Pod['status'] | undefined {
  const conditions = pod.status?.conditions ?? [];
  const ready = conditions.find((c) => c.type === 'Ready');
  if (!ready || ready.status === 'False') return undefined;
  return {
    ...pod.status,
    conditions: conditions.map((c) => (c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: nowIso } : c)),
  };
}

// ---- zones ----

export type ZoneState = 'Initial' | 'Normal' | 'PartialDisruption' | 'FullDisruption';

/** kube's GetZoneKey: region and zone (beta labels first); '' for a node without either. */
export function zoneKey(node: Node): string {
  const labels = node.metadata?.labels ?? {};
  const zone = labels['failure-domain.beta.kubernetes.io/zone'] ?? labels['topology.kubernetes.io/zone'] ?? '';
  const region = labels['failure-domain.beta.kubernetes.io/region'] ?? labels['topology.kubernetes.io/region'] ?? '';
  return region === '' && zone === '' ? '' : `${region}:\u0000:${zone}`;
}

/** kube's ComputeZoneState, from the Ready statuses of a zone's nodes. */
export function computeZoneState(readyStatuses: readonly (string | undefined)[]): ZoneState {
  const ready = readyStatuses.filter((s) => s === 'True').length;
  const notReady = readyStatuses.length - ready;
  if (ready === 0 && notReady > 0) return 'FullDisruption';
  if (notReady > 2 && notReady / (notReady + ready) >= unhealthyZoneThreshold) return 'PartialDisruption';
  return 'Normal';
}

/**
 * How many nodes per second a zone may have NoExecute-tainted: the normal rate, also for a zone entirely down
 * (while others are up, its nodes are really gone); for a partly disrupted zone, the secondary rate if it is large
 * and none at all if small, since then the trouble is more likely ours (the network) than the nodes'.
 */
export function zoneEvictionRate(state: ZoneState, zoneSize: number): number {
  if (state === 'PartialDisruption') return zoneSize > largeClusterSizeThreshold ? secondaryNodeEvictionRate : 0;
  return nodeEvictionRate;
}

/**
 * kube's handleDisruption: when every zone is fully disrupted the controller itself is the likely one cut off, so
 * it enters "master disruption": NoExecute taints are removed and none added until some node is Ready again
 * ('exit', when nodes get a fresh grace period).
 */
export function disruptionTransition(previous: ReadonlyMap<string, ZoneState>, next: ReadonlyMap<string, ZoneState>): 'enter' | 'exit' | 'none' {
  const allAre = [...next.values()].every((s) => s === 'FullDisruption');
  const allWere = [...previous].filter(([zone]) => next.has(zone)).every(([, s]) => s === 'FullDisruption');
  if (allAre && allWere) return 'none';
  if (allAre) return 'enter';
  if (allWere) return 'exit';
  return 'none';
}

/** client-go's token bucket: `qps` tokens a second, at most `burst` saved up; the caller passes the time. */
export class TokenBucket {
  private qps: number;
  private readonly burst: number;
  private tokens: number;
  private lastMs: number;

  constructor(qps: number, burst: number, nowMs: number) {
    this.qps = qps;
    this.burst = burst;
    this.tokens = burst;
    this.lastMs = nowMs;
  }

  /** kube's SwapLimiter: a new rate, starting with the tokens saved so far (none for a rate of zero). */
  setRate(qps: number, nowMs: number): void {
    if (qps === this.qps) return;
    this.refill(nowMs);
    this.qps = qps;
    if (qps <= 0) this.tokens = 0;
  }

  tryTake(nowMs: number): boolean {
    this.refill(nowMs);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private refill(nowMs: number): void {
    const elapsed = Math.max(0, nowMs - this.lastMs);
    this.lastMs = Math.max(this.lastMs, nowMs);
    if (this.qps > 0) this.tokens = Math.min(this.burst, this.tokens + (elapsed / 1000) * this.qps);
  }
}
