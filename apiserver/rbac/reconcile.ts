// How the apiserver brings a stored bootstrap role or binding up to date at start (kube's
// pkg/registry/rbac/reconciliation, in its additive mode): what the policy expects is added, nothing an
// administrator added is taken away, and an object annotated autoupdate "false" is left alone. A binding whose
// roleRef differs cannot be updated (roleRef is immutable), so it is deleted and created again.
import { semanticEqual } from '../api/validation/common.ts';
import { sameRoleRef } from '../api/validation/rbac.ts';
import type { AggregationRule, ClusterRole, ClusterRoleBinding, LabelSelector, Subject } from '../api/types.ts';
import { covers } from './covers.ts';
import { autoUpdateAnnotation } from './policy-metadata.ts';

export type ReconcileOperation = 'none' | 'create' | 'update' | 'recreate';

export interface Reconciled<T> {
  operation: ReconcileOperation;
  /** What to store (the existing object with what was missing added, or the expected one). */
  object: T;
  /** autoupdate "false": reported, never written. */
  protected: boolean;
}

function isProtected(obj: { metadata?: { annotations?: Record<string, string> } }): boolean {
  return obj.metadata?.annotations?.[autoUpdateAnnotation] === 'false';
}

/** Expected labels and annotations under the existing ones: what the object already says wins. */
function mergeMetadata<T extends ClusterRole | ClusterRoleBinding>(result: T, expected: T, existing: T): boolean {
  const meta = (result.metadata ??= {});
  meta.labels = { ...expected.metadata?.labels, ...existing.metadata?.labels };
  meta.annotations = { ...expected.metadata?.annotations, ...existing.metadata?.annotations };
  return !semanticEqual(meta.labels, existing.metadata?.labels ?? {})
    || !semanticEqual(meta.annotations, existing.metadata?.annotations ?? {});
}

export function reconcileClusterRole(existing: ClusterRole | undefined, expected: ClusterRole): Reconciled<ClusterRole> {
  if (!existing) return { operation: 'create', object: structuredClone(expected), protected: false };
  const role = structuredClone(existing);
  let changed = mergeMetadata(role, expected, existing);
  const missing = covers(existing.rules ?? [], expected.rules ?? []).missing;
  if (missing.length > 0) {
    role.rules = [...(role.rules ?? []), ...missing];
    changed = true;
  }
  const missingSelectors = missingAggregationSelectors(existing.aggregationRule, expected.aggregationRule);
  if (!expected.aggregationRule && existing.aggregationRule) {
    // Not an aggregated role in the policy: stop aggregating into it.
    delete role.aggregationRule;
    changed = true;
  } else if (missingSelectors.length > 0) {
    const rule: AggregationRule = role.aggregationRule ?? {};
    rule.clusterRoleSelectors = [...(rule.clusterRoleSelectors ?? []), ...missingSelectors];
    role.aggregationRule = rule;
    changed = true;
  }
  return { operation: changed ? 'update' : 'none', object: role, protected: isProtected(existing) };
}

function missingAggregationSelectors(existing: AggregationRule | undefined, expected: AggregationRule | undefined): LabelSelector[] {
  const have = existing?.clusterRoleSelectors ?? [];
  return (expected?.clusterRoleSelectors ?? []).filter((want) => !have.some((h) => semanticEqual(h, want)));
}

export function reconcileClusterRoleBinding(
  existing: ClusterRoleBinding | undefined, expected: ClusterRoleBinding,
): Reconciled<ClusterRoleBinding> {
  if (!existing) return { operation: 'create', object: structuredClone(expected), protected: false };
  if (!sameRoleRef(existing.roleRef, expected.roleRef)) {
    return { operation: 'recreate', object: structuredClone(expected), protected: isProtected(existing) };
  }
  const binding = structuredClone(existing);
  let changed = mergeMetadata(binding, expected, existing);
  const missing = (expected.subjects ?? []).filter((s) => !(existing.subjects ?? []).some((e) => sameSubject(e, s)));
  if (missing.length > 0) {
    binding.subjects = [...(binding.subjects ?? []), ...missing];
    changed = true;
  }
  return { operation: changed ? 'update' : 'none', object: binding, protected: isProtected(existing) };
}

function sameSubject(a: Subject, b: Subject): boolean {
  return a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '') && (a.apiGroup ?? '') === (b.apiGroup ?? '');
}
