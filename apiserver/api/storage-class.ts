// Which storage class a claim or volume belongs to, and which class is the cluster's default: kube's
// storage helpers (GetPersistentVolumeClaimClass, IsDefaultAnnotation, GetDefaultClass), shared by the
// DefaultStorageClass admission plugin, the StorageClass printer and the volume binder.
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from './types.ts';

export const isDefaultClassAnnotation = 'storageclass.kubernetes.io/is-default-class';
export const betaIsDefaultClassAnnotation = 'storageclass.beta.kubernetes.io/is-default-class';
/** The pre-1.6 spelling of spec.storageClassName; where present it still wins. */
export const betaStorageClassAnnotation = 'volume.beta.kubernetes.io/storage-class';

export function isDefaultClass(sc: StorageClass): boolean {
  const annotations = sc.metadata?.annotations ?? {};
  return annotations[isDefaultClassAnnotation] === 'true' || annotations[betaIsDefaultClassAnnotation] === 'true';
}

/**
 * The default class: with several marked default (a mistake while switching defaults), the newest wins, ties by
 * name, so a new default takes over before the old one's annotation is removed.
 */
export function defaultClassOf(classes: readonly StorageClass[]): StorageClass | undefined {
  const created = (sc: StorageClass): number => Date.parse(sc.metadata?.creationTimestamp ?? '') || 0;
  const name = (sc: StorageClass): string => sc.metadata?.name ?? '';
  return classes.filter(isDefaultClass).sort((a, b) =>
    created(b) - created(a) || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0))[0];
}

/** Whether the user chose a class for the claim: an explicit "" means "no class", unlike a missing name. */
export function claimHasClass(pvc: PersistentVolumeClaim): boolean {
  return Object.hasOwn(pvc.metadata?.annotations ?? {}, betaStorageClassAnnotation) || pvc.spec?.storageClassName != null;
}

/** The class a claim asks for; '' is "no class" (it binds only to volumes without one). */
export function claimClass(pvc: PersistentVolumeClaim): string {
  const annotations = pvc.metadata?.annotations ?? {};
  if (Object.hasOwn(annotations, betaStorageClassAnnotation)) return annotations[betaStorageClassAnnotation];
  return pvc.spec?.storageClassName ?? '';
}

export function volumeClass(pv: PersistentVolume): string {
  const annotations = pv.metadata?.annotations ?? {};
  if (Object.hasOwn(annotations, betaStorageClassAnnotation)) return annotations[betaStorageClassAnnotation];
  return pv.spec?.storageClassName ?? '';
}
