// Metadata embedded in another object (an ephemeral volume's claim template): only labels and annotations mean
// anything there, after Kubernetes' ValidateTemplateObjectMeta.
import { fieldError, type FieldError } from '../errors.ts';
import { validateLabels } from '../labels.ts';
import type { ObjectMeta } from '../types.ts';
import { child } from './common.ts';
import { validateAnnotations } from './metadata.ts';

/** A claim template's metadata: labels and annotations, and nothing else may be set. */
export function validateTemplateObjectMeta(meta: ObjectMeta | undefined, path: string): FieldError[] {
  const errs = [
    ...validateAnnotations(meta?.annotations, child(path, 'annotations')),
    ...validateLabels(meta?.labels, child(path, 'labels')),
  ];
  for (const [field, v] of Object.entries(meta ?? {})) {
    if (field === 'labels' || field === 'annotations' || isUnset(v)) continue;
    errs.push(fieldError.forbidden(child(path, field), 'cannot be set'));
  }
  return errs;
}

function isUnset(v: unknown): boolean {
  return v === undefined || v === null || v === '' || v === 0 || (Array.isArray(v) && v.length === 0)
    || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);
}
