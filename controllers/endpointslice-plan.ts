// The EndpointSlice decisions for a Service with a selector (kube's k8s.io/endpointslice reconciler): which endpoint
// each selected pod becomes (one per address type the Service serves, grouped by the set of ports the pod offers),
// and which slices to create, update and delete so that the stored slices show exactly those endpoints while
// rewriting as few slices as possible: endpoints already in a slice stay where they are, changed ones are updated
// in place, new ones fill the slices being written anyway, then the unchanged slice they fit best, and only then a
// new slice. A slice holds at most maxEndpointsPerSlice endpoints; a Service with none gets one empty placeholder.
import { serviceNameLabel, type SliceEndpoint } from '../apiserver/api/endpoint-slices.ts';
import type { EndpointSlice, Node, Pod, Service } from '../apiserver/api/types.ts';
import { canonicalJson } from './controller-revision.ts';
import {
  canonicalIP, endpointKey, endpointsEqualBeyondHash, managedByLabel, portMapKey, recycleDeletes, sliceEndpoints,
  slicePrefix, type AddressType, type SliceChanges, type SlicePort,
} from './endpointslice-common.ts';
import { lastChangeTriggerTimeAnnotation, rfc3339Nano } from './endpoints-trigger-time.ts';
import {
  findPort, headlessServiceLabel, isPodReadyConditionTrue, isServiceIPSet, shouldPodBeInEndpoints, shouldSetHostname,
} from './service-endpoints.ts';
import { controllerRef } from './workload-pods.ts';

/** The managed-by value of the slices this controller writes. */
export const controllerName = 'endpointslice-controller.k8s.io';
/** kube-controller-manager's --max-endpoints-per-slice default. */
export const defaultMaxEndpointsPerSlice = 100;
const zoneLabel = 'topology.kubernetes.io/zone';

export interface ServiceSliceInput {
  service: Service;
  /** The pods the Service's selector takes. */
  pods: Pod[];
  /** The slices labelled for this Service and managed by this controller, not being deleted. */
  existing: EndpointSlice[];
  /** The node a pod runs on, from the cache; undefined when there is no such node. */
  node: (name: string) => Node | undefined;
  maxEndpointsPerSlice?: number;
  /** From TriggerTimeTracker; undefined clears the annotation on the slices written. */
  triggerTimeMs?: number;
}

export interface ServiceSlicePlan extends SliceChanges {
  /** Pods left out because their node is unknown: the sync is retried until it shows up or they go. */
  skipped: { pod: string; node: string }[];
}

/**
 * getAddressTypesForService: the Service's IP families; without any (an object from before dual-stack), the
 * family of its cluster IP, or both for a headless Service.
 */
export function addressTypesForService(svc: Service): AddressType[] {
  const families = svc.spec?.ipFamilies ?? [];
  if (families.length > 0) return (['IPv4', 'IPv6'] as const).filter((t) => families.includes(t));
  if (isServiceIPSet(svc)) return [canonicalIP(svc.spec?.clusterIP ?? '')?.family ?? 'IPv4'];
  return ['IPv4', 'IPv6'];
}

/** getEndpointPorts: each Service port the pod offers (a named target port it lacks is left out). */
export function endpointPorts(svc: Service, pod: Pod): SlicePort[] {
  const ports: SlicePort[] = [];
  // A headless Service may have no ports; its endpoints are still published (for DNS).
  for (const sp of svc.spec?.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    const ep: SlicePort = { name: sp.name ?? '', port, protocol: sp.protocol || 'TCP' };
    if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
    ports.push(ep);
  }
  return ports;
}

/** The pod's IPs of one family, as Go prints them. */
function podAddresses(pod: Pod, addressType: AddressType): string[] {
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip ?? '');
  if (ips.length === 0 && pod.status?.podIP) ips.push(pod.status.podIP);
  return ips.map(canonicalIP).filter((ip) => ip?.family === addressType).map((ip) => ip!.ip);
}

