// A Deployment's status (kube's calculateStatus and syncRolloutStatus): replica counts summed over its
// ReplicaSets, the Available condition against maxUnavailable, and the Progressing condition that
// `kubectl rollout status` reads, including the progress deadline.
import type { Deployment, ReplicaSet } from '../apiserver/api/types.ts';
import {
  desiredReplicas, maxUnavailable, sumActualReplicas, sumAvailableReplicas, sumReadyReplicas, sumReplicas,
} from './deployment-replicasets.ts';
import { rfc3339 } from './workload-pods.ts';

type DeploymentStatus = NonNullable<Deployment['status']>;
export type DeploymentCondition = NonNullable<DeploymentStatus['conditions']>[number];

export const reasons = {
  newRSCreated: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  rsUpdated: 'ReplicaSetUpdated',
  newRSAvailable: 'NewReplicaSetAvailable',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  failedRSCreate: 'ReplicaSetCreateError',
  minimumAvailable: 'MinimumReplicasAvailable',
  minimumUnavailable: 'MinimumReplicasUnavailable',
} as const;

/** progressDeadlineSeconds is set and is not "never" (MaxInt32). */
export function hasProgressDeadline(d: Deployment): boolean {
  const s = d.spec?.progressDeadlineSeconds;
  return s !== undefined && s !== 2147483647;
}

export function newCondition(type: string, status: string, reason: string, message: string, nowMs: number): DeploymentCondition {
  const t = rfc3339(nowMs);
  return { type, status, reason, message, lastUpdateTime: t, lastTransitionTime: t };
}

export function getCondition(status: DeploymentStatus | undefined, type: string): DeploymentCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/**
 * kube's SetDeploymentCondition: a condition with the same status and reason is left alone; otherwise it replaces
 * the old one, keeping its lastTransitionTime when only the reason changed.
 */
export function setCondition(status: DeploymentStatus, cond: DeploymentCondition): void {
  const current = getCondition(status, cond.type);
  if (current && current.status === cond.status && current.reason === cond.reason) return;
  const next = { ...cond };
  if (current && current.status === cond.status) next.lastTransitionTime = current.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== cond.type), next];
}

export function removeCondition(status: DeploymentStatus, type: string): void {
  if (!status.conditions) return;
  status.conditions = status.conditions.filter((c) => c.type !== type);
}

/** calculateStatus: counts from the ReplicaSets, conditions carried over, Available decided again. */
export function calculateStatus(d: Deployment, allRSs: ReplicaSet[], newRS: ReplicaSet | undefined, nowMs: number): DeploymentStatus {
  const available = sumAvailableReplicas(allRSs);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata?.generation,
    replicas: sumActualReplicas(allRSs),
    updatedReplicas: newRS ? sumActualReplicas([newRS]) : 0,
    readyReplicas: sumReadyReplicas(allRSs),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, sumReplicas(allRSs) - available),
    collisionCount: d.status?.collisionCount,
    conditions: (d.status?.conditions ?? []).map((c) => ({ ...c })),
  };
  if (available >= desiredReplicas(d) - maxUnavailable(d)) {
    setCondition(status, newCondition('Available', 'True', reasons.minimumAvailable, 'Deployment has minimum availability.', nowMs));
  } else {
    setCondition(status, newCondition('Available', 'False', reasons.minimumUnavailable, 'Deployment does not have minimum availability.', nowMs));
  }
  return status;
}

