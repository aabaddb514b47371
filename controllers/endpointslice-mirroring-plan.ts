// The EndpointSlice mirroring decisions (kube's pkg/controller/endpointslicemirroring): the Endpoints a user wrote
// for a Service without a selector become EndpointSlices, so that slice readers see them too. Each subset maps to
// one slice per address type (at most maxEndpointsPerSubset addresses of it are mirrored), carrying the Endpoints'
// labels and annotations; addresses that are no IP are skipped and counted.
import type { Endpoints, EndpointSlice } from '../apiserver/api/types.ts';
import { serviceNameLabel, type SliceEndpoint } from '../apiserver/api/endpoint-slices.ts';
import { canonicalJson } from './controller-revision.ts';
import {
  canonicalIP, endpointKey, endpointsEqualBeyondHash, managedByLabel, portMapKey, recycleDeletes, skipMirrorLabel,
  sliceEndpoints, slicePrefix, type AddressType, type SliceChanges, type SlicePort,
} from './endpointslice-common.ts';
import { lastChangeTriggerTimeAnnotation } from './endpoints-trigger-time.ts';
import { controllerRef } from './workload-pods.ts';

/** The managed-by value of the slices this controller writes. */
export const mirroringControllerName = 'endpointslicemirroring-controller.k8s.io';
/** kube-controller-manager's --mirroring-max-endpoints-per-subset default. */
export const defaultMaxEndpointsPerSubset = 1000;
/** Endpoints used as a leader-election lock (an old kind of lock) are not addresses of anything. */
const leaderElectionAnnotation = 'control-plane.alpha.kubernetes.io/leader';
/** Never copied: the trigger time belongs to the Endpoints' own writer, the last-applied state to kubectl's. */
const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';

type EndpointSubset = NonNullable<Endpoints['subsets']>[number];
type EndpointAddress = NonNullable<EndpointSubset['addresses']>[number];

/** shouldMirror: not marked skip-mirror, and no leader-election record. */
export function shouldMirror(ep: Endpoints | undefined): boolean {
  if (!ep) return false;
  return ep.metadata?.labels?.[skipMirrorLabel] !== 'true' && ep.metadata?.annotations?.[leaderElectionAnnotation] === undefined;
}

export interface MirrorPlan extends SliceChanges {
  /** Addresses that are no IP, left out (kube's InvalidIPAddress event). */
  invalidAddresses: number;
  /** Addresses left out in all, invalid ones and those over the per-subset limit. */
  skippedAddresses: number;
}

/** addressToEndpoint: the address, as Go prints it, with what the Endpoints say about it. */
function addressToEndpoint(address: EndpointAddress, ready: boolean): { endpoint: SliceEndpoint; family: AddressType } | undefined {
  const ip = canonicalIP(address.ip ?? '');
  if (!ip) return undefined;
  const endpoint: SliceEndpoint = { addresses: [ip.ip], conditions: { ready } };
  if (address.hostname) endpoint.hostname = address.hostname;
  if (address.targetRef) endpoint.targetRef = address.targetRef;
  if (address.nodeName) endpoint.nodeName = address.nodeName;
  return { endpoint, family: ip.family };
}

/** epPortsToEpsPorts: every port named ('' when unnamed), as the slice's defaulting would. */
function slicePorts(ports: EndpointSubset['ports']): SlicePort[] {
  return (ports ?? []).map((p) => {
    const port: SlicePort = { name: p.name ?? '', port: p.port, protocol: p.protocol || 'TCP' };
    if (p.appProtocol) port.appProtocol = p.appProtocol;
    return port;
  });
}

const groupKey = (addressType: string, ports: readonly SlicePort[] | null | undefined): string => `${addressType}|${portMapKey(ports)}`;

/** The labels a mirrored slice carries: the Endpoints', with this controller's and the Service name on top. */
function mirroredLabels(ep: Endpoints): Record<string, string> {
  return { ...ep.metadata?.labels, [serviceNameLabel]: ep.metadata?.name ?? '', [managedByLabel]: mirroringControllerName };
}

function mirroredAnnotations(ep: Endpoints): Record<string, string> {
  const annotations = { ...ep.metadata?.annotations };
  delete annotations[lastChangeTriggerTimeAnnotation];
  delete annotations[lastAppliedAnnotation];
  return annotations;
}

