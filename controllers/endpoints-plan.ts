// The Endpoints decisions (kube's pkg/controller/endpoint and pkg/api/v1/endpoints): which pods a Service publishes,
// on which ports, packed into subsets in one canonical order, and whether the stored Endpoints must be written.
import type { Endpoints, ObjectMeta, Pod, Service, ServicePort } from '../apiserver/api/types.ts';
import { canonicalJson } from './controller-revision.ts';
import { lastChangeTriggerTimeAnnotation, rfc3339Nano } from './endpoints-trigger-time.ts';
import {
  findPort, headlessServiceLabel, isPodReadyConditionTrue, isServiceIPSet, shouldPodBeInEndpoints, shouldSetHostname,
} from './service-endpoints.ts';

export type EndpointSubset = NonNullable<Endpoints['subsets']>[number];
export type EndpointAddress = NonNullable<EndpointSubset['addresses']>[number];
export type EndpointPort = NonNullable<EndpointSubset['ports']>[number];

/** Marks the Endpoints this controller wrote (kube 1.33+), so only those are deleted with their Service. */
export const managedByLabel = 'endpoints.kubernetes.io/managed-by';
export const managedByValue = 'endpoint-controller';
export const overCapacityAnnotation = 'endpoints.kubernetes.io/over-capacity';
/** kube's maxCapacity: an Endpoints holds at most this many addresses; the rest are cut off. */
export const maxCapacity = 1000;

const isIPv6 = (ip: string): boolean => ip.includes(':');

/**
 * The pod's address in the Service's IP family (the first of ipFamilies, else the cluster IP's, else the pod's own
 * primary IP's), with the pod it stands for; undefined when the pod has no IP of that family.
 */
export function podAddress(svc: Service, pod: Pod): EndpointAddress | undefined {
  const podIPs = (pod.status?.podIPs ?? []).map((p) => p.ip).filter((ip): ip is string => Boolean(ip));
  if (podIPs.length === 0 && pod.status?.podIP) podIPs.push(pod.status.podIP);
  const family = svc.spec?.ipFamilies?.[0];
  const wantV6 = family ? family === 'IPv6'
    : isServiceIPSet(svc) ? isIPv6(svc.spec?.clusterIP ?? '')
      : isIPv6(pod.status?.podIP ?? podIPs[0] ?? '');
  const ip = podIPs.find((candidate) => isIPv6(candidate) === wantV6);
  if (!ip) return undefined;
  const address: EndpointAddress = {
    ip,
    targetRef: { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid },
  };
  // A pod not yet placed has no node; kube would write an empty name, which validation refuses.
  if (pod.spec?.nodeName) address.nodeName = pod.spec.nodeName;
  if (shouldSetHostname(pod, svc)) address.hostname = pod.spec?.hostname;
  return address;
}

function endpointPort(sp: ServicePort, port: number): EndpointPort {
  const ep: EndpointPort = { port, protocol: sp.protocol || 'TCP' };
  if (sp.name) ep.name = sp.name;
  if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
  return ep;
}

/**
 * The subsets for a Service from the pods its selector takes: each published pod once per port it offers, ready
 * or not, then repacked into the canonical layout.
 */
export function endpointSubsets(svc: Service, selected: Pod[]): EndpointSubset[] {
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const ports = svc.spec?.ports ?? [];
  const subsets: EndpointSubset[] = [];
  for (const pod of selected) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const address = podAddress(svc, pod);
    if (!address) continue;
    const ready = publishNotReady || isPodReadyConditionTrue(pod);
    const subset = (epPorts: EndpointPort[]): EndpointSubset =>
      ready ? { addresses: [address], ports: epPorts } : { notReadyAddresses: [address], ports: epPorts };
    if (ports.length === 0) {
      // A headless Service may have no ports: its addresses are still published (for DNS).
      if (svc.spec?.clusterIP === 'None') subsets.push(subset([]));
      continue;
    }
    for (const sp of ports) {
      const port = findPort(pod, sp);
      // A pod that does not offer a named port is left out of that port only.
      if (port !== undefined) subsets.push(subset([endpointPort(sp, port)]));
    }
  }
  return repackSubsets(subsets);
}

/** Addresses are the same endpoint when IP and pod uid agree. */
const addressKey = (a: EndpointAddress): string => `${a.ip}\u0000${a.targetRef?.uid ?? ''}`;

