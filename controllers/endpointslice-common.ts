// What the EndpointSlice controller and the EndpointSlice mirroring controller share (kube's k8s.io/endpointslice
// util package): the labels that tie a slice to its Service and its writer, what makes two endpoints "the same"
// endpoint (updated in place) rather than a removal and an addition, how port sets are keyed, and how creates are
// turned into updates of slices that would otherwise be deleted, so that a change rewrites as few slices as it can.
import { sliceServiceKey, type SliceEndpoint } from '../apiserver/api/endpoint-slices.ts';
import { resourceFor } from '../apiserver/api/resources.ts';
import type { EndpointSlice } from '../apiserver/api/types.ts';
import { formatIP, ipv4Bytes, parseIPSloppy } from '../apiserver/api/validation/ip-address.ts';
import { nameIsDNSSubdomain } from '../apiserver/api/validation/names.ts';
import {
  ItemExponentialRateLimiter, MaxOfRateLimiter, TokenBucketRateLimiter, WorkQueue, type IndexFunc,
} from '../apiserver/client/index.ts';
import { canonicalJson } from './controller-revision.ts';

export type SlicePort = NonNullable<EndpointSlice['ports']>[number];
export type AddressType = 'IPv4' | 'IPv6';

export const endpointSlicesResource = resourceFor('discovery.k8s.io', 'v1', 'endpointslices')!;
/** How soon to look again when the slice cache is behind a controller's own writes (or someone else's). */
export const staleCacheRetryMs = 100;

/**
 * The slice informer's index of slices by the `<namespace>/<service>` key of their Service. Both slice controllers
 * ask for it under this name with this very function, so the shared informer holds it once.
 */
export const byServiceIndex = 'byService';
export const sliceServiceIndex: IndexFunc<EndpointSlice> = (slice) => {
  const key = sliceServiceKey(slice);
  return key ? [key] : [];
};

/** Which controller writes a slice; each touches only its own. */
export const managedByLabel = 'endpointslice.kubernetes.io/managed-by';
/** Endpoints so marked are not mirrored into slices (the apiserver's own, for one). */
export const skipMirrorLabel = 'endpointslice.kubernetes.io/skip-mirror';

/**
 * The work queue of both slice controllers: a failed Service (a pod on a node not known yet, an apiserver error)
 * is retried after 1 s doubling to 1000 s (kube's defaultSyncBackOff and maxSyncBackOff), not the generic 5 ms.
 */
export function sliceControllerQueue(): WorkQueue<string> {
  return new WorkQueue<string>({
    rateLimiter: new MaxOfRateLimiter<string>(new ItemExponentialRateLimiter<string>(1000, 1_000_000), new TokenBucketRateLimiter<string>(10, 100)),
  });
}

/** The endpoints of a slice: stored slices without any carry `endpoints: null`. */
export function sliceEndpoints(slice: EndpointSlice): SliceEndpoint[] {
  return slice.endpoints ?? [];
}

export function sliceLabel(slice: EndpointSlice, label: string): string | undefined {
  return slice.metadata?.labels?.[label];
}

/** getEndpointSlicePrefix: `<name>-`, or just the name when the dash would make the prefix invalid. */
export function slicePrefix(name: string): string {
  const prefix = `${name}-`;
  return nameIsDNSSubdomain(prefix, true).length === 0 ? prefix : name;
}

/**
 * An IP as Go's net.IP.String() writes it (kube re-strings every address it copies into a slice): dotted IPv4 (an
 * IPv4-mapped IPv6 address counts as IPv4), IPv6 in lower case with the longest run of two or more zero groups
 * written `::`. Undefined for text that is no IP.
 */
export function canonicalIP(text: string): { ip: string; family: AddressType } | undefined {
  const bytes = parseIPSloppy(text);
  if (!bytes) return undefined;
  return { ip: formatIP(bytes), family: ipv4Bytes(bytes) ? 'IPv4' : 'IPv6' };
}

/**
 * hashEndpoint: an endpoint is identified by its addresses, hostname and the object it stands for. Anything else
 * (conditions, node, zone) may change in place, as an update of the endpoint rather than a swap.
 */
export function endpointKey(endpoint: SliceEndpoint): string {
  return canonicalJson([[...(endpoint.addresses ?? [])].sort(), endpoint.hostname ?? '',
    endpoint.targetRef?.namespace ?? '', endpoint.targetRef?.name ?? '']);
}

/** NewPortMapKey: the set of ports, in any order, with defaulting applied (an unnamed port is named ''). */
export function portMapKey(ports: readonly SlicePort[] | null | undefined): string {
  return canonicalJson((ports ?? []).map((p) => canonicalJson({
    name: p.name ?? '', port: p.port ?? null, protocol: p.protocol ?? 'TCP', appProtocol: p.appProtocol ?? undefined,
  })).sort());
}

const same = <T>(a: T | null | undefined, b: T | null | undefined): boolean => (a ?? undefined) === (b ?? undefined);

/**
 * EndpointsEqualBeyondHash: for two endpoints with the same key, whether the rest that a slice writer sets agrees
 * (node, zone, the three conditions, the target reference apart from its resourceVersion).
 */
export function endpointsEqualBeyondHash(a: SliceEndpoint, b: SliceEndpoint): boolean {
  const ref = (e: SliceEndpoint): string => canonicalJson(e.targetRef ? { ...e.targetRef, resourceVersion: undefined } : null);
  return same(a.nodeName, b.nodeName) && same(a.zone, b.zone)
    && same(a.conditions?.ready, b.conditions?.ready) && same(a.conditions?.serving, b.conditions?.serving)
    && same(a.conditions?.terminating, b.conditions?.terminating)
    && ref(a) === ref(b);
}

export interface SliceChanges {
  /** New slices, named by generateName. */
  create: EndpointSlice[];
  /** Whole slices to write over stored ones (by name). */
  update: EndpointSlice[];
  /** Stored slices to delete. */
  delete: EndpointSlice[];
}

/**
 * finalize's recycling: rather than create one slice and delete another, write the new contents over the one
 * that would be deleted, when `mayReuse` allows (same address type, and for Services the same owner, so that a
 * slice the garbage collector is about to remove for an old Service of the same name is never taken over).
 */
export function recycleDeletes(changes: SliceChanges, mayReuse: (doomed: EndpointSlice, fresh: EndpointSlice) => boolean): SliceChanges {
  const create = [...changes.create];
  const update = [...changes.update];
  const remaining: EndpointSlice[] = [];
  for (const doomed of changes.delete) {
    const fresh = create[create.length - 1];
    if (fresh && mayReuse(doomed, fresh)) {
      create.pop();
      const { generateName: _generated, ...metadata } = fresh.metadata ?? {};
      update.push({ ...fresh, metadata: { ...metadata, name: doomed.metadata?.name } });
    } else {
      remaining.push(doomed);
    }
  }
  return { create, update, delete: remaining };
}
