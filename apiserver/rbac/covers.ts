// Whether one set of rules grants at least everything another does (kube's Covers, used to stop a user from
// granting what they do not hold), and the compact text kube prints for the rules that are missing.
//
// The servant rules are broken down into atoms of one group, one resource, one verb and at most one name (or one
// URL and one verb). Each atom is then either wholly covered by a single owner rule or not at all, which makes the
// answer exact and the list of uncovered atoms a precise "what you lack".
import type { PolicyRule } from '../api/types.ts';
import { goQuote } from '../api/go-format.ts';
import { ruleAllows, type RuleRequest } from './policy-rule.ts';

export interface CoverResult {
  covered: boolean;
  /** The atoms no owner rule covers. */
  missing: PolicyRule[];
}

export function covers(owner: readonly PolicyRule[], servant: readonly PolicyRule[]): CoverResult {
  const missing = servant.flatMap(breakdownRule).filter((atom) => {
    const request = atomToRequest(atom);
    return !owner.some((rule) => ruleAllows(request, rule));
  });
  return { covered: missing.length === 0, missing };
}

/** One rule per (group, resource, verb[, name]) and per (URL, verb). */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const atoms: PolicyRule[] = [];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of rule.verbs) {
        const names = rule.resourceNames ?? [];
        if (names.length === 0) atoms.push({ apiGroups: [group], resources: [resource], verbs: [verb] });
        for (const name of names) atoms.push({ apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: [name] });
      }
    }
  }
  for (const url of rule.nonResourceURLs ?? []) {
    for (const verb of rule.verbs) atoms.push({ nonResourceURLs: [url], verbs: [verb] });
  }
  return atoms;
}

/** An atom from breakdownRule as the request it stands for, so ruleAllows decides whether a rule covers it. */
function atomToRequest(atom: PolicyRule): RuleRequest {
  const path = atom.nonResourceURLs?.[0];
  const combined = atom.resources?.[0] ?? '';
  const slash = combined.indexOf('/');
  return {
    verb: atom.verbs[0] ?? '',
    resourceRequest: path === undefined,
    apiGroup: atom.apiGroups?.[0] ?? '',
    resource: slash === -1 ? combined : combined.slice(0, slash),
    subresource: slash === -1 ? '' : combined.slice(slash + 1),
    name: atom.resourceNames?.[0] ?? '',
    path: path ?? '',
  };
}

/**
 * kube's CompactRules: atoms that differ only by verb (one group, one resource, nothing else) are merged back into
 * one rule per group/resource, in the order the group/resource first appeared; others stay as they are.
 */
export function compactRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const compacted: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const rule of rules) {
    const key = simpleResourceKey(rule);
    if (key === undefined) {
      compacted.push(rule);
      continue;
    }
    const existing = simple.get(key);
    if (existing) existing.verbs = [...existing.verbs, ...rule.verbs];
    else simple.set(key, { apiGroups: [...(rule.apiGroups ?? [])], resources: [...(rule.resources ?? [])], verbs: [...rule.verbs] });
  }
  return [...compacted, ...simple.values()];
}

function simpleResourceKey(rule: PolicyRule): string | undefined {
  if ((rule.resourceNames ?? []).length > 0 || (rule.nonResourceURLs ?? []).length > 0) return undefined;
  if ((rule.apiGroups ?? []).length !== 1 || (rule.resources ?? []).length !== 1) return undefined;
  return `${rule.apiGroups![0]}\u0000${rule.resources![0]}`;
}

/** Go's %q of a []string: `["get" "list"]`. */
function goQuotedList(values: readonly string[]): string {
  return `[${values.map(goQuote).join(' ')}]`;
}

/** kube's CompactString: `{APIGroups:[""], Resources:["pods"], Verbs:["get" "list"]}`, empty parts left out. */
export function compactString(rule: PolicyRule): string {
  const parts: string[] = [];
  if ((rule.apiGroups ?? []).length > 0) parts.push(`APIGroups:${goQuotedList(rule.apiGroups!)}`);
  if ((rule.resources ?? []).length > 0) parts.push(`Resources:${goQuotedList(rule.resources!)}`);
  if ((rule.nonResourceURLs ?? []).length > 0) parts.push(`NonResourceURLs:${goQuotedList(rule.nonResourceURLs!)}`);
  if ((rule.resourceNames ?? []).length > 0) parts.push(`ResourceNames:${goQuotedList(rule.resourceNames!)}`);
  if (rule.verbs.length > 0) parts.push(`Verbs:${goQuotedList(rule.verbs)}`);
  return `{${parts.join(', ')}}`;
}
