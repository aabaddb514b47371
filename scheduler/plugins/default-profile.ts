// kube-scheduler's default profile, in its order and with its weights (TaintToleration 3, NodeAffinity 2,
// NodeResourcesFit 1, PodTopologySpread 2, InterPodAffinity 2, NodeResourcesBalancedAllocation 1), plus NodeReady
// where kube's not-ready taint would be checked. Volume plugins, ImageLocality and preemption are not part of it.
import type { FilterPlugin, Profile, ScorePlugin } from '../framework/types.ts';
import { nodeResourcesBalancedAllocation } from './balanced-allocation.ts';
import { interPodAffinity } from './inter-pod-affinity.ts';
import { nodeAffinity } from './node-affinity.ts';
import { nodeName } from './node-name.ts';
import { nodePorts } from './node-ports.ts';
import { nodeReady } from './node-ready.ts';
import { nodeResourcesFit } from './node-resources-fit.ts';
import { nodeUnschedulable } from './node-unschedulable.ts';
import { podTopologySpread } from './pod-topology-spread.ts';
import { taintToleration } from './taint-toleration.ts';

export const defaultFilters: readonly FilterPlugin[] = [
  nodeUnschedulable, nodeName, nodeReady, taintToleration, nodeAffinity, nodePorts, nodeResourcesFit, podTopologySpread,
  interPodAffinity,
];

export const defaultScores: readonly ScorePlugin[] = [
  taintToleration, nodeAffinity, nodeResourcesFit, podTopologySpread, interPodAffinity, nodeResourcesBalancedAllocation,
];

/** The default profile; percentageOfNodesToScore 0 is kube's adaptive default. */
export function defaultProfile(percentageOfNodesToScore = 0): Profile {
  return { filters: defaultFilters, scores: defaultScores, percentageOfNodesToScore };
}
