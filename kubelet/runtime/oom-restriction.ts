// Lowering a process's oom_score_adj below what it inherited needs CAP_SYS_RESOURCE. Where the node runs without it
// (inside a user namespace or an unprivileged container, as on some CI machines), runc fails to start any container
// asked for a negative score ("can't get final child's PID from pipe"). containerd's answer is its
// `restrict_oom_score_adj` setting: never ask for less than the daemon's own score. The Docker runtime does the same
// when it finds the capability missing, so Guaranteed pods and sandboxes still start, only less protected.
import type { ContainerResources } from './runtime.ts';

export const capSysResource = 24;

/** Whether the capability is in the `CapEff` set of a /proc/<pid>/status text. */
export function hasEffectiveCapability(procStatus: string, capability: number): boolean {
  const line = /^CapEff:\s*([0-9a-fA-F]+)\s*$/m.exec(procStatus);
  if (!line) return false;
  return ((BigInt(`0x${line[1]}`) >> BigInt(capability)) & 1n) === 1n;
}

/** The resources with oomScoreAdj raised to `floor` when below it; unchanged when there is no floor. */
export function applyOomFloor(resources: ContainerResources | undefined, floor: number | undefined): ContainerResources | undefined {
  if (!resources || floor === undefined || resources.oomScoreAdj === undefined || resources.oomScoreAdj >= floor) return resources;
  return { ...resources, oomScoreAdj: floor };
}
