// URL paths from the resource table, by Kubernetes' rules: the core group lives under /api/v1, named groups under
// /apis/{group}/{version}; namespaced kinds add /namespaces/{ns} unless listed across all namespaces.
import type { ResourceInfo } from '../api/resources.ts';

export type ResourceRef = Pick<ResourceInfo, 'group' | 'version' | 'plural' | 'namespaced'>;

export function groupVersionPrefix(ri: Pick<ResourceInfo, 'group' | 'version'>): string {
  return ri.group ? `/apis/${ri.group}/${ri.version}` : `/api/${ri.version}`;
}

/**
 * `namespace` is ignored for cluster-scoped kinds (as kubectl does with -n); for namespaced kinds it may be left
 * out only for a collection across all namespaces, never when naming one object.
 */
export function resourcePath(ri: ResourceRef, namespace?: string, name?: string, subresource?: string): string {
  let path = groupVersionPrefix(ri);
  if (ri.namespaced && namespace) path += `/namespaces/${encodeURIComponent(namespace)}`;
  else if (ri.namespaced && name !== undefined) {
    throw new Error(`${ri.plural} are namespaced: a namespace is needed to address ${JSON.stringify(name)}`);
  }
  path += `/${ri.plural}`;
  if (name !== undefined) {
    if (!name) throw new Error(`an empty name cannot address one of ${ri.plural}`);
    path += `/${encodeURIComponent(name)}`;
  }
  if (subresource) {
    if (name === undefined) throw new Error(`subresource ${subresource} needs an object name`);
    path += `/${subresource}`;
  }
  return path;
}

export type QueryValue = string | number | boolean | undefined;
export type Query = Record<string, QueryValue>;

/** `?a=1&b=x`, skipping undefined values; '' when nothing is left. */
export function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.append(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}