/**
 * podToEndpoint: serving is the pod's readiness; a pod being deleted is terminating and (unless the Service
 * publishes not-ready addresses) never ready, so consumers can drain it while still reaching it if they must.
 */
export function podToEndpoint(pod: Pod, node: Node | undefined, svc: Service, addressType: AddressType): SliceEndpoint {
  const serving = isPodReadyConditionTrue(pod);
  const terminating = Boolean(pod.metadata?.deletionTimestamp);
  const ready = svc.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const endpoint: SliceEndpoint = { addresses: podAddresses(pod, addressType), conditions: { ready, serving, terminating } };
  if (shouldSetHostname(pod, svc)) endpoint.hostname = pod.spec?.hostname;
  endpoint.targetRef = { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid };
  if (pod.spec?.nodeName) endpoint.nodeName = pod.spec.nodeName;
  const zone = node?.metadata?.labels?.[zoneLabel];
  if (zone) endpoint.zone = zone;
  return endpoint;
}

const reservedLabels = new Set([serviceNameLabel, managedByLabel, headlessServiceLabel]);

function withoutReserved(labels: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(labels ?? {}).filter(([k]) => !reservedLabels.has(k)));
}

/**
 * setEndpointSliceLabels: a slice carries its Service's labels (minus the reserved ones), the headless mark, its
 * Service's name and this controller's. `changed` when the copied Service labels differ from the slice's.
 */
export function sliceLabels(slice: EndpointSlice | undefined, svc: Service): { labels: Record<string, string>; changed: boolean } {
  const own = withoutReserved(slice?.metadata?.labels);
  const labels = withoutReserved(svc.metadata?.labels);
  const changed = canonicalJson(own) !== canonicalJson(labels);
  if (!isServiceIPSet(svc)) labels[headlessServiceLabel] = '';
  labels[serviceNameLabel] = svc.metadata?.name ?? '';
  labels[managedByLabel] = controllerName;
  return { labels, changed };
}

/** newEndpointSlice: owned by the Service (the garbage collector removes it with the Service), named after it. */
function newServiceSlice(svc: Service, ports: SlicePort[], addressType: AddressType): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: slicePrefix(svc.metadata?.name ?? ''),
      namespace: svc.metadata?.namespace,
      labels: sliceLabels(undefined, svc).labels,
      ownerReferences: [controllerRef(svc, 'v1', 'Service')],
    },
    addressType,
    endpoints: [],
    ports,
  };
}

/** ownedBy: the slice's owner is this very Service object (not an earlier one of the same name). */
export function ownedBy(slice: EndpointSlice, svc: Service): boolean {
  return (slice.metadata?.ownerReferences ?? []).some((o) => o.uid === svc.metadata?.uid && o.kind === 'Service' && o.apiVersion === 'v1');
}

function copySlice(slice: EndpointSlice): EndpointSlice {
  return structuredClone(slice);
}

/**
 * reconcileByPortMapping, for the slices of one port set: keep, update or drop each stored endpoint, then place the
 * endpoints not yet in any slice.
 */
