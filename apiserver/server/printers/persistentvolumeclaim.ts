// kubectl get persistentvolumeclaims: NAME STATUS VOLUME CAPACITY ACCESS MODES STORAGECLASS VOLUMEATTRIBUTESCLASS
// AGE, wide: VOLUMEMODE.
import type { PersistentVolumeClaim } from '../../api/types.ts';
import { ageCell, kindPrinter } from './kind-printer.ts';
import { ageColumn, column, nameColumn } from './printer.ts';
import { accessModesCell, storageCell, storageClassCell } from './volume-cells.ts';

export const persistentVolumeClaimPrinter = kindPrinter<PersistentVolumeClaim>([
  nameColumn,
  column('Status', 'string', 'phase represents the current phase of PersistentVolumeClaim.'),
  column('Volume', 'string', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
  column('Capacity', 'string', 'capacity represents the actual resources of the underlying volume.'),
  column('Access Modes', 'string', 'accessModes contains the actual access modes the volume backing the PVC has. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1'),
  column('StorageClass', 'string', 'StorageClass of the pvc'),
  column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
  ageColumn,
  column('VolumeMode', 'string', 'volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.', { priority: 1 }),
], (pvc, now) => {
  // Capacity and access modes describe the bound volume, so they stay empty until the claim is bound.
  const bound = Boolean(pvc.spec?.volumeName);
  return [
    pvc.metadata?.name ?? '',
    pvc.metadata?.deletionTimestamp ? 'Terminating' : pvc.status?.phase ?? '',
    pvc.spec?.volumeName ?? '',
    bound ? storageCell(pvc.status?.capacity) : '',
    bound ? accessModesCell(pvc.status?.accessModes) : '',
    storageClassCell(pvc),
    pvc.spec?.volumeAttributesClassName ?? '<unset>',
    ageCell(pvc, now),
    pvc.spec?.volumeMode ?? '<unset>',
  ];
});
