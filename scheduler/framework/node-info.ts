// Building a NodeInfo and keeping its sums right as pods come and go (kube's NodeInfo.AddPod/RemovePod). Adding
// then removing a pod leaves the NodeInfo exactly as before: every sum is an integer and ports are counted.
import type { Node } from '../../apiserver/api/types.ts';
import { HostPortSet } from './host-ports.ts';
import { nodeAllocatable } from './resources.ts';
import type { NodeInfo, PodInfo } from './types.ts';

export function newNodeInfo(node: Node): NodeInfo {
  return {
    name: node.metadata?.name ?? '',
    node,
    labels: node.metadata?.labels ?? {},
    taints: node.spec?.taints ?? [],
    unschedulable: node.spec?.unschedulable === true,
    readyStatus: node.status?.conditions?.find((c) => c.type === 'Ready')?.status,
    pods: new Map(),
    requested: { milliCPU: 0, memory: 0, ephemeralStorage: 0, scalar: new Map() },
    nonZeroRequested: { milliCPU: 0, memory: 0 },
    allocatable: nodeAllocatable(node),
    usedPorts: new HostPortSet(),
    ownerCounts: new Map(),
  };
}

/** The same pods on an updated Node object (labels, taints, allocatable, conditions may all have changed). */
export function withNode(previous: NodeInfo, node: Node): NodeInfo {
  const next = newNodeInfo(node);
  for (const pod of previous.pods.values()) addPodToNodeInfo(next, pod);
  return next;
}

function bump(map: Map<string, number>, key: string, delta: number): void {
  const n = (map.get(key) ?? 0) + delta;
  if (n === 0) map.delete(key);
  else map.set(key, n);
}

function apply(ni: NodeInfo, pod: PodInfo, sign: 1 | -1): void {
  const r = pod.requests;
  ni.requested.milliCPU += sign * r.milliCPU;
  ni.requested.memory += sign * r.memory;
  ni.requested.ephemeralStorage += sign * r.ephemeralStorage;
  for (const [name, amount] of r.scalar) bump(ni.requested.scalar, name, sign * amount);
  ni.nonZeroRequested.milliCPU += sign * pod.nonZeroRequests.milliCPU;
  ni.nonZeroRequested.memory += sign * pod.nonZeroRequests.memory;
  for (const p of pod.hostPorts) {
    if (sign > 0) ni.usedPorts.add(p);
    else ni.usedPorts.remove(p);
  }
  if (pod.controllerUid !== undefined && !pod.terminating) bump(ni.ownerCounts, pod.controllerUid, sign);
}

export function addPodToNodeInfo(ni: NodeInfo, pod: PodInfo): void {
  ni.pods.set(pod.key, pod);
  apply(ni, pod, 1);
}

/** Removes the pod stored under `key`; returns it, or undefined when the node does not hold it. */
export function removePodFromNodeInfo(ni: NodeInfo, key: string): PodInfo | undefined {
  const pod = ni.pods.get(key);
  if (!pod) return undefined;
  ni.pods.delete(key);
  apply(ni, pod, -1);
  return pod;
}
