// ResourceQuota validation (core/v1), after Kubernetes' ValidateResourceQuota(Spec|Update).
import type { ResourceQuotaSpec } from 'kubernetes-types/core/v1.d.ts';
import { fieldError, type FieldError } from '../errors.ts';
import type { ResourceQuota } from '../types.ts';
import { child, key } from './common.ts';
import { validateQuotaResourceName, validateResourceQuantity } from './resources.ts';

const scopes = ['BestEffort', 'CrossNamespacePodAffinity', 'NotBestEffort', 'NotTerminating', 'PriorityClass', 'Terminating'];
/** Pairs that select disjoint sets of pods: a quota with both could never match anything. */
const conflictingScopes = [['BestEffort', 'NotBestEffort'], ['Terminating', 'NotTerminating']];
const computeQuotaResources = new Set([
  'cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory',
  'ephemeral-storage', 'requests.ephemeral-storage', 'limits.ephemeral-storage',
]);

/** Which hard limits a scope can meaningfully narrow: pod scopes apply to pods and what pods request. */
function scopeAppliesTo(scope: string, resource: string): boolean {
  if (resource === 'pods') return true;
  if (scope === 'BestEffort' || scope === 'CrossNamespacePodAffinity') return false;
  return computeQuotaResources.has(resource) || resource.startsWith('requests.hugepages-');
}

function isStandardQuotaName(name: string): boolean {
  return !name.includes('/') && validateQuotaResourceName(name, '').length === 0;
}

export function validateResourceQuota(quota: ResourceQuota): FieldError[] {
  const spec = quota.spec ?? {};
  const errs = validateResourceList(spec.hard, 'spec.hard');
  errs.push(...validateScopes(spec));
  errs.push(...validateScopeSelector(spec));
  return errs;
}

function validateResourceList(list: Record<string, unknown> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [name, value] of Object.entries(list ?? {})) {
    const p = key(path, name);
    errs.push(...validateQuotaResourceName(name, p));
    errs.push(...validateResourceQuantity(name, value, p));
  }
  return errs;
}

function validateScopes(spec: ResourceQuotaSpec): FieldError[] {
  const list = spec.scopes ?? [];
  if (list.length === 0) return [];
  const errs: FieldError[] = [];
  const hard = Object.keys(spec.hard ?? {}).sort();
  for (const scope of list) {
    if (!scopes.includes(scope)) errs.push(fieldError.invalid('spec.scopes', list, 'unsupported scope'));
    for (const resource of hard) {
      if (isStandardQuotaName(resource) && !scopeAppliesTo(scope, resource)) {
        errs.push(fieldError.invalid('spec.scopes', list, 'unsupported scope applied to resource'));
      }
    }
  }
  for (const pair of conflictingScopes) {
    if (pair.every((s) => list.includes(s))) errs.push(fieldError.invalid('spec.scopes', list, 'conflicting scopes'));
  }
  return errs;
}

function validateScopeSelector(spec: ResourceQuotaSpec): FieldError[] {
  const expressions = spec.scopeSelector?.matchExpressions ?? [];
  const errs: FieldError[] = [];
  const path = 'spec.scopeSelector.matchExpressions';
  const seen: string[] = [];
  for (const req of expressions) {
    if (!scopes.includes(req.scopeName)) errs.push(fieldError.invalid(child(path, 'scopeName'), req.scopeName, 'unsupported scope'));
    const podStateScope = req.scopeName !== 'PriorityClass';
    if (podStateScope && scopes.includes(req.scopeName) && req.operator !== 'Exists') {
      errs.push(fieldError.invalid(child(path, 'operator'), req.operator,
        "must be 'Exist' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, "
        + 'ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity'));
    }
    switch (req.operator) {
      case 'In':
      case 'NotIn':
        if ((req.values ?? []).length === 0) {
          errs.push(fieldError.required(child(path, 'values'),
            "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"));
        }
        break;
      case 'Exists':
      case 'DoesNotExist':
        if ((req.values ?? []).length > 0) {
          errs.push(fieldError.invalid(child(path, 'values'), req.values,
            "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"));
        }
        break;
      default:
        errs.push(fieldError.invalid(child(path, 'operator'), req.operator, 'not a valid selector operator'));
    }
    seen.push(req.scopeName);
  }
  for (const pair of conflictingScopes) {
    if (pair.every((s) => seen.includes(s))) errs.push(fieldError.invalid(path, seen, 'conflicting scopes'));
  }
  return errs;
}

/** Only the checks that need the old object; the handler runs validateResourceQuota on updates as well. */
export function validateResourceQuotaUpdate(quota: ResourceQuota, old: ResourceQuota): FieldError[] {
  // What a quota counts may not change under existing usage records.
  const scopesOf = (q: ResourceQuota): string => [...new Set(q.spec?.scopes ?? [])].sort().join(',');
  if (scopesOf(quota) === scopesOf(old)) return [];
  return [fieldError.invalid('spec.scopes', quota.spec?.scopes ?? [], 'field is immutable')];
}

export function validateResourceQuotaStatusUpdate(quota: ResourceQuota): FieldError[] {
  return [
    ...validateResourceList(quota.status?.hard, 'status.hard'),
    ...validateResourceList(quota.status?.used, 'status.used'),
  ];
}