/** Every replica updated and available, and the spec seen. */
export function deploymentComplete(d: Deployment, status: DeploymentStatus): boolean {
  const desired = desiredReplicas(d);
  return (status.updatedReplicas ?? 0) === desired && (status.replicas ?? 0) === desired
    && (status.availableReplicas ?? 0) === desired && (status.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
}

/** Progress since the last status: more updated, ready or available replicas, or fewer old ones. */
export function deploymentProgressing(d: Deployment, status: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (status.replicas ?? 0) - (status.updatedReplicas ?? 0);
  return (status.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld
    || (status.readyReplicas ?? 0) > (old.readyReplicas ?? 0)
    || (status.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

/** No progress reported for progressDeadlineSeconds since the Progressing condition last changed. */
export function deploymentTimedOut(d: Deployment, status: DeploymentStatus, nowMs: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const cond = getCondition(status, 'Progressing');
  if (!cond || cond.reason === reasons.newRSAvailable) return false;
  if (cond.reason === reasons.timedOut) return true;
  const from = Date.parse(cond.lastUpdateTime ?? '');
  if (Number.isNaN(from)) return false;
  return from + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 < nowMs;
}

/** kube's getReplicaFailures as a Deployment condition: the new ReplicaSet's failure, else any old one's. */
function replicaFailure(allRSs: ReplicaSet[], newRS: ReplicaSet | undefined): DeploymentCondition | undefined {
  const fromRS = (rs: ReplicaSet | undefined): DeploymentCondition | undefined => {
    const c = rs?.status?.conditions?.find((x) => x.type === 'ReplicaFailure');
    return c && {
      type: c.type, status: c.status, reason: c.reason, message: c.message,
      lastTransitionTime: c.lastTransitionTime, lastUpdateTime: c.lastTransitionTime,
    };
  };
  return fromRS(newRS) ?? allRSs.map(fromRS).find((c) => c !== undefined);
}

/**
 * syncRolloutStatus: the status after a rollout step, with the Progressing condition moved forward (complete,
 * progressing, or past its deadline) and ReplicaSet failures carried up.
 */
export function rolloutStatus(d: Deployment, allRSs: ReplicaSet[], newRS: ReplicaSet | undefined, nowMs: number): DeploymentStatus {
  const status = calculateStatus(d, allRSs, newRS, nowMs);
  const name = d.metadata?.name ?? '';
  if (!hasProgressDeadline(d)) removeCondition(status, 'Progressing');
  const current = getCondition(d.status, 'Progressing');
  const complete = status.replicas === status.updatedReplicas && current?.reason === reasons.newRSAvailable;
  if (hasProgressDeadline(d) && !complete) {
    const subject = newRS ? `ReplicaSet "${newRS.metadata?.name ?? ''}"` : `Deployment "${name}"`;
    if (deploymentComplete(d, status)) {
      setCondition(status, newCondition('Progressing', 'True', reasons.newRSAvailable, `${subject} has successfully progressed.`, nowMs));
    } else if (deploymentProgressing(d, status)) {
      // Progress refreshes lastUpdateTime even with the same reason, which is what the deadline is measured from.
      const cond = newCondition('Progressing', 'True', reasons.rsUpdated, `${subject} is progressing.`, nowMs);
      if (current) {
        if (current.status === 'True') cond.lastTransitionTime = current.lastTransitionTime;
        removeCondition(status, 'Progressing');
      }
      setCondition(status, cond);
    } else if (deploymentTimedOut(d, status, nowMs)) {
      setCondition(status, newCondition('Progressing', 'False', reasons.timedOut, `${subject} has timed out progressing.`, nowMs));
    }
  }
  const failure = replicaFailure(allRSs, newRS);
  if (failure) setCondition(status, failure);
  else removeCondition(status, 'ReplicaFailure');
  return status;
}

/**
 * requeueStuckDeployment: when a rollout shows no progress, the time until its deadline passes (at least a second
 * later, for clock skew), so the controller looks again then; undefined when there is nothing to wait for.
 */
export function stuckRequeueAfterMs(d: Deployment, status: DeploymentStatus, nowMs: number): number | undefined {
  const cond = getCondition(d.status, 'Progressing');
  if (!hasProgressDeadline(d) || !cond) return undefined;
  if (deploymentComplete(d, status) || cond.reason === reasons.timedOut) return undefined;
  const after = Date.parse(cond.lastUpdateTime ?? '') + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 - nowMs;
  if (Number.isNaN(after)) return undefined;
  return after < 1000 ? 0 : after + 1000;
}

/**
 * checkPausedConditions: pausing sets Progressing Unknown/DeploymentPaused (the deadline stops counting), resuming
 * Unknown/DeploymentResumed (it starts again from now). Undefined when nothing changes.
 */
export function pausedConditionStatus(d: Deployment, nowMs: number): DeploymentStatus | undefined {
  if (!hasProgressDeadline(d)) return undefined;
  const cond = getCondition(d.status, 'Progressing');
  if (cond?.reason === reasons.timedOut) return undefined;
  const pausedCond = cond?.reason === reasons.paused;
  const status: DeploymentStatus = { ...d.status, conditions: (d.status?.conditions ?? []).map((c) => ({ ...c })) };
  if (d.spec?.paused && !pausedCond) {
    setCondition(status, newCondition('Progressing', 'Unknown', reasons.paused, 'Deployment is paused', nowMs));
    return status;
  }
  if (!d.spec?.paused && pausedCond) {
    setCondition(status, newCondition('Progressing', 'Unknown', reasons.resumed, 'Deployment is resumed', nowMs));
    return status;
  }
  return undefined;
}