/**
 * RepackSubsets: expands subsets to (port -> addresses with their readiness), then groups the ports that have
 * exactly the same addresses into one subset. An address not ready on a port stays not ready there even if another
 * subset lists it as ready. A subset without ports (headless) keeps its addresses under an empty port list.
 */
export function repackSubsets(subsets: EndpointSubset[]): EndpointSubset[] {
  const addresses = new Map<string, EndpointAddress>();
  const byPort = new Map<string, { port: EndpointPort | undefined; ready: Map<string, boolean> }>();
  const note = (port: EndpointPort | undefined, address: EndpointAddress, ready: boolean): void => {
    const key = addressKey(address);
    if (!addresses.has(key)) addresses.set(key, address);
    const portKey = port ? canonicalJson(port) : '';
    let entry = byPort.get(portKey);
    if (!entry) byPort.set(portKey, entry = { port, ready: new Map() });
    // Not ready wins over ready.
    if (entry.ready.get(key) !== false) entry.ready.set(key, ready);
  };
  for (const subset of subsets) {
    const ports: (EndpointPort | undefined)[] = subset.ports?.length ? subset.ports : [undefined];
    for (const port of ports) {
      for (const a of subset.addresses ?? []) note(port, a, true);
      for (const a of subset.notReadyAddresses ?? []) note(port, a, false);
    }
  }
  // Ports offered by the same addresses (with the same readiness) share a subset.
  const groups = new Map<string, { ready: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const { port, ready } of byPort.values()) {
    const groupKey = canonicalJson([...ready.entries()].sort(([a], [b]) => compareStrings(a, b)));
    let group = groups.get(groupKey);
    if (!group) groups.set(groupKey, group = { ready, ports: [] });
    if (port) group.ports.push(port);
  }
  const result: EndpointSubset[] = [];
  for (const { ready, ports } of groups.values()) {
    const readyAddresses: EndpointAddress[] = [];
    const notReadyAddresses: EndpointAddress[] = [];
    for (const [key, isReady] of ready) (isReady ? readyAddresses : notReadyAddresses).push(addresses.get(key)!);
    result.push(withoutEmpty({ addresses: readyAddresses, notReadyAddresses, ports }));
  }
  return sortSubsets(result);
}

/** Go's omitempty: empty lists are left out, so what we compute compares equal to what the apiserver stored. */
function withoutEmpty(subset: EndpointSubset): EndpointSubset {
  const out: EndpointSubset = {};
  if (subset.addresses?.length) out.addresses = subset.addresses;
  if (subset.notReadyAddresses?.length) out.notReadyAddresses = subset.notReadyAddresses;
  if (subset.ports?.length) out.ports = subset.ports;
  return out;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** LessEndpointAddress: by IP, then by the pod's uid. */
export function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  return compareStrings(a.ip, b.ip) || compareStrings(a.targetRef?.uid ?? '', b.targetRef?.uid ?? '');
}

function comparePorts(a: EndpointPort, b: EndpointPort): number {
  return compareStrings(a.name ?? '', b.name ?? '') || a.port - b.port || compareStrings(a.protocol ?? '', b.protocol ?? '');
}

/**
 * SortSubsets. Kube orders ports and subsets by an md5 of their Go representation: deterministic but arbitrary.
 * We keep the determinism with an order people can read: ports by name, number, protocol; subsets by their ports,
 * then their addresses.
 */
export function sortSubsets(subsets: EndpointSubset[]): EndpointSubset[] {
  for (const s of subsets) {
    s.addresses?.sort(compareAddresses);
    s.notReadyAddresses?.sort(compareAddresses);
    s.ports?.sort(comparePorts);
  }
  const key = (s: EndpointSubset): string =>
    `${canonicalJson(s.ports ?? [])}|${canonicalJson(s.addresses ?? [])}|${canonicalJson(s.notReadyAddresses ?? [])}`;
  return subsets.sort((a, b) => compareStrings(key(a), key(b)));
}

/**
 * truncateEndpoints: above maxCapacity addresses, keep ready ones before not-ready ones, sharing what is kept
 * among the subsets in proportion to their size.
 */
