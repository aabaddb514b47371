// What a describer needs besides the object: the client (for related objects and events) and the clock.
import type { Event } from '../../apiserver/api/types.ts';
import type { ApiObject } from '../../apiserver/client/object.ts';
import type { ResourceRef } from '../../apiserver/client/paths.ts';
import type { ListOptions, RestClient } from '../../apiserver/client/rest.ts';
import type { DiscoveredResource } from '../discovery.ts';

export interface DescribeContext {
  client: RestClient;
  showEvents: boolean;
  chunkSize: number;
  now: number;
}

/** Writes kubectl-describe text for one object that was already read from the server. */
export type Describer = (ctx: DescribeContext, resource: DiscoveredResource, obj: ApiObject) => Promise<string>;

export const eventsResource = { group: '', version: 'v1', plural: 'events', namespaced: true };

/** Every item of a list, read in --chunk-size pages as kubectl's FollowContinue does. */
export async function listAll<T>(ctx: DescribeContext, resource: ResourceRef, namespace: string | undefined,
  opts: Omit<ListOptions, 'limit' | 'continue'> = {}): Promise<T[]> {
  const items: T[] = [];
  let cont: string | undefined;
  do {
    const page = await ctx.client.list<T>(resource, namespace, { ...opts, limit: ctx.chunkSize, continue: cont });
    items.push(...page.items);
    cont = page.metadata?.continue || undefined;
  } while (cont);
  return items;
}

/**
 * The events about an object, found as kubectl's searchEvents finds them: by involvedObject name, namespace, uid
 * and (except for pods, whose events may come from a mirror) kind.
 */
export async function searchEvents(ctx: DescribeContext, ref: { name: string; namespace?: string; kind?: string; uid?: string }): Promise<Event[]> {
  const fields = [`involvedObject.name=${ref.name}`, `involvedObject.namespace=${ref.namespace ?? ''}`];
  if (ref.kind) fields.push(`involvedObject.kind=${ref.kind}`);
  if (ref.uid) fields.push(`involvedObject.uid=${ref.uid}`);
  fields.sort();
  return listAll<Event>(ctx, eventsResource, ref.namespace || undefined, { fieldSelector: fields.join(',') });
}

/** Events for `obj`, or undefined when --show-events=false; a failed search shows as no events, as in kubectl. */
export async function eventsFor(ctx: DescribeContext, obj: ApiObject, kind?: string): Promise<Event[] | undefined> {
  if (!ctx.showEvents) return undefined;
  try {
    return await searchEvents(ctx, { name: obj.metadata?.name ?? '', namespace: obj.metadata?.namespace, kind, uid: obj.metadata?.uid });
  } catch {
    return [];
  }
}
