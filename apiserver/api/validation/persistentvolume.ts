// PersistentVolume validation (core/v1), after Kubernetes' ValidatePersistentVolume(Spec|Update). A volume
// describes storage that exists outside the cluster, so what it points at may not change after creation.
import type { PersistentVolumeSpec } from 'kubernetes-types/core/v1.d.ts';
import { fieldError, type FieldError } from '../errors.ts';
import type { PersistentVolume } from '../types.ts';
import { child, immutable, invalidEach, key, semanticEqual } from './common.ts';
import { nameIsDNSSubdomain } from './names.ts';
import { supportedVolumeModes, validateAccessModes } from './persistentvolumeclaim.ts';
import { validatePositiveQuantity } from './resources.ts';

const reclaimPolicies = ['Delete', 'Recycle', 'Retain'];

/** The fields of PersistentVolumeSpec that name where the storage lives; exactly one must be set. */
export const volumeSourceFields = [
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'glusterfs', 'flocker', 'nfs', 'rbd', 'quobyte', 'cephfs',
  'iscsi', 'cinder', 'fc', 'flexVolume', 'azureFile', 'vsphereVolume', 'photonPersistentDisk', 'portworxVolume',
  'azureDisk', 'scaleIO', 'local', 'storageos', 'csi',
] as const satisfies readonly (keyof PersistentVolumeSpec)[];

export function validatePersistentVolume(pv: PersistentVolume): FieldError[] {
  const spec = pv.spec;
  if (!spec) return [fieldError.required('spec')];
  const errs = validateAccessModes(spec.accessModes, 'spec.accessModes');
  errs.push(...validateCapacity(spec));
  if (spec.persistentVolumeReclaimPolicy && !reclaimPolicies.includes(spec.persistentVolumeReclaimPolicy)) {
    errs.push(fieldError.notSupported('spec.persistentVolumeReclaimPolicy', spec.persistentVolumeReclaimPolicy, reclaimPolicies));
  }
  errs.push(...validateSource(spec));
  if (spec.hostPath && normalizePath(spec.hostPath.path ?? '') === '/' && spec.persistentVolumeReclaimPolicy === 'Recycle') {
    errs.push(fieldError.forbidden('spec.persistentVolumeReclaimPolicy', "may not be 'recycle' for a hostPath mount of '/'"));
  }
  if (spec.storageClassName) {
    errs.push(...invalidEach('spec.storageClassName', spec.storageClassName, nameIsDNSSubdomain(spec.storageClassName, false)));
  }
  if (spec.volumeMode !== undefined && !supportedVolumeModes.includes(spec.volumeMode)) {
    errs.push(fieldError.notSupported('spec.volumeMode', spec.volumeMode, supportedVolumeModes));
  }
  return errs;
}

function validateCapacity(spec: PersistentVolumeSpec): FieldError[] {
  const capacity = spec.capacity ?? {};
  const names = Object.keys(capacity);
  if (names.length === 0) return [fieldError.required('spec.capacity'), fieldError.notSupported('spec.capacity', capacity, ['storage'])];
  const errs: FieldError[] = [];
  if (!('storage' in capacity) || names.length > 1) errs.push(fieldError.notSupported('spec.capacity', capacity, ['storage']));
  for (const name of names) errs.push(...validatePositiveQuantity(capacity[name], key('spec.capacity', name)));
  return errs;
}

function validateSource(spec: PersistentVolumeSpec): FieldError[] {
  const present = volumeSourceFields.filter((field) => spec[field] !== undefined && spec[field] !== null);
  if (present.length === 0) return [fieldError.required('spec', 'must specify a volume type')];
  const errs = present.slice(1).map((field) => fieldError.forbidden(`spec.${field}`, 'may not specify more than 1 volume type'));
  switch (present[0]) {
    case 'hostPath':
      errs.push(...validateLocalPath(spec.hostPath?.path, 'spec.hostPath.path'));
      break;
    case 'local':
      errs.push(...validateLocalPath(spec.local?.path, 'spec.local.path'));
      // A local disk exists on one node only; the scheduler must know which.
      if (!spec.nodeAffinity?.required) errs.push(fieldError.required('spec.nodeAffinity', 'Local volume requires node affinity'));
      break;
    case 'nfs': {
      const nfs = spec.nfs;
      if (!nfs?.server) errs.push(fieldError.required('spec.nfs.server'));
      if (!nfs?.path) errs.push(fieldError.required('spec.nfs.path'));
      if (!(nfs?.path ?? '').startsWith('/')) errs.push(fieldError.invalid('spec.nfs.path', nfs?.path ?? '', 'must be an absolute path'));
      break;
    }
    case 'csi':
      if (!spec.csi?.driver) errs.push(fieldError.required('spec.csi.driver'));
      if (!spec.csi?.volumeHandle) errs.push(fieldError.required('spec.csi.volumeHandle'));
      break;
    default:
      break;
  }
  return errs;
}

/** A path on the node: required, and it may not climb out with `..`. */
export function validateLocalPath(path: string | undefined, fieldPath: string): FieldError[] {
  if (!path) return [fieldError.required(fieldPath)];
  if (path.split(/[\\/]/).includes('..')) return [fieldError.invalid(fieldPath, path, "must not contain '..'")];
  return [];
}

function normalizePath(path: string): string {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  return `/${parts.join('/')}`;
}

/** Only the checks that need the old object; the handler runs validatePersistentVolume on updates as well. */
export function validatePersistentVolumeUpdate(pv: PersistentVolume, old: PersistentVolume): FieldError[] {
  const errs: FieldError[] = [];
  const source = (spec: PersistentVolumeSpec | undefined): Record<string, unknown> =>
    Object.fromEntries(volumeSourceFields.map((field) => [field, spec?.[field]]));
  const newSource = source(pv.spec);
  const oldSource = source(old.spec);
  // A CSI volume may gain an expansion secret later (added when resizing was enabled).
  if (old.spec?.csi && !old.spec.csi.controllerExpandSecretRef && pv.spec?.csi?.controllerExpandSecretRef) {
    newSource.csi = { ...pv.spec.csi, controllerExpandSecretRef: undefined };
  }
  if (!semanticEqual(newSource, oldSource)) {
    errs.push(fieldError.forbidden('spec.persistentvolumesource', 'spec.persistentvolumesource is immutable after creation'));
  }
  errs.push(...immutable(pv.spec?.volumeMode, old.spec?.volumeMode, 'spec.volumeMode'));
  if (old.spec?.nodeAffinity) errs.push(...immutable(pv.spec?.nodeAffinity, old.spec.nodeAffinity, child('spec', 'nodeAffinity')));
  return errs;
}
