// Which pods `drain` removes from a node, decided as kubectl's drain filters decide it (pure: pods in, verdicts
// out). Mirror pods are skipped; DaemonSet pods are an error unless --ignore-daemonsets (then skipped with a
// warning); pods with emptyDir volumes need --delete-emptydir-data; pods no controller will replace need --force.
// Finished pods are always removed.
import type { Pod } from '../apiserver/api/types.ts';

// kubectl 1.32's wording: its error list puts "cannot delete" in front, which the unmanaged message repeats.
export const daemonSetFatal = 'DaemonSet-managed Pods (use --ignore-daemonsets to ignore)';
export const daemonSetWarning = 'ignoring DaemonSet-managed Pods';
export const localStorageFatal = 'Pods with local storage (use --delete-emptydir-data to override)';
export const unmanagedFatal = 'cannot delete Pods that declare no controller (use --force to override)';
export const unmanagedWarning = 'deleting Pods that declare no controller';

export interface DrainFlags {
  ignoreDaemonSets: boolean;
  deleteEmptyDirData: boolean;
  force: boolean;
  /** --skip-wait-for-delete-timeout: pods deleted longer ago than this are left alone (0: never). */
  skipDeletedAfterSeconds: number;
}

export type Verdict =
  | { action: 'delete'; warning?: string }
  | { action: 'skip'; warning?: string }
  | { action: 'error'; message: string };

function finished(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

function controllerOf(pod: Pod): { kind: string; apiVersion: string; name: string } | undefined {
  return pod.metadata?.ownerReferences?.find((r) => r.controller);
}

/**
 * One pod's verdict; `daemonSetExists` answers whether the DaemonSet a pod names still exists (orphans are removed
 * with --force). The filters run in kubectl's order and stop at the first that keeps the pod; a pod that passes
 * them all carries only the last filter's warning (kubectl drops the earlier ones: its own TODO says so).
 */
export function judgePod(pod: Pod, flags: DrainFlags, daemonSetExists: (namespace: string, name: string) => boolean, nowMs = Date.now()): Verdict {
  // skipDeletedFilter
  const deleted = pod.metadata?.deletionTimestamp ? Date.parse(pod.metadata.deletionTimestamp) : undefined;
  if (flags.skipDeletedAfterSeconds > 0 && deleted !== undefined && (nowMs - deleted) / 1000 > flags.skipDeletedAfterSeconds) {
    return { action: 'skip' };
  }
  // daemonSetFilter
  const owner = controllerOf(pod);
  if (owner && owner.kind === 'DaemonSet' && owner.apiVersion === 'apps/v1' && !finished(pod)) {
    if (!daemonSetExists(pod.metadata?.namespace ?? '', owner.name)) {
      if (!flags.force) return { action: 'error', message: `daemonsets.apps "${owner.name}" not found` };
    } else if (!flags.ignoreDaemonSets) {
      return { action: 'error', message: daemonSetFatal };
    } else {
      return { action: 'skip', warning: daemonSetWarning };
    }
  }
  // mirrorPodFilter
  if (pod.metadata?.annotations?.['kubernetes.io/config.mirror'] !== undefined) return { action: 'skip' };
  // localStorageFilter
  if ((pod.spec?.volumes ?? []).some((v) => v.emptyDir) && !finished(pod) && !flags.deleteEmptyDirData) {
    return { action: 'error', message: localStorageFatal };
  }
  // unreplicatedFilter
  if (!finished(pod) && !owner) {
    if (!flags.force) return { action: 'error', message: unmanagedFatal };
    return { action: 'delete', warning: unmanagedWarning };
  }
  return { action: 'delete' };
}

export interface DrainPlan {
  remove: Pod[];
  /** `ignoring DaemonSet-managed Pods: ns/a, ns/b; deleting Pods that declare no controller: ns/c`. */
  warnings: string;
  /** `cannot delete Pods that declare no controller (use --force to override): ns/c`, one per reason. */
  errors: string[];
}

function grouped(entries: [string, Pod][]): [string, string[]][] {
  const byMessage = new Map<string, string[]>();
  for (const [message, pod] of entries) {
    const list = byMessage.get(message) ?? [];
    list.push(`${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`);
    byMessage.set(message, list);
  }
  return [...byMessage];
}

export function planDrain(pods: Pod[], flags: DrainFlags, daemonSetExists: (namespace: string, name: string) => boolean, nowMs = Date.now()): DrainPlan {
  const remove: Pod[] = [];
  const warned: [string, Pod][] = [];
  const failed: [string, Pod][] = [];
  for (const pod of pods) {
    const v = judgePod(pod, flags, daemonSetExists, nowMs);
    if (v.action === 'error') failed.push([v.message, pod]);
    else {
      if (v.warning) warned.push([v.warning, pod]);
      if (v.action === 'delete') remove.push(pod);
    }
  }
  return {
    remove,
    warnings: grouped(warned).map(([m, ps]) => `${m}: ${ps.join(', ')}`).join('; '),
    errors: grouped(failed).map(([m, ps]) => `cannot delete ${m}: ${ps.join(', ')}`),
  };
}
