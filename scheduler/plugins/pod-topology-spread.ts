// PodTopologySpread: DoNotSchedule constraints filter out nodes where placing the pod would make its domain hold
// more than maxSkew matching pods above the emptiest domain; ScheduleAnyway constraints — and, for pods with no
// constraints of their own, the system defaults that spread a controller's pods over hostnames and zones — score
// nodes in less crowded domains higher.
import type { Pod } from '../../apiserver/api/types.ts';
import { stateKey, type CycleState } from '../framework/cycle-state.ts';
import { unresolvable, unschedulable } from '../framework/rejection.ts';
import {
  includesEveryNode, nodeHasAllTopologyKeys, nodeIncluded, spreadConstraintsFor, type SpreadConstraint,
} from '../framework/spread-constraints.ts';
import { maxNodeScore, type FilterPlugin, type FilterResult, type NodeInfo, type PreFilterResult, type ScorePlugin } from '../framework/types.ts';

export const errReasonConstraintsNotMatch = "node(s) didn't match pod topology spread constraints";
export const errReasonNodeLabelNotMatch = `${errReasonConstraintsNotMatch} (missing required label)`;

const constraintsRejected = unschedulable(errReasonConstraintsNotMatch);
const labelMissing = unresolvable(errReasonNodeLabelNotMatch);

/** kube's criticalPaths start at MaxInt32: a key no counted node carries never limits the skew. */
const noDomainMinimum = 2_147_483_647;

interface FilterState {
  readonly constraints: readonly SpreadConstraint[];
  /** Per constraint: matching pods per value of its topology key, over every node that counts (0 for empty domains). */
  readonly matchNum: readonly ReadonlyMap<string, number>[];
  /** Per constraint: the global minimum the skew is measured from. */
  readonly minimum: readonly number[];
}

const filterStateKey = stateKey<FilterState>('PreFilterPodTopologySpread');

function computeFilterState(state: CycleState): FilterState {
  const pod = state.podInfo;
  const constraints = spreadConstraintsFor(pod, 'DoNotSchedule', state.snapshot);
  if (constraints.length === 0) return { constraints, matchNum: [], minimum: [] };
  // Domains are per topology key: constraints sharing a key share its counts.
  const byKey = new Map<string, Map<string, number>>();
  for (const c of constraints) if (!byKey.has(c.topologyKey)) byKey.set(c.topologyKey, new Map());
  const repeatedKeys = byKey.size !== constraints.length;
  const everyNode = constraints.map((c) => includesEveryNode(c, pod));
  for (const node of state.snapshot.nodeList()) {
    if (!nodeHasAllTopologyKeys(node, constraints)) continue;
    // Within one node, a later constraint on the same key replaces an earlier one's count, as in kube.
    const seen = repeatedKeys ? new Set<string>() : undefined;
    for (let i = constraints.length - 1; i >= 0; i--) {
      const c = constraints[i];
      if (seen?.has(c.topologyKey) || (!everyNode[i] && !nodeIncluded(c, pod, node))) continue;
      seen?.add(c.topologyKey);
      const counts = byKey.get(c.topologyKey)!;
      const v = node.labels[c.topologyKey];
      counts.set(v, (counts.get(v) ?? 0) + c.countOn(node));
    }
  }
  const matchNum = constraints.map((c) => byKey.get(c.topologyKey)!);
  const minimum = constraints.map((c, i) => {
    // Fewer domains than minDomains: the missing domains count as empty ones.
    if (matchNum[i].size < c.minDomains) return 0;
    let min = noDomainMinimum;
    for (const n of matchNum[i].values()) if (n < min) min = n;
    return min;
  });
  return { constraints, matchNum, minimum };
}

interface ScoreState {
  readonly constraints: readonly SpreadConstraint[];
  /** Filtered nodes left unscored because they miss a topology key. */
  readonly ignored: ReadonlySet<string>;
  /** Per constraint (not hostname): matching pods per topology value among the candidate domains. */
  readonly valueCounts: readonly Map<string, number>[];
  /** Per constraint: log(number of domains + 2), so small topologies are not watered down by big ones. */
  readonly weights: readonly number[];
}

const scoreStateKey = stateKey<ScoreState | undefined>('PreScorePodTopologySpread');

