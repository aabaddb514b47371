// Volume defaults, after Kubernetes' SetDefaults_Volume and the per-source defaulters it generates.
import { effectiveImageTag } from '../image-reference.ts';
import type { Volume } from '../types.ts';
import { defaultResourceList } from './resource-list.ts';

/** 0644: files projected into a volume are readable by everyone, writable by the owner. */
export const defaultVolumeFileMode = 0o644;
/** ServiceAccountTokenProjection: tokens live an hour unless asked otherwise. */
const defaultTokenExpirationSeconds = 3600;

/** Every volume source a Volume can carry (all keys but `name`). */
export const volumeSourceKeys = [
  'emptyDir', 'hostPath', 'gitRepo', 'gcePersistentDisk', 'awsElasticBlockStore', 'secret', 'nfs', 'iscsi',
  'glusterfs', 'flocker', 'persistentVolumeClaim', 'rbd', 'cinder', 'cephfs', 'quobyte', 'downwardAPI', 'fc',
  'flexVolume', 'configMap', 'azureFile', 'vsphereVolume', 'photonPersistentDisk', 'portworxVolume', 'azureDisk',
  'storageos', 'projected', 'scaleIO', 'csi', 'ephemeral', 'image',
] as const;

export function defaultVolume(volume: Volume): void {
  const record = volume as unknown as Record<string, unknown>;
  // A volume that names no source is an empty directory.
  if (volumeSourceKeys.every((k) => record[k] === undefined || record[k] === null)) volume.emptyDir = {};
  if (volume.hostPath && volume.hostPath.type == null) volume.hostPath.type = '';
  defaultImageVolume(record);
  if (volume.secret) volume.secret.defaultMode ??= defaultVolumeFileMode;
  if (volume.configMap) volume.configMap.defaultMode ??= defaultVolumeFileMode;
  if (volume.downwardAPI) {
    volume.downwardAPI.defaultMode ??= defaultVolumeFileMode;
    for (const item of volume.downwardAPI.items ?? []) {
      if (item.fieldRef && !item.fieldRef.apiVersion) item.fieldRef.apiVersion = 'v1';
    }
  }
  if (volume.projected) {
    volume.projected.defaultMode ??= defaultVolumeFileMode;
    for (const source of volume.projected.sources ?? []) {
      for (const item of source.downwardAPI?.items ?? []) {
        if (item.fieldRef && !item.fieldRef.apiVersion) item.fieldRef.apiVersion = 'v1';
      }
      if (source.serviceAccountToken) source.serviceAccountToken.expirationSeconds ??= defaultTokenExpirationSeconds;
    }
  }
  const claimSpec = volume.ephemeral?.volumeClaimTemplate?.spec;
  if (claimSpec) {
    claimSpec.volumeMode ??= 'Filesystem';
    defaultResourceList(claimSpec.resources?.limits);
    defaultResourceList(claimSpec.resources?.requests);
  }
  defaultLegacySources(volume);
}

/** Image volumes (newer than kubernetes-types 1.30) pull like containers: always for `latest`. */
function defaultImageVolume(record: Record<string, unknown>): void {
  const image = record.image;
  if (typeof image !== 'object' || image === null) return;
  const source = image as { reference?: string; pullPolicy?: string };
  if (!source.pullPolicy) source.pullPolicy = effectiveImageTag(source.reference ?? '') === 'latest' ? 'Always' : 'IfNotPresent';
}

/** The in-tree network and cloud volume plugins carry a few declared defaults of their own. */
function defaultLegacySources(volume: Volume): void {
  if (volume.iscsi && !volume.iscsi.iscsiInterface) volume.iscsi.iscsiInterface = 'default';
  if (volume.rbd) {
    if (!volume.rbd.pool) volume.rbd.pool = 'rbd';
    if (!volume.rbd.user) volume.rbd.user = 'admin';
    if (!volume.rbd.keyring) volume.rbd.keyring = '/etc/ceph/keyring';
  }
  if (volume.azureDisk) {
    volume.azureDisk.cachingMode ??= 'ReadWrite';
    volume.azureDisk.kind ??= 'Shared';
    volume.azureDisk.fsType ??= 'ext4';
    volume.azureDisk.readOnly ??= false;
  }
  if (volume.scaleIO) {
    if (!volume.scaleIO.storageMode) volume.scaleIO.storageMode = 'ThinProvisioned';
    if (!volume.scaleIO.fsType) volume.scaleIO.fsType = 'xfs';
  }
}
