// NodeResourcesFit: the pod fits where the node's allocatable minus what its pods request covers the pod's
// requests, and where one more pod stays within the node's pod capacity. Its score is LeastAllocated, kube's
// default strategy: the share of CPU and memory left free once the pod is placed, counting containers without
// requests at 100m / 200Mi so that best-effort pods still spread.
import type { Pod } from '../../apiserver/api/types.ts';
import type { CycleState } from '../framework/cycle-state.ts';
import { unschedulable } from '../framework/rejection.ts';
import { maxNodeScore, type FilterPlugin, type FilterResult, type NodeInfo, type ScorePlugin } from '../framework/types.ts';

export const errReasonTooManyPods = 'Too many pods';
export const insufficient = (resource: string): string => `Insufficient ${resource}`;

const onlyTooManyPods = unschedulable(errReasonTooManyPods);
const onlyCPU = unschedulable(insufficient('cpu'));
const onlyMemory = unschedulable(insufficient('memory'));

/** The reasons the pod does not fit, in kube's order (pods, cpu, memory, ephemeral-storage, then the rest). */
export function insufficientResources(node: NodeInfo, state: CycleState): string[] {
  const reasons: string[] = [];
  const req = state.podInfo.requests;
  const alloc = node.allocatable;
  const used = node.requested;
  if (node.pods.size + 1 > alloc.allowedPodNumber) reasons.push(errReasonTooManyPods);
  if (req.milliCPU > 0 && req.milliCPU > alloc.milliCPU - used.milliCPU) reasons.push(insufficient('cpu'));
  if (req.memory > 0 && req.memory > alloc.memory - used.memory) reasons.push(insufficient('memory'));
  if (req.ephemeralStorage > 0 && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) {
    reasons.push(insufficient('ephemeral-storage'));
  }
  for (const [name, amount] of req.scalar) {
    if (amount === 0) continue;
    if (amount > (alloc.scalar.get(name) ?? 0) - (used.scalar.get(name) ?? 0)) reasons.push(insufficient(name));
  }
  return reasons;
}

/** ((capacity - requested) * 100) / capacity in integers, 0 when over capacity (kube's leastRequestedScore). */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * maxNodeScore) / capacity);
}

export const nodeResourcesFit: FilterPlugin & ScorePlugin = {
  name: 'NodeResourcesFit',
  weight: 1,
  filter(_pod: Pod, node: NodeInfo, state: CycleState): FilterResult {
    const reasons = insufficientResources(node, state);
    if (reasons.length === 0) return null;
    if (reasons.length === 1) {
      // The common single reasons are shared objects: no allocation per rejected node.
      if (reasons[0] === errReasonTooManyPods) return onlyTooManyPods;
      if (reasons[0] === onlyCPU.reasons[0]) return onlyCPU;
      if (reasons[0] === onlyMemory.reasons[0]) return onlyMemory;
    }
    return unschedulable(...reasons);
  },
  score(_pod: Pod, node: NodeInfo, state: CycleState): number {
    // Resources cpu and memory, weight 1 each: kube's default scoringStrategy.
    const pod = state.podInfo.nonZeroRequests;
    let sum = 0;
    let weights = 0;
    if (node.allocatable.milliCPU > 0) {
      sum += leastRequestedScore(node.nonZeroRequested.milliCPU + pod.milliCPU, node.allocatable.milliCPU);
      weights++;
    }
    if (node.allocatable.memory > 0) {
      sum += leastRequestedScore(node.nonZeroRequested.memory + pod.memory, node.allocatable.memory);
      weights++;
    }
    return weights === 0 ? 0 : Math.trunc(sum / weights);
  },
};
