// ObjectMeta validation, as apimachinery's ValidateObjectMeta and ValidateObjectMetaUpdate: the rules every kind
// shares (names, namespace, labels, annotations, owners, finalizers). The generic registry applies them to every
// object; kinds add their own rules in their strategies.
import { fieldError, type FieldError } from '../errors.ts';
import { validateLabels } from '../labels.ts';
import type { ObjectMeta } from '../types.ts';
import { isDNS1123Label, isQualifiedName, isValidPathSegmentName, type NameValidator } from './names.ts';

/** kube-apiserver's limit on all annotations of an object together. */
export const totalAnnotationSizeLimitBytes = 256 * 1024;

export function validateObjectMeta(
  meta: ObjectMeta | undefined, opts: { namespaced: boolean; nameValidator: NameValidator },
): FieldError[] {
  const m = meta ?? {};
  const errs: FieldError[] = [];
  if (m.generateName) {
    for (const msg of opts.nameValidator(m.generateName, true)) errs.push(fieldError.invalid('metadata.generateName', m.generateName, msg));
  }
  if (!m.name) {
    if (!m.generateName) errs.push(fieldError.required('metadata.name', 'name or generateName is required'));
  } else {
    const msgs = [...isValidPathSegmentName(m.name), ...opts.nameValidator(m.name, false)];
    for (const msg of new Set(msgs)) errs.push(fieldError.invalid('metadata.name', m.name, msg));
  }
  if (opts.namespaced) {
    if (!m.namespace) errs.push(fieldError.required('metadata.namespace', ''));
    else for (const msg of isDNS1123Label(m.namespace)) errs.push(fieldError.invalid('metadata.namespace', m.namespace, msg));
  } else if (m.namespace) {
    errs.push(fieldError.forbidden('metadata.namespace', 'not allowed on this type'));
  }
  if (m.generation !== undefined && m.generation < 0) {
    errs.push(fieldError.invalid('metadata.generation', m.generation, 'must be greater than or equal to 0'));
  }
  errs.push(...validateLabels(m.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(m.annotations, 'metadata.annotations'));
  errs.push(...validateOwnerReferences(m.ownerReferences, 'metadata.ownerReferences'));
  errs.push(...validateFinalizers(m.finalizers, 'metadata.finalizers'));
  return errs;
}

export function validateAnnotations(annotations: Record<string, string> | undefined, path: string): FieldError[] {
  if (!annotations) return [];
  const errs: FieldError[] = [];
  let total = 0;
  for (const [key, value] of Object.entries(annotations)) {
    for (const msg of isQualifiedName(key.toLowerCase())) errs.push(fieldError.invalid(path, key, msg));
    total += Buffer.byteLength(key) + Buffer.byteLength(value ?? '');
  }
  if (total > totalAnnotationSizeLimitBytes) errs.push(fieldError.tooLong(path, '', totalAnnotationSizeLimitBytes));
  return errs;
}

function validateOwnerReferences(refs: ObjectMeta['ownerReferences'], path: string): FieldError[] {
  if (!refs) return [];
  const errs: FieldError[] = [];
  const controllers: string[] = [];
  refs.forEach((ref) => {
    if (!ref.apiVersion) errs.push(fieldError.invalid(`${path}.apiVersion`, ref.apiVersion ?? '', 'version must not be empty'));
    if (!ref.kind) errs.push(fieldError.invalid(`${path}.kind`, ref.kind ?? '', 'must not be empty'));
    if (!ref.name) errs.push(fieldError.invalid(`${path}.name`, ref.name ?? '', 'must not be empty'));
    if (!ref.uid) errs.push(fieldError.invalid(`${path}.uid`, ref.uid ?? '', 'must not be empty'));
    if (ref.controller) controllers.push(`${ref.kind}/${ref.name}`);
  });
  if (controllers.length > 1) {
    errs.push(fieldError.invalid(path, refs, `Only one reference can have Controller set to true. Found "true" in references for ${controllers.join(' and ')}`));
  }
  return errs;
}

function validateFinalizers(finalizers: string[] | undefined, path: string): FieldError[] {
  if (!finalizers) return [];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  finalizers.forEach((f) => {
    for (const msg of isQualifiedName(f)) errs.push(fieldError.invalid(path, f, msg));
    if (seen.has(f)) errs.push(fieldError.duplicate(path, f));
    seen.add(f);
  });
  if (seen.has('orphan') && seen.has('foregroundDeletion')) {
    errs.push(fieldError.invalid(path, finalizers, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

/** What no update may change. */
export function validateObjectMetaUpdate(meta: ObjectMeta, old: ObjectMeta): FieldError[] {
  const errs: FieldError[] = [];
  const immutable = (field: keyof ObjectMeta) => {
    if ((meta[field] ?? '') !== (old[field] ?? '')) errs.push(fieldError.invalid(`metadata.${field}`, meta[field], 'field is immutable'));
  };
  immutable('name');
  immutable('namespace');
  immutable('uid');
  immutable('creationTimestamp');
  if (old.deletionTimestamp && meta.deletionTimestamp !== old.deletionTimestamp) {
    errs.push(fieldError.invalid('metadata.deletionTimestamp', meta.deletionTimestamp, 'field is immutable; may only be changed via deletion'));
  }
  return errs;
}
