// The DaemonSet controller's pure decisions (kube's pkg/controller/daemon): which nodes should run a daemon pod
// (node selector, required node affinity, taints against tolerations), the tolerations every daemon pod gets, and
// which pods a rolling update may replace now.
import type { DaemonSet, Node, Pod, PodSpec, Taint, Toleration } from '../apiserver/api/types.ts';
import { intOrPercentValue, percentValue } from '../apiserver/api/validation/int-or-percent.ts';
import { isPodActive, isPodAvailable } from './workload-pods.ts';

type NodeSelectorTerm = NonNullable<NonNullable<NonNullable<PodSpec['affinity']>['nodeAffinity']>['requiredDuringSchedulingIgnoredDuringExecution']>['nodeSelectorTerms'][number];
type NodeSelectorRequirement = NonNullable<NodeSelectorTerm['matchExpressions']>[number];

/**
 * Daemons run where ordinary pods would be kept away for a while: a node that is not ready or unreachable (no
 * eviction), under disk/memory/pid pressure, or cordoned. kube adds these to every daemon pod.
 */
export const daemonTolerations: Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

/** The template's tolerations plus the automatic ones it does not already have (same key and effect). */
export function withDaemonTolerations(tolerations: readonly Toleration[] | undefined): Toleration[] {
  const out = [...(tolerations ?? [])];
  for (const t of daemonTolerations) {
    if (!out.some((o) => o.key === t.key && o.effect === t.effect)) out.push(t);
  }
  return out;
}

export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (!t.key) return t.operator === 'Exists';
  if (t.key !== taint.key) return false;
  return t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '');
}

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In': return value !== undefined && values.includes(value);
    case 'NotIn': return value === undefined || !values.includes(value);
    case 'Exists': return value !== undefined;
    case 'DoesNotExist': return value === undefined;
    case 'Gt':
    case 'Lt': {
      const n = Number(value);
      const bound = Number(values[0]);
      if (value === undefined || !Number.isInteger(n) || !Number.isInteger(bound)) return false;
      return r.operator === 'Gt' ? n > bound : n < bound;
    }
    default: return false;
  }
}

function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  // An empty term matches nothing.
  if (exprs.length + fields.length === 0) return false;
  const labels = node.metadata?.labels ?? {};
  return exprs.every((r) => requirementMatches(r, Object.hasOwn(labels, r.key) ? labels[r.key] : undefined))
    && fields.every((r) => r.key === 'metadata.name' && requirementMatches(r, node.metadata?.name));
}

export interface NodeVerdict {
  /** A new daemon pod may be placed here. */
  shouldRun: boolean;
  /** An existing daemon pod may stay (only NoExecute taints evict). */
  shouldContinueRunning: boolean;
}

/** kube's NodeShouldRunDaemonPod: selector and affinity first, then taints against the daemon's tolerations. */
export function nodeShouldRunDaemonPod(node: Node, spec: PodSpec | undefined): NodeVerdict {
  const labels = node.metadata?.labels ?? {};
  const selectorOk = Object.entries(spec?.nodeSelector ?? {}).every(([k, v]) => labels[k] === v);
  const terms = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  const affinityOk = !terms || terms.some((t) => termMatches(t, node));
  if (!selectorOk || !affinityOk) return { shouldRun: false, shouldContinueRunning: false };
  const tolerations = withDaemonTolerations(spec?.tolerations);
  const untolerated = (node.spec?.taints ?? []).filter((taint) => !tolerations.some((t) => tolerates(t, taint)));
  return {
    shouldRun: !untolerated.some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute'),
    shouldContinueRunning: !untolerated.some((t) => t.effect === 'NoExecute'),
  };
}

/**
 * The daemon pod's spec for one node: kube replaces the required node affinity with a single matchFields term on
 * the node's name (the DaemonSet's own affinity was already checked) and lets the scheduler bind it.
 */
export function daemonPodSpec(spec: PodSpec, nodeName: string): PodSpec {
  return {
    ...spec,
    tolerations: withDaemonTolerations(spec.tolerations),
    affinity: {
      ...spec.affinity,
      nodeAffinity: {
        ...spec.affinity?.nodeAffinity,
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }],
        },
      },
    },
  };
}

/** The node a daemon pod belongs to: spec.nodeName once bound, else the node its affinity names. */
export function targetNodeName(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  for (const term of pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of term.matchFields ?? []) {
      if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
    }
  }
  return undefined;
}

export interface NodePlan {
  /** Nodes that need a daemon pod created. */
  create: string[];
  /** Pods to delete: extras, failed, on nodes they may not stay on, and old ones the rolling update replaces. */
  delete: Pod[];
}

export interface DaemonNodeState {
  node: Node;
  pods: Pod[];
}

/** maxUnavailable resolved against the number of nodes that should run the daemon (percentages round up). */
export function resolveMaxUnavailable(ds: DaemonSet, desired: number): number {
  const raw = ds.spec?.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1;
  const pct = percentValue(raw);
  const n = pct !== undefined ? Math.ceil((pct * desired) / 100) : intOrPercentValue(raw);
  // kube never lets a rolling update stall on maxUnavailable 0 with maxSurge 0.
  return Math.max(1, n);
}

/** The whole decision for one DaemonSet over every node. `hash` is the current revision's hash. */
export function planDaemonSet(ds: DaemonSet, nodes: DaemonNodeState[], hash: string, nowMs: number): NodePlan {
  const plan: NodePlan = { create: [], delete: [] };
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const oldAvailable: Pod[] = [];
  let unavailable = 0;
  for (const { node, pods } of nodes) {
    const verdict = nodeShouldRunDaemonPod(node, ds.spec?.template.spec);
    const terminating = pods.some((p) => p.metadata?.deletionTimestamp);
    const live = pods.filter((p) => !p.metadata?.deletionTimestamp);
    if (!verdict.shouldContinueRunning) {
      plan.delete.push(...live);
      continue;
    }
    // A failed daemon pod is deleted and replaced (kube does the same, with a back-off).
    plan.delete.push(...live.filter((p) => p.status?.phase === 'Failed'));
    const running = live.filter(isPodActive).sort((a, b) => created(a) - created(b));
    // Surge is 0: at most one pod per node; keep the oldest.
    plan.delete.push(...running.slice(1));
    const pod = running[0];
    if (!pod) {
      if (verdict.shouldRun && !terminating) plan.create.push(node.metadata?.name ?? '');
      if (verdict.shouldRun) unavailable++;
      continue;
    }
    const available = isPodAvailable(pod, minReady, nowMs);
    if (!available) unavailable++;
    if (ds.spec?.updateStrategy?.type === 'OnDelete') continue;
    if (pod.metadata?.labels?.['controller-revision-hash'] === hash) continue;
    // An old pod that is not available anyway can go at once; available ones wait for the budget below.
    if (available) oldAvailable.push(pod);
    else plan.delete.push(pod);
  }
  const desired = nodes.filter((n) => nodeShouldRunDaemonPod(n.node, ds.spec?.template.spec).shouldRun).length;
  const budget = resolveMaxUnavailable(ds, desired) - unavailable;
  plan.delete.push(...oldAvailable.sort((a, b) => created(a) - created(b)).slice(0, Math.max(0, budget)));
  return plan;
}

function created(p: Pod): number {
  return Date.parse(p.metadata?.creationTimestamp ?? '') || 0;
}
