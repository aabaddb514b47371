// Reading objects and server-side Tables for the read-only verbs, through the shared RestClient. Tables are asked
// for with the Accept header kubectl sends, so the server's printers decide the columns; collections are read in
// pages of 500 (kubectl's --chunk-size default) and joined.
import type { ApiObject, ObjectList } from '../apiserver/client/object.ts';
import { resourcePath, type Query } from '../apiserver/client/paths.ts';
import type { RestClient } from '../apiserver/client/rest.ts';
import type { DiscoveredResource } from './discovery.ts';
import { apiVersionOf } from './discovery.ts';
import { withTypeMeta } from './output/objects.ts';
import type { Table } from './output/table-printer.ts';

export const tableAccept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

export interface Selectors {
  labelSelector?: string;
  fieldSelector?: string;
}

/** Where a request for `resource` goes: its namespace, or none for cluster-scoped kinds and -A. */
export function namespaceFor(resource: DiscoveredResource, namespace: string | undefined): string | undefined {
  return resource.namespaced ? namespace : undefined;
}

/** Table rows carry only metadata unless `includeObject` asks for the whole object (--sort-by needs it). */
export type IncludeObject = 'Metadata' | 'Object';

export async function getTable(client: RestClient, resource: DiscoveredResource, namespace: string | undefined,
  name: string, includeObject?: IncludeObject): Promise<Table> {
  return client.request<Table>('GET', resourcePath(resource, namespaceFor(resource, namespace), name), {
    accept: tableAccept, query: { includeObject },
  });
}

/** The whole collection as one Table (pages joined); the last page's resourceVersion is where a watch starts. */
export async function listTable(client: RestClient, resource: DiscoveredResource, namespace: string | undefined,
  selectors: Selectors, chunkSize = 500, includeObject?: IncludeObject): Promise<Table> {
  let table: Table | undefined;
  let cont: string | undefined;
  do {
    const query: Query = { ...selectors, limit: chunkSize > 0 ? chunkSize : undefined, continue: cont, includeObject };
    const page = await client.request<Table>('GET', resourcePath(resource, namespaceFor(resource, namespace)), { accept: tableAccept, query });
    page.rows ??= [];
    if (!table) table = page;
    else {
      table.rows.push(...page.rows);
      table.metadata = page.metadata;
    }
    cont = page.metadata?.continue || undefined;
  } while (cont);
  return table;
}

export async function getObject(client: RestClient, resource: DiscoveredResource, namespace: string | undefined,
  name: string): Promise<ApiObject> {
  const obj = await client.get<ApiObject>(resource, namespaceFor(resource, namespace), name);
  return withTypeMeta([obj], apiVersionOf(resource), resource.kind)[0];
}

export async function listObjects(client: RestClient, resource: DiscoveredResource, namespace: string | undefined,
  selectors: Selectors, chunkSize = 500): Promise<ObjectList<ApiObject>> {
  const items: ApiObject[] = [];
  let cont: string | undefined;
  let last: ObjectList<ApiObject> | undefined;
  do {
    last = await client.list<ApiObject>(resource, namespaceFor(resource, namespace), {
      ...selectors, limit: chunkSize > 0 ? chunkSize : undefined, continue: cont,
    });
    items.push(...(last.items ?? []));
    cont = last.metadata?.continue || undefined;
  } while (cont);
  return { ...last, items: withTypeMeta(items, apiVersionOf(resource), resource.kind) };
}
