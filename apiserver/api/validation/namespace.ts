// Namespace validation (core/v1), after Kubernetes' ValidateNamespace and ValidateNamespaceStatusUpdate.
import { fieldError, type FieldError } from '../errors.ts';
import type { Namespace } from '../types.ts';
import { index, invalidEach } from './common.ts';
import { isQualifiedName } from './names.ts';

/** Finalizer names without a domain are reserved for Kubernetes itself; this is the one it defines. */
const standardFinalizers = ['kubernetes'];

export function validateNamespace(ns: Namespace): FieldError[] {
  // The name's DNS-label rule is applied by the generic handler (registry nameValidatorFor).
  const errs: FieldError[] = [];
  (ns.spec?.finalizers ?? []).forEach((name, i) => errs.push(...validateFinalizerName(name, index('spec.finalizers', i))));
  return errs;
}

export function validateFinalizerName(name: string, path: string): FieldError[] {
  const errs = invalidEach(path, name, isQualifiedName(name));
  if (errs.length === 0 && !name.includes('/') && !standardFinalizers.includes(name)) {
    errs.push(fieldError.invalid(path, name, 'name is neither a standard finalizer name nor is it fully qualified'));
  }
  return errs;
}

/** A Namespace has no fields that are immutable beyond its metadata. */
export function validateNamespaceUpdate(_ns: Namespace, _old: Namespace): FieldError[] {
  return [];
}

/** The phase follows deletion: Active until the namespace is being deleted, Terminating after. */
export function validateNamespaceStatusUpdate(ns: Namespace): FieldError[] {
  const phase = ns.status?.phase ?? '';
  // Kubernetes reports this field as "status.Phase"; kept for identical messages.
  if (!ns.metadata?.deletionTimestamp) {
    return phase === 'Active' ? [] : [fieldError.invalid('status.Phase', phase, "may only be 'Active' if `deletionTimestamp` is empty")];
  }
  return phase === 'Terminating' ? [] : [fieldError.invalid('status.Phase', phase, "may only be 'Terminating' if `deletionTimestamp` is not empty")];
}
