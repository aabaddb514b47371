// ControllerRevision validation (apps/v1), after Kubernetes' ValidateControllerRevision(Update): a revision is a
// frozen snapshot of a controller's template, so its data never changes.
import { fieldError, type FieldError } from '../errors.ts';
import type { ControllerRevision } from '../types.ts';
import { immutable, nonNegative } from './common.ts';

export function validateControllerRevision(revision: ControllerRevision): FieldError[] {
  const errs: FieldError[] = [];
  if (revision.data === undefined || revision.data === null) errs.push(fieldError.required('data', 'data is mandatory'));
  errs.push(...nonNegative(revision.revision, 'revision'));
  return errs;
}

/** Only the checks that need the old object; the handler runs validateControllerRevision on updates as well. */
export function validateControllerRevisionUpdate(revision: ControllerRevision, old: ControllerRevision): FieldError[] {
  return immutable(revision.data, old.data, 'data');
}
