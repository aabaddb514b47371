// One scheduling attempt, as kube-scheduler's schedulePod: PreFilter, then filter the nodes (starting where the
// last attempt stopped, and stopping once enough feasible nodes are found), then PreScore, score, normalise and
// weight, and pick the best node, breaking ties at random. A pod that fits nowhere gets kube's FitError message.
import type { Pod } from '../../apiserver/api/types.ts';
import { CycleState } from './cycle-state.ts';
import { fitErrorMessage, newDiagnosis, noNodesAvailableMessage } from './fit-error.ts';
import { numFeasibleNodesToFind } from './num-feasible-nodes.ts';
import type { Snapshot } from './snapshot.ts';
import { maxNodeScore, type Diagnosis, type FilterPlugin, type NodeInfo, type Profile, type ScorePlugin } from './types.ts';

export type { Profile } from './types.ts';
export { defaultProfile } from '../plugins/default-profile.ts';

export interface NodeScore {
  readonly name: string;
  readonly score: number;
}

export interface FindNodesResult {
  readonly feasible: NodeInfo[];
  readonly diagnosis: Diagnosis;
}

export type ScheduleResult =
  | { readonly nodeName: string; readonly evaluatedNodes: number; readonly feasibleNodes: number }
  | { readonly fitError: string; readonly diagnosis: Diagnosis };

interface PreFiltered {
  /** Filters to run (those whose PreFilter did not skip). */
  readonly filters: FilterPlugin[];
  /** The nodes to look at; all of them unless a PreFilter restricted the pod to some names. */
  readonly nodes: readonly NodeInfo[];
}

function runPreFilters(pod: Pod, snapshot: Snapshot, profile: Profile, state: CycleState, diagnosis: Diagnosis): PreFiltered | undefined {
  const filters: FilterPlugin[] = [];
  let allowed: Set<string> | undefined;
  const restricting: string[] = [];
  for (const plugin of profile.filters) {
    const result = plugin.preFilter?.(pod, state);
    if (result === 'skip') continue;
    if (result !== undefined && 'unschedulable' in result) {
      diagnosis.preFilterMessage = result.unschedulable;
      diagnosis.unschedulablePlugins.add(plugin.name);
      return undefined;
    }
    if (result !== undefined && 'nodeNames' in result) {
      allowed = allowed === undefined ? new Set(result.nodeNames) : new Set([...allowed].filter((n) => result.nodeNames.has(n)));
      restricting.push(plugin.name);
      if (allowed.size === 0) {
        diagnosis.preFilterMessage = restricting.length === 1
          ? `node(s) didn't satisfy plugin ${restricting[0]}`
          : `node(s) didn't satisfy plugin(s) [${restricting.join(' ')}] simultaneously`;
        for (const name of restricting) diagnosis.unschedulablePlugins.add(name);
        return undefined;
      }
    }
    filters.push(plugin);
  }
  if (allowed === undefined) return { filters, nodes: snapshot.nodeList() };
  // Nodes outside the restriction are not filtered; they count with this reason in the FitError message.
  for (const name of restricting) diagnosis.unschedulablePlugins.add(name);
  diagnosis.absentNodesReasons = [`node(s) didn't satisfy plugin(s) [${[...restricting].sort().join(' ')}]`];
  const nodes: NodeInfo[] = [];
  for (const name of allowed) {
    const node = snapshot.get(name);
    if (node) nodes.push(node);
  }
  return { filters, nodes };
}

/**
 * The feasible nodes for `pod`, and why the others were not. Filtering starts at the snapshot's
 * nextStartNodeIndex and stops after numFeasibleNodesToFind feasible nodes; the index then moves past the nodes
 * looked at, so successive attempts share the cluster out.
 */
