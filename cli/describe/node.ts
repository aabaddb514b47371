// describe node: kubectl's NodeDescriber: conditions, addresses, capacity and allocatable, system info, the pods
// running there with their share of the node, the allocated totals, and the node's events.
import { addQuantity, compareQuantity, milliValue, parseQuantity, value, formatQuantity, type Quantity } from '../../apiserver/api/quantity.ts';
import type { Lease, Node, Pod } from '../../apiserver/api/types.ts';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { ApiStatusError } from '../../apiserver/client/status-error.ts';
import { podsResource } from '../pods-for.ts';
import { eventsFor, type DescribeContext } from './context.ts';
import { describeEvents, printAnnotationsMultiline, printLabelsMultiline, printTaintsMultiline, quantityString, rfc1123z, since } from './format.ts';
import { LEVEL_0, LEVEL_1, PrefixWriter } from './prefix-writer.ts';

const leasesResource = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', namespaced: true };

/** Roles from node-role.kubernetes.io/<role> labels and the kubernetes.io/role label, sorted. */
export function nodeRoles(node: Node): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return [...roles].sort();
}

type ResourceTotals = Map<string, Quantity>;

function addList(into: ResourceTotals, list: Record<string, unknown> | undefined): void {
  for (const [name, raw] of Object.entries(list ?? {})) {
    const q = parseQuantity(raw as string);
    const cur = into.get(name);
    into.set(name, cur ? addQuantity(cur, q) : q);
  }
}

function maxList(into: ResourceTotals, list: Record<string, unknown> | undefined): void {
  for (const [name, raw] of Object.entries(list ?? {})) {
    const q = parseQuantity(raw as string);
    const cur = into.get(name);
    if (!cur || compareQuantity(q, cur) > 0) into.set(name, q);
  }
}

/** resourcehelper.PodRequestsAndLimits: containers summed, init containers as a floor, overhead added. */
export function podRequestsAndLimits(pod: Pod): { requests: ResourceTotals; limits: ResourceTotals } {
  const requests: ResourceTotals = new Map();
  const limits: ResourceTotals = new Map();
  for (const c of pod.spec?.containers ?? []) {
    addList(requests, c.resources?.requests);
    addList(limits, c.resources?.limits);
  }
  for (const c of pod.spec?.initContainers ?? []) {
    maxList(requests, c.resources?.requests);
    maxList(limits, c.resources?.limits);
  }
  addList(requests, pod.spec?.overhead);
  addList(limits, pod.spec?.overhead);
  return { requests, limits };
}

const zero = parseQuantity('0');
const get = (m: ResourceTotals, name: string): Quantity => m.get(name) ?? zero;
/** int64(float64(a)/float64(b)*100), with a zero allocatable reading as 0% rather than Go's overflow. */
const percent = (a: number, b: number): number => (b === 0 ? 0 : Math.trunc((a / b) * 100));

export async function describeNode(ctx: DescribeContext, _resource: unknown, obj: ApiObject): Promise<string> {
  const node = obj as Node;
  const name = node.metadata?.name ?? '';
  let pods: Pod[] | undefined;
  try {
    const list = await ctx.client.list<Pod>(podsResource, undefined, {
      fieldSelector: `spec.nodeName=${name},status.phase!=Succeeded,status.phase!=Failed`,
    });
    pods = list.items;
  } catch (e) {
    if (!(e instanceof ApiStatusError && e.code === 403)) throw e;
  }
  let lease: Lease | string;
  try {
    lease = await ctx.client.get<Lease>(leasesResource, 'kube-node-lease', name);
  } catch (e) {
    lease = e instanceof Error ? e.message : String(e);
  }
  let events = await eventsFor(ctx, obj, 'Node');
  // The kubelet names a node's events by the node's name where controllers use its uid: kubectl merges both.
  if (events) {
    const byName = await eventsFor(ctx, { ...obj, metadata: { ...obj.metadata, uid: name } }, 'Node');
    events = [...events, ...(byName ?? [])];
  }
  return renderNode(node, pods, lease, events, ctx.now);
}

