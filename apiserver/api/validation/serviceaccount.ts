// ServiceAccount validation (core/v1). Kubernetes checks nothing beyond the object's metadata; the references
// it holds are only checked when a pod uses them.
import { fieldError, type FieldError } from '../errors.ts';
import type { ServiceAccount } from '../types.ts';
import { index } from './common.ts';

export function validateServiceAccount(sa: ServiceAccount): FieldError[] {
  const errs: FieldError[] = [];
  (sa.imagePullSecrets ?? []).forEach((ref, i) => {
    if (!ref.name) errs.push(fieldError.required(`${index('imagePullSecrets', i)}.name`));
  });
  return errs;
}

/** A ServiceAccount has no fields that are immutable beyond its metadata. */
export function validateServiceAccountUpdate(_sa: ServiceAccount, _old: ServiceAccount): FieldError[] {
  return [];
}
