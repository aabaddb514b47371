// ReplicaSet validation (apps/v1), after Kubernetes' ValidateReplicaSet; apps/v1 makes the selector immutable.
import { fieldError, type FieldError } from '../errors.ts';
import type { ReplicaSet } from '../types.ts';
import { immutable, nonNegative } from './common.ts';
import { validateControllerSelector, validateLongRunningTemplate, validateSelectorMatchesTemplate } from './controller-template.ts';
import { validateReplicaCounts } from './replica-status.ts';

export function validateReplicaSet(rs: ReplicaSet): FieldError[] {
  const spec = rs.spec;
  if (!spec) return [fieldError.required('spec')];
  return [
    ...nonNegative(spec.replicas, 'spec.replicas'),
    ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'),
    ...validateControllerSelector(spec.selector, 'spec.selector', 'replicaset'),
    ...validateSelectorMatchesTemplate(spec.selector, spec.template?.metadata?.labels, 'spec.template'),
    ...validateLongRunningTemplate(spec.template, 'spec.template', 'ReplicaSet'),
  ];
}

/** Only the checks that need the old object; the handler runs validateReplicaSet on updates as well. */
export function validateReplicaSetUpdate(rs: ReplicaSet, old: ReplicaSet): FieldError[] {
  return immutable(rs.spec?.selector, old.spec?.selector, 'spec.selector');
}

export function validateReplicaSetStatusUpdate(rs: ReplicaSet): FieldError[] {
  const status = rs.status ?? { replicas: 0 };
  return [
    ...validateReplicaCounts(status, 'status', ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas']),
    ...nonNegative(status.observedGeneration, 'status.observedGeneration'),
  ];
}
