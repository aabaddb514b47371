// NodeResourcesBalancedAllocation: prefers nodes whose CPU and memory would be used in similar proportions once the
// pod is placed: 100 × (1 − the standard deviation of the used fractions). Unlike LeastAllocated it counts actual
// requests, and, as kube does since 1.33 (kubernetes#129138), it does not score best-effort pods at all: with no
// requests they would otherwise all be drawn to the same most balanced node.
import type { Pod } from '../../apiserver/api/types.ts';
import type { CycleState } from '../framework/cycle-state.ts';
import { maxNodeScore, type NodeInfo, type ScorePlugin } from '../framework/types.ts';

/** kube's balancedResourceScorer over (requested, allocatable) pairs; resources with nothing allocatable are left out. */
export function balancedResourceScore(requested: readonly number[], allocatable: readonly number[]): number {
  const fractions: number[] = [];
  let total = 0;
  for (let i = 0; i < requested.length; i++) {
    if (allocatable[i] === 0) continue;
    const f = Math.min(1, requested[i] / allocatable[i]);
    fractions.push(f);
    total += f;
  }
  let std = 0;
  if (fractions.length === 2) {
    std = Math.abs((fractions[0] - fractions[1]) / 2);
  } else if (fractions.length > 2) {
    const mean = total / fractions.length;
    let sq = 0;
    for (const f of fractions) sq += (f - mean) * (f - mean);
    std = Math.sqrt(sq / fractions.length);
  }
  return Math.trunc((1 - std) * maxNodeScore);
}

export const nodeResourcesBalancedAllocation: ScorePlugin = {
  name: 'NodeResourcesBalancedAllocation',
  weight: 1,
  preScore(_pod: Pod, _nodes: readonly NodeInfo[], state: CycleState): 'skip' | undefined {
    const r = state.podInfo.requests;
    return r.milliCPU === 0 && r.memory === 0 ? 'skip' : undefined;
  },
  score(_pod: Pod, node: NodeInfo, state: CycleState): number {
    const r = state.podInfo.requests;
    return balancedResourceScore(
      [node.requested.milliCPU + r.milliCPU, node.requested.memory + r.memory],
      [node.allocatable.milliCPU, node.allocatable.memory],
    );
  },
};