export function truncateSubsets(subsets: EndpointSubset[], max = maxCapacity): { subsets: EndpointSubset[]; truncated: boolean } {
  let totalReady = 0;
  let totalNotReady = 0;
  for (const s of subsets) {
    totalReady += s.addresses?.length ?? 0;
    totalNotReady += s.notReadyAddresses?.length ?? 0;
  }
  if (totalReady + totalNotReady <= max) return { subsets, truncated: false };
  const truncateReady = totalReady > max;
  const room = truncateReady ? max : max - totalReady;
  const total = truncateReady ? totalReady : totalNotReady;
  let canBeAdded = room;
  const out = subsets.map((s) => {
    const inSubset = truncateReady ? s.addresses?.length ?? 0 : s.notReadyAddresses?.length ?? 0;
    const share = Math.min(Math.ceil((inSubset / total) * room), canBeAdded);
    if (truncateReady) {
      const addresses = (s.addresses ?? []).slice(0, share);
      canBeAdded -= addresses.length;
      return withoutEmpty({ addresses, ports: s.ports });
    }
    const notReadyAddresses = (s.notReadyAddresses ?? []).slice(0, share);
    canBeAdded -= notReadyAddresses.length;
    return withoutEmpty({ addresses: s.addresses, notReadyAddresses, ports: s.ports });
  });
  // A subset left with no address at all would not pass validation.
  return { subsets: out.filter((s) => s.addresses || s.notReadyAddresses), truncated: true };
}

/** The Endpoints carry the Service's labels, plus the controller's own mark and the headless label. */
export function endpointsLabels(svc: Service): Record<string, string> {
  const labels: Record<string, string> = { ...svc.metadata?.labels, [managedByLabel]: managedByValue };
  if (isServiceIPSet(svc)) delete labels[headlessServiceLabel];
  else labels[headlessServiceLabel] = '';
  return labels;
}

/** Whether this controller wrote the Endpoints (and so may delete it when its Service goes). */
export function isManagedEndpoints(ep: Endpoints): boolean {
  return ep.metadata?.labels?.[managedByLabel] === managedByValue;
}

/** Subsets as stored, for comparison: empty lists dropped, the pods' resourceVersions ignored. */
function comparableSubsets(subsets: EndpointSubset[] | undefined): string {
  return canonicalJson((subsets ?? []).map((s) => {
    const strip = (list: EndpointAddress[] | undefined): EndpointAddress[] | undefined => list?.map((a) =>
      a.targetRef ? { ...a, targetRef: { ...a.targetRef, resourceVersion: undefined } } : a);
    return withoutEmpty({ addresses: strip(s.addresses), notReadyAddresses: strip(s.notReadyAddresses), ports: s.ports });
  }));
}

export type EndpointsPlan =
  | { kind: 'create'; endpoints: Endpoints }
  | { kind: 'update'; endpoints: Endpoints }
  | { kind: 'none' };

/**
 * What to write for `svc` given the pods its selector takes and the stored Endpoints (undefined: none yet).
 * Nothing when subsets, labels and the over-capacity mark already agree: the trigger time alone is no reason to
 * write. `triggerTimeMs` comes from TriggerTimeTracker; undefined clears the annotation.
 */
export function planEndpoints(svc: Service, selected: Pod[], current: Endpoints | undefined,
  triggerTimeMs: number | undefined): EndpointsPlan {
  const { subsets, truncated } = truncateSubsets(endpointSubsets(svc, selected));
  const labels = endpointsLabels(svc);
  if (current
    && comparableSubsets(current.subsets) === comparableSubsets(subsets)
    && canonicalJson(current.metadata?.labels ?? {}) === canonicalJson(labels)
    && (current.metadata?.annotations?.[overCapacityAnnotation] !== undefined) === truncated) {
    return { kind: 'none' };
  }
  const annotations: Record<string, string> = { ...current?.metadata?.annotations };
  if (triggerTimeMs !== undefined) annotations[lastChangeTriggerTimeAnnotation] = rfc3339Nano(triggerTimeMs);
  else delete annotations[lastChangeTriggerTimeAnnotation];
  if (truncated) annotations[overCapacityAnnotation] = 'truncated';
  else delete annotations[overCapacityAnnotation];
  const metadata: ObjectMeta = {
    ...(current?.metadata ?? { name: svc.metadata?.name, namespace: svc.metadata?.namespace }),
    labels,
    annotations,
  };
  if (Object.keys(annotations).length === 0) delete metadata.annotations;
  const endpoints: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata };
  if (subsets.length > 0) endpoints.subsets = subsets;
  return current ? { kind: 'update', endpoints } : { kind: 'create', endpoints };
}
