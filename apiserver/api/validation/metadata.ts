// ObjectMeta validation: the rules every kind shares, as kube-apiserver 1.32 applies them to built-in kinds —
// apimachinery's ValidateObjectMeta/ValidateObjectMetaUpdate plus core's finalizer-name rule, and the path-segment
// name check the generic registry adds. Kinds add their own rules in their strategies.
import { fieldError, type FieldError } from '../errors.ts';
import { goStringSlice } from '../go-format.ts';
import { validateLabels } from '../labels.ts';
import type { ObjectMeta, OwnerReference } from '../types.ts';
import { nameIsDNSLabel, nameIsPathSegment, isQualifiedName, type NameValidator } from './names.ts';

/** kube-apiserver's limit on all annotations of an object together (keys and values, in bytes). */
export const totalAnnotationSizeLimitBytes = 256 * 1024;

const immutableMessage = 'field is immutable';
const isNegativeMessage = 'must be greater than or equal to 0';
// Finalizers Kubernetes itself sets; any other finalizer needs a domain prefix ("example.com/cleanup").
const standardFinalizers = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);
const fieldManagerMaxLength = 128;
const subresourceMaxLength = 256;

export function validateObjectMeta(
  meta: ObjectMeta | undefined, opts: { namespaced: boolean; nameValidator: NameValidator },
): FieldError[] {
  const m = meta ?? {};
  const errs: FieldError[] = [];
  if (m.generateName) errs.push(...nameErrors('metadata.generateName', m.generateName, true, opts.nameValidator));
  if (!m.name) errs.push(fieldError.required('metadata.name', 'name or generateName is required'));
  else errs.push(...nameErrors('metadata.name', m.name, false, opts.nameValidator));
  if (opts.namespaced) {
    if (!m.namespace) errs.push(fieldError.required('metadata.namespace', ''));
    else for (const msg of nameIsDNSLabel(m.namespace, false)) errs.push(fieldError.invalid('metadata.namespace', m.namespace, msg));
  } else if (m.namespace) {
    errs.push(fieldError.forbidden('metadata.namespace', 'not allowed on this type'));
  }
  if (typeof m.generation === 'number' && m.generation < 0) {
    errs.push(fieldError.invalid('metadata.generation', m.generation, isNegativeMessage));
  }
  errs.push(...validateLabels(m.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(m.annotations, 'metadata.annotations'));
  errs.push(...validateOwnerReferences(m.ownerReferences, 'metadata.ownerReferences'));
  errs.push(...validateFinalizers(m.finalizers, 'metadata.finalizers'));
  errs.push(...validateManagedFields(m.managedFields, 'metadata.managedFields'));
  return errs;
}

// kube-apiserver checks a name against the kind's rule, then (only if that passed) against the path-segment rule
// every stored name must meet, so one bad name gives one set of messages.
function nameErrors(path: string, name: string, prefix: boolean, validator: NameValidator): FieldError[] {
  const own = validator(name, prefix);
  const messages = own.length > 0 ? own : nameIsPathSegment(name, prefix);
  return messages.map((msg) => fieldError.invalid(path, name, msg));
}

/** ValidateAnnotations: keys are qualified names (compared in lower case), and all together at most 256 KiB. */
export function validateAnnotations(annotations: Record<string, string> | undefined, path: string): FieldError[] {
  if (!annotations) return [];
  const errs: FieldError[] = [];
  let total = 0;
  for (const [key, value] of Object.entries(annotations)) {
    for (const msg of isQualifiedName(key.toLowerCase())) errs.push(fieldError.invalid(path, key, msg));
    total += Buffer.byteLength(key) + Buffer.byteLength(typeof value === 'string' ? value : '');
  }
  // Kubernetes' TooLong error leaves the (huge) value out of the message.
  if (total > totalAnnotationSizeLimitBytes) errs.push(fieldError.tooLong(path, undefined, totalAnnotationSizeLimitBytes));
  return errs;
}

/** ValidateOwnerReferences: each names its owner fully; Events may not own; at most one is the controller. */
export function validateOwnerReferences(refs: OwnerReference[] | undefined, path: string): FieldError[] {
  if (!refs) return [];
  const errs: FieldError[] = [];
  let firstController = '';
  for (const ref of refs) {
    errs.push(...validateOwnerReference(ref, path));
    if (ref.controller !== true) continue;
    const current = `${ref.kind}/${ref.name}`;
    if (firstController) {
      errs.push(fieldError.invalid(path, refs, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`));
    } else {
      firstController = current;
    }
  }
  return errs;
}

function validateOwnerReference(ref: OwnerReference, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const { group, version } = parseGroupVersion(ref.apiVersion ?? '');
  if (!version) errs.push(fieldError.invalid(`${path}.apiVersion`, ref.apiVersion ?? '', 'version must not be empty'));
  if (!ref.kind) errs.push(fieldError.invalid(`${path}.kind`, ref.kind ?? '', 'kind must not be empty'));
  if (!ref.name) errs.push(fieldError.invalid(`${path}.name`, ref.name ?? '', 'name must not be empty'));
  if (!ref.uid) errs.push(fieldError.invalid(`${path}.uid`, ref.uid ?? '', 'uid must not be empty'));
  // An Event may not own anything: events are garbage themselves, and would keep their owners' dependents alive.
  if (group === '' && version === 'v1' && ref.kind === 'Event') {
    errs.push(fieldError.invalid(path, ref, '/v1, Kind=Event is disallowed from being an owner'));
  }
  return errs;
}

/** schema.ParseGroupVersion, as FromAPIVersionAndKind uses it: malformed apiVersions have no version. */
function parseGroupVersion(apiVersion: string): { group: string; version: string } {
  if (apiVersion === '') return { group: '', version: '' };
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: apiVersion };
  if (parts.length === 2) return { group: parts[0], version: parts[1] };
  return { group: '', version: '' };
}

/**
 * ValidateFinalizers: qualified names, never both orphan and foregroundDeletion. For built-in kinds core
 * validation also wants a domain prefix ("example.com/cleanup") on any finalizer not one of Kubernetes' own.
 */
export function validateFinalizers(finalizers: string[] | undefined, path: string): FieldError[] {
  if (!finalizers) return [];
  const errs: FieldError[] = [];
  for (const f of finalizers) for (const msg of isQualifiedName(f)) errs.push(fieldError.invalid(path, f, msg));
  if (finalizers.includes('orphan') && finalizers.includes('foregroundDeletion')) {
    errs.push(fieldError.invalid(path, finalizers, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  finalizers.forEach((f, i) => {
    if (!f.includes('/') && !standardFinalizers.has(f)) {
      errs.push(fieldError.invalid(`${path}[${i}]`, f, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  });
  return errs;
}

/** ValidateManagedFields: what server-side apply records must be well formed. */
function validateManagedFields(entries: ObjectMeta['managedFields'], path: string): FieldError[] {
  if (!entries) return [];
  const errs: FieldError[] = [];
  entries.forEach((entry, i) => {
    const p = `${path}[${i}]`;
    if (entry.operation !== 'Apply' && entry.operation !== 'Update') {
      errs.push(fieldError.invalid(`${p}.operation`, entry.operation ?? '', 'must be `Apply` or `Update`'));
    }
    if (entry.fieldsType && entry.fieldsType !== 'FieldsV1') {
      errs.push(fieldError.invalid(`${p}.fieldsType`, entry.fieldsType, 'must be `FieldsV1`'));
    }
    errs.push(...validateFieldManager(entry.manager ?? '', `${p}.manager`));
    if (Buffer.byteLength(entry.subresource ?? '') > subresourceMaxLength) {
      errs.push(fieldError.tooLong(`${p}.subresource`, undefined, subresourceMaxLength));
    }
  });
  return errs;
}

// strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** ValidateFieldManager: at most 128 bytes, printable characters only (positions are byte offsets, as Go's). */
export function validateFieldManager(manager: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (Buffer.byteLength(manager) > fieldManagerMaxLength) errs.push(fieldError.tooLong(path, undefined, fieldManagerMaxLength));
  let offset = 0;
  for (const ch of manager) {
    if (!printable.test(ch)) {
      const code = (ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
      errs.push(fieldError.invalid(path, manager, `invalid character U+${code} (at position ${offset})`));
    }
    offset += Buffer.byteLength(ch);
  }
  return errs;
}

/**
 * ValidateObjectMetaUpdate's own rules: what no update may change, and no new finalizers once deletion began.
 * The new object's labels, annotations, owners and finalizer names are validateObjectMeta's job (the registry
 * runs both on every update), so they are not reported twice. Nor is "resourceVersion must be specified":
 * kube-apiserver fills it in for unconditional updates before validating, and the registry decides those.
 */
export function validateObjectMetaUpdate(meta: ObjectMeta, old: ObjectMeta): FieldError[] {
  const errs: FieldError[] = [];
  if (old.deletionTimestamp) {
    const known = new Set(old.finalizers ?? []);
    const added = [...new Set((meta.finalizers ?? []).filter((f) => !known.has(f)))].sort();
    if (added.length > 0) {
      errs.push(fieldError.forbidden('metadata.finalizers', `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(added)}`));
    }
  }
  if (typeof meta.generation === 'number' && typeof old.generation === 'number' && meta.generation < old.generation) {
    errs.push(fieldError.invalid('metadata.generation', meta.generation, 'must not be decremented'));
  }
  const immutable = (field: 'name' | 'namespace' | 'uid' | 'creationTimestamp' | 'deletionTimestamp' | 'deletionGracePeriodSeconds') => {
    if (!sameValue(meta[field], old[field])) errs.push(fieldError.invalid(`metadata.${field}`, meta[field] ?? null, immutableMessage));
  };
  immutable('name');
  immutable('namespace');
  immutable('uid');
  immutable('creationTimestamp');
  immutable('deletionTimestamp');
  immutable('deletionGracePeriodSeconds');
  return errs;
}

// Go compares these fields as values: an empty string is the same as an unset one.
function sameValue(a: unknown, b: unknown): boolean {
  const unset = (v: unknown) => v === undefined || v === null || v === '';
  return (unset(a) && unset(b)) || a === b;
}