function computeScoreState(state: CycleState, filtered: readonly NodeInfo[]): ScoreState | undefined {
  const pod = state.podInfo;
  const all = state.snapshot.nodeList();
  if (all.length === 0) return undefined;
  const constraints = spreadConstraintsFor(pod, 'ScheduleAnyway', state.snapshot);
  if (constraints.length === 0) return undefined;
  // The system defaults also score nodes without a zone label, so hostname spreading still applies there.
  const requireAllTopologies = (pod.pod.spec?.topologySpreadConstraints ?? []).length > 0;
  const ignored = new Set<string>();
  const valueCounts = constraints.map(() => new Map<string, number>());
  for (const node of filtered) {
    if (requireAllTopologies && !nodeHasAllTopologyKeys(node, constraints)) {
      ignored.add(node.name);
      continue;
    }
    for (let i = 0; i < constraints.length; i++) {
      const c = constraints[i];
      if (c.isHostname) continue;
      const v = node.labels[c.topologyKey] ?? '';
      if (!valueCounts[i].has(v)) valueCounts[i].set(v, 0);
    }
  }
  const weights = constraints.map((c, i) => Math.log((c.isHostname ? filtered.length - ignored.size : valueCounts[i].size) + 2));
  // Per-node (hostname) counts are taken in score; other domains are summed here over every node, but only the
  // domains some candidate node is in matter.
  const domainConstraints = constraints.map((_c, i) => i).filter((i) => !constraints[i].isHostname);
  if (domainConstraints.length > 0) {
    const everyNode = constraints.map((c) => includesEveryNode(c, pod));
    for (const node of all) {
      if (requireAllTopologies && !nodeHasAllTopologyKeys(node, constraints)) continue;
      for (const i of domainConstraints) {
        const c = constraints[i];
        if (!everyNode[i] && !nodeIncluded(c, pod, node)) continue;
        const v = node.labels[c.topologyKey] ?? '';
        const current = valueCounts[i].get(v);
        if (current !== undefined) valueCounts[i].set(v, current + c.countOn(node));
      }
    }
  }
  return { constraints, ignored, valueCounts, weights };
}

function scoreState(state: CycleState, node: NodeInfo): ScoreState | undefined {
  return state.readOrCompute(scoreStateKey, () => computeScoreState(state, [node]));
}

export const podTopologySpread: FilterPlugin & ScorePlugin = {
  name: 'PodTopologySpread',
  weight: 2,
  preFilter(_pod: Pod, state: CycleState): PreFilterResult {
    const s = computeFilterState(state);
    if (s.constraints.length === 0) return 'skip';
    state.write(filterStateKey, s);
    return undefined;
  },
  filter(_pod: Pod, node: NodeInfo, state: CycleState): FilterResult {
    const s = state.readOrCompute(filterStateKey, () => computeFilterState(state));
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i];
      const v = node.labels[c.topologyKey];
      if (v === undefined) return labelMissing;
      const skew = (s.matchNum[i].get(v) ?? 0) + (c.selfMatch ? 1 : 0) - s.minimum[i];
      if (skew > c.maxSkew) return constraintsRejected;
    }
    return null;
  },
  preScore(_pod: Pod, nodes: readonly NodeInfo[], state: CycleState): 'skip' | undefined {
    const s = computeScoreState(state, nodes);
    state.write(scoreStateKey, s);
    return s ? undefined : 'skip';
  },
  score(_pod: Pod, node: NodeInfo, state: CycleState): number {
    const s = scoreState(state, node);
    if (!s || s.ignored.has(node.name)) return 0;
    let score = 0;
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i];
      const v = node.labels[c.topologyKey];
      if (v === undefined) continue;
      const count = c.isHostname ? c.countOn(node) : (s.valueCounts[i].get(v) ?? 0);
      // maxSkew − 1 is added so that differences smaller than the allowed skew matter less.
      score += count * s.weights[i] + (c.maxSkew - 1);
    }
    return Math.round(score);
  },
  normalize(scores: number[], nodes: readonly NodeInfo[], state: CycleState): void {
    const s = state.read(scoreStateKey);
    if (!s) return;
    // Fewer matching pods is better: the node with the fewest gets 100.
    let min = Infinity;
    let max = 0;
    for (let i = 0; i < scores.length; i++) {
      if (s.ignored.has(nodes[i].name)) continue;
      if (scores[i] < min) min = scores[i];
      if (scores[i] > max) max = scores[i];
    }
    for (let i = 0; i < scores.length; i++) {
      if (s.ignored.has(nodes[i].name)) scores[i] = 0;
      else if (max === 0) scores[i] = maxNodeScore;
      else scores[i] = Math.trunc((maxNodeScore * (max + min - scores[i])) / max);
    }
  },
};
