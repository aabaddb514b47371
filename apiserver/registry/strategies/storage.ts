// Strategies of PersistentVolumes and PersistentVolumeClaims (both start Pending and keep status to the status
// subresource, where the volume binder records binding) and of StorageClasses (no status at all).
import { defaultPersistentVolume, defaultPersistentVolumeClaim, defaultStorageClass } from '../../api/defaults/storage.ts';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../api/types.ts';
import { validatePersistentVolume, validatePersistentVolumeUpdate } from '../../api/validation/persistentvolume.ts';
import {
  validatePersistentVolumeClaim, validatePersistentVolumeClaimStatusUpdate, validatePersistentVolumeClaimUpdate,
} from '../../api/validation/persistentvolumeclaim.ts';
import { validateStorageClass, validateStorageClassUpdate } from '../../api/validation/storageclass.ts';
import { ensureStatus, setStatus } from '../../api/writable-status.ts';
import type { Strategy } from '../strategy.ts';
import { keepAllButStatus, kindStrategy, statusSplit } from './kind-strategy.ts';

/** RFC 3339 with second precision, as metav1.Time serializes. */
function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export const persistentVolumeStrategy: Strategy = kindStrategy<PersistentVolume>({
  ...statusSplit({
    resetStatus: (pv) => setStatus(pv, { phase: 'Pending', lastPhaseTransitionTime: now() }),
    setDefaults: defaultPersistentVolume,
  }),
  // Record when the phase moved, so operators can see how long a volume has been Released or Failed.
  prepareForStatusUpdate: (pv, old) => {
    keepAllButStatus(pv, old);
    defaultPersistentVolume(pv);
    const status = ensureStatus(pv);
    if (status.phase !== old.status?.phase) status.lastPhaseTransitionTime = now();
  },
  default: defaultPersistentVolume,
  validate: validatePersistentVolume,
  validateUpdate: validatePersistentVolumeUpdate,
});

export const persistentVolumeClaimStrategy: Strategy = kindStrategy<PersistentVolumeClaim>({
  ...statusSplit({ resetStatus: (pvc) => setStatus(pvc, { phase: 'Pending' }), setDefaults: defaultPersistentVolumeClaim }),
  default: defaultPersistentVolumeClaim,
  validate: validatePersistentVolumeClaim,
  validateUpdate: validatePersistentVolumeClaimUpdate,
  validateStatusUpdate: validatePersistentVolumeClaimStatusUpdate,
});

export const storageClassStrategy: Strategy = kindStrategy<StorageClass>({
  default: defaultStorageClass,
  validate: validateStorageClass,
  validateUpdate: validateStorageClassUpdate,
});
