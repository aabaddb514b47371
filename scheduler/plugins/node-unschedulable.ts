// NodeUnschedulable: a cordoned node (spec.unschedulable) takes no new pods, unless the pod tolerates the
// node.kubernetes.io/unschedulable:NoSchedule taint cordoning stands for.
import type { Pod } from '../../apiserver/api/types.ts';
import { unresolvable } from '../framework/rejection.ts';
import { tolerationsTolerateTaint } from '../framework/tolerations.ts';
import type { FilterPlugin, FilterResult, NodeInfo } from '../framework/types.ts';

export const errReasonUnschedulable = 'node(s) were unschedulable';
const rejected = unresolvable(errReasonUnschedulable);
const unschedulableTaint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

export const nodeUnschedulable: FilterPlugin = {
  name: 'NodeUnschedulable',
  filter(pod: Pod, node: NodeInfo): FilterResult {
    if (!node.unschedulable) return null;
    return tolerationsTolerateTaint(pod.spec?.tolerations, unschedulableTaint) ? null : rejected;
  },
};
