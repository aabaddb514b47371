// The ResourceQuota admission decision (kube's resourcequota CheckRequest), pure: given the namespace's quotas and
// one write, either the reason it is refused, with kube's wording, or the quotas' status.used raised by what the
// write adds. The admission plugin stores the raised usage before the object itself is stored.
import type { KubeObject, ResourceQuota } from '../api/types.ts';
import { inQuotaScopes, quotaMatches, type QuotaEvaluator, type QuotaOperation } from './evaluators.ts';
import {
  add, exceeding, mask, negativeNames, parseResourceList, prettyPrint, removeZeros, subtractNonNegative, toRecord,
  type ResourceList,
} from './resource-list.ts';

export interface QuotaRequest {
  operation: QuotaOperation;
  object: KubeObject;
  oldObject?: KubeObject;
  nowMs: number;
}

export type QuotaDecision =
  | { allowed: false; reason: string }
  /** `charged`: the quotas whose status.used goes up, with their new status.used (same order as given). */
  | { allowed: true; charged: { quota: ResourceQuota; used: Record<string, string> }[] };

const allowedUnchanged: QuotaDecision = { allowed: true, charged: [] };

function names(list: Readonly<Record<string, unknown>> | undefined): string[] {
  return Object.keys(list ?? {});
}

/** The caller has checked that the evaluator handles the write (evaluator.handles), before reading any quota. */
export function checkRequest(quotas: readonly ResourceQuota[], evaluator: QuotaEvaluator, req: QuotaRequest): QuotaDecision {
  const interesting: ResourceQuota[] = [];
  for (const quota of quotas) {
    // quotaMatches, with the quota's limited names kept for what follows.
    const restricted = evaluator.matchingResources(names(quota.status?.hard));
    if (restricted.length === 0 || !inQuotaScopes(quota, evaluator, req.object)) continue;
    const unmet = evaluator.constraints(restricted, req.object);
    if (unmet) return { allowed: false, reason: `failed quota: ${quota.metadata?.name ?? ''}: ${unmet}` };
    // A limit the controller has not measured yet cannot be checked: refuse rather than guess.
    const used = quota.status?.used ?? {};
    if (restricted.some((n) => !(n in used))) {
      return { allowed: false, reason: `status unknown for quota: ${quota.metadata?.name ?? ''}, resources: ${restricted.join(',')}` };
    }
    interesting.push(quota);
  }

  const input = evaluator.usage(req.object, req.nowMs);
  const negative = negativeNames(input);
  if (negative.length > 0) return { allowed: false, reason: `quota usage is negative for resource(s): ${negative.sort().join(',')}` };
  if (interesting.length === 0) return allowedUnchanged;

  // An update is charged only for what it adds, against quotas the old object was already charged to.
  const deltaFor = (quota: ResourceQuota): ResourceList => {
    if (req.operation !== 'UPDATE' || !req.oldObject || !quotaMatches(quota, evaluator, req.oldObject)) return input;
    return subtractNonNegative(input, evaluator.usage(req.oldObject, req.nowMs));
  };

  const charged: { quota: ResourceQuota; used: Record<string, string> }[] = [];
  for (const quota of interesting) {
    const delta = removeZeros(deltaFor(quota));
    if (delta.size === 0) continue;
    const hard = parseResourceList(quota.status?.hard);
    const used = parseResourceList(quota.status?.used);
    const requested = mask(delta, hard.keys());
    const newUsed = add(used, requested);
    const over = exceeding(mask(newUsed, requested.keys()), hard);
    if (over.length > 0) {
      return {
        allowed: false,
        reason: `exceeded quota: ${quota.metadata?.name ?? ''}, requested: ${prettyPrint(mask(requested, over))}, `
          + `used: ${prettyPrint(mask(used, over))}, limited: ${prettyPrint(mask(hard, over))}`,
      };
    }
    if (requested.size > 0) charged.push({ quota, used: toRecord(newUsed) });
  }
  return { allowed: true, charged };
}