export function renderNode(node: Node, pods: Pod[] | undefined, lease: Lease | string, events: Parameters<typeof describeEvents>[0], now: number): string {
  const w = new PrefixWriter();
  const roles = nodeRoles(node);
  w.write(LEVEL_0, `Name:\t${node.metadata?.name ?? ''}\n`);
  w.write(LEVEL_0, `Roles:\t${roles.length > 0 ? roles.join(',') : '<none>'}\n`);
  printLabelsMultiline(w, 'Labels', node.metadata?.labels);
  printAnnotationsMultiline(w, 'Annotations', node.metadata?.annotations);
  w.write(LEVEL_0, `CreationTimestamp:\t${rfc1123z(node.metadata?.creationTimestamp)}\n`);
  printTaintsMultiline(w, 'Taints', node.spec?.taints);
  w.write(LEVEL_0, `Unschedulable:\t${node.spec?.unschedulable === true}\n`);
  if (typeof lease === 'string') w.write(LEVEL_0, `Lease:\tFailed to get lease: ${lease}\n`);
  else {
    w.write(LEVEL_0, 'Lease:\n');
    w.write(LEVEL_1, `HolderIdentity:\t${lease.spec?.holderIdentity ?? '<unset>'}\n`);
    w.write(LEVEL_1, `AcquireTime:\t${lease.spec?.acquireTime ? rfc1123z(lease.spec.acquireTime) : '<unset>'}\n`);
    w.write(LEVEL_1, `RenewTime:\t${lease.spec?.renewTime ? rfc1123z(lease.spec.renewTime) : '<unset>'}\n`);
  }
  const conditions = node.status?.conditions ?? [];
  if (conditions.length > 0) {
    w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n');
    w.write(LEVEL_1, '----\t------\t-----------------\t------------------\t------\t-------\n');
    for (const c of conditions) {
      w.write(LEVEL_1, `${c.type} \t${c.status} \t${rfc1123z(c.lastHeartbeatTime)} \t${rfc1123z(c.lastTransitionTime)} \t${c.reason ?? ''} \t${c.message ?? ''}\n`);
    }
  }
  w.write(LEVEL_0, 'Addresses:\n');
  for (const a of node.status?.addresses ?? []) w.write(LEVEL_1, `${a.type}:\t${a.address}\n`);
  const printList = (list: Record<string, unknown>): void => {
    for (const k of Object.keys(list).sort()) w.write(LEVEL_0, `  ${k}:\t${quantityString(list[k])}\n`);
  };
  const capacity = node.status?.capacity ?? {};
  const allocatableList = node.status?.allocatable ?? {};
  if (Object.keys(capacity).length > 0) {
    w.write(LEVEL_0, 'Capacity:\n');
    printList(capacity);
  }
  if (Object.keys(allocatableList).length > 0) {
    w.write(LEVEL_0, 'Allocatable:\n');
    printList(allocatableList);
  }
  const info = node.status?.nodeInfo;
  w.write(LEVEL_0, 'System Info:\n');
  w.write(LEVEL_0, `  Machine ID:\t${info?.machineID ?? ''}\n`);
  w.write(LEVEL_0, `  System UUID:\t${info?.systemUUID ?? ''}\n`);
  w.write(LEVEL_0, `  Boot ID:\t${info?.bootID ?? ''}\n`);
  w.write(LEVEL_0, `  Kernel Version:\t${info?.kernelVersion ?? ''}\n`);
  w.write(LEVEL_0, `  OS Image:\t${info?.osImage ?? ''}\n`);
  w.write(LEVEL_0, `  Operating System:\t${info?.operatingSystem ?? ''}\n`);
  w.write(LEVEL_0, `  Architecture:\t${info?.architecture ?? ''}\n`);
  w.write(LEVEL_0, `  Container Runtime Version:\t${info?.containerRuntimeVersion ?? ''}\n`);
  w.write(LEVEL_0, `  Kubelet Version:\t${info?.kubeletVersion ?? ''}\n`);
  w.write(LEVEL_0, `  Kube-Proxy Version:\t${info?.kubeProxyVersion ?? ''}\n`);
  if (node.spec?.podCIDR) w.write(LEVEL_0, `PodCIDR:\t${node.spec.podCIDR}\n`);
  if (node.spec?.podCIDRs && node.spec.podCIDRs.length > 0) w.write(LEVEL_0, `PodCIDRs:\t${node.spec.podCIDRs.join(',')}\n`);
  if (node.spec?.providerID) w.write(LEVEL_0, `ProviderID:\t${node.spec.providerID}\n`);
  if (pods) describeNodeResource(pods, Object.keys(allocatableList).length > 0 ? allocatableList : capacity, w, now);
  else w.write(LEVEL_0, 'Pods:\tnot authorized\n');
  if (events) describeEvents(events, w, now);
  return w.toString();
}

