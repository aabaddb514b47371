// NodeName: a pod that already names its node (spec.nodeName) fits that node only.
import type { Pod } from '../../apiserver/api/types.ts';
import { unresolvable } from '../framework/rejection.ts';
import type { FilterPlugin, FilterResult, NodeInfo, PreFilterResult } from '../framework/types.ts';

export const errReasonNodeName = "node(s) didn't match the requested node name";
const rejected = unresolvable(errReasonNodeName);

export const nodeName: FilterPlugin = {
  name: 'NodeName',
  preFilter(pod: Pod): PreFilterResult {
    return pod.spec?.nodeName ? undefined : 'skip';
  },
  filter(pod: Pod, node: NodeInfo): FilterResult {
    const wanted = pod.spec?.nodeName;
    return !wanted || wanted === node.name ? null : rejected;
  },
};
