// Does one RBAC rule allow one request? kube's RuleAllows and its helpers (pkg/apis/rbac/v1/evaluation_helpers.go),
// in our words. Rules only ever add: a request is allowed when any rule of any binding that applies allows it.
//
// A resource request matches on verb, API group, resource (with its subresource as `pods/log`, or any
// resource's subresource as `*/scale`) and, when the rule lists names, the object's name. A request for a path that
// is not a resource (/healthz, /version) matches on verb and URL, where a trailing `*` is a prefix.
import type { PolicyRule } from '../api/types.ts';

/** The request as RBAC sees it: a subset of RequestAttributes, so tests and reviews can build it directly. */
export interface RuleRequest {
  verb: string;
  resourceRequest: boolean;
  apiGroup: string;
  resource: string;
  subresource: string;
  name: string;
  path: string;
}

export const anything = '*';

export function ruleAllows(request: RuleRequest, rule: PolicyRule): boolean {
  if (!verbMatches(rule, request.verb)) return false;
  if (!request.resourceRequest) return nonResourceURLMatches(rule, request.path);
  const combined = request.subresource ? `${request.resource}/${request.subresource}` : request.resource;
  return apiGroupMatches(rule, request.apiGroup)
    && resourceMatches(rule, combined, request.subresource)
    && resourceNameMatches(rule, request.name);
}

export function rulesAllow(request: RuleRequest, rules: readonly PolicyRule[]): boolean {
  return rules.some((rule) => ruleAllows(request, rule));
}

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((v) => v === anything || v === verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some((g) => g === anything || g === group);
}

/** `combined` is `pods` or `pods/log`; `*` matches everything, `* /log` (without the space) any resource's log. */
export function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  return (rule.resources ?? []).some((r) => r === anything || r === combined
    || (subresource !== '' && r === `*/${subresource}`));
}

/** No names listed: every name, including none (list, create). Otherwise only the names listed. */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some((url) => url === anything || url === path
    || (url.endsWith('*') && path.startsWith(url.replace(/\*+$/, ''))));
}
