// The Job controller's pure decisions (kube's pkg/controller/job): how many pods to run, when a Job has failed or
// succeeded, and how long failed pods hold back replacements. The controller feeds it counts from the cache.
import type { Job, Pod } from '../apiserver/api/types.ts';

export type JobCondition = NonNullable<NonNullable<Job['status']>['conditions']>[number];

/** kube's DefaultJobPodFailureBackOff and the cap this controller uses (kube's documented 6 minutes). */
export const podFailureBackoffBaseMs = 10_000;
export const podFailureBackoffMaxMs = 6 * 60_000;

/** 10 s, 20 s, 40 s ... for the 1st, 2nd, 3rd consecutive failure, never more than 6 minutes; 0 with no failures. */
export function backoffDelayMs(consecutiveFailures: number): number {
  if (consecutiveFailures <= 0) return 0;
  // 2^n overflows nothing useful past 2^20; the cap is reached long before.
  const exp = Math.min(consecutiveFailures - 1, 20);
  return Math.min(podFailureBackoffBaseMs * 2 ** exp, podFailureBackoffMaxMs);
}

export interface JobCounts {
  /** Counted plus uncounted plus just terminated. */
  succeeded: number;
  failed: number;
  /** Container restarts of active pods (restartPolicy OnFailure: the kubelet restarts, kube counts them). */
  restarts: number;
  /** Active pods, in the order they should be deleted first (see rankForDeletion). */
  active: Pod[];
  /** Failures since the last success, and when the latest one happened, for the creation back-off. */
  consecutiveFailures: number;
  lastFailureMs?: number;
}

export type JobPlan =
  | { kind: 'fail'; reason: string; message: string; deletePods: Pod[] }
  | { kind: 'complete'; deletePods: Pod[] }
  | { kind: 'run'; create: number; deletePods: Pod[]; requeueAfterMs?: number };

export function jobCondition(job: Job, type: string): JobCondition | undefined {
  return job.status?.conditions?.find((c) => c.type === type && c.status === 'True');
}

/** Complete or Failed: a finished Job never runs pods again. */
export function isJobFinished(job: Job): boolean {
  return jobCondition(job, 'Complete') !== undefined || jobCondition(job, 'Failed') !== undefined;
}

/** How many pods should be active: parallelism, but never more than the completions still missing. */
export function wantedActive(job: Job, succeeded: number, active: number): number {
  const parallelism = job.spec?.parallelism ?? 1;
  const completions = job.spec?.completions;
  if (completions === undefined || completions === null) {
    // A work-queue Job: once one pod succeeded the work is done; let the running ones finish, start none.
    return succeeded > 0 ? Math.min(active, parallelism) : parallelism;
  }
  return Math.max(0, Math.min(parallelism, completions - succeeded));
}

/** The Job's decision for this moment. */
export function planJob(job: Job, counts: JobCounts, nowMs: number): JobPlan {
  const spec = job.spec ?? { template: {} };
  const active = counts.active;
  // A terminal condition already decided (FailureTarget, SuccessCriteriaMet) stands: finish the termination.
  const target = jobCondition(job, 'FailureTarget');
  if (target) return { kind: 'fail', reason: target.reason ?? 'BackoffLimitExceeded', message: target.message ?? '', deletePods: active };
  if (jobCondition(job, 'SuccessCriteriaMet')) return { kind: 'complete', deletePods: active };

  const backoffLimit = spec.backoffLimit ?? 6;
  const onFailure = spec.template.spec?.restartPolicy === 'OnFailure';
  const failures = counts.failed + (onFailure ? counts.restarts : 0);
  if (failures > backoffLimit) {
    return { kind: 'fail', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', deletePods: active };
  }
  const startMs = job.status?.startTime ? Date.parse(job.status.startTime) : undefined;
  const deadlineMs = deadlineOf(job, startMs);
  if (deadlineMs !== undefined && !spec.suspend && nowMs >= deadlineMs) {
    return { kind: 'fail', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline', deletePods: active };
  }

  const completions = spec.completions;
  const complete = completions === undefined || completions === null
    ? counts.succeeded > 0 && active.length === 0
    : counts.succeeded >= completions;
  if (complete) return { kind: 'complete', deletePods: active };

  if (spec.suspend) return { kind: 'run', create: 0, deletePods: active };

  const want = wantedActive(job, counts.succeeded, active.length);
  let requeueAfterMs = deadlineMs !== undefined ? Math.max(0, deadlineMs - nowMs) : undefined;
  if (active.length > want) return { kind: 'run', create: 0, deletePods: active.slice(0, active.length - want), requeueAfterMs };
  let create = want - active.length;
  if (create > 0 && counts.lastFailureMs !== undefined) {
    const allowedAt = counts.lastFailureMs + backoffDelayMs(counts.consecutiveFailures);
    if (nowMs < allowedAt) {
      create = 0;
      requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, allowedAt - nowMs);
    }
  }
  return { kind: 'run', create, deletePods: [], requeueAfterMs };
}

function deadlineOf(job: Job, startMs: number | undefined): number | undefined {
  const seconds = job.spec?.activeDeadlineSeconds;
  if (seconds === undefined || seconds === null || startMs === undefined || Number.isNaN(startMs)) return undefined;
  return startMs + seconds * 1000;
}

/**
 * Which active pods go first when there are too many (kube's ActivePods ordering): unscheduled before scheduled,
 * not ready before ready, newer before older (they have done the least work).
 */
export function rankForDeletion(pods: Pod[]): Pod[] {
  const score = (p: Pod): [number, number, number] => [
    p.spec?.nodeName ? 1 : 0,
    p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? 1 : 0,
    -Date.parse(p.metadata?.creationTimestamp ?? '1970-01-01T00:00:00Z'),
  ];
  return [...pods].sort((a, b) => {
    const sa = score(a);
    const sb = score(b);
    for (let i = 0; i < sa.length; i++) if (sa[i] !== sb[i]) return sa[i] - sb[i];
    return (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
  });
}

/** When the finished Job may be deleted (ttlSecondsAfterFinished), or undefined when it is kept. */
export function ttlExpiryMs(job: Job): number | undefined {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  if (ttl === undefined || ttl === null) return undefined;
  const finished = job.status?.completionTime ?? jobCondition(job, 'Failed')?.lastTransitionTime
    ?? jobCondition(job, 'Complete')?.lastTransitionTime;
  if (!finished) return undefined;
  return Date.parse(finished) + ttl * 1000;
}