function planPortSet(svc: Service, existing: EndpointSlice[], desired: Map<string, SliceEndpoint>,
  ports: SlicePort[], addressType: AddressType, max: number): SliceChanges {
  const toUpdate = new Map<string, EndpointSlice>();
  const unchanged = new Map<string, EndpointSlice>();
  const toDelete: EndpointSlice[] = [];
  // 1. Each stored slice keeps the endpoints still wanted (in their new form) and drops the others.
  for (const slice of existing) {
    const kept: SliceEndpoint[] = [];
    let endpointChanged = false;
    for (const endpoint of sliceEndpoints(slice)) {
      const key = endpointKey(endpoint);
      const want = desired.get(key);
      if (!want) continue;
      kept.push(want);
      if (!endpointsEqualBeyondHash(want, endpoint)) endpointChanged = true;
      // Placed: an endpoint is in one slice only.
      desired.delete(key);
    }
    const { labels, changed: labelsChanged } = sliceLabels(slice, svc);
    const name = slice.metadata?.name ?? '';
    if (endpointChanged || kept.length !== sliceEndpoints(slice).length) {
      if (kept.length === 0) {
        toDelete.push(slice);
      } else {
        const next = copySlice(slice);
        next.endpoints = kept;
        next.metadata = { ...next.metadata, labels };
        toUpdate.set(name, next);
      }
    } else if (labelsChanged) {
      const next = copySlice(slice);
      next.metadata = { ...next.metadata, labels };
      toUpdate.set(name, next);
    } else {
      unchanged.set(name, slice);
    }
  }
  const take = (slice: EndpointSlice): void => {
    const [key, endpoint] = desired.entries().next().value as [string, SliceEndpoint];
    desired.delete(key);
    slice.endpoints = [...sliceEndpoints(slice), endpoint];
  };
  // 2. Slices written anyway are filled first, the fullest first.
  if (desired.size > 0) {
    const filling = [...toUpdate.values()].sort((a, b) => sliceEndpoints(b).length - sliceEndpoints(a).length);
    for (const slice of filling) while (desired.size > 0 && sliceEndpoints(slice).length < max) take(slice);
  }
  // 3. What is left goes into the unchanged slice it fills most exactly, else into new slices.
  const toCreate: EndpointSlice[] = [];
  while (desired.size > 0) {
    let slice: EndpointSlice | undefined;
    if (desired.size < max && unchanged.size > 0) {
      const best = sliceToFill([...unchanged.values()], desired.size, max);
      if (best) {
        slice = copySlice(best);
        unchanged.delete(best.metadata?.name ?? '');
        toUpdate.set(best.metadata?.name ?? '', slice);
      }
    }
    if (!slice) {
      slice = newServiceSlice(svc, ports, addressType);
      toCreate.push(slice);
    }
    while (desired.size > 0 && sliceEndpoints(slice).length < max) take(slice);
  }
  return { create: toCreate, update: [...toUpdate.values()], delete: toDelete };
}

/** getSliceToFill: the slice that would be closest to full with `count` more endpoints, if any has room. */
function sliceToFill(slices: EndpointSlice[], count: number, max: number): EndpointSlice | undefined {
  let closest: EndpointSlice | undefined;
  let closestRoom = max;
  for (const slice of slices) {
    const room = max - (count + sliceEndpoints(slice).length);
    if (room >= 0 && room < closestRoom) {
      closest = slice;
      closestRoom = room;
      if (room === 0) break;
    }
  }
  return closest;
}

/** placeholderSliceCompare: a stored empty slice that already is the placeholder (same labels and owner). */
function isPlaceholder(stored: EndpointSlice, placeholder: EndpointSlice): boolean {
  const sameLabels = canonicalJson(stored.metadata?.labels ?? {}) === canonicalJson(placeholder.metadata?.labels ?? {});
  const owners = (s: EndpointSlice): string => JSON.stringify((s.metadata?.ownerReferences ?? [])
    .map((o) => [o.apiVersion, o.kind, o.name, o.uid, o.controller ?? null, o.blockOwnerDeletion ?? null]));
  return stored.metadata?.namespace === placeholder.metadata?.namespace && sameLabels && owners(stored) === owners(placeholder)
    && stored.addressType === placeholder.addressType
    && sliceEndpoints(stored).length === 0 && (stored.ports ?? []).length === 0;
}

