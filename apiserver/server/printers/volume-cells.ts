// Cells PersistentVolumes and PersistentVolumeClaims share: access modes, storage class, quantities.

const accessModeAbbreviations: [mode: string, short: string][] = [
  ['ReadWriteOnce', 'RWO'], ['ReadOnlyMany', 'ROX'], ['ReadWriteMany', 'RWX'], ['ReadWriteOncePod', 'RWOP'],
];

/** `RWO,RWX`: each mode present once, always in this fixed order whatever the order in the object. */
export function accessModesCell(modes: readonly string[] | undefined): string {
  const present = new Set(modes ?? []);
  return accessModeAbbreviations.filter(([mode]) => present.has(mode)).map(([, short]) => short).join(',');
}

/** The pre-1.6 beta annotation wins over storageClassName, as the Go helpers still honour it. */
const betaStorageClassAnnotation = 'volume.beta.kubernetes.io/storage-class';

export function storageClassCell(obj: { metadata?: { annotations?: Record<string, string> }; spec?: { storageClassName?: string } }): string {
  const annotations = obj.metadata?.annotations ?? {};
  if (Object.hasOwn(annotations, betaStorageClassAnnotation)) return annotations[betaStorageClassAnnotation];
  return obj.spec?.storageClassName ?? '';
}

/** A storage quantity; resource lists are stored in canonical form, and a missing one prints as Go's zero, "0". */
export function storageCell(resources: Record<string, string> | undefined): string {
  return resources?.storage ?? '0';
}
