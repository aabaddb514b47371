// The smallest shape every API object has. The generic client and the informer cache need nothing more, and this
// shape (unlike api/types.ts' KubeObject, whose index signature the kubernetes-types interfaces do not satisfy)
// accepts `Pod`, `Lease`, `Deployment` ... directly as type arguments.
import type { ListMeta, ObjectMeta } from '../api/types.ts';

export interface ApiObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

export interface ObjectList<T> {
  apiVersion?: string;
  kind?: string;
  metadata?: ListMeta;
  items: T[];
}

/** The cache key client-go uses (MetaNamespaceKeyFunc): `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(obj: ApiObject): string {
  const name = obj.metadata?.name;
  if (!name) throw new Error(`object has no metadata.name: ${JSON.stringify(obj).slice(0, 200)}`);
  const ns = obj.metadata?.namespace;
  return ns ? `${ns}/${name}` : name;
}

/** Splits a key made by objectKey; cluster-scoped keys have no namespace. */
export function splitObjectKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/');
  if (slash < 0) return { name: key };
  if (key.indexOf('/', slash + 1) >= 0 || slash === 0 || slash === key.length - 1) {
    throw new Error(`unexpected object key format: ${JSON.stringify(key)}`);
  }
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

export function resourceVersionOf(obj: ApiObject): string | undefined {
  return obj.metadata?.resourceVersion;
}
