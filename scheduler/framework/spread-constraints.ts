// Topology spread constraints as kube's PodTopologySpread reads them: the pod's own (whenUnsatisfiable picks the
// filter or the score), or, when it has none, the system defaults — spread over hostname (maxSkew 3) and zone
// (maxSkew 5), ScheduleAnyway — among pods of the same controller. (kube selects "the same workload" with the
// selectors of the Services, ReplicationControllers, ReplicaSets and StatefulSets matching the pod; Skiff uses
// the controller ownerReference, which names the same pods for everything but a Service.)
import { matchesSelector, selectorFromLabelSelector, type Requirement, type Selector } from '../../apiserver/api/labels.ts';
import type { TopologySpreadConstraint } from '../../apiserver/api/pod-types.ts';
import type { Snapshot } from './snapshot.ts';
import { firstUntoleratedTaint } from './tolerations.ts';
import type { NodeInfo, PodInfo } from './types.ts';

export const hostnameLabel = 'kubernetes.io/hostname';
export const zoneTopologyLabel = 'topology.kubernetes.io/zone';

export interface SpreadConstraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  /** The key is kubernetes.io/hostname: every node is its own domain. */
  readonly isHostname: boolean;
  readonly minDomains: number;
  /** nodeAffinityPolicy Honor (the default): only nodes the pod's node affinity accepts count. */
  readonly honorNodeAffinity: boolean;
  /** nodeTaintsPolicy Honor: only nodes whose taints the pod tolerates count (default Ignore). */
  readonly honorNodeTaints: boolean;
  /** The incoming pod itself matches the constraint's selector. */
  readonly selfMatch: boolean;
  /** Pods on the node the constraint counts. */
  countOn(node: NodeInfo): number;
}

export const systemDefaultConstraints: readonly { topologyKey: string; maxSkew: number }[] = [
  { topologyKey: hostnameLabel, maxSkew: 3 },
  { topologyKey: zoneTopologyLabel, maxSkew: 5 },
];

const none = (): number => 0;

/** The selector with matchLabelKeys' values from the pod's labels added (kube's mergeLabelSetWithSelector). */
function withMatchLabelKeys(sel: Selector | 'nothing', keys: readonly string[] | undefined, podLabels: Readonly<Record<string, string>>): Selector | 'nothing' {
  if (sel === 'nothing' || !keys || keys.length === 0) return sel;
  const extra: Requirement[] = [];
  for (const k of keys) if (podLabels[k] !== undefined) extra.push({ key: k, operator: 'Equals', values: [podLabels[k]] });
  return extra.length === 0 ? sel : { requirements: [...extra, ...sel.requirements] };
}

function labelCounter(pod: PodInfo, sel: Selector | 'nothing', snapshot: Snapshot): (node: NodeInfo) => number {
  // kube counts nothing for a missing or empty selector (countPodsMatchSelector returns 0 for selector.Empty()).
  if (sel === 'nothing' || sel.requirements.length === 0) return none;
  const namespace = pod.namespace;
  const counts = snapshot.countMatchingPods({
    key: `spread\n${namespace}\n${JSON.stringify(sel.requirements)}`,
    usesNamespaceLabels: false,
    matches: (p) => p.namespace === namespace && !p.terminating && matchesSelector(sel, p.labels),
  });
  return (node) => counts.get(node.name) ?? 0;
}

function fromSpec(pod: PodInfo, c: TopologySpreadConstraint, snapshot: Snapshot): SpreadConstraint {
  // The apiserver validates selectors; one that still fails to parse selects nothing.
  let sel: Selector | 'nothing';
  try {
    sel = withMatchLabelKeys(selectorFromLabelSelector(c.labelSelector), c.matchLabelKeys, pod.labels);
  } catch {
    sel = 'nothing';
  }
  return {
    maxSkew: c.maxSkew,
    topologyKey: c.topologyKey,
    isHostname: c.topologyKey === hostnameLabel,
    minDomains: c.minDomains ?? 1,
    honorNodeAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
    honorNodeTaints: (c.nodeTaintsPolicy ?? 'Ignore') === 'Honor',
    selfMatch: matchesSelector(sel, pod.labels),
    countOn: labelCounter(pod, sel, snapshot),
  };
}

function systemDefaults(pod: PodInfo): SpreadConstraint[] {
  const owner = pod.controllerUid;
  if (owner === undefined) return [];
  const countOn = (node: NodeInfo): number => node.ownerCounts.get(owner) ?? 0;
  return systemDefaultConstraints.map(({ topologyKey, maxSkew }) => ({
    maxSkew, topologyKey, isHostname: topologyKey === hostnameLabel, minDomains: 1, honorNodeAffinity: true, honorNodeTaints: false, selfMatch: true, countOn,
  }));
}

/** The constraints that apply for `action` (DoNotSchedule for the filter, ScheduleAnyway for the score). */
export function spreadConstraintsFor(pod: PodInfo, action: 'DoNotSchedule' | 'ScheduleAnyway', snapshot: Snapshot): SpreadConstraint[] {
  const own = pod.pod.spec?.topologySpreadConstraints ?? [];
  if (own.length > 0) return own.filter((c) => c.whenUnsatisfiable === action).map((c) => fromSpec(pod, c, snapshot));
  // System defaults are all ScheduleAnyway.
  return action === 'ScheduleAnyway' ? systemDefaults(pod) : [];
}

export function nodeHasAllTopologyKeys(node: NodeInfo, constraints: readonly SpreadConstraint[]): boolean {
  for (const c of constraints) if (node.labels[c.topologyKey] === undefined) return false;
  return true;
}

/** Whether every node counts towards the constraint's domains, so nodeIncluded need not be asked per node. */
export function includesEveryNode(c: SpreadConstraint, pod: PodInfo): boolean {
  return !c.honorNodeTaints && (!c.honorNodeAffinity || !pod.requiredNodeAffinity.constrained);
}

/** Whether the node counts towards the constraint's domains (nodeAffinityPolicy, nodeTaintsPolicy). */
export function nodeIncluded(c: SpreadConstraint, pod: PodInfo, node: NodeInfo): boolean {
  if (c.honorNodeAffinity && !pod.requiredNodeAffinity.matches(node)) return false;
  if (c.honorNodeTaints && firstUntoleratedTaint(node.taints, pod.pod.spec?.tolerations) !== undefined) return false;
  return true;
}
