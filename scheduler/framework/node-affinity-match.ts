// Node selectors as component-helpers' nodeaffinity package evaluates them: nodeSelector is an exact label match;
// required terms are ORed, a term's requirements ANDed; an empty or unparsable term matches no node; matchFields
// knows metadata.name only. Compiled once per pod so that filtering a node costs a few map lookups.
import { matchesSelector, type Requirement, type Selector } from '../../apiserver/api/labels.ts';
import type { NodeSelectorRequirement, NodeSelectorTerm } from '../../apiserver/api/pod-types.ts';
import type { Pod } from '../../apiserver/api/types.ts';

export interface NodeView {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

interface CompiledTerm {
  /** undefined: the term has no matchExpressions. */
  readonly labels: Selector | undefined;
  readonly fields: readonly { readonly equal: boolean; readonly value: string; readonly key: string }[] | undefined;
}

export interface RequiredNodeAffinity {
  /** Whether the pod has a nodeSelector or required node affinity at all. */
  readonly constrained: boolean;
  matches(node: NodeView): boolean;
}

export interface PreferredNodeAffinity {
  readonly empty: boolean;
  /** Sum of the weights of the terms the node matches. */
  score(node: NodeView): number;
}

function compileRequirement(r: NodeSelectorRequirement): Requirement {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) throw new Error(`for 'in', 'notin' operators, values set can't be empty`);
      return { key: r.key, operator: r.operator, values: [...values] };
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) throw new Error('values set must be empty for exists and does not exist');
      return { key: r.key, operator: r.operator, values: [] };
    case 'Gt':
    case 'Lt':
      if (values.length !== 1 || !/^[-+]?\d+$/.test(values[0])) throw new Error(`for 'Gt', 'Lt' operators, exactly one integer value is required`);
      return { key: r.key, operator: r.operator, values: [values[0].replace(/^\+/, '')] };
    default:
      throw new Error(`${JSON.stringify(r.operator)} is not a valid node selector operator`);
  }
}

/** A compiled term, or undefined when it is empty or invalid (it then matches no node). */
function compileTerm(term: NodeSelectorTerm): CompiledTerm | undefined {
  const exprs = term.matchExpressions ?? [];
  const fieldReqs = term.matchFields ?? [];
  if (exprs.length === 0 && fieldReqs.length === 0) return undefined;
  try {
    const labels = exprs.length > 0 ? { requirements: exprs.map(compileRequirement) } : undefined;
    const fields = fieldReqs.length > 0 ? fieldReqs.map((f) => {
      const values = f.values ?? [];
      if (values.length !== 1) throw new Error('matchFields values must have one element');
      if (f.operator !== 'In' && f.operator !== 'NotIn') throw new Error(`${f.operator} is not supported in matchFields`);
      return { key: f.key, equal: f.operator === 'In', value: values[0] };
    }) : undefined;
    return { labels, fields };
  } catch {
    return undefined;
  }
}

function fieldValue(node: NodeView, key: string): string | undefined {
  return key === 'metadata.name' ? node.name : undefined;
}

function termMatches(t: CompiledTerm, node: NodeView): boolean {
  if (t.labels && !matchesSelector(t.labels, node.labels)) return false;
  if (t.fields) {
    for (const f of t.fields) {
      const v = fieldValue(node, f.key);
      if (f.equal ? v !== f.value : v === f.value) return false;
    }
  }
  return true;
}

const unconstrained: RequiredNodeAffinity = { constrained: false, matches: () => true };

export function compileRequiredNodeAffinity(pod: Pod): RequiredNodeAffinity {
  const nodeSelector = pod.spec?.nodeSelector;
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (nodeSelector === undefined && required === undefined) return unconstrained;
  const selectorEntries = Object.entries(nodeSelector ?? {});
  const terms = required === undefined ? undefined : required.nodeSelectorTerms.map(compileTerm).filter((t) => t !== undefined);
  return {
    constrained: true,
    matches(node: NodeView): boolean {
      for (const [k, v] of selectorEntries) if (node.labels[k] !== v) return false;
      if (terms === undefined) return true;
      for (const t of terms) if (termMatches(t, node)) return true;
      return false;
    },
  };
}

/**
 * The node names a pod is pinned to by required terms that all carry `metadata.name In (...)` (DaemonSet pods
 * are): undefined when some term leaves every node possible, as kube's NodeAffinity PreFilter computes it.
 */
export function pinnedNodeNames(pod: Pod): Set<string> | undefined {
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms || terms.length === 0) return undefined;
  let union: Set<string> | undefined;
  for (const t of terms) {
    let names: Set<string> | undefined;
    for (const f of t.matchFields ?? []) {
      if (f.key !== 'metadata.name' || f.operator !== 'In') continue;
      const values = new Set(f.values ?? []);
      names = names === undefined ? values : new Set([...names].filter((n) => values.has(n)));
    }
    if (names === undefined) return undefined;
    union = union === undefined ? names : new Set([...union, ...names]);
  }
  return union;
}

export function compilePreferredNodeAffinity(pod: Pod): PreferredNodeAffinity {
  const terms = (pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [])
    .filter((t) => t.weight !== 0)
    .map((t) => ({ weight: t.weight, term: compileTerm(t.preference) }))
    // An unparsable preferred term can never match; kube would fail the attempt, we only ignore the term.
    .filter((t): t is { weight: number; term: CompiledTerm } => t.term !== undefined);
  return {
    empty: terms.length === 0,
    score(node: NodeView): number {
      let sum = 0;
      for (const t of terms) if (termMatches(t.term, node)) sum += t.weight;
      return sum;
    },
  };
}
