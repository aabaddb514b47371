// How a container uses the pod's volumes: volumeMounts (directories) and volumeDevices (raw block devices),
// after Kubernetes' ValidateVolumeMounts and ValidateVolumeDevices.
import { fieldError, type FieldError } from '../errors.ts';
import type { ContainerLike } from '../pod-types.ts';
import { child, index } from './common.ts';
import { validateLocalDescendingPath, validatePathNoBacksteps } from './pod-paths.ts';
import type { ValidVolumes } from './pod-volumes.ts';

const propagationModes = ['Bidirectional', 'HostToContainer', 'None'];
const recursiveReadOnlyModes = ['Disabled', 'Enabled', 'IfPossible'];

export function validateContainerVolumeUse(c: ContainerLike, volumes: ValidVolumes, containerPath: string): FieldError[] {
  const mountPaths = new Map((c.volumeMounts ?? []).map((m) => [m.name, m.mountPath]));
  const devicePaths = new Map((c.volumeDevices ?? []).map((d) => [d.name, d.devicePath]));
  return [
    ...validateVolumeMounts(c, devicePaths, volumes, child(containerPath, 'volumeMounts')),
    ...validateVolumeDevices(c, mountPaths, volumes, child(containerPath, 'volumeDevices')),
  ];
}

function validateVolumeMounts(c: ContainerLike, devices: Map<string, string>, volumes: ValidVolumes, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  const devicePathSet = new Set(devices.values());
  (c.volumeMounts ?? []).forEach((m, i) => {
    const idx = index(path, i);
    if (!m.name) errs.push(fieldError.required(child(idx, 'name')));
    if (!volumes.has(m.name)) errs.push(fieldError.notFound(child(idx, 'name'), m.name ?? ''));
    if (!m.mountPath) errs.push(fieldError.required(child(idx, 'mountPath')));
    if (seen.has(m.mountPath)) errs.push(fieldError.invalid(child(idx, 'mountPath'), m.mountPath, 'must be unique'));
    seen.add(m.mountPath);
    if (devices.has(m.name)) errs.push(fieldError.invalid(child(idx, 'name'), m.name, 'must not already exist in volumeDevices'));
    if (devicePathSet.has(m.mountPath)) {
      errs.push(fieldError.invalid(child(idx, 'mountPath'), m.mountPath, 'must not already exist as a path in volumeDevices'));
    }
    const volume = volumes.get(m.name) as Record<string, unknown> | undefined;
    if (volume?.image) {
      if (m.subPath) errs.push(fieldError.invalid(child(idx, 'subPath'), m.subPath, 'not allowed in image volume sources'));
      if (m.subPathExpr) errs.push(fieldError.invalid(child(idx, 'subPathExpr'), m.subPathExpr, 'not allowed in image volume sources'));
    }
    // Kubernetes reports these three at the list path, not at the mount.
    if (m.subPath) errs.push(...validateLocalDescendingPath(m.subPath, child(path, 'subPath')));
    if (m.subPathExpr) {
      if (m.subPath) {
        errs.push(fieldError.invalid(child(idx, 'subPathExpr'), m.subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
      }
      errs.push(...validateLocalDescendingPath(m.subPathExpr, child(path, 'subPathExpr')));
    }
    if (m.mountPropagation != null) errs.push(...validatePropagation(m.mountPropagation, c, child(path, 'mountPropagation')));
    errs.push(...validateRecursiveReadOnly(m, child(path, 'recursiveReadOnly')));
  });
  return errs;
}

function validatePropagation(mode: string, c: ContainerLike, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!propagationModes.includes(mode)) errs.push(fieldError.notSupported(path, mode, propagationModes));
  // Mounts flowing back to the host are a host-level change: privileged containers only.
  if (mode === 'Bidirectional' && !c.securityContext?.privileged) {
    errs.push(fieldError.forbidden(path, 'Bidirectional mount propagation is available only to privileged containers'));
  }
  return errs;
}

type VolumeMount = NonNullable<ContainerLike['volumeMounts']>[number];

function validateRecursiveReadOnly(m: VolumeMount, path: string): FieldError[] {
  const mode = m.recursiveReadOnly;
  if (mode == null || mode === 'Disabled') return [];
  if (!recursiveReadOnlyModes.includes(mode)) return [fieldError.notSupported(path, mode, recursiveReadOnlyModes)];
  const errs: FieldError[] = [];
  if (!m.readOnly) errs.push(fieldError.forbidden(path, 'may only be specified when readOnly is true'));
  if (m.mountPropagation != null && m.mountPropagation !== 'None') {
    errs.push(fieldError.forbidden(path, 'may only be specified when mountPropagation is None or not specified'));
  }
  return errs;
}

function validateVolumeDevices(c: ContainerLike, mounts: Map<string, string>, volumes: ValidVolumes, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  const paths = new Set<string>();
  const mountPathSet = new Set(mounts.values());
  (c.volumeDevices ?? []).forEach((d, i) => {
    const idx = index(path, i);
    const volume = volumes.get(d.name);
    if (!d.name) errs.push(fieldError.required(child(idx, 'name')));
    if (names.has(d.name)) errs.push(fieldError.invalid(child(idx, 'name'), d.name, 'must be unique'));
    // A raw block device can only come from a claim.
    if (volume && !volume.persistentVolumeClaim && !volume.ephemeral) {
      errs.push(fieldError.invalid(child(idx, 'name'), d.name, 'can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode'));
    }
    if (!volume) errs.push(fieldError.notFound(child(idx, 'name'), d.name ?? ''));
    if (!d.devicePath) errs.push(fieldError.required(child(idx, 'devicePath')));
    if (paths.has(d.devicePath)) errs.push(fieldError.invalid(child(idx, 'devicePath'), d.devicePath, 'must be unique'));
    if (d.devicePath && validatePathNoBacksteps(d.devicePath, '').length > 0) {
      errs.push(fieldError.invalid(child(idx, 'devicePath'), d.devicePath, "can not contain backsteps ('..')"));
    } else {
      paths.add(d.devicePath);
    }
    if (mounts.has(d.name)) errs.push(fieldError.invalid(child(idx, 'name'), d.name, 'must not already exist in volumeMounts'));
    if (mountPathSet.has(d.devicePath)) {
      errs.push(fieldError.invalid(child(idx, 'devicePath'), d.devicePath, 'must not already exist as a path in volumeMounts'));
    }
    if (d.name) names.add(d.name);
  });
  return errs;
}
