// A pod's volumes, after Kubernetes' ValidateVolumes and validateVolumeSource: unique DNS-label names and
// exactly one source each, with the checks of the sources Skiff serves (emptyDir, hostPath, configMap, secret,
// downwardAPI, projected, persistentVolumeClaim, ephemeral). The in-tree network and cloud sources get
// Kubernetes' field checks from pod-volume-legacy.ts.
import { fieldError, type FieldError } from '../errors.ts';
import { isNegative } from '../quantity.ts';
import { volumeSourceKeys } from '../defaults/volume.ts';
import type { DownwardAPIVolumeFile, KeyToPath, ProjectedVolumeSource } from '../pod-types.ts';
import type { Volume } from '../types.ts';
import { child, index, invalidEach } from './common.ts';
import { isDNS1123Label, nameIsDNSSubdomain } from './names.ts';
import { validateEphemeralVolume } from './pod-ephemeral-volume.ts';
import { validateObjectFieldSelector, validateResourceFieldSelector, volumeFieldPaths } from './pod-env.ts';
import { validateLocalNonReservedPath, validatePathNoBacksteps } from './pod-paths.ts';
import { validateLegacyVolumeSource } from './pod-volume-legacy.ts';
import { readQuantity } from './resources.ts';

export type VolumeSourceKey = (typeof volumeSourceKeys)[number];

/** The volumes that passed validation, by name: what volumeMounts may refer to. */
export type ValidVolumes = ReadonlyMap<string, Volume>;

const fileModeMessage = 'must be a number between 0 and 0777 (octal), both inclusive';
const hostPathTypes = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];

/**
 * `podName` is the pod's own name when validating a real pod: generic ephemeral volumes create a claim named
 * `<pod>-<volume>`, which must be a valid name and must not be used by another volume of the same pod.
 */
export function validateVolumes(
  volumes: Volume[] | undefined, podName: string | undefined, path: string,
): { valid: ValidVolumes; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const valid = new Map<string, Volume>();
  const createdClaims = new Set<string>();
  if (podName) {
    for (const v of volumes ?? []) if (v.ephemeral) createdClaims.add(`${podName}-${v.name}`);
  }
  (volumes ?? []).forEach((volume, i) => {
    const idx = index(path, i);
    const namePath = child(idx, 'name');
    const errs = validateVolumeSource(volume, idx, podName);
    if (!volume.name) errs.push(fieldError.required(namePath));
    else errs.push(...invalidEach(namePath, volume.name, isDNS1123Label(volume.name)));
    if (valid.has(volume.name)) errs.push(fieldError.duplicate(namePath, volume.name));
    // An invalid volume is left out, so mounts of it are reported as not found as well.
    if (errs.length === 0) valid.set(volume.name, volume);
    else errors.push(...errs);
    const claim = volume.persistentVolumeClaim?.claimName;
    if (claim && createdClaims.has(claim)) {
      errors.push(fieldError.invalid(child(idx, 'persistentVolumeClaim.claimName'), claim,
        'must not reference a PVC that gets created for an ephemeral volume'));
    }
  });
  return { valid, errors };
}

/** Where Kubernetes reports a second source; two spellings are its own (typo and capital included). */
const secondSourcePath: Partial<Record<VolumeSourceKey, string>> = { downwardAPI: 'downwarAPI', cephfs: 'cephFS' };

function validateVolumeSource(volume: Volume, path: string, podName: string | undefined): FieldError[] {
  const record = volume as unknown as Record<string, unknown>;
  const present = volumeSourceKeys.filter((k) => record[k] !== undefined && record[k] !== null);
  if (present.length === 0) return [fieldError.required(path, 'must specify a volume type')];
  const errs = present.slice(1).map((k) => fieldError.forbidden(child(path, secondSourcePath[k] ?? k), 'may not specify more than 1 volume type'));
  const [first] = present;
  errs.push(...validateSource(volume, first, path, podName));
  // Kubernetes checks the iSCSI name length whichever source came first.
  if (first !== 'iscsi' && volume.iscsi) errs.push(...validateLegacyVolumeSource(volume, 'iscsi', path, { lengthOnly: true }));
  return errs;
}

