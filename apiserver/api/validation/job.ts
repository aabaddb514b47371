// Job validation (batch/v1), after Kubernetes' ValidateJob(Spec|Update). A Job's pods must finish, so its
// template may not restart forever; the selector and template are fixed once pods may exist.
import type { JobSpec, PodFailurePolicy } from 'kubernetes-types/batch/v1.d.ts';
import { fieldError, type FieldError } from '../errors.ts';
import { matchesSelector, selectorFromLabelSelector, validateLabelSelector } from '../labels.ts';
import type { Job, PodTemplateSpec } from '../types.ts';
import { child, clone, immutable, index, key, nonNegative, semanticEqual } from './common.ts';
import { validateSelectorMatchesTemplate } from './controller-template.ts';
import { validatePodTemplateSpec } from './pod.ts';

/** Labels the apiserver puts on a Job's pod template (and selects on) unless the user manages the selector. */
export const jobLabels = {
  controllerUid: 'batch.kubernetes.io/controller-uid',
  jobName: 'batch.kubernetes.io/job-name',
  legacyControllerUid: 'controller-uid',
  legacyJobName: 'job-name',
} as const;

/** Indexed Jobs keep per-index state, so Kubernetes caps how many indexes one may have. */
const maxIndexedCompletions = 100000;
const maxIndexedParallelism = 100000;
const maxPodFailurePolicyRules = 20;

export function validateJob(job: Job): FieldError[] {
  const spec = job.spec;
  if (!spec) return [fieldError.required('spec')];
  const errs = validateGeneratedSelector(job);
  errs.push(...validateJobSpec(spec, 'spec'));
  if (!spec.selector) {
    errs.push(fieldError.required('spec.selector'));
  } else {
    errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
    errs.push(...validateSelectorMatchesTemplate(spec.selector, spec.template?.metadata?.labels, 'spec.template'));
  }
  return errs;
}

/**
 * The rules of a Job spec that hold wherever one appears (a Job, or a CronJob's jobTemplate). The selector is
 * checked by the caller: a Job must have one, a template must not.
 */
export function validateJobSpec(spec: JobSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...nonNegative(spec.parallelism, child(path, 'parallelism')));
  errs.push(...nonNegative(spec.completions, child(path, 'completions')));
  // Kubernetes accepts 0: the Job fails with DeadlineExceeded at once.
  errs.push(...nonNegative(spec.activeDeadlineSeconds, child(path, 'activeDeadlineSeconds')));
  errs.push(...nonNegative(spec.backoffLimit, child(path, 'backoffLimit')));
  errs.push(...nonNegative(spec.ttlSecondsAfterFinished, child(path, 'ttlSecondsAfterFinished')));
  errs.push(...validateCompletionMode(spec, path));
  errs.push(...validatePerIndexLimits(spec, path));
  errs.push(...validatePodReplacementPolicy(spec, path));
  errs.push(...validateJobTemplate(spec.template, child(path, 'template')));
  if (spec.podFailurePolicy) {
    errs.push(...validatePodFailurePolicy(spec.podFailurePolicy, spec.template, path));
  }
  return errs;
}

function validateJobTemplate(template: PodTemplateSpec | undefined, path: string): FieldError[] {
  if (!template) return [fieldError.required(path)];
  const errs = validatePodTemplateSpec(template, path);
  const restartPolicy = template.spec?.restartPolicy ?? '';
  if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') {
    errs.push(fieldError.notSupported(child(path, 'spec.restartPolicy'), restartPolicy, ['OnFailure', 'Never']));
  }
  return errs;
}

function validateCompletionMode(spec: JobSpec, path: string): FieldError[] {
  const mode = spec.completionMode;
  if (mode === undefined) return [];
  if (mode !== 'NonIndexed' && mode !== 'Indexed') {
    return [fieldError.notSupported(child(path, 'completionMode'), mode, ['NonIndexed', 'Indexed'])];
  }
  if (mode !== 'Indexed') return [];
  const errs: FieldError[] = [];
  if (spec.completions === undefined || spec.completions === null) {
    errs.push(fieldError.required(child(path, 'completions'), 'when completion mode is Indexed'));
  } else if (spec.completions > maxIndexedCompletions) {
    errs.push(fieldError.invalid(child(path, 'completions'), spec.completions,
      `must be less than or equal to ${maxIndexedCompletions} when completion mode is Indexed`));
  }
  if (typeof spec.parallelism === 'number' && spec.parallelism > maxIndexedParallelism) {
    errs.push(fieldError.invalid(child(path, 'parallelism'), spec.parallelism,
      `must be less than or equal to ${maxIndexedParallelism} when completion mode is Indexed`));
  }
  return errs;
}

