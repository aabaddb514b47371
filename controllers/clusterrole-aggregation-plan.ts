// What an aggregated ClusterRole's rules should be (kube's clusterroleaggregation controller): for each of its
// clusterRoleSelectors in order, the rules of every other ClusterRole matching it, by role name, each distinct
// rule once. Pure, so the unit tests call it with plain objects.
import { matchesSelector, selectorFromLabelSelector } from '../apiserver/api/labels.ts';
import type { ClusterRole, PolicyRule } from '../apiserver/api/types.ts';
import { semanticEqual } from '../apiserver/api/validation/common.ts';

/** The rules `role` should hold; undefined when it has no aggregationRule (its rules are its own). */
export function aggregatedRules(role: ClusterRole, all: readonly ClusterRole[]): PolicyRule[] | undefined {
  const selectors = role.aggregationRule?.clusterRoleSelectors;
  if (!role.aggregationRule) return undefined;
  const rules: PolicyRule[] = [];
  const byName = [...all].sort((a, b) => compare(a.metadata?.name ?? '', b.metadata?.name ?? ''));
  for (const labelSelector of selectors ?? []) {
    // Validation refuses bad selectors, so one that fails to parse here selects nothing.
    let selector: ReturnType<typeof selectorFromLabelSelector>;
    try {
      selector = selectorFromLabelSelector(labelSelector);
    } catch {
      continue;
    }
    for (const other of byName) {
      if (other.metadata?.name === role.metadata?.name) continue;
      if (!matchesSelector(selector, other.metadata?.labels)) continue;
      for (const rule of other.rules ?? []) {
        if (!rules.some((r) => semanticEqual(r, rule))) rules.push(rule);
      }
    }
  }
  return rules;
}

/** True when the stored rules already are the aggregate (kube compares semantically: nil and [] are equal). */
export function rulesUpToDate(role: ClusterRole, rules: PolicyRule[]): boolean {
  return semanticEqual(role.rules ?? [], rules);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
