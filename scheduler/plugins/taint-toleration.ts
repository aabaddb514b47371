// TaintToleration: a NoSchedule or NoExecute taint the pod does not tolerate keeps it off the node; among the
// nodes left, fewer untolerated PreferNoSchedule taints score higher.
import type { Pod, Toleration } from '../../apiserver/api/types.ts';
import { stateKey, type CycleState } from '../framework/cycle-state.ts';
import { defaultNormalizeScore } from '../framework/normalize.ts';
import { unresolvable } from '../framework/rejection.ts';
import { firstUntoleratedTaint, tolerationsTolerateTaint } from '../framework/tolerations.ts';
import type { FilterPlugin, FilterResult, NodeInfo, ScorePlugin } from '../framework/types.ts';

/** kube 1.31's wording; newer releases say "node(s) had untolerated taint(s)" without naming the taint. */
export function errReasonUntoleratedTaint(key: string, value: string | undefined): string {
  return `node(s) had untolerated taint {${key}: ${value ?? ''}}`;
}

const preferNoScheduleTolerations = stateKey<readonly Toleration[]>('PreScoreTaintToleration');

function tolerationsForScoring(pod: Pod): readonly Toleration[] {
  // An empty effect tolerates every effect, PreferNoSchedule included.
  return (pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
}

export const taintToleration: FilterPlugin & ScorePlugin = {
  name: 'TaintToleration',
  weight: 3,
  filter(pod: Pod, node: NodeInfo): FilterResult {
    if (node.taints.length === 0) return null;
    const taint = firstUntoleratedTaint(node.taints, pod.spec?.tolerations);
    return taint ? unresolvable(errReasonUntoleratedTaint(taint.key, taint.value)) : null;
  },
  preScore(pod: Pod, _nodes: readonly NodeInfo[], state: CycleState): undefined {
    state.write(preferNoScheduleTolerations, tolerationsForScoring(pod));
    return undefined;
  },
  score(pod: Pod, node: NodeInfo, state: CycleState): number {
    if (node.taints.length === 0) return 0;
    const tolerations = state.readOrCompute(preferNoScheduleTolerations, () => tolerationsForScoring(pod));
    let intolerable = 0;
    for (const taint of node.taints) {
      if (taint.effect === 'PreferNoSchedule' && !tolerationsTolerateTaint(tolerations, taint)) intolerable++;
    }
    return intolerable;
  },
  normalize(scores: number[]): void {
    defaultNormalizeScore(scores, true);
  },
};
