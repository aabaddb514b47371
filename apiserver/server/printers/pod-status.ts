// A pod's READY, STATUS and RESTARTS cells, worked out as kube-apiserver's pod printer does: the phase, then
// init containers in order (the first unfinished one explains the pod), then app containers from last to first
// (a waiting or terminated one names the status), then deletion.
import type { Container, ContainerStatus, Pod, PodCondition } from '../../api/types.ts';
import { humanDuration } from './printer.ts';

export interface PodSummary {
  ready: string;
  status: string;
  restarts: string;
}

/** The kubelet's pod reason for a pod on a node that stopped reporting (node.NodeUnreachablePodReason). */
const nodeLostReason = 'NodeLost';

export function summarizePod(pod: Pod, now: number): PodSummary {
  const spec = pod.spec;
  const status = pod.status ?? {};
  const conditions = status.conditions ?? [];
  const initContainers = spec?.initContainers ?? [];
  const initByName = new Map(initContainers.map((c) => [c.name, c]));

  let reason = status.reason || status.phase || '';
  if (conditions.some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  // Sidecars (restartable init containers) count as containers of the running pod.
  const total = (spec?.containers?.length ?? 0) + initContainers.filter(isSidecar).length;
  let ready = 0;
  let restarts = 0;
  let lastRestart: number | undefined;
  let sidecarRestarts = 0;
  let lastSidecarRestart: number | undefined;

  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    const sidecar = isSidecar(initByName.get(cs.name));
    restarts += cs.restartCount ?? 0;
    lastRestart = later(lastRestart, cs.lastState?.terminated?.finishedAt);
    if (sidecar) {
      sidecarRestarts += cs.restartCount ?? 0;
      lastSidecarRestart = later(lastSidecarRestart, cs.lastState?.terminated?.finishedAt);
    }
    const terminated = cs.state?.terminated;
    const waiting = cs.state?.waiting;
    if (terminated && terminated.exitCode === 0) continue;
    if (sidecar && cs.started) {
      if (cs.ready) ready++;
      continue;
    }
    if (terminated) {
      reason = terminated.reason ? `Init:${terminated.reason}` : `Init:${exitDescription(terminated)}`;
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${initContainers.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionIsTrue(conditions, 'Initialized')) {
    // Init containers that ran to completion no longer count; only sidecar restarts carry over.
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses: readonly ContainerStatus[] = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      restarts += cs.restartCount ?? 0;
      lastRestart = later(lastRestart, cs.lastState?.terminated?.finishedAt);
      const terminated = cs.state?.terminated;
      if (cs.state?.waiting?.reason) {
        reason = cs.state.waiting.reason;
      } else if (terminated) {
        reason = terminated.reason || exitDescription(terminated);
      } else if (cs.ready && cs.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    // A finished container next to a running one does not make the pod Completed.
    if (reason === 'Completed' && hasRunning) reason = hasReadyCondition(conditions) ? 'Running' : 'NotReady';
  }

  if (pod.metadata?.deletionTimestamp) {
    if (status.reason === nodeLostReason) reason = 'Unknown';
    else if (status.phase !== 'Succeeded' && status.phase !== 'Failed') reason = 'Terminating';
  }

  const restartsText = restarts !== 0 && lastRestart !== undefined
    ? `${restarts} (${humanDuration(Math.max(0, now - lastRestart))} ago)`
    : String(restarts);
  return { ready: `${ready}/${total}`, status: reason, restarts: restartsText };
}

function isSidecar(container: Container | undefined): boolean {
  return container?.restartPolicy === 'Always';
}

function exitDescription(terminated: { signal?: number; exitCode: number }): string {
  return terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode}`;
}

function conditionIsTrue(conditions: readonly PodCondition[], type: string): boolean {
  // The first condition of the type decides (isPodInitializedConditionTrue stops at the first match).
  return conditions.find((c) => c.type === type)?.status === 'True';
}

function hasReadyCondition(conditions: readonly PodCondition[]): boolean {
  // Unlike the Initialized check, any true Ready condition counts (hasPodReadyCondition scans them all).
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** The later of a running maximum and a timestamp; a missing or unparseable timestamp changes nothing. */
function later(current: number | undefined, timestamp: string | undefined): number | undefined {
  if (!timestamp) return current;
  const t = Date.parse(timestamp);
  if (Number.isNaN(t)) return current;
  return current === undefined || t > current ? t : current;
}
