// The DefaultStorageClass admission plugin: a claim created without a storage class gets the cluster's default
// class (the one annotated storageclass.kubernetes.io/is-default-class: "true"), so "give me 1Gi" is provisioned
// without the user knowing what storage the cluster has. A claim that names a class, even "", keeps it.
import { resourceFor } from '../api/resources.ts';
import { claimHasClass, defaultClassOf } from '../api/storage-class.ts';
import type { PersistentVolumeClaim, StorageClass } from '../api/types.ts';
import { collectionPrefix } from '../registry/keys.ts';
import type { AdmissionAttributes } from '../registry/registry.ts';
import type { Store } from '../storage/store.ts';

const storageClassesInfo = resourceFor('storage.k8s.io', 'v1', 'storageclasses')!;

/**
 * Mutates the claim in `a.object`. The registry admits after validation, where kube mutates before it; the
 * only field set is a class name read from a stored (so valid) StorageClass, so nothing needs validating again.
 */
export async function admitDefaultStorageClass(store: Store, a: AdmissionAttributes): Promise<void> {
  if (a.operation !== 'CREATE' || a.subresource !== '' || a.ri.group !== '' || a.ri.plural !== 'persistentvolumeclaims') return;
  const pvc = a.object as PersistentVolumeClaim | undefined;
  if (!pvc?.spec || claimHasClass(pvc)) return;
  const page = await store.list(collectionPrefix(storageClassesInfo, ''));
  const def = defaultClassOf(page.items as unknown as StorageClass[]);
  if (def?.metadata?.name) pvc.spec.storageClassName = def.metadata.name;
}