/** reconcileByAddressType: the changes for the slices of one address type. */
function planAddressType(input: ServiceSliceInput, existing: EndpointSlice[], addressType: AddressType,
  skipped: ServiceSlicePlan['skipped']): SliceChanges {
  const svc = input.service;
  const max = input.maxEndpointsPerSlice ?? defaultMaxEndpointsPerSlice;
  let toDelete: EndpointSlice[] = [];
  const existingByPorts = new Map<string, EndpointSlice[]>();
  for (const slice of existing) {
    if (!ownedBy(slice, svc)) {
      toDelete.push(slice);
      continue;
    }
    const key = portMapKey(slice.ports);
    existingByPorts.set(key, [...(existingByPorts.get(key) ?? []), slice]);
  }
  const desiredByPorts = new Map<string, { ports: SlicePort[]; endpoints: Map<string, SliceEndpoint> }>();
  for (const pod of input.pods) {
    // Terminating pods stay, marked terminating.
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ports = endpointPorts(svc, pod);
    const key = portMapKey(ports);
    let group = desiredByPorts.get(key);
    if (!group) desiredByPorts.set(key, group = { ports, endpoints: new Map() });
    const nodeName = pod.spec?.nodeName ?? '';
    const node = input.node(nodeName);
    // A pod on a node that does not exist (yet, or any more) is left out rather than leaving the slice stale;
    // unless the Service publishes not-ready addresses, which asks for every pod.
    if (!node && svc.spec?.publishNotReadyAddresses !== true) {
      if (!skipped.some((s) => s.pod === pod.metadata?.name)) skipped.push({ pod: pod.metadata?.name ?? '', node: nodeName });
      continue;
    }
    const endpoint = podToEndpoint(pod, node, svc, addressType);
    if (endpoint.addresses.length > 0) group.endpoints.set(endpointKey(endpoint), endpoint);
  }
  const changes: SliceChanges = { create: [], update: [], delete: toDelete };
  for (const [key, { ports, endpoints }] of desiredByPorts) {
    const part = planPortSet(svc, existingByPorts.get(key) ?? [], endpoints, ports, addressType, max);
    changes.create.push(...part.create);
    changes.update.push(...part.update);
    changes.delete.push(...part.delete);
  }
  // Port sets no pod offers any more.
  for (const [key, slices] of existingByPorts) if (!desiredByPorts.has(key)) changes.delete.push(...slices);
  toDelete = changes.delete;
  // A Service always has at least one slice of each address type: an empty one when nothing is published.
  if (existing.length === toDelete.length && changes.create.length === 0) {
    const placeholder = newServiceSlice(svc, [], addressType);
    if (toDelete.length === 1 && isPlaceholder(toDelete[0], placeholder)) changes.delete = [];
    else changes.create.push(placeholder);
  }
  return recycleDeletes(changes, (doomed, fresh) => doomed.addressType === fresh.addressType && ownedBy(doomed, svc));
}

/**
 * The slice changes for a Service. Slices of an address type the Service no longer serves are deleted; creates are
 * dropped for a Service being deleted (the garbage collector is removing its slices). Every slice written carries
 * the trigger time.
 */
export function planEndpointSlices(input: ServiceSliceInput): ServiceSlicePlan {
  const types = addressTypesForService(input.service);
  const plan: ServiceSlicePlan = { create: [], update: [], delete: [], skipped: [] };
  for (const slice of input.existing) {
    if (!types.includes(slice.addressType as AddressType)) plan.delete.push(slice);
  }
  for (const addressType of types) {
    const ofType = input.existing.filter((s) => s.addressType === addressType);
    const part = planAddressType(input, ofType, addressType, plan.skipped);
    plan.create.push(...part.create);
    plan.update.push(...part.update);
    plan.delete.push(...part.delete);
  }
  if (input.service.metadata?.deletionTimestamp) plan.create = [];
  for (const slice of [...plan.create, ...plan.update]) setTriggerTime(slice, input.triggerTimeMs);
  return plan;
}

/** addTriggerTimeAnnotation: set to this sync's trigger time, or removed when there is none. */
function setTriggerTime(slice: EndpointSlice, triggerTimeMs: number | undefined): void {
  const annotations: Record<string, string> = { ...slice.metadata?.annotations };
  if (triggerTimeMs !== undefined) annotations[lastChangeTriggerTimeAnnotation] = rfc3339Nano(triggerTimeMs);
  else delete annotations[lastChangeTriggerTimeAnnotation];
  slice.metadata = { ...slice.metadata };
  if (Object.keys(annotations).length > 0) slice.metadata.annotations = annotations;
  else delete slice.metadata.annotations;
}
