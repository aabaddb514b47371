// Small builders for scheduler unit tests: nodes and pods with just the fields a test cares about, and runners that
// drive one plugin the way schedule-one does (PreFilter then Filter; PreScore, Score, then normalise).
import type { Affinity } from '../../../apiserver/api/pod-types.ts';
import type { Container, Node, Pod, PodSpec, Taint, Toleration } from '../../../apiserver/api/types.ts';
import { CycleState } from '../../../scheduler/framework/cycle-state.ts';
import { buildSnapshot, type Snapshot } from '../../../scheduler/framework/snapshot.ts';
import type { FilterPlugin, FilterResult, NodeInfo, ScorePlugin } from '../../../scheduler/framework/types.ts';

export interface NodeOptions {
  cpu?: string;
  memory?: string;
  pods?: string;
  ephemeralStorage?: string;
  extra?: Record<string, string>;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  /** The Ready condition's status; null for a node that reports no Ready condition. */
  ready?: 'True' | 'False' | 'Unknown' | null;
}

export function makeNode(name: string, o: NodeOptions = {}): Node {
  const allocatable: Record<string, string> = { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110', ...o.extra };
  if (o.ephemeralStorage) allocatable['ephemeral-storage'] = o.ephemeralStorage;
  const ready = o.ready === undefined ? 'True' : o.ready;
  return {
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: { taints: o.taints, unschedulable: o.unschedulable },
    status: { allocatable, conditions: ready === null ? [] : [{ type: 'Ready', status: ready }] },
  };
}

export interface PodOptions {
  namespace?: string;
  uid?: string;
  cpu?: string;
  memory?: string;
  requests?: Record<string, string>;
  labels?: Record<string, string>;
  nodeName?: string;
  owner?: string;
  tolerations?: Toleration[];
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  hostPorts?: { hostPort: number; hostIP?: string; protocol?: string }[];
  initContainers?: Container[];
  topologySpreadConstraints?: PodSpec['topologySpreadConstraints'];
  phase?: string;
  terminating?: boolean;
}

export function makePod(name: string, o: PodOptions = {}): Pod {
  const requests: Record<string, string> = { ...o.requests };
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  const namespace = o.namespace ?? 'default';
  return {
    metadata: {
      name, namespace, uid: o.uid ?? `${namespace}-${name}`, labels: o.labels,
      ownerReferences: o.owner ? [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: o.owner, uid: `uid-${o.owner}`, controller: true }] : undefined,
      deletionTimestamp: o.terminating ? '2024-01-01T00:00:00Z' : undefined,
    },
    spec: {
      nodeName: o.nodeName,
      containers: [{
        name: 'app', image: 'busybox',
        resources: Object.keys(requests).length > 0 ? { requests } : undefined,
        ports: o.hostPorts?.map((p) => ({ containerPort: p.hostPort, ...p })),
      }],
      initContainers: o.initContainers,
      tolerations: o.tolerations,
      nodeSelector: o.nodeSelector,
      affinity: o.affinity,
      topologySpreadConstraints: o.topologySpreadConstraints,
    },
    status: o.phase ? { phase: o.phase } : undefined,
  };
}

/** Runs the plugin's PreFilter and Filter for `pod` on `nodeName`: 'skip' when the PreFilter skipped it. */
export function runFilter(plugin: FilterPlugin, pod: Pod, snapshot: Snapshot, nodeName: string): FilterResult | 'skip' {
  const state = new CycleState(pod, snapshot);
  const pre = plugin.preFilter?.(pod, state);
  if (pre === 'skip') return 'skip';
  if (pre !== undefined && 'unschedulable' in pre) return { reasons: [pre.unschedulable], unresolvable: true };
  const node = snapshot.get(nodeName);
  if (!node) throw new Error(`no node ${nodeName}`);
  return plugin.filter(pod, node, state);
}

/** The plugin's reasons for each node, '' where the pod fits (or the filter was skipped). */
export function filterReasons(plugin: FilterPlugin, pod: Pod, snapshot: Snapshot): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of snapshot.nodeList()) {
    const r = runFilter(plugin, pod, snapshot, n.name);
    out[n.name] = r === 'skip' || r === null ? '' : r.reasons.join('; ');
  }
  return out;
}

/** Normalised scores per node name, as prioritize computes them before weighting; null when PreScore skipped. */
export function runScore(plugin: ScorePlugin, pod: Pod, snapshot: Snapshot, nodes?: readonly NodeInfo[]): Record<string, number> | null {
  const state = new CycleState(pod, snapshot);
  const list = nodes ?? snapshot.nodeList();
  if (plugin.preScore?.(pod, list, state) === 'skip') return null;
  const scores = list.map((n) => plugin.score(pod, n, state));
  plugin.normalize?.(scores, list, state);
  return Object.fromEntries(list.map((n, i) => [n.name, scores[i]]));
}

export function snapshotOf(nodes: Node[], pods: Pod[] = []): Snapshot {
  return buildSnapshot(nodes, pods);
}

/** A deterministic stand-in for Math.random, cycling through `values`. */
export function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length];
}
