// The local-path provisioner (after k3s' rancher.io/local-path): a claim of a class whose provisioner is
// `skiff.io/local-path` gets a hostPath volume of its own, a directory under the controller-manager's
// --local-path-root. Every Skiff node runs on the host the controller-manager runs on, so a directory there is
// reachable from any node. The kubelet creates the directory (hostPath DirectoryOrCreate) when a pod first mounts
// it; the binder removes it when the volume is reclaimed with Delete, and never anything outside the root.
import { realpath, rm } from 'node:fs/promises';
import path from 'node:path';
import { isDefaultClassAnnotation } from '../apiserver/api/storage-class.ts';
import type { ObjectReference, PersistentVolume, PersistentVolumeClaim, StorageClass } from '../apiserver/api/types.ts';

export const localPathProvisioner = 'skiff.io/local-path';
export const localPathClassName = 'local-path';

/** Annotations kube's binder and provisioners share (component-helpers/storage/volume). */
export const annBoundByController = 'pv.kubernetes.io/bound-by-controller';
export const annDynamicallyProvisioned = 'pv.kubernetes.io/provisioned-by';

/**
 * The class the controller-manager creates at start when it is missing. It is the default class unless the
 * cluster already has one: an administrator's choice of default is not overridden.
 */
export function localPathStorageClass(otherDefaultExists: boolean): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass',
    metadata: { name: localPathClassName, ...(otherDefaultExists ? {} : { annotations: { [isDefaultClassAnnotation]: 'true' } }) },
    provisioner: localPathProvisioner,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'Immediate',
  };
}

/** kube's name for a provisioned volume: one per claim, so a retried provisioning finds the volume it made. */
export function provisionedVolumeName(claim: PersistentVolumeClaim): string {
  return `pvc-${claim.metadata?.uid ?? ''}`;
}

/** `<root>/pvc-<uid>_<namespace>_<name>`: unique by uid, and readable on the host. */
export function localPathFor(root: string, claim: PersistentVolumeClaim): string {
  const m = claim.metadata ?? {};
  return path.join(root, `${provisionedVolumeName(claim)}_${m.namespace ?? ''}_${m.name ?? ''}`);
}

/** Why this provisioner cannot make a volume for the claim, as kube's in-tree provisioners refuse; undefined: it can. */
export function provisioningError(claim: PersistentVolumeClaim, sc: StorageClass): string | undefined {
  if (claim.spec?.selector) return 'claim.Spec.Selector is not supported for dynamic provisioning';
  if (claim.spec?.dataSource) return `plugin "${localPathProvisioner}" is not a CSI plugin. Only CSI plugin can provision a claim with a datasource`;
  if (claim.spec?.volumeMode === 'Block') return 'volumeMode Block is not supported: a local path is a directory';
  if ((sc.mountOptions ?? []).length > 0) {
    return `Mount options are not supported by the provisioner but StorageClass "${sc.metadata?.name ?? ''}" has mount options [${(sc.mountOptions ?? []).join(' ')}]`;
  }
  return undefined;
}

/** A reference to the claim as client-go's GetReference makes it (the uid is what binds). */
export function claimReference(claim: PersistentVolumeClaim): ObjectReference {
  const m = claim.metadata ?? {};
  return {
    kind: 'PersistentVolumeClaim', apiVersion: 'v1',
    namespace: m.namespace, name: m.name, uid: m.uid, resourceVersion: m.resourceVersion,
  };
}

/**
 * The volume made for a claim: its size and access modes, the class's reclaim policy, pre-bound to the claim
 * (claimRef with uid) so no other claim can take it while the binder finishes the binding.
 */
export function provisionedVolume(claim: PersistentVolumeClaim, sc: StorageClass, root: string): PersistentVolume {
  return {
    apiVersion: 'v1', kind: 'PersistentVolume',
    metadata: {
      name: provisionedVolumeName(claim),
      annotations: { [annDynamicallyProvisioned]: localPathProvisioner, [annBoundByController]: 'yes' },
    },
    spec: {
      capacity: { storage: String(claim.spec?.resources?.requests?.storage ?? '0') },
      accessModes: [...(claim.spec?.accessModes ?? [])],
      persistentVolumeReclaimPolicy: sc.reclaimPolicy || 'Delete',
      storageClassName: sc.metadata?.name,
      volumeMode: claim.spec?.volumeMode ?? 'Filesystem',
      hostPath: { path: localPathFor(root, claim), type: 'DirectoryOrCreate' },
      claimRef: claimReference(claim),
    },
  };
}

/** Strictly inside root, by the path's own text (`..` cannot climb out: the path is resolved first). */
export function isUnderRoot(root: string, target: string): boolean {
  const relative = path.relative(path.resolve(root), path.resolve(target));
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/**
 * Removes a reclaimed volume's directory. The path is checked twice: as written, then with symlinks resolved, so a
 * link planted under the root cannot point the deletion elsewhere. A directory that is not there is already gone.
 */
export async function removeVolumeDirectory(root: string, dir: string): Promise<void> {
  if (!isUnderRoot(root, dir)) throw new Error(`refusing to remove ${dir}: it is not under the local-path root ${root}`);
  let real: string;
  try {
    real = await realpath(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const realRoot = await realpath(root);
  if (!isUnderRoot(realRoot, real)) throw new Error(`refusing to remove ${dir}: it resolves to ${real}, outside the local-path root ${realRoot}`);
  // rm does not follow symlinks inside the tree: a link to /etc in the volume removes the link only.
  await rm(real, { recursive: true, force: true });
}
