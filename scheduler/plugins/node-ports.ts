// NodePorts: a pod asking for host ports fits only where none of them is taken (0.0.0.0 takes the port on every
// address).
import type { Pod } from '../../apiserver/api/types.ts';
import type { CycleState } from '../framework/cycle-state.ts';
import { unschedulable } from '../framework/rejection.ts';
import type { FilterPlugin, FilterResult, NodeInfo, PreFilterResult } from '../framework/types.ts';

export const errReasonNodePorts = "node(s) didn't have free ports for the requested pod ports";
const rejected = unschedulable(errReasonNodePorts);

export const nodePorts: FilterPlugin = {
  name: 'NodePorts',
  preFilter(_pod: Pod, state: CycleState): PreFilterResult {
    return state.podInfo.hostPorts.length === 0 ? 'skip' : undefined;
  },
  filter(_pod: Pod, node: NodeInfo, state: CycleState): FilterResult {
    for (const p of state.podInfo.hostPorts) if (node.usedPorts.conflicts(p)) return rejected;
    return null;
  },
};