function validateSource(volume: Volume, source: VolumeSourceKey, path: string, podName: string | undefined): FieldError[] {
  switch (source) {
    case 'emptyDir': {
      const limit = volume.emptyDir?.sizeLimit;
      if (limit === undefined || limit === null) return [];
      const limitPath = child(path, 'emptyDir.sizeLimit');
      const { quantity, errors } = readQuantity(limit, limitPath);
      if (!quantity) return errors;
      return isNegative(quantity) ? [fieldError.forbidden(limitPath, 'SizeLimit field must be a valid resource quantity')] : [];
    }
    case 'hostPath':
      return validateHostPath(volume.hostPath, child(path, 'hostPath'));
    case 'secret': {
      const p = child(path, 'secret');
      const errs = volume.secret?.secretName ? [] : [fieldError.required(child(p, 'secretName'))];
      return [...errs, ...validateFileMode(volume.secret?.defaultMode, child(p, 'defaultMode')), ...validateItems(volume.secret?.items, p)];
    }
    case 'configMap': {
      const p = child(path, 'configMap');
      const errs = volume.configMap?.name ? [] : [fieldError.required(child(p, 'name'))];
      return [...errs, ...validateFileMode(volume.configMap?.defaultMode, child(p, 'defaultMode')), ...validateItems(volume.configMap?.items, p)];
    }
    case 'downwardAPI': {
      const p = child(path, 'downwardAPI');
      const errs = validateFileMode(volume.downwardAPI?.defaultMode, child(p, 'defaultMode'));
      // Kubernetes reports item errors at the volume source, not at items[i].
      for (const file of volume.downwardAPI?.items ?? []) errs.push(...validateDownwardAPIFile(file, p));
      return errs;
    }
    case 'projected':
      return validateProjected(volume.projected ?? {}, child(path, 'projected'));
    case 'persistentVolumeClaim':
      return volume.persistentVolumeClaim?.claimName ? [] : [fieldError.required(child(path, 'persistentVolumeClaim.claimName'))];
    case 'ephemeral':
      return validateEphemeralVolume(volume, path, podName);
    case 'image':
      return validateImageVolume(volume, child(path, 'image'), podName !== undefined);
    default:
      return validateLegacyVolumeSource(volume, source, path, { lengthOnly: false });
  }
}

function validateHostPath(hostPath: Volume['hostPath'], path: string): FieldError[] {
  if (!hostPath?.path) return [fieldError.required(child(path, 'path'))];
  const errs = validatePathNoBacksteps(hostPath.path, child(path, 'path'));
  if (hostPath.type != null && !hostPathTypes.includes(hostPath.type)) {
    errs.push(fieldError.notSupported(child(path, 'type'), hostPath.type, hostPathTypes));
  }
  return errs;
}

export function validateFileMode(mode: number | undefined, path: string): FieldError[] {
  return mode != null && (mode < 0 || mode > 0o777) ? [fieldError.invalid(path, mode, fileModeMessage)] : [];
}

function validateItems(items: KeyToPath[] | undefined, sourcePath: string): FieldError[] {
  return (items ?? []).flatMap((item, i) => validateKeyToPath(item, index(child(sourcePath, 'items'), i)));
}

function validateKeyToPath(item: KeyToPath, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!item.key) errs.push(fieldError.required(child(path, 'key')));
  if (!item.path) errs.push(fieldError.required(child(path, 'path')));
  errs.push(...validateLocalNonReservedPath(item.path ?? '', child(path, 'path')));
  errs.push(...validateFileMode(item.mode, child(path, 'mode')));
  return errs;
}