export function findNodesThatFit(pod: Pod, snapshot: Snapshot, profile: Profile, state = new CycleState(pod, snapshot)): FindNodesResult {
  const diagnosis = newDiagnosis();
  const pre = runPreFilters(pod, snapshot, profile, state, diagnosis);
  if (!pre) return { feasible: [], diagnosis };
  const { filters, nodes } = pre;
  const total = nodes.length;
  const wanted = profile.scores.length === 0 ? Math.min(1, total) : numFeasibleNodesToFind(profile.percentageOfNodesToScore, total);
  const start = total === 0 ? 0 : snapshot.nextStartNodeIndex % total;
  const feasible: NodeInfo[] = [];
  let processed = 0;
  for (let i = 0; i < total && feasible.length < wanted; i++) {
    const node = nodes[(start + i) % total];
    processed++;
    let rejectedBy: FilterPlugin | undefined;
    let reasons: readonly string[] = [];
    for (const plugin of filters) {
      const verdict = plugin.filter(pod, node, state);
      if (verdict !== null) {
        rejectedBy = plugin;
        reasons = verdict.reasons;
        break;
      }
    }
    if (rejectedBy === undefined) {
      feasible.push(node);
    } else {
      diagnosis.nodeToReasons.set(node.name, reasons);
      diagnosis.unschedulablePlugins.add(rejectedBy.name);
    }
  }
  const allCount = snapshot.numNodes;
  if (allCount > 0) snapshot.nextStartNodeIndex = (snapshot.nextStartNodeIndex + processed) % allCount;
  return { feasible, diagnosis };
}

function checkScore(plugin: ScorePlugin, node: NodeInfo, score: number): void {
  if (!Number.isInteger(score) || score < 0 || score > maxNodeScore) {
    throw new Error(`plugin ${plugin.name} returns an invalid score ${score} for node ${node.name}, it should be in [0, ${maxNodeScore}]`);
  }
}

/** Each node's total: the sum over score plugins of (normalised score × weight), as kube's prioritizeNodes. */
export function prioritize(pod: Pod, nodes: readonly NodeInfo[], plugins: readonly ScorePlugin[], state: CycleState): NodeScore[] {
  const totals = new Array<number>(nodes.length).fill(plugins.length === 0 ? 1 : 0);
  const scores = new Array<number>(nodes.length);
  for (const plugin of plugins) {
    if (plugin.preScore?.(pod, nodes, state) === 'skip') continue;
    for (let i = 0; i < nodes.length; i++) scores[i] = plugin.score(pod, nodes[i], state);
    plugin.normalize?.(scores, nodes, state);
    for (let i = 0; i < nodes.length; i++) {
      checkScore(plugin, nodes[i], scores[i]);
      totals[i] += scores[i] * plugin.weight;
    }
  }
  return nodes.map((n, i) => ({ name: n.name, score: totals[i] }));
}

/** The highest-scoring node; among equal best scores each is equally likely (reservoir sampling, as kube's selectHost). */
export function selectHost(scores: readonly NodeScore[], random: () => number = Math.random): string {
  if (scores.length === 0) throw new Error('empty priorityList');
  let selected = scores[0];
  let ties = 1;
  for (let i = 1; i < scores.length; i++) {
    const s = scores[i];
    if (s.score > selected.score) {
      selected = s;
      ties = 1;
    } else if (s.score === selected.score) {
      ties++;
      if (Math.floor(random() * ties) === 0) selected = s;
    }
  }
  return selected.name;
}

/** One attempt to place `pod`: the chosen node, or kube's FitError message and why each node was ruled out. */
export function schedulePod(pod: Pod, snapshot: Snapshot, profile: Profile, random: () => number = Math.random): ScheduleResult {
  if (snapshot.numNodes === 0) return { fitError: noNodesAvailableMessage, diagnosis: newDiagnosis() };
  const state = new CycleState(pod, snapshot);
  const { feasible, diagnosis } = findNodesThatFit(pod, snapshot, profile, state);
  const evaluatedNodes = feasible.length + diagnosis.nodeToReasons.size;
  if (feasible.length === 0) return { fitError: fitErrorMessage(snapshot.numNodes, diagnosis), diagnosis };
  if (feasible.length === 1) return { nodeName: feasible[0].name, evaluatedNodes, feasibleNodes: 1 };
  const scores = prioritize(pod, feasible, profile.scores, state);
  return { nodeName: selectHost(scores, random), evaluatedNodes, feasibleNodes: feasible.length };
}