function describeNodeResource(pods: Pod[], allocatableRaw: Record<string, unknown>, w: PrefixWriter, now: number): void {
  const allocatable: ResourceTotals = new Map();
  addList(allocatable, allocatableRaw);
  const allocCpu = milliValue(get(allocatable, 'cpu'));
  const allocMem = value(get(allocatable, 'memory'));
  const allocEph = value(get(allocatable, 'ephemeral-storage'));
  w.write(LEVEL_0, `Non-terminated Pods:\t(${pods.length} in total)\n`);
  w.write(LEVEL_1, 'Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n');
  w.write(LEVEL_1, '---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n');
  const totals = { requests: new Map() as ResourceTotals, limits: new Map() as ResourceTotals };
  for (const pod of pods) {
    const { requests, limits } = podRequestsAndLimits(pod);
    for (const [k, q] of requests) totals.requests.set(k, totals.requests.has(k) ? addQuantity(get(totals.requests, k), q) : q);
    for (const [k, q] of limits) totals.limits.set(k, totals.limits.has(k) ? addQuantity(get(totals.limits, k), q) : q);
    const cpuReq = get(requests, 'cpu');
    const cpuLim = get(limits, 'cpu');
    const memReq = get(requests, 'memory');
    const memLim = get(limits, 'memory');
    w.write(LEVEL_1, `${pod.metadata?.namespace ?? ''}\t${pod.metadata?.name ?? ''}\t\t`
      + `${formatQuantity(cpuReq)} (${percent(milliValue(cpuReq), allocCpu)}%)\t${formatQuantity(cpuLim)} (${percent(milliValue(cpuLim), allocCpu)}%)\t`
      + `${formatQuantity(memReq)} (${percent(value(memReq), allocMem)}%)\t${formatQuantity(memLim)} (${percent(value(memLim), allocMem)}%)\t`
      + `${since(pod.metadata?.creationTimestamp, now)}\n`);
  }
  w.write(LEVEL_0, 'Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n');
  w.write(LEVEL_1, 'Resource\tRequests\tLimits\n');
  w.write(LEVEL_1, '--------\t--------\t------\n');
  const row = (name: string, scale: (q: Quantity) => number, alloc: number): void => {
    const r = get(totals.requests, name);
    const l = get(totals.limits, name);
    w.write(LEVEL_1, `${name}\t${formatQuantity(r)} (${percent(scale(r), alloc)}%)\t${formatQuantity(l)} (${percent(scale(l), alloc)}%)\n`);
  };
  row('cpu', milliValue, allocCpu);
  row('memory', value, allocMem);
  row('ephemeral-storage', value, allocEph);
  const standard = new Set(['cpu', 'memory', 'ephemeral-storage', 'storage', 'pods']);
  const hugePages = [...allocatable.keys()].filter((k) => k.startsWith('hugepages-')).sort();
  const extended = [...allocatable.keys()].filter((k) => !k.startsWith('hugepages-') && !standard.has(k) && !k.startsWith('requests.') && !k.startsWith('limits.')).sort();
  for (const name of hugePages) row(name, value, value(get(allocatable, name)));
  for (const name of extended) {
    w.write(LEVEL_1, `${name}\t${formatQuantity(get(totals.requests, name))}\t${formatQuantity(get(totals.limits, name))}\n`);
  }
}
