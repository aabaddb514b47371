// InterPodAffinity: required pod affinity and anti-affinity, the pod's own and the existing pods' (an existing pod's
// anti-affinity keeps matching newcomers out of its topology domain), filter nodes; preferred terms, and existing
// pods' required affinity at hardPodAffinityWeight 1, score them. Counts are per topology pair (topologyKey and
// the node's value for it), computed once per attempt from the snapshot's memoised per-node counts.
import type { Pod } from '../../apiserver/api/types.ts';
import { termMatches } from '../framework/affinity-terms.ts';
import type { ExistingTermKind, TermGroup } from '../framework/affinity-term-index.ts';
import { stateKey, type CycleState } from '../framework/cycle-state.ts';
import { unresolvable, unschedulable } from '../framework/rejection.ts';
import type { Snapshot } from '../framework/snapshot.ts';
import { allTermsMatcher, termMatcher } from '../framework/term-matchers.ts';
import {
  maxNodeScore, type AffinityTerm, type FilterPlugin, type FilterResult, type NodeInfo, type PodInfo, type PreFilterResult,
  type ScorePlugin,
} from '../framework/types.ts';

export const errReasonAffinityRulesNotMatch = "node(s) didn't match pod affinity rules";
export const errReasonAntiAffinityRulesNotMatch = "node(s) didn't match pod anti-affinity rules";
export const errReasonExistingAntiAffinityRulesNotMatch = "node(s) didn't satisfy existing pods anti-affinity rules";

const affinityRejected = unresolvable(errReasonAffinityRulesNotMatch);
const antiAffinityRejected = unschedulable(errReasonAntiAffinityRulesNotMatch);
const existingAntiAffinityRejected = unschedulable(errReasonExistingAntiAffinityRulesNotMatch);

/** kube's InterPodAffinityArgs.hardPodAffinityWeight default. */
export const hardPodAffinityWeight = 1;

/** Counts per topology pair: topologyKey → value → count. */
type PairCounts = Map<string, Map<string, number>>;

function addPair(counts: PairCounts, key: string, value: string, n: number): void {
  let values = counts.get(key);
  if (!values) {
    values = new Map();
    counts.set(key, values);
  }
  values.set(value, (values.get(value) ?? 0) + n);
}

function pairCount(counts: PairCounts, key: string, value: string): number {
  return counts.get(key)?.get(value) ?? 0;
}

/** Adds each node's count to the pair (topologyKey, node's value) of each key; nodes without the label add nothing. */
function addNodeCounts(counts: PairCounts, snapshot: Snapshot, perNode: ReadonlyMap<string, number>, topologyKeys: readonly string[]): void {
  for (const [nodeName, n] of perNode) {
    const labels = snapshot.get(nodeName)?.labels;
    if (!labels) continue;
    for (const tk of topologyKeys) {
      const v = labels[tk];
      if (v !== undefined) addPair(counts, tk, v, n);
    }
  }
}

function incomingMatches(group: TermGroup, pod: PodInfo, snapshot: Snapshot): boolean {
  return termMatches(group.term, pod.namespace, pod.labels, snapshot.namespaceLabelsOf(pod.namespace));
}

interface FilterState {
  /** Pairs where an existing pod's required anti-affinity selects the incoming pod. */
  readonly existingAntiAffinity: PairCounts;
  /** Pairs holding pods that match all of the incoming pod's required affinity terms. */
  readonly affinity: PairCounts;
  /** Pairs holding pods that one of the incoming pod's required anti-affinity terms selects. */
  readonly antiAffinity: PairCounts;
  /** The pod matches its own affinity terms: the first of a group that wants to be together may go anywhere. */
  readonly matchesOwnAffinity: boolean;
}

const filterStateKey = stateKey<FilterState>('PreFilterInterPodAffinity');

function computeFilterState(state: CycleState): FilterState {
  const { podInfo: pod, snapshot } = state;
  const existingAntiAffinity: PairCounts = new Map();
  for (const group of snapshot.affinityTerms.groupsOf('requiredAntiAffinity')) {
    if (incomingMatches(group, pod, snapshot)) addNodeCounts(existingAntiAffinity, snapshot, group.counts, [group.term.topologyKey]);
  }
  const affinity: PairCounts = new Map();
  const required = pod.requiredAffinityTerms;
  if (required.length > 0) {
    addNodeCounts(affinity, snapshot, snapshot.countMatchingPods(allTermsMatcher(required)), required.map((t) => t.topologyKey));
  }
  const antiAffinity: PairCounts = new Map();
  for (const t of pod.requiredAntiAffinityTerms) {
    addNodeCounts(antiAffinity, snapshot, snapshot.countMatchingPods(termMatcher(t)), [t.topologyKey]);
  }
  const nsLabels = snapshot.namespaceLabelsOf(pod.namespace);
  const matchesOwnAffinity = required.length > 0
    && required.every((t) => termMatches(t, pod.namespace, pod.labels, nsLabels));
  return { existingAntiAffinity, affinity, antiAffinity, matchesOwnAffinity };
}

function satisfiesPodAffinity(s: FilterState, terms: readonly AffinityTerm[], node: NodeInfo): boolean {
  let podsExist = true;
  for (const t of terms) {
    const v = node.labels[t.topologyKey];
    // Every topology key must be on the node, whether or not matching pods exist.
    if (v === undefined) return false;
    if (pairCount(s.affinity, t.topologyKey, v) <= 0) podsExist = false;
  }
  // No pod anywhere matches yet: the pod may start the group if it matches its own terms.
  return podsExist || (s.affinity.size === 0 && s.matchesOwnAffinity);
}

