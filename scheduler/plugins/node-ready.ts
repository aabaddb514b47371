// NodeReady: a node whose Ready condition is not True takes no new pods. Kubernetes gets this through the taints
// the node lifecycle controller puts on such nodes (node.kubernetes.io/not-ready, or /unreachable when the status
// is Unknown); this filter applies the same rule before the taint is there, and like the taint it lets through
// pods that tolerate it.
import type { Pod } from '../../apiserver/api/types.ts';
import { unresolvable } from '../framework/rejection.ts';
import { tolerationsTolerateTaint } from '../framework/tolerations.ts';
import type { FilterPlugin, FilterResult, NodeInfo } from '../framework/types.ts';

export const errReasonNotReady = 'node(s) were not ready';
const rejected = unresolvable(errReasonNotReady);
const notReadyTaint = { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' };
const unreachableTaint = { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' };

export const nodeReady: FilterPlugin = {
  name: 'NodeReady',
  filter(pod: Pod, node: NodeInfo): FilterResult {
    if (node.readyStatus === 'True') return null;
    const taint = node.readyStatus === 'Unknown' ? unreachableTaint : notReadyTaint;
    return tolerationsTolerateTaint(pod.spec?.tolerations, taint) ? null : rejected;
  },
};