function validateDownwardAPIFile(file: DownwardAPIVolumeFile, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!file.path) errs.push(fieldError.required(child(path, 'path')));
  errs.push(...validateLocalNonReservedPath(file.path ?? '', child(path, 'path')));
  if (file.fieldRef) {
    errs.push(...validateObjectFieldSelector(file.fieldRef, volumeFieldPaths, child(path, 'fieldRef')));
    if (file.resourceFieldRef) {
      errs.push(fieldError.invalid(path, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
    }
  } else if (file.resourceFieldRef) {
    errs.push(...validateResourceFieldSelector(file.resourceFieldRef, child(path, 'resourceFieldRef'), true));
  } else {
    errs.push(fieldError.required(path, 'one of fieldRef and resourceFieldRef is required'));
  }
  errs.push(...validateFileMode(file.mode, child(path, 'mode')));
  return errs;
}

const minTokenSeconds = 10 * 60;
const maxTokenSeconds = 2 ** 32;

function validateProjected(projected: ProjectedVolumeSource, path: string): FieldError[] {
  const errs = validateFileMode(projected.defaultMode, child(path, 'defaultMode'));
  // Two sources writing the same file would race; Kubernetes reports it at the projected volume.
  const paths = new Set<string>();
  const claimPath = (p: string, shown: unknown): void => {
    if (!p) return;
    if (paths.has(p)) errs.push(fieldError.invalid(path, shown, 'conflicting duplicate paths'));
    paths.add(p);
  };
  (projected.sources ?? []).forEach((source, i) => {
    const srcPath = index(child(path, 'sources'), i);
    let kinds = 0;
    for (const kind of ['secret', 'configMap'] as const) {
      const ref = source[kind];
      if (!ref) continue;
      kinds++;
      const p = child(srcPath, kind);
      if (!ref.name) errs.push(fieldError.required(child(p, 'name')));
      (ref.items ?? []).forEach((item, j) => {
        errs.push(...validateKeyToPath(item, index(child(p, 'items'), j)));
        claimPath(item.path ?? '', ref.name ?? '');
      });
    }
    if (source.downwardAPI) {
      kinds++;
      for (const file of source.downwardAPI.items ?? []) {
        errs.push(...validateDownwardAPIFile(file, child(srcPath, 'downwardAPI')));
        claimPath(file.path ?? '', file.path);
      }
    }
    const token = source.serviceAccountToken;
    if (token) {
      kinds++;
      const p = child(srcPath, 'serviceAccountToken');
      const seconds = token.expirationSeconds ?? 0;
      if (seconds < minTokenSeconds) {
        errs.push(fieldError.invalid(child(p, 'expirationSeconds'), seconds, 'may not specify a duration less than 10 minutes'));
      }
      if (seconds > maxTokenSeconds) {
        errs.push(fieldError.invalid(child(p, 'expirationSeconds'), seconds, 'may not specify a duration larger than 2^32 seconds'));
      }
      // Kubernetes reports the token's path at the projected volume.
      if (!token.path) errs.push(fieldError.required(child(path, 'path')));
      else errs.push(...validateLocalNonReservedPath(token.path, child(path, 'path')));
    }
    const bundle = source.clusterTrustBundle;
    if (bundle) {
      kinds++;
      errs.push(...validateClusterTrustBundle(bundle, child(srcPath, 'clusterTrustBundle')));
      claimPath(bundle.path ?? '', bundle.path);
    }
    if (kinds > 1) errs.push(fieldError.forbidden(srcPath, 'may not specify more than 1 volume type per source'));
  });
  return errs;
}

type ClusterTrustBundleProjection = NonNullable<NonNullable<ProjectedVolumeSource['sources']>[number]['clusterTrustBundle']>;

function validateClusterTrustBundle(bundle: ClusterTrustBundleProjection, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const byName = bundle.name != null;
  const bySigner = bundle.signerName != null;
  if (byName && bySigner) {
    errs.push(fieldError.invalid(path, bundle, 'only one of name and signerName may be used'));
  } else if (byName) {
    if (!bundle.name) errs.push(fieldError.required(child(path, 'name'), 'must be a valid object name'));
    else {
      errs.push(...nameIsDNSSubdomain(bundle.name, false)
        .map((m) => fieldError.invalid(child(path, 'name'), bundle.name, `not a valid clustertrustbundlename: ${m}`)));
    }
    if (bundle.labelSelector) errs.push(fieldError.invalid(child(path, 'labelSelector'), bundle.labelSelector, 'labelSelector must be unset if name is specified'));
  } else if (bySigner) {
    if (!bundle.signerName) errs.push(fieldError.required(child(path, 'signerName'), 'must be a valid signer name'));
  } else {
    errs.push(fieldError.required(path, 'either name or signerName must be specified'));
  }
  if (!bundle.path) errs.push(fieldError.required(child(path, 'path')));
  errs.push(...validateLocalNonReservedPath(bundle.path ?? '', child(path, 'path')));
  return errs;
}

const pullPolicies = ['Always', 'IfNotPresent', 'Never'];

/** Image volumes (newer than the types Skiff builds on): an image reference and a pull policy. */
function validateImageVolume(volume: Volume, path: string, inPod: boolean): FieldError[] {
  const image = (volume as unknown as Record<string, unknown>).image as { reference?: string; pullPolicy?: string } | undefined;
  const errs: FieldError[] = [];
  if (inPod && !image?.reference) errs.push(fieldError.required(child(path, 'reference')));
  const policy = image?.pullPolicy ?? '';
  if (!policy) errs.push(fieldError.required(child(path, 'pullPolicy')));
  else if (!pullPolicies.includes(policy)) errs.push(fieldError.notSupported(child(path, 'pullPolicy'), policy, pullPolicies));
  return errs;
}
