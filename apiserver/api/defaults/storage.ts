// Defaults for PersistentVolumes, PersistentVolumeClaims and StorageClasses, as Kubernetes'
// SetDefaults_PersistentVolume(Claim) and storage/v1's SetDefaults_StorageClass.
import type { PersistentVolumeClaimSpec } from 'kubernetes-types/core/v1.d.ts';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../types.ts';
import { ensureStatus } from '../writable-status.ts';
import { defaultResourceList } from './resource-list.ts';

export function defaultPersistentVolume(pv: PersistentVolume): void {
  const status = ensureStatus(pv);
  status.phase ||= 'Pending';
  const spec = pv.spec;
  if (!spec) return;
  // Retain: deleting a claim must never silently destroy data nobody asked to delete.
  spec.persistentVolumeReclaimPolicy ||= 'Retain';
  spec.volumeMode ??= 'Filesystem';
  if (spec.hostPath) spec.hostPath.type ??= '';
  defaultResourceList(spec.capacity);
}

/** Also applied to StatefulSet volumeClaimTemplates, which Kubernetes defaults like claims. */
export function defaultPersistentVolumeClaim(pvc: PersistentVolumeClaim): void {
  const status = ensureStatus(pvc);
  status.phase ||= 'Pending';
  defaultResourceList(status.capacity);
  defaultResourceList(status.allocatedResources);
  if (pvc.spec) defaultPersistentVolumeClaimSpec(pvc.spec);
}

export function defaultPersistentVolumeClaimSpec(spec: PersistentVolumeClaimSpec): void {
  spec.volumeMode ??= 'Filesystem';
  defaultResourceList(spec.resources?.requests);
  defaultResourceList(spec.resources?.limits);
}

/** Provisioned volumes are deleted with their claim unless the class says Retain; binding happens at once. */
export function defaultStorageClass(sc: StorageClass): void {
  sc.reclaimPolicy ||= 'Delete';
  sc.volumeBindingMode ||= 'Immediate';
}
