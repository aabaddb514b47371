// What may change in a running pod, after Kubernetes' ValidatePodUpdate. A pod's spec is fixed once created,
// except container images, a shrinking activeDeadlineSeconds, added tolerations, removed scheduling gates, a
// negative grace period corrected to 1, and (while the pod is still gated) added node constraints. The handler
// validates the new pod in full as well (validatePod); this file holds only the rules that need the old pod.
import { fieldError, type FieldError } from '../errors.ts';
import type { NodeAffinity, NodeSelectorTerm } from '../pod-types.ts';
import type { Pod, PodSpec, Toleration } from '../types.ts';
import { child, clone, index, semanticEqual } from './common.ts';
import { validatePodSpecificAnnotationUpdates } from './pod-annotations.ts';

export const updatablePodSpecFields = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

const maxInt32 = 2147483647;

export function validatePodUpdate(pod: Pod, old: Pod): FieldError[] {
  const errs = validatePodSpecificAnnotationUpdates(pod.metadata?.annotations, old.metadata?.annotations, 'metadata.annotations');
  const spec: PodSpec = pod.spec ?? { containers: [] };
  const oldSpec: PodSpec = old.spec ?? { containers: [] };
  for (const field of ['containers', 'initContainers'] as const) {
    if ((spec[field] ?? []).length !== (oldSpec[field] ?? []).length) {
      // Nothing else can be compared container by container, so stop here as Kubernetes does.
      return [...errs, fieldError.forbidden(child('spec', field), 'pod updates may not add or remove containers')];
    }
  }
  const deadlineErrs = validateDeadlineUpdate(spec.activeDeadlineSeconds, oldSpec.activeDeadlineSeconds);
  errs.push(...deadlineErrs.errors);
  if (deadlineErrs.stop) return errs;
  errs.push(...validateOnlyAddedTolerations(spec.tolerations, oldSpec.tolerations));
  errs.push(...validateOnlyDeletedSchedulingGates(spec.schedulingGates, oldSpec.schedulingGates));
  if (semanticEqual(spec, oldSpec)) return errs;

  // Put the old values back into everything that may change; whatever still differs may not.
  const munged = clone(spec);
  munged.containers = (munged.containers ?? []).map((c, i) => ({ ...c, image: oldSpec.containers[i]?.image }));
  if (munged.initContainers) {
    munged.initContainers = munged.initContainers.map((c, i) => ({ ...c, image: oldSpec.initContainers?.[i]?.image }));
  }
  munged.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
  munged.schedulingGates = oldSpec.schedulingGates;
  munged.tolerations = oldSpec.tolerations;
  // Kubernetes once accepted negative grace periods; fixing one up to 1 is allowed.
  const oldGrace = oldSpec.terminationGracePeriodSeconds;
  if (oldGrace != null && oldGrace < 0 && munged.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = oldGrace;
  if (oldSpec.schedulingGates?.length) errs.push(...allowGatedPodNodeConstraints(munged, oldSpec));
  if (!semanticEqual(munged, oldSpec)) {
    const diff = describeDifferences(oldSpec, munged, 'spec').slice(0, 20).join('\n');
    errs.push(fieldError.forbidden('spec', `pod updates may not change fields other than ${updatablePodSpecFields.join(',')}\n${diff}`));
  }
  return errs;
}

/** activeDeadlineSeconds may be set once, and afterwards only lowered (down to 0, which ends the pod now). */
function validateDeadlineUpdate(now: number | undefined, before: number | undefined): { errors: FieldError[]; stop: boolean } {
  const path = 'spec.activeDeadlineSeconds';
  if (now != null) {
    if (now < 0 || now > maxInt32) {
      return { errors: [fieldError.invalid(path, now, `must be between 0 and ${maxInt32}, inclusive`)], stop: true };
    }
    if (before != null && before < now) {
      return { errors: [fieldError.invalid(path, now, 'must be less than or equal to previous value')], stop: true };
    }
    return { errors: [], stop: false };
  }
  if (before != null) return { errors: [fieldError.invalid(path, null, 'must not update from a positive integer to nil value')], stop: false };
  return { errors: [], stop: false };
}

/** Every old toleration must still be there; only its tolerationSeconds may change (the taint manager sets it). */
function validateOnlyAddedTolerations(now: Toleration[] | undefined, before: Toleration[] | undefined): FieldError[] {
  for (const old of before ?? []) {
    const kept = (now ?? []).some((t) => semanticEqual({ ...old, tolerationSeconds: t.tolerationSeconds }, t));
    if (!kept) return [fieldError.forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return [];
}

/** Scheduling gates are removed one by one as their controllers are done; none may be added. */
function validateOnlyDeletedSchedulingGates(now: PodSpec['schedulingGates'], before: PodSpec['schedulingGates']): FieldError[] {
  const oldNames = new Set((before ?? []).map((g) => g.name));
  const errs: FieldError[] = [];
  (now ?? []).forEach((g, i) => {
    if (!oldNames.has(g.name)) {
      errs.push(fieldError.forbidden(child(index('spec.schedulingGates', i), 'name'),
        `only deletion is allowed, but found new scheduling gate '${g.name}'`));
    }
  });
  return errs;
}

/**
 * While a pod is gated nothing has scheduled it, so its node constraints may still be narrowed: entries may be
 * added to nodeSelector and to the required node affinity, never changed or removed. Accepted changes are put
 * back to the old values in `munged` so the final comparison passes.
 */
function allowGatedPodNodeConstraints(munged: PodSpec, oldSpec: PodSpec): FieldError[] {
  const errs: FieldError[] = [];
  if (!semanticEqual(munged.nodeSelector, oldSpec.nodeSelector)) {
    const now = munged.nodeSelector ?? {};
    const removedOrChanged = Object.entries(oldSpec.nodeSelector ?? {}).some(([k, v]) => now[k] !== v);
    if (removedOrChanged) {
      errs.push(fieldError.invalid('spec.nodeSelector', now, 'only additions to spec.nodeSelector are allowed (no mutations or deletions)'));
    }
    munged.nodeSelector = oldSpec.nodeSelector;
  }
  const oldNode = oldSpec.affinity?.nodeAffinity;
  const newNode = munged.affinity?.nodeAffinity;
  if (!semanticEqual(oldNode, newNode)) {
    errs.push(...validateNodeAffinityMutation(newNode, oldNode));
    if (!munged.affinity) munged.affinity = oldNode ? { nodeAffinity: oldNode } : undefined;
    else if (!oldSpec.affinity && !munged.affinity.podAffinity && !munged.affinity.podAntiAffinity) munged.affinity = undefined;
    else munged.affinity.nodeAffinity = oldNode;
  }
  return errs;
}

function validateNodeAffinityMutation(now: NodeAffinity | undefined, before: NodeAffinity | undefined): FieldError[] {
  const oldTerms = before?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!oldTerms) return [];
  const newTerms = now?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  const termsPath = 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms';
  if (oldTerms.length > 0 && oldTerms.length !== newTerms.length) {
    return [fieldError.invalid(termsPath, newTerms, 'no additions/deletions to non-empty NodeSelectorTerms list are allowed')];
  }
  const errs: FieldError[] = [];
  oldTerms.forEach((oldTerm, i) => {
    if (!termOnlyAdds(newTerms[i], oldTerm)) {
      errs.push(fieldError.invalid(index(termsPath, i), newTerms[i], 'only additions are allowed (no mutations or deletions)'));
    }
  });
  return errs;
}

function termOnlyAdds(now: NodeSelectorTerm | undefined, before: NodeSelectorTerm): boolean {
  const oldExprs = before.matchExpressions ?? [];
  const oldFields = before.matchFields ?? [];
  const newExprs = now?.matchExpressions ?? [];
  const newFields = now?.matchFields ?? [];
  // An empty term matches nothing; filling it in would widen the match rather than narrow it.
  if (oldExprs.length === 0 && oldFields.length === 0 && (newExprs.length > 0 || newFields.length > 0)) return false;
  const keepsPrefix = <T>(a: T[], b: T[]): boolean => a.length >= b.length && semanticEqual(a.slice(0, b.length), b);
  return keepsPrefix(newExprs, oldExprs) && keepsPrefix(newFields, oldFields);
}

/** Field paths where two specs differ, old value first: a readable stand-in for Kubernetes' object diff. */
export function describeDifferences(before: unknown, now: unknown, path: string): string[] {
  if (semanticEqual(before, now)) return [];
  if (Array.isArray(before) && Array.isArray(now) && before.length === now.length) {
    return before.flatMap((b, i) => describeDifferences(b, now[i], index(path, i)));
  }
  if (isObject(before) && isObject(now)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(now)])].sort();
    return keys.flatMap((k) => describeDifferences(before[k], now[k], child(path, k)));
  }
  return [`  ${path}: ${JSON.stringify(before ?? null)} -> ${JSON.stringify(now ?? null)}`];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
