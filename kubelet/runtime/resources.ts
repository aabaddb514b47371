// Kubernetes resources to Linux cgroup settings, computed exactly as the kubelet does (kuberuntime's
// calculateLinuxResources, cm.MilliCPUToQuota/MilliCPUToShares, qos.GetContainerOOMScoreAdjust), so a pod gets the
// same CPU and memory treatment here as on a real node. Pure: Docker applies the result (docker-create-options.ts).
import { podQOSClass } from '../../apiserver/api/defaults/pod-qos.ts';
import { milliValue, parseQuantity, value } from '../../apiserver/api/quantity.ts';
import type { Container, Pod } from '../../apiserver/api/types.ts';
import type { ContainerResources } from './runtime.ts';

/** The CFS period Kubernetes uses unless the CPUCFSQuotaPeriod gate says otherwise: 100 ms. */
export const cpuQuotaPeriodMicros = 100_000;
/** The kernel refuses a quota below 1 ms. */
export const minQuotaMicros = 1_000;
/** Kernel bounds for cpu.shares. */
export const minShares = 2;
export const maxShares = 262_144;
const sharesPerCpu = 1024;
const milliCpuPerCpu = 1000;

/** The kubelet's own OOM protection tiers (pkg/kubelet/qos/policy.go). */
export const guaranteedOomScoreAdj = -997;
export const bestEffortOomScoreAdj = 1000;
/** The pause container: killed after Guaranteed containers' processes would be, so a pod never loses its sandbox first. */
export const sandboxOomScoreAdj = -998;
/** The pause container needs almost no CPU; kube gives it the minimum weight. */
export const sandboxCpuShares = 2;

/** limits.cpu → cpu.cfs_quota_us; 0 means no limit. */
export function milliCpuToQuota(milliCpu: number, periodMicros = cpuQuotaPeriodMicros): number {
  if (milliCpu === 0) return 0;
  const quota = Math.trunc((milliCpu * periodMicros) / milliCpuPerCpu);
  return Math.max(quota, minQuotaMicros);
}

/** requests.cpu → cpu.shares. Zero maps to the minimum: Docker would read 0 as "unset" and give the default 1024. */
export function milliCpuToShares(milliCpu: number): number {
  if (milliCpu === 0) return minShares;
  const shares = Math.trunc((milliCpu * sharesPerCpu) / milliCpuPerCpu);
  return Math.min(Math.max(shares, minShares), maxShares);
}

function quantityOf(list: Record<string, string | number> | undefined, name: string): { milli: number; units: number } {
  const raw = list?.[name];
  if (raw === undefined) return { milli: 0, units: 0 };
  const q = parseQuantity(raw);
  return { milli: milliValue(q), units: value(q) };
}

/**
 * The cgroup settings for one app container. `nodeMemoryCapacityBytes` is the node's memory capacity (the
 * Burstable OOM score is relative to it).
 */
export function containerResources(pod: Pod, container: Container, nodeMemoryCapacityBytes: number): ContainerResources {
  const requests = container.resources?.requests;
  const limits = container.resources?.limits;
  const cpuRequest = quantityOf(requests, 'cpu').milli;
  const cpuLimit = quantityOf(limits, 'cpu').milli;
  const memoryLimit = quantityOf(limits, 'memory').units;
  // A limit without a request means the request equals the limit. The apiserver defaults it that way for new pods;
  // the kubelet repeats the rule for pods that predate the defaulting.
  const cpuShares = milliCpuToShares(cpuRequest === 0 && cpuLimit !== 0 ? cpuLimit : cpuRequest);
  const resources: ContainerResources = {
    cpuShares,
    cpuQuota: milliCpuToQuota(cpuLimit),
    cpuPeriod: cpuQuotaPeriodMicros,
    oomScoreAdj: oomScoreAdjust(pod, container, nodeMemoryCapacityBytes),
  };
  if (memoryLimit !== 0) resources.memoryLimitBytes = memoryLimit;
  return resources;
}

/** The pause container's settings. */
export function sandboxResources(): ContainerResources {
  return { cpuShares: sandboxCpuShares, oomScoreAdj: sandboxOomScoreAdj };
}

/**
 * oom_score_adj by QoS class. Guaranteed containers (and node-critical pods) are the last to go, BestEffort the
 * first; a Burstable container's score falls as its memory request grows relative to the node, so a container
 * using no more than it asked for is protected over one that exceeds it.
 */
export function oomScoreAdjust(pod: Pod, container: Container, nodeMemoryCapacityBytes: number): number {
  const spec = pod.spec ?? { containers: [] };
  if (spec.priorityClassName === 'system-node-critical') return guaranteedOomScoreAdj;
  const qos = pod.status?.qosClass ?? podQOSClass(spec);
  if (qos === 'Guaranteed') return guaranteedOomScoreAdj;
  if (qos === 'BestEffort') return bestEffortOomScoreAdj;

  let score = burstableScore(memoryRequest(container), nodeMemoryCapacityBytes);
  // A sidecar (restartable init container) must not be killed before the regular containers it serves: it scores
  // no higher than the regular container with the smallest request.
  if (isSidecar(spec.initContainers ?? [], container) && spec.containers.length > 0) {
    const smallest = Math.min(...spec.containers.map(memoryRequest));
    score = Math.min(score, burstableScore(smallest, nodeMemoryCapacityBytes));
  }
  // Keep Burstable strictly between the other two tiers.
  if (score < 1000 + guaranteedOomScoreAdj) return 1000 + guaranteedOomScoreAdj;
  if (score === bestEffortOomScoreAdj) return score - 1;
  return score;
}

function memoryRequest(container: Container): number {
  return quantityOf(container.resources?.requests, 'memory').units;
}

/** 1000 − 1000·request/capacity with Go's truncating integer division, in bigint so large requests stay exact. */
function burstableScore(requestBytes: number, capacityBytes: number): number {
  if (capacityBytes <= 0) return bestEffortOomScoreAdj;
  return Number(1000n - (1000n * BigInt(requestBytes)) / BigInt(Math.trunc(capacityBytes)));
}

function isSidecar(initContainers: Container[], container: Container): boolean {
  const init = initContainers.find((c) => c.name === container.name);
  return init?.restartPolicy === 'Always';
}
