// The rules every pod-owning controller shares: a selector that is present, well formed and not empty, a pod
// template whose labels that selector matches (or the controller would never see the pods it creates), and the
// template restrictions of long-running controllers.
import { fieldError, type FieldError } from '../errors.ts';
import { matchesSelector, selectorFromLabelSelector, validateLabelSelector } from '../labels.ts';
import type { LabelSelector, PodTemplateSpec } from '../types.ts';
import { child } from './common.ts';
import { validatePodTemplateSpec } from './pod.ts';

/** `kind` is the lower-case word Kubernetes puts in the message: "empty selector is invalid for deployment". */
export function validateControllerSelector(selector: LabelSelector | undefined, path: string, kind: string): FieldError[] {
  if (!selector) return [fieldError.required(path)];
  const errs = validateLabelSelector(selector, path);
  const terms = Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions ?? []).length;
  if (terms === 0) errs.push(fieldError.invalid(path, selector, `empty selector is invalid for ${kind}`));
  return errs;
}

/**
 * The template's labels must be selected by the selector. Skipped when the selector is missing, empty or
 * malformed: those are reported by validateControllerSelector, once.
 */
export function validateSelectorMatchesTemplate(
  selector: LabelSelector | undefined, labels: Record<string, string> | undefined, templatePath: string,
): FieldError[] {
  if (!selector) return [];
  const terms = Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions ?? []).length;
  if (terms === 0) return [];
  let parsed: ReturnType<typeof selectorFromLabelSelector>;
  try {
    parsed = selectorFromLabelSelector(selector);
  } catch {
    return [];
  }
  if (matchesSelector(parsed, labels)) return [];
  return [fieldError.invalid(child(templatePath, 'metadata.labels'), labels ?? {}, '`selector` does not match template `labels`')];
}

/** A map selector (ReplicationController, Service) matches when every pair is among the labels. */
export function mapSelectorMatches(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/**
 * The pod template of a controller that keeps pods running (ReplicaSet, Deployment, DaemonSet, StatefulSet,
 * ReplicationController): a valid template whose pods restart forever and never time out. `kindName` is the
 * kind as written in Kubernetes' message ("activeDeadlineSeconds in ReplicaSet is not Supported").
 */
export function validateLongRunningTemplate(
  template: PodTemplateSpec | undefined, path: string, kindName: string,
): FieldError[] {
  if (!template) return [fieldError.required(path)];
  const errs = validatePodTemplateSpec(template, path);
  errs.push(...longRunningRestrictions(template, path, kindName));
  return errs;
}

/** The restrictions alone, for StatefulSet, which validates its pod spec differently. */
export function longRunningRestrictions(template: PodTemplateSpec, path: string, kindName: string): FieldError[] {
  const errs: FieldError[] = [];
  const restartPolicy = template.spec?.restartPolicy;
  if (restartPolicy !== 'Always') {
    errs.push(fieldError.notSupported(child(path, 'spec.restartPolicy'), restartPolicy ?? '', ['Always']));
  }
  if (template.spec?.activeDeadlineSeconds !== undefined && template.spec.activeDeadlineSeconds !== null) {
    errs.push(fieldError.forbidden(child(path, 'spec.activeDeadlineSeconds'),
      `activeDeadlineSeconds in ${kindName} is not Supported`));
  }
  return errs;
}
