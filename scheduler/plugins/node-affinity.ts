// NodeAffinity: nodeSelector and required node affinity filter nodes; preferred node affinity scores them by the
// summed weights of the terms they match, scaled so the best node gets 100.
import type { Pod } from '../../apiserver/api/types.ts';
import { stateKey, type CycleState } from '../framework/cycle-state.ts';
import { compilePreferredNodeAffinity, pinnedNodeNames, type PreferredNodeAffinity } from '../framework/node-affinity-match.ts';
import { defaultNormalizeScore } from '../framework/normalize.ts';
import { unresolvable } from '../framework/rejection.ts';
import type { FilterPlugin, FilterResult, NodeInfo, PreFilterResult, ScorePlugin } from '../framework/types.ts';

export const errReasonNodeAffinity = "node(s) didn't match Pod's node affinity/selector";
export const errReasonAffinityTermsConflict = 'pod affinity terms conflict';
const rejected = unresolvable(errReasonNodeAffinity);

const preferredKey = stateKey<PreferredNodeAffinity>('PreScoreNodeAffinity');

export const nodeAffinity: FilterPlugin & ScorePlugin = {
  name: 'NodeAffinity',
  weight: 2,
  preFilter(pod: Pod, state: CycleState): PreFilterResult {
    if (!state.podInfo.requiredNodeAffinity.constrained) return 'skip';
    // Pods pinned to nodes by name (DaemonSet pods) need only those nodes looked at.
    const pinned = pinnedNodeNames(pod);
    if (pinned === undefined) return undefined;
    if (pinned.size === 0) return { unschedulable: errReasonAffinityTermsConflict };
    return { nodeNames: pinned };
  },
  filter(_pod: Pod, node: NodeInfo, state: CycleState): FilterResult {
    return state.podInfo.requiredNodeAffinity.matches(node) ? null : rejected;
  },
  preScore(pod: Pod, _nodes: readonly NodeInfo[], state: CycleState): 'skip' | undefined {
    const preferred = compilePreferredNodeAffinity(pod);
    if (preferred.empty) return 'skip';
    state.write(preferredKey, preferred);
    return undefined;
  },
  score(pod: Pod, node: NodeInfo, state: CycleState): number {
    return state.readOrCompute(preferredKey, () => compilePreferredNodeAffinity(pod)).score(node);
  },
  normalize(scores: number[]): void {
    defaultNormalizeScore(scores, false);
  },
};
