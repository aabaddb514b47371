// Lists a whole collection in pages (limit/continue), as client-go's pager does, so neither side holds one huge
// response. When the continue token has expired (410), it falls back to one unpaginated list.
import type { ApiObject } from './object.ts';
import type { ResourceRef } from './paths.ts';
import type { ListOptions, RestClient } from './rest.ts';
import { isExpired } from './status-error.ts';

export interface PagedList<T> {
  items: T[];
  /** The list's resourceVersion: a watch from here misses nothing. */
  resourceVersion: string;
}

export async function listAllPages<T = ApiObject>(client: RestClient, ri: ResourceRef, namespace: string | undefined,
  opts: Omit<ListOptions, 'limit' | 'continue'> & { pageSize?: number } = {}): Promise<PagedList<T>> {
  const { pageSize = 500, ...listOpts } = opts;
  const items: T[] = [];
  let resourceVersion: string | undefined;
  let cont: string | undefined;
  do {
    let page;
    try {
      page = await client.list<T>(ri, namespace, { ...listOpts, limit: pageSize > 0 ? pageSize : undefined, continue: cont });
    } catch (e) {
      if (!cont || !isExpired(e)) throw e;
      const full = await client.list<T>(ri, namespace, listOpts);
      return { items: full.items ?? [], resourceVersion: full.metadata?.resourceVersion ?? '' };
    }
    items.push(...(page.items ?? []));
    // Every page of one list shares the first page's snapshot; its resourceVersion is the one to watch from.
    resourceVersion ??= page.metadata?.resourceVersion ?? '';
    cont = page.metadata?.continue || undefined;
  } while (cont);
  return { items, resourceVersion: resourceVersion ?? '' };
}
