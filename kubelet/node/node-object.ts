// The Node a kubelet registers and keeps current, computed without I/O: capacity from the host, allocatable after
// reservations and eviction thresholds (as the kubelet's node allocatable), labels, addresses, node info and the
// pressure conditions. A condition keeps its lastTransitionTime while its status is unchanged.
import { formatQuantity, parseQuantity, quantityFromValue, subQuantity, isNegative, type Quantity } from '../../apiserver/api/quantity.ts';
import type { Node, NodeCondition } from '../../apiserver/api/types.ts';
import type { HostInfo } from './host-info.ts';

export interface NodeSettings {
  name: string;
  nodeIP: string;
  maxPods: number;
  kubeletPort: number;
  /** --system-reserved and --kube-reserved, e.g. { cpu: '100m', memory: '100Mi' }. */
  systemReserved: Record<string, string>;
  kubeReserved: Record<string, string>;
  /** --node-labels */
  labels: Record<string, string>;
  kubeletVersion: string;
  containerRuntimeVersion: string;
  systemUUID: string;
}

/** kubelet's default hard eviction thresholds, which allocatable leaves aside too. */
export const evictionMemoryAvailableBytes = 100 * 1024 * 1024;
export const evictionNodefsAvailableFraction = 0.1;

/** Parses `cpu=100m,memory=100Mi` (kube's --system-reserved format); a bad entry throws with its text. */
export function parseResourceList(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name, value, ...rest] = part.split('=');
    if (!name || value === undefined || rest.length > 0) throw new Error(`invalid resource reservation ${JSON.stringify(part)}: want name=quantity`);
    parseQuantity(value);
    out[name.trim()] = value.trim();
  }
  return out;
}

export function nodeCapacity(host: HostInfo, maxPods: number): Record<string, string> {
  return {
    cpu: String(host.cpus),
    memory: `${Math.floor(host.memoryBytes / 1024)}Ki`,
    'ephemeral-storage': `${Math.floor(host.diskBytes / 1024)}Ki`,
    pods: String(maxPods),
  };
}

/** Capacity minus system and kube reservations minus the hard eviction thresholds, never below zero. */
export function nodeAllocatable(capacity: Record<string, string>, s: Pick<NodeSettings, 'systemReserved' | 'kubeReserved'>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, cap] of Object.entries(capacity)) {
    let q: Quantity = parseQuantity(cap);
    for (const reserved of [s.systemReserved[name], s.kubeReserved[name]]) if (reserved) q = subQuantity(q, parseQuantity(reserved));
    if (name === 'memory') q = subQuantity(q, quantityFromValue(evictionMemoryAvailableBytes, 'BinarySI'));
    if (name === 'ephemeral-storage') q = subQuantity(q, quantityFromValue(Math.ceil(parseQuantityBytes(cap) * evictionNodefsAvailableFraction), 'BinarySI'));
    out[name] = isNegative(q) ? '0' : formatQuantity(q);
  }
  return out;
}

function parseQuantityBytes(text: string): number {
  return Number(parseQuantity(text).nano / 1_000_000_000n);
}

export interface Observed {
  runtimeReady: boolean;
  runtimeMessage?: string;
  memoryPressure: boolean;
  diskPressure: boolean;
  pidPressure: boolean;
}

interface ConditionSpec {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
}

function wantedConditions(o: Observed): ConditionSpec[] {
  return [
    o.memoryPressure
      ? { type: 'MemoryPressure', status: 'True', reason: 'KubeletHasInsufficientMemory', message: 'kubelet has insufficient memory available' }
      : { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
    o.diskPressure
      ? { type: 'DiskPressure', status: 'True', reason: 'KubeletHasDiskPressure', message: 'kubelet has disk pressure' }
      : { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
    o.pidPressure
      ? { type: 'PIDPressure', status: 'True', reason: 'KubeletHasInsufficientPID', message: 'kubelet has insufficient PID available' }
      : { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
    o.runtimeReady
      ? { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }
      : { type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: o.runtimeMessage ?? 'container runtime is down' },
  ];
}

/** The conditions to report now; each keeps its lastTransitionTime unless its status changed. */
export function nodeConditions(previous: NodeCondition[] | undefined, observed: Observed, now: string): NodeCondition[] {
  return wantedConditions(observed).map((want) => {
    const before = previous?.find((c) => c.type === want.type);
    const changed = !before || before.status !== want.status;
    return { ...want, lastHeartbeatTime: now, lastTransitionTime: changed ? now : (before.lastTransitionTime ?? now) };
  });
}

/** True when the conditions differ from what is stored in a way that must be reported at once. */
export function conditionsChanged(previous: NodeCondition[] | undefined, next: NodeCondition[]): boolean {
  return next.some((c) => {
    const before = previous?.find((p) => p.type === c.type);
    return !before || before.status !== c.status || before.reason !== c.reason || before.message !== c.message;
  });
}

export function nodeLabels(s: NodeSettings, host: HostInfo): Record<string, string> {
  return {
    'kubernetes.io/hostname': s.name,
    'kubernetes.io/os': host.operatingSystem,
    'kubernetes.io/arch': host.architecture,
    'beta.kubernetes.io/os': host.operatingSystem,
    'beta.kubernetes.io/arch': host.architecture,
    ...s.labels,
  };
}

/** The Node object this kubelet registers (status included: a kubelet creates its Node with what it observed). */
export function buildNode(s: NodeSettings, host: HostInfo, observed: Observed, now: string): Node {
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name: s.name, labels: nodeLabels(s, host) },
    spec: {},
    status: nodeStatus(s, host, observed, undefined, now),
  };
}

export function nodeStatus(s: NodeSettings, host: HostInfo, observed: Observed, previous: NodeCondition[] | undefined, now: string): NonNullable<Node['status']> {
  const capacity = nodeCapacity(host, s.maxPods);
  return {
    capacity,
    allocatable: nodeAllocatable(capacity, s),
    conditions: nodeConditions(previous, observed, now),
    addresses: [{ type: 'InternalIP', address: s.nodeIP }, { type: 'Hostname', address: s.name }],
    daemonEndpoints: { kubeletEndpoint: { Port: s.kubeletPort } },
    nodeInfo: {
      machineID: host.machineID, systemUUID: s.systemUUID, bootID: host.bootID,
      kernelVersion: host.kernelVersion, osImage: host.osImage, containerRuntimeVersion: s.containerRuntimeVersion,
      kubeletVersion: s.kubeletVersion, kubeProxyVersion: s.kubeletVersion,
      operatingSystem: host.operatingSystem, architecture: host.architecture,
    },
  };
}

/** Pressure as the kubelet's eviction manager judges it with its default hard thresholds. */
export function observePressure(host: HostInfo, runtime: { ready: boolean; message?: string }): Observed {
  return {
    runtimeReady: runtime.ready,
    ...(runtime.message === undefined ? {} : { runtimeMessage: runtime.message }),
    memoryPressure: host.memoryAvailableBytes < evictionMemoryAvailableBytes,
    diskPressure: host.diskBytes > 0 && host.diskAvailableBytes < host.diskBytes * evictionNodefsAvailableFraction,
    // kubelet has no default pid.available eviction threshold, so PIDPressure is False unless one is configured.
    pidPressure: false,
  };
}
