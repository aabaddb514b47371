// Storage keys, laid out as kube-apiserver lays them out in etcd: /registry/<group>/<resource>/<namespace>/<name>.
// Every prefix ends in '/', so `default/` never matches `default-2/`.
import type { ResourceInfo } from '../api/resources.ts';

function base(ri: ResourceInfo): string {
  return `/registry/${ri.group || 'core'}/${ri.plural}/`;
}

export function objectKey(ri: ResourceInfo, namespace: string, name: string): string {
  return ri.namespaced ? `${base(ri)}${namespace}/${name}` : `${base(ri)}${name}`;
}

/** The prefix of a collection: one namespace, or every namespace when `namespace` is ''. */
export function collectionPrefix(ri: ResourceInfo, namespace: string): string {
  return ri.namespaced && namespace ? `${base(ri)}${namespace}/` : base(ri);
}
