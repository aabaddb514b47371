// ReplicationController validation (core/v1), after Kubernetes' ValidateReplicationController. Its selector is a
// plain label map; unlike apps/v1 controllers it may change.
import { fieldError, type FieldError } from '../errors.ts';
import { validateLabels } from '../labels.ts';
import type { ReplicationController } from '../types.ts';
import { nonNegative } from './common.ts';
import { mapSelectorMatches, validateLongRunningTemplate } from './controller-template.ts';
import { validateReplicaCounts } from './replica-status.ts';

export function validateReplicationController(rc: ReplicationController): FieldError[] {
  const spec = rc.spec;
  if (!spec) return [fieldError.required('spec')];
  const errs: FieldError[] = [];
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  const selector = spec.selector ?? {};
  if (Object.keys(selector).length === 0) errs.push(fieldError.required('spec.selector'));
  else errs.push(...validateLabels(selector, 'spec.selector'));
  errs.push(...nonNegative(spec.replicas, 'spec.replicas'));
  const template = spec.template;
  if (template && Object.keys(selector).length > 0 && !mapSelectorMatches(selector, template.metadata?.labels)) {
    errs.push(fieldError.invalid('spec.template.metadata.labels', template.metadata?.labels ?? {},
      '`selector` does not match template `labels`'));
  }
  errs.push(...validateLongRunningTemplate(template, 'spec.template', 'ReplicationController'));
  return errs;
}

/** A ReplicationController has no fields that are immutable beyond its metadata. */
export function validateReplicationControllerUpdate(_rc: ReplicationController, _old: ReplicationController): FieldError[] {
  return [];
}

export function validateReplicationControllerStatusUpdate(rc: ReplicationController): FieldError[] {
  const status = rc.status ?? { replicas: 0 };
  return [
    ...validateReplicaCounts(status, 'status', ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas']),
    ...nonNegative(status.observedGeneration, 'status.observedGeneration'),
  ];
}
