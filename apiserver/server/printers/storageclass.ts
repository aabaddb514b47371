// kubectl get storageclasses: NAME PROVISIONER RECLAIMPOLICY VOLUMEBINDINGMODE ALLOWVOLUMEEXPANSION AGE, the default
// class named `standard (default)`.
import { isDefaultClass } from '../../api/storage-class.ts';
import type { StorageClass } from '../../api/types.ts';
import { ageCell, kindPrinter } from './kind-printer.ts';
import { ageColumn, column, nameColumn } from './printer.ts';

export const storageClassPrinter = kindPrinter<StorageClass>([
  nameColumn,
  column('Provisioner', 'string', 'provisioner indicates the type of the provisioner.'),
  column('ReclaimPolicy', 'string', 'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete.'),
  column('VolumeBindingMode', 'string', 'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used. This field is only honored by servers that enable the VolumeScheduling feature.'),
  column('AllowVolumeExpansion', 'string', 'allowVolumeExpansion shows whether the storage class allow volume expand.'),
  ageColumn,
], (sc, now) => [
  `${sc.metadata?.name ?? ''}${isDefaultClass(sc) ? ' (default)' : ''}`,
  sc.provisioner ?? '',
  // Stored classes are defaulted; these fallbacks are what kube prints for a class that somehow is not.
  sc.reclaimPolicy || 'Delete',
  sc.volumeBindingMode || 'Immediate',
  sc.allowVolumeExpansion ?? false,
  ageCell(sc, now),
]);