function validatePerIndexLimits(spec: JobSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.backoffLimitPerIndex !== undefined && spec.backoffLimitPerIndex !== null) {
    errs.push(...nonNegative(spec.backoffLimitPerIndex, child(path, 'backoffLimitPerIndex')));
    if (spec.completionMode !== 'Indexed') {
      errs.push(fieldError.invalid(child(path, 'backoffLimitPerIndex'), spec.backoffLimitPerIndex,
        'requires indexed completion mode'));
    }
  }
  if (spec.maxFailedIndexes !== undefined && spec.maxFailedIndexes !== null) {
    errs.push(...nonNegative(spec.maxFailedIndexes, child(path, 'maxFailedIndexes')));
    if (spec.backoffLimitPerIndex === undefined || spec.backoffLimitPerIndex === null) {
      errs.push(fieldError.required(child(path, 'backoffLimitPerIndex'), 'when maxFailedIndexes is specified'));
    }
    if (typeof spec.completions === 'number' && spec.maxFailedIndexes > spec.completions) {
      errs.push(fieldError.invalid(child(path, 'maxFailedIndexes'), spec.maxFailedIndexes,
        'must be less than or equal to completions'));
    }
  }
  return errs;
}

function validatePodReplacementPolicy(spec: JobSpec, path: string): FieldError[] {
  const policy = spec.podReplacementPolicy;
  if (policy === undefined || policy === null) return [];
  // With a pod failure policy, a pod's fate is decided when it has fully failed, not while it terminates.
  const supported = spec.podFailurePolicy ? ['Failed'] : ['TerminatingOrFailed', 'Failed'];
  return supported.includes(policy) ? [] : [fieldError.notSupported(child(path, 'podReplacementPolicy'), policy, supported)];
}

function validatePodFailurePolicy(policy: PodFailurePolicy, template: PodTemplateSpec | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const policyPath = child(path, 'podFailurePolicy');
  if (template?.spec?.restartPolicy !== undefined && template.spec.restartPolicy !== 'Never') {
    errs.push(fieldError.invalid(child(path, 'template.spec.restartPolicy'), template.spec.restartPolicy,
      'only "Never" is supported when podFailurePolicy is specified'));
  }
  const rules = policy.rules ?? [];
  if (rules.length > maxPodFailurePolicyRules) {
    errs.push(fieldError.tooMany(child(policyPath, 'rules'), rules.length, maxPodFailurePolicyRules));
  }
  const actions = ['Count', 'FailIndex', 'FailJob', 'Ignore'];
  rules.forEach((rule, i) => {
    const rulePath = index(child(policyPath, 'rules'), i);
    if (!actions.includes(rule.action)) errs.push(fieldError.notSupported(child(rulePath, 'action'), rule.action, actions));
    const sources = (rule.onExitCodes ? 1 : 0) + (rule.onPodConditions && rule.onPodConditions.length > 0 ? 1 : 0);
    if (sources !== 1) {
      errs.push(fieldError.invalid(rulePath, 'specifying one of OnExitCodes and OnPodConditions is required',
        'specifying one of OnExitCodes and OnPodConditions is required'));
    }
    if (rule.onExitCodes) {
      const op = rule.onExitCodes.operator;
      if (op !== 'In' && op !== 'NotIn') {
        errs.push(fieldError.notSupported(child(rulePath, 'onExitCodes.operator'), op, ['In', 'NotIn']));
      }
      if (!rule.onExitCodes.values || rule.onExitCodes.values.length === 0) {
        errs.push(fieldError.required(child(rulePath, 'onExitCodes.values'), 'at least one value is required'));
      }
    }
  });
  return errs;
}

/**
 * Unless the user manages the selector, the generated labels must be on the template and the selector must
 * pick exactly them; otherwise two Jobs could fight over each other's pods.
 */