/** newEndpointSlice: owned by the Endpoints it mirrors; `name` reuses a stored slice, else one is generated. */
function newMirroredSlice(ep: Endpoints, ports: SlicePort[], addressType: AddressType, name?: string): EndpointSlice {
  const annotations = mirroredAnnotations(ep);
  const metadata: EndpointSlice['metadata'] & object = {
    namespace: ep.metadata?.namespace,
    labels: mirroredLabels(ep),
    ownerReferences: [controllerRef(ep, 'v1', 'Endpoints')],
  };
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  if (name) metadata.name = name;
  else metadata.generateName = slicePrefix(ep.metadata?.name ?? '');
  return { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata, addressType, endpoints: [], ports };
}

const sameMap = (a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean =>
  canonicalJson(a ?? {}) === canonicalJson(b ?? {});

/** Whether a stored slice already shows exactly these endpoints, and the Endpoints' labels and annotations. */
function sliceMatches(ep: Endpoints, slice: EndpointSlice, desired: Map<string, SliceEndpoint>): boolean {
  const stored = sliceEndpoints(slice);
  if (stored.length !== desired.size) return false;
  for (const endpoint of stored) {
    const want = desired.get(endpointKey(endpoint));
    if (!want || !endpointsEqualBeyondHash(want, endpoint)) return false;
  }
  const labels = { ...slice.metadata?.labels };
  delete labels[managedByLabel];
  delete labels[serviceNameLabel];
  return sameMap(ep.metadata?.labels, labels) && sameMap(mirroredAnnotations(ep), slice.metadata?.annotations);
}

/**
 * The slice changes that make `existing` (the slices this controller mirrored for the Endpoints) match them. One
 * slice per subset and address type: the first stored slice of that port set is rewritten when anything differs,
 * any others are deleted, and a create is turned into an update of a slice about to be deleted where it can.
 */
export function planMirroredSlices(ep: Endpoints, existing: EndpointSlice[], maxPerSubset = defaultMaxEndpointsPerSubset): MirrorPlan {
  const desired = new Map<string, { ports: SlicePort[]; addressType: AddressType; endpoints: Map<string, SliceEndpoint> }>();
  let invalidAddresses = 0;
  let skippedAddresses = 0;
  for (const subset of ep.subsets ?? []) {
    const ports = slicePorts(subset.ports);
    const keys = {} as Record<AddressType, string>;
    for (const addressType of ['IPv4', 'IPv6'] as const) {
      const key = groupKey(addressType, ports);
      keys[addressType] = key;
      if (!desired.has(key)) desired.set(key, { ports, addressType, endpoints: new Map() });
    }
    const addresses = [
      ...(subset.addresses ?? []).map((a) => [a, true] as const),
      ...(subset.notReadyAddresses ?? []).map((a) => [a, false] as const),
    ];
    let added = 0;
    for (const [address, ready] of addresses) {
      // A simple 1:1 mapping from subset to slice: what does not fit in one slice is not mirrored.
      if (added >= maxPerSubset) break;
      const mirrored = addressToEndpoint(address, ready);
      if (!mirrored) {
        invalidAddresses++;
        continue;
      }
      desired.get(keys[mirrored.family])!.endpoints.set(endpointKey(mirrored.endpoint), mirrored.endpoint);
      added++;
    }
    skippedAddresses += addresses.length - added;
  }

  const existingByKey = new Map<string, EndpointSlice[]>();
  for (const slice of existing) {
    const key = groupKey(slice.addressType, slice.ports);
    existingByKey.set(key, [...(existingByKey.get(key) ?? []), slice]);
  }
  const changes: SliceChanges = { create: [], update: [], delete: [] };
  for (const [key, { ports, addressType, endpoints }] of desired) {
    const stored = existingByKey.get(key) ?? [];
    if (endpoints.size === 0) {
      changes.delete.push(...stored);
      continue;
    }
    changes.delete.push(...stored.slice(1));
    if (stored.length > 0 && sliceMatches(ep, stored[0], endpoints)) continue;
    const slice = newMirroredSlice(ep, ports, addressType, stored[0]?.metadata?.name);
    slice.endpoints = [...endpoints.values()].slice(0, maxPerSubset);
    (stored.length > 0 ? changes.update : changes.create).push(slice);
  }
  for (const [key, stored] of existingByKey) if (!desired.has(key)) changes.delete.push(...stored);
  const recycled = recycleDeletes(changes, (doomed, fresh) => doomed.addressType === fresh.addressType);
  // Nothing new is created for Endpoints on their way out.
  if (ep.metadata?.deletionTimestamp) recycled.create = [];
  return { ...recycled, invalidAddresses, skippedAddresses };
}
