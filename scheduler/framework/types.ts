// The scheduling framework's vocabulary, after kube-scheduler's: a NodeInfo is a node plus everything its pods add
// up to (kept current incrementally by the Snapshot), a PodInfo is what a pod needs parsed once, and plugins are
// pure functions of (pod, node, per-attempt state) that either filter a node out with kube's own words or score it.
import type { Selector } from '../../apiserver/api/labels.ts';
import type { Node, Pod, Taint } from '../../apiserver/api/types.ts';
import type { CycleState } from './cycle-state.ts';
import type { HostPortSet } from './host-ports.ts';
import type { RequiredNodeAffinity } from './node-affinity-match.ts';

/** kube's MaxNodeScore: every score plugin answers in 0..100 after normalising. */
export const maxNodeScore = 100;

/** Amounts in scheduler units: CPU in millicores, everything else in whole units (bytes, pods, devices). */
export interface ResourceAmounts {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  /** Extended resources, hugepages-*, attachable-volumes-* (kube's "scalar" resources), by name. */
  scalar: Map<string, number>;
}

/** A node's allocatable amounts, including how many pods it takes. */
export interface Allocatable extends ResourceAmounts {
  allowedPodNumber: number;
}

/** A host port a container asks for; ip defaults to 0.0.0.0 and protocol to TCP, as kube sanitises them. */
export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

/** A parsed pod (anti-)affinity term. `key` identifies equal terms, so they can be grouped and memoised. */
export interface AffinityTerm {
  readonly key: string;
  /** Namespaces named by the term; the pod's own when neither namespaces nor namespaceSelector is set. */
  readonly namespaces: ReadonlySet<string>;
  readonly namespaceSelector: Selector | 'nothing';
  readonly selector: Selector | 'nothing';
  readonly topologyKey: string;
}

export interface WeightedAffinityTerm {
  readonly term: AffinityTerm;
  readonly weight: number;
}

/** What the scheduler needs of a pod, computed once per pod object (see pod-info.ts). */
export interface PodInfo {
  /** The pod's uid, or namespace/name when it has none: the identity the snapshot tracks it by. */
  readonly key: string;
  readonly pod: Pod;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Requests as kube's PodRequests computes them (init containers, sidecars, overhead). */
  readonly requests: Readonly<ResourceAmounts>;
  /** CPU and memory with kube's defaults (100m, 200Mi) for containers that request none: what scoring uses. */
  readonly nonZeroRequests: { readonly milliCPU: number; readonly memory: number };
  readonly hostPorts: readonly HostPort[];
  readonly requiredAffinityTerms: readonly AffinityTerm[];
  readonly requiredAntiAffinityTerms: readonly AffinityTerm[];
  readonly preferredAffinityTerms: readonly WeightedAffinityTerm[];
  readonly preferredAntiAffinityTerms: readonly WeightedAffinityTerm[];
  /** Set when an affinity term's selector could not be parsed (the apiserver should have refused it). */
  readonly affinityParseError: string | undefined;
  /** nodeSelector and required node affinity, compiled. */
  readonly requiredNodeAffinity: RequiredNodeAffinity;
  /** The uid of the controller ownerReference: same-owner pods are spread by the system default constraints. */
  readonly controllerUid: string | undefined;
  /** Has a deletionTimestamp: topology spreading does not count it (kube #87621). */
  readonly terminating: boolean;
}

/**
 * A node and what is on it, kept current by the Snapshot as pods are added, assumed and removed, so that
 * filters and scores are O(1) per node.
 */
export interface NodeInfo {
  readonly name: string;
  readonly node: Node;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  readonly unschedulable: boolean;
  /** The Ready condition's status ('True', 'False', 'Unknown'), undefined when the node reports none. */
  readonly readyStatus: string | undefined;
  /** Pods on the node, bound or assumed, by PodInfo.key. */
  readonly pods: Map<string, PodInfo>;
  /** Sum of the pods' requests. */
  readonly requested: ResourceAmounts;
  /** Sum of the pods' requests with kube's non-zero defaults: what LeastAllocated measures. */
  readonly nonZeroRequested: { milliCPU: number; memory: number };
  readonly allocatable: Allocatable;
  readonly usedPorts: HostPortSet;
  /** Non-terminating pods per controller uid: same-owner spreading reads this instead of walking the pods. */
  readonly ownerCounts: Map<string, number>;
}

/** A filter's verdict on one node: null when the pod fits. */
export type FilterResult = Rejection | null;

export interface Rejection {
  /** The reasons exactly as kube-scheduler words them; they become the `0/N nodes are available: ...` message. */
  readonly reasons: readonly string[];
  /** kube's UnschedulableAndUnresolvable: no preemption on this node could help. */
  readonly unresolvable: boolean;
}

/**
 * What a PreFilter says about the pod before any node is looked at: nothing (run the filter), 'skip' (the filter
 * has nothing to check for this pod), a restriction to some node names, or a rejection of every node.
 */
export type PreFilterResult = undefined | 'skip' | { readonly nodeNames: ReadonlySet<string> } | { readonly unschedulable: string };

export interface FilterPlugin {
  readonly name: string;
  preFilter?(pod: Pod, state: CycleState): PreFilterResult;
  filter(pod: Pod, node: NodeInfo, state: CycleState): FilterResult;
}

export interface ScorePlugin {
  readonly name: string;
  readonly weight: number;
  /** Runs once per attempt over the feasible nodes; 'skip' leaves every node at 0 for this plugin. */
  preScore?(pod: Pod, nodes: readonly NodeInfo[], state: CycleState): 'skip' | undefined;
  /** A raw score; without `normalize` it must already be in 0..maxNodeScore. */
  score(pod: Pod, node: NodeInfo, state: CycleState): number;
  /** Rewrites the raw scores (aligned with `nodes`) in place into 0..maxNodeScore. */
  normalize?(scores: number[], nodes: readonly NodeInfo[], state: CycleState): void;
}

/** A scheduling profile: which filters and scores run, and kube's percentageOfNodesToScore (0 = adaptive). */
export interface Profile {
  readonly filters: readonly FilterPlugin[];
  readonly scores: readonly ScorePlugin[];
  readonly percentageOfNodesToScore: number;
}

/** Why nodes were not feasible, in the shape kube's FitError message is built from. */
export interface Diagnosis {
  /** Nodes a filter rejected, with that filter's reasons (filters stop at the first rejection, as in kube). */
  readonly nodeToReasons: Map<string, readonly string[]>;
  /** The reasons of nodes never filtered because a PreFilter restricted the pod to other nodes. */
  absentNodesReasons: readonly string[];
  /** Plugins that rejected a node or restricted the nodes: what a scheduling queue waits on. */
  readonly unschedulablePlugins: Set<string>;
  /** A PreFilter's rejection of every node; it replaces the per-node histogram in the message. */
  preFilterMessage: string | undefined;
}