function validateGeneratedSelector(job: Job): FieldError[] {
  const spec = job.spec;
  if (!spec || spec.manualSelector === true || !spec.selector) return [];
  const errs: FieldError[] = [];
  const uid = job.metadata?.uid ?? '';
  const name = job.metadata?.name ?? '';
  if (!uid) errs.push(fieldError.required('metadata.uid'));
  const labels = spec.template?.metadata?.labels;
  const expected: Record<string, string> = {
    [jobLabels.legacyControllerUid]: uid,
    [jobLabels.legacyJobName]: name,
    [jobLabels.controllerUid]: uid,
    [jobLabels.jobName]: name,
  };
  for (const [label, value] of Object.entries(expected)) {
    const path = key('spec.template.metadata.labels', label);
    if (labels?.[label] === undefined) errs.push(fieldError.required(path, `must be '${value}'`));
    else if (labels[label] !== value) errs.push(fieldError.invalid(path, labels, `must be '${value}'`));
  }
  try {
    const selector = selectorFromLabelSelector(spec.selector);
    if (!matchesSelector(selector, expected)) {
      errs.push(fieldError.invalid('spec.selector', spec.selector, '`selector` not auto-generated'));
    }
  } catch {
    // A malformed selector is reported by validateLabelSelector.
  }
  return errs;
}

/** Only the checks that need the old object; the handler runs validateJob on updates as well. */
export function validateJobUpdate(job: Job, old: Job): FieldError[] {
  const spec = job.spec;
  const oldSpec = old.spec;
  if (!spec || !oldSpec) return [];
  const errs: FieldError[] = [];
  errs.push(...immutable(spec.selector, oldSpec.selector, 'spec.selector'));
  errs.push(...immutable(spec.completionMode, oldSpec.completionMode, 'spec.completionMode'));
  errs.push(...immutable(spec.podFailurePolicy, oldSpec.podFailurePolicy, 'spec.podFailurePolicy'));
  errs.push(...immutable(spec.backoffLimitPerIndex, oldSpec.backoffLimitPerIndex, 'spec.backoffLimitPerIndex'));
  errs.push(...immutable(spec.managedBy, oldSpec.managedBy, 'spec.managedBy'));
  errs.push(...validateCompletionsUpdate(spec, oldSpec));
  errs.push(...validateTemplateUpdate(job, old));
  return errs;
}

/** Indexed Jobs may be resized ("elastic"), as long as completions and parallelism move together. */
function validateCompletionsUpdate(spec: JobSpec, oldSpec: JobSpec): FieldError[] {
  if (semanticEqual(spec.completions, oldSpec.completions)) return [];
  const elastic = spec.completionMode === 'Indexed'
    && spec.completions === spec.parallelism && oldSpec.completions === oldSpec.parallelism;
  if (elastic) return [];
  if (spec.completionMode === 'Indexed') {
    return [fieldError.invalid('spec.completions', spec.completions ?? null,
      'can only be modified in tandem with spec.parallelism')];
  }
  return immutable(spec.completions, oldSpec.completions, 'spec.completions');
}

/**
 * The template is fixed, except that a suspended Job that never started may still have its scheduling
 * directives changed (a queueing controller decides where it will run before resuming it).
 */
function validateTemplateUpdate(job: Job, old: Job): FieldError[] {
  const template = job.spec?.template;
  const oldTemplate = old.spec?.template;
  const neverStarted = job.spec?.suspend === true && !old.status?.startTime;
  if (!neverStarted) return immutable(template, oldTemplate, 'spec.template');
  const masked = clone(template);
  if (masked && oldTemplate) {
    masked.metadata = { ...masked.metadata, labels: oldTemplate.metadata?.labels, annotations: oldTemplate.metadata?.annotations };
    if (masked.spec && oldTemplate.spec) {
      masked.spec.nodeSelector = oldTemplate.spec.nodeSelector;
      masked.spec.tolerations = oldTemplate.spec.tolerations;
      masked.spec.affinity = oldTemplate.spec.affinity;
      masked.spec.schedulingGates = oldTemplate.spec.schedulingGates;
    }
  }
  return semanticEqual(masked, oldTemplate) ? [] : [fieldError.invalid('spec.template', template ?? null, 'field is immutable')];
}

export function validateJobStatusUpdate(job: Job): FieldError[] {
  const status = job.status;
  if (!status) return [];
  return (['active', 'succeeded', 'failed', 'ready', 'terminating'] as const)
    .flatMap((name) => nonNegative(status[name], `status.${name}`));
}
