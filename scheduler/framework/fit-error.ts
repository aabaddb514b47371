// kube's FitError message: "0/N nodes are available: <PreFilter message>." when a PreFilter turned every node
// down, otherwise a histogram of the filters' reasons, "<count> <reason>" sorted as strings (Go's sort.Strings,
// so "10 ..." sorts before "2 ..."). kube adds a "preemption: ..." sentence from its PostFilter (preemption)
// plugin; Skiff has no preemption, which is exactly kube's wording when no PostFilter plugin runs.
import type { Diagnosis } from './types.ts';

export const noNodesAvailableMessage = 'no nodes available to schedule pods';

export function newDiagnosis(): Diagnosis {
  return { nodeToReasons: new Map(), absentNodesReasons: [], unschedulablePlugins: new Set(), preFilterMessage: undefined };
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

export function fitErrorMessage(numAllNodes: number, diagnosis: Diagnosis): string {
  let message = `0/${numAllNodes} nodes are available:`;
  if (diagnosis.preFilterMessage !== undefined && diagnosis.preFilterMessage !== '') {
    return `${message} ${diagnosis.preFilterMessage}.`;
  }
  const histogram = new Map<string, number>();
  for (const reasons of diagnosis.nodeToReasons.values()) {
    for (const r of reasons) histogram.set(r, (histogram.get(r) ?? 0) + 1);
  }
  const absent = numAllNodes - diagnosis.nodeToReasons.size;
  if (absent > 0) for (const r of diagnosis.absentNodesReasons) histogram.set(r, (histogram.get(r) ?? 0) + absent);
  const parts = [...histogram].map(([reason, count]) => `${count} ${reason}`).sort(byteOrder);
  if (parts.length > 0) message += ` ${parts.join(', ')}.`;
  return message;
}