function satisfiesPodAntiAffinity(s: FilterState, terms: readonly AffinityTerm[], node: NodeInfo): boolean {
  if (s.antiAffinity.size === 0) return true;
  for (const t of terms) {
    const v = node.labels[t.topologyKey];
    if (v !== undefined && pairCount(s.antiAffinity, t.topologyKey, v) > 0) return false;
  }
  return true;
}

function satisfiesExistingPodsAntiAffinity(s: FilterState, node: NodeInfo): boolean {
  if (s.existingAntiAffinity.size === 0) return true;
  for (const [key, values] of s.existingAntiAffinity) {
    const v = node.labels[key];
    if (v !== undefined && (values.get(v) ?? 0) > 0) return false;
  }
  return true;
}

/** topologyKey → value → summed weights. */
type TopologyScore = Map<string, Map<string, number>>;

const scoreStateKey = stateKey<TopologyScore>('PreScoreInterPodAffinity');

function addScore(scores: TopologyScore, snapshot: Snapshot, perNode: ReadonlyMap<string, number>, topologyKey: string, weight: number): void {
  for (const [nodeName, n] of perNode) {
    const v = snapshot.get(nodeName)?.labels[topologyKey];
    if (v === undefined) continue;
    let values = scores.get(topologyKey);
    if (!values) {
      values = new Map();
      scores.set(topologyKey, values);
    }
    values.set(v, (values.get(v) ?? 0) + weight * n);
  }
}

function computeTopologyScore(state: CycleState): TopologyScore {
  const { podInfo: pod, snapshot } = state;
  const scores: TopologyScore = new Map();
  // The incoming pod's preferences about the pods already placed.
  for (const { term, weight } of pod.preferredAffinityTerms) {
    addScore(scores, snapshot, snapshot.countMatchingPods(termMatcher(term)), term.topologyKey, weight);
  }
  for (const { term, weight } of pod.preferredAntiAffinityTerms) {
    addScore(scores, snapshot, snapshot.countMatchingPods(termMatcher(term)), term.topologyKey, -weight);
  }
  // The placed pods' terms about the incoming pod.
  const signed: readonly (readonly [ExistingTermKind, number])[] = [
    ['requiredAffinity', 1], ['preferredAffinity', 1], ['preferredAntiAffinity', -1],
  ];
  for (const [kind, sign] of signed) {
    for (const group of snapshot.affinityTerms.groupsOf(kind)) {
      if (!incomingMatches(group, pod, snapshot)) continue;
      const weight = kind === 'requiredAffinity' ? hardPodAffinityWeight : group.weight;
      addScore(scores, snapshot, group.counts, group.term.topologyKey, sign * weight);
    }
  }
  return scores;
}

export const interPodAffinity: FilterPlugin & ScorePlugin = {
  name: 'InterPodAffinity',
  weight: 2,
  preFilter(_pod: Pod, state: CycleState): PreFilterResult {
    const pod = state.podInfo;
    if (pod.affinityParseError !== undefined) return { unschedulable: `parsing pod: ${pod.affinityParseError}` };
    if (pod.requiredAffinityTerms.length === 0 && pod.requiredAntiAffinityTerms.length === 0
      && !state.snapshot.affinityTerms.hasAny('requiredAntiAffinity')) return 'skip';
    const s = computeFilterState(state);
    if (s.existingAntiAffinity.size === 0 && pod.requiredAffinityTerms.length === 0 && pod.requiredAntiAffinityTerms.length === 0) {
      return 'skip';
    }
    state.write(filterStateKey, s);
    return undefined;
  },
  filter(_pod: Pod, node: NodeInfo, state: CycleState): FilterResult {
    const s = state.readOrCompute(filterStateKey, () => computeFilterState(state));
    const pod = state.podInfo;
    if (!satisfiesPodAffinity(s, pod.requiredAffinityTerms, node)) return affinityRejected;
    if (!satisfiesPodAntiAffinity(s, pod.requiredAntiAffinityTerms, node)) return antiAffinityRejected;
    if (!satisfiesExistingPodsAntiAffinity(s, node)) return existingAntiAffinityRejected;
    return null;
  },
  preScore(_pod: Pod, _nodes: readonly NodeInfo[], state: CycleState): 'skip' | undefined {
    const pod = state.podInfo;
    const terms = state.snapshot.affinityTerms;
    if (pod.preferredAffinityTerms.length === 0 && pod.preferredAntiAffinityTerms.length === 0
      && !terms.hasAny('requiredAffinity') && !terms.hasAny('preferredAffinity') && !terms.hasAny('preferredAntiAffinity')) {
      return 'skip';
    }
    const scores = computeTopologyScore(state);
    if (scores.size === 0) return 'skip';
    state.write(scoreStateKey, scores);
    return undefined;
  },
  score(_pod: Pod, node: NodeInfo, state: CycleState): number {
    const scores = state.readOrCompute(scoreStateKey, () => computeTopologyScore(state));
    let sum = 0;
    for (const [tk, values] of scores) {
      const v = node.labels[tk];
      if (v !== undefined) sum += values.get(v) ?? 0;
    }
    return sum;
  },
  normalize(scores: number[]): void {
    // Raw scores may be negative (anti-affinity): map [min, max] onto [0, 100]; all equal gives 0.
    let min = Infinity;
    let max = -Infinity;
    for (const s of scores) {
      if (s < min) min = s;
      if (s > max) max = s;
    }
    const spread = max - min;
    for (let i = 0; i < scores.length; i++) {
      scores[i] = spread > 0 ? Math.trunc(maxNodeScore * ((scores[i] - min) / spread)) : 0;
    }
  },
};
