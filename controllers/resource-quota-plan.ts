// The resource-quota controller's decisions (kube's syncResourceQuota), pure: what a namespace's objects use of
// what a quota limits, and the status that makes the quota true (status.hard = spec.hard, status.used measured).
//
// One addition to kube's rule: usage that would go down is written only once the quota has gone a moment
// (`settleMs`) without admission raising it. Admission charges a quota just before it stores the object, so right
// after a charge the object may not be in this controller's caches yet; lowering then would hand the same slot
// out twice. Usage going up, or a first measurement, is written at once.
import type { KubeObject, ResourceQuota } from '../apiserver/api/types.ts';
import { compareQuantity } from '../apiserver/api/quantity.ts';
import { evaluatorsForNames, scopeRequirementsOf, usageOf } from '../apiserver/quota/evaluators.ts';
import { add, equal, mask, parseResourceList, toRecord, type ResourceList } from '../apiserver/quota/resource-list.ts';

type QuotaStatus = NonNullable<ResourceQuota['status']>;

/** The objects of one kind in the quota's namespace, or undefined when they cannot be listed (yet). */
export type ObjectsOf = (group: string, plural: string) => readonly KubeObject[] | undefined;

/**
 * What the namespace uses of each resource spec.hard names (kube's CalculateUsage), counting only objects in all
 * the quota's scopes. Names no kind can be measured for (or whose kind is not listed yet) are left out.
 */
export function measureQuota(quota: ResourceQuota, objectsOf: ObjectsOf, nowMs: number): ResourceList {
  const hardNames = Object.keys(quota.spec?.hard ?? {});
  const scopes = scopeRequirementsOf(quota);
  let used: ResourceList = new Map();
  for (const evaluator of evaluatorsForNames(hardNames)) {
    const objects = objectsOf(evaluator.group, evaluator.plural);
    if (!objects) continue;
    used = add(used, usageOf(evaluator, evaluator.matchingResources(hardNames), scopes, objects, nowMs));
  }
  return used;
}

export type QuotaStatusPlan =
  | { action: 'none' }
  | { action: 'update'; status: QuotaStatus }
  /** Usage would go down too soon after a charge: look again after this long. */
  | { action: 'wait'; afterMs: number };

export interface PlanOptions {
  /** How long ago this controller saw admission raise the quota's usage; undefined if never. */
  msSinceRaised?: number;
  settleMs: number;
}

function sameList(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  return equal(parseResourceList(a), parseResourceList(b));
}

export function planQuotaStatus(quota: ResourceQuota, measured: ResourceList, o: PlanOptions): QuotaStatusPlan {
  const hard = quota.spec?.hard ?? {};
  const previous = parseResourceList(quota.status?.used);
  // What could not be measured keeps its last value; names no longer limited are dropped.
  const used = mask(new Map([...previous, ...measured]), Object.keys(hard));
  const dirty = !quota.status?.hard || !quota.status.used || !sameList(hard, quota.status.hard) || !equal(used, previous);
  if (!dirty) return { action: 'none' };
  const lowers = [...used].some(([name, q]) => {
    const before = previous.get(name);
    return before !== undefined && compareQuantity(q, before) < 0;
  });
  if (lowers && o.msSinceRaised !== undefined && o.msSinceRaised < o.settleMs) {
    return { action: 'wait', afterMs: o.settleMs - o.msSinceRaised };
  }
  return { action: 'update', status: { hard: { ...hard }, used: toRecord(used) } };
}

/** Whether `next` raises any of `prev`'s usage (or adds usage it did not have): what admission's charges do. */
export function usageRaised(prev: ResourceQuota, next: ResourceQuota): boolean {
  const before = parseResourceList(prev.status?.used);
  for (const [name, q] of parseResourceList(next.status?.used)) {
    const old = before.get(name);
    if (!old || compareQuantity(q, old) > 0) return true;
  }
  return false;
}

/** Whether the part of a quota the controller measures against changed (kube requeues only on spec.hard). */
export function quotaSpecChanged(prev: ResourceQuota, next: ResourceQuota): boolean {
  return JSON.stringify(prev.spec ?? {}) !== JSON.stringify(next.spec ?? {});
}
