// PersistentVolumeClaim validation (core/v1), after Kubernetes' ValidatePersistentVolumeClaim(Spec|Update).
// Claims are immutable once created, except that a bound claim may ask for more storage: quota and limit ranges
// are enforced on create, and letting claims change would let users game them.
import type { PersistentVolumeClaimSpec } from 'kubernetes-types/core/v1.d.ts';
import { fieldError, type FieldError } from '../errors.ts';
import { validateLabelSelector } from '../labels.ts';
import { compareQuantity } from '../quantity.ts';
import type { PersistentVolumeClaim } from '../types.ts';
import { child, clone, immutable, invalidEach, key, semanticEqual } from './common.ts';
import { nameIsDNSSubdomain } from './names.ts';
import { readQuantity, validatePositiveQuantity, validateResourceQuantity } from './resources.ts';

export const supportedAccessModes = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
export const supportedVolumeModes = ['Block', 'Filesystem'];

export function validatePersistentVolumeClaim(pvc: PersistentVolumeClaim): FieldError[] {
  return validatePersistentVolumeClaimSpec(pvc.spec, 'spec');
}

/** Shared with StatefulSet volumeClaimTemplates. */
export function validatePersistentVolumeClaimSpec(spec: PersistentVolumeClaimSpec | undefined, path: string): FieldError[] {
  if (!spec) return [fieldError.required(path)];
  const errs: FieldError[] = [];
  errs.push(...validateAccessModes(spec.accessModes, child(path, 'accessModes'), 'at least 1 access mode is required'));
  if (spec.selector) errs.push(...validateLabelSelector(spec.selector, child(path, 'selector')));

  const storagePath = key(child(path, 'resources'), 'storage');
  const storage = spec.resources?.requests?.storage;
  if (storage === undefined) {
    errs.push(fieldError.required(storagePath));
  } else {
    errs.push(...validatePositiveQuantity(storage, storagePath));
  }
  if (spec.storageClassName) {
    errs.push(...invalidEach(child(path, 'storageClassName'), spec.storageClassName,
      nameIsDNSSubdomain(spec.storageClassName, false)));
  }
  if (spec.volumeMode !== undefined && !supportedVolumeModes.includes(spec.volumeMode)) {
    errs.push(fieldError.notSupported(child(path, 'volumeMode'), spec.volumeMode, supportedVolumeModes));
  }
  if (spec.dataSource) {
    const ds = spec.dataSource;
    const dsPath = child(path, 'dataSource');
    if (!ds.name) errs.push(fieldError.required(child(dsPath, 'name')));
    if (!ds.kind) errs.push(fieldError.required(child(dsPath, 'kind')));
    if (!ds.apiGroup && ds.kind !== 'PersistentVolumeClaim') {
      errs.push(fieldError.invalid(dsPath, ds.kind ?? '', "must be 'PersistentVolumeClaim' when referencing the default apiGroup"));
    }
  }
  return errs;
}

/** Access modes of a claim or a volume: at least one, all known, and ReadWriteOncePod alone. */
export function validateAccessModes(modes: string[] | undefined, path: string, requiredDetail?: string): FieldError[] {
  if (!modes || modes.length === 0) return [fieldError.required(path, requiredDetail)];
  const errs: FieldError[] = [];
  for (const mode of modes) {
    if (!supportedAccessModes.includes(mode)) errs.push(fieldError.notSupported(path, mode, supportedAccessModes));
  }
  const known = modes.filter((m) => supportedAccessModes.includes(m));
  if (known.includes('ReadWriteOncePod') && known.some((m) => m !== 'ReadWriteOncePod')) {
    errs.push(fieldError.forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  }
  return errs;
}

/** Only the checks that need the old object; the handler runs validatePersistentVolumeClaim on updates as well. */
export function validatePersistentVolumeClaimUpdate(pvc: PersistentVolumeClaim, old: PersistentVolumeClaim): FieldError[] {
  const errs: FieldError[] = [];
  const newSpec = clone(pvc.spec ?? {});
  const oldSpec = clone(old.spec ?? {});
  // The volume binder records the bound volume once.
  if (!oldSpec.volumeName) oldSpec.volumeName = newSpec.volumeName;
  // A claim created without a class may be given one later (the default class admission does this).
  if (oldSpec.storageClassName === undefined && newSpec.storageClassName !== undefined) {
    newSpec.storageClassName = undefined;
  }
  // Bound claims may be resized; the size rules are checked below.
  if (pvc.status?.phase === 'Bound' && newSpec.resources?.requests) {
    const oldStorage = oldSpec.resources?.requests?.storage;
    if (oldStorage === undefined) delete newSpec.resources.requests.storage;
    else newSpec.resources.requests.storage = oldStorage;
  }
  newSpec.volumeAttributesClassName = oldSpec.volumeAttributesClassName;
  if (!semanticEqual(newSpec, oldSpec)) {
    errs.push(fieldError.forbidden('spec',
      'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
  }
  const newSize = readQuantity(pvc.spec?.resources?.requests?.storage ?? 0, '').quantity;
  const oldSize = readQuantity(old.spec?.resources?.requests?.storage ?? 0, '').quantity;
  if (newSize && oldSize && compareQuantity(newSize, oldSize) < 0) {
    errs.push(fieldError.forbidden('spec.resources.requests.storage', 'field can not be less than previous value'));
  }
  errs.push(...immutable(pvc.spec?.volumeMode, old.spec?.volumeMode, 'spec.volumeMode'));
  return errs;
}

export function validatePersistentVolumeClaimStatusUpdate(pvc: PersistentVolumeClaim): FieldError[] {
  const capacity = pvc.status?.capacity ?? {};
  return Object.entries(capacity).flatMap(([name, value]) =>
    validateResourceQuantity(name, value, key('status.capacity', name)));
}
