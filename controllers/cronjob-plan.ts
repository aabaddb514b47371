// The CronJob controller's pure decisions (kube's pkg/controller/cronjob): which scheduled time to run now, what the
// concurrency policy says about the Jobs still running, and which finished Jobs fall out of the history limits.
import type { CronJob, Job } from '../apiserver/api/types.ts';
import type { CronSchedule } from '../apiserver/api/validation/cron.ts';
import { missedScheduleTimes, nextScheduleTime, tooManyMissed } from './cronjob-schedule.ts';

export type ScheduleDecision =
  /** Nothing is due; look again at nextMs. */
  | { kind: 'wait'; nextMs?: number; tooMany?: number }
  /** The latest due time is past startingDeadlineSeconds: skip it. */
  | { kind: 'missed'; scheduledMs: number; nextMs?: number; tooMany?: number }
  | { kind: 'run'; scheduledMs: number; nextMs?: number; tooMany?: number };

/** What is due at nowMs, counting from the last run (or the CronJob's creation). */
export function decideSchedule(cj: CronJob, schedule: CronSchedule, nowMs: number): ScheduleDecision {
  const zone = cj.spec?.timeZone ?? 'UTC';
  const created = Date.parse(cj.metadata?.creationTimestamp ?? '') || nowMs;
  let earliest = cj.status?.lastScheduleTime ? Date.parse(cj.status.lastScheduleTime) : created;
  const deadline = cj.spec?.startingDeadlineSeconds;
  // Times older than the starting deadline could not start anyway; they do not count as missed.
  if (deadline !== undefined && deadline !== null) earliest = Math.max(earliest, nowMs - deadline * 1000);
  const { mostRecentMs, missed } = missedScheduleTimes(schedule, earliest, nowMs, zone);
  const nextMs = nextScheduleTime(schedule, nowMs, zone);
  const tooMany = missed > tooManyMissed ? missed : undefined;
  if (mostRecentMs === undefined) return { kind: 'wait', nextMs, tooMany };
  if (deadline !== undefined && deadline !== null && mostRecentMs + deadline * 1000 < nowMs) {
    return { kind: 'missed', scheduledMs: mostRecentMs, nextMs, tooMany };
  }
  return { kind: 'run', scheduledMs: mostRecentMs, nextMs, tooMany };
}

/** Jobs are named for their scheduled minute, so a restarted controller cannot create the same run twice. */
export function jobNameFor(cronJobName: string, scheduledMs: number): string {
  return `${cronJobName}-${Math.floor(scheduledMs / 60_000)}`;
}

export type ConcurrencyDecision = 'create' | 'skip' | 'replace';

/** Allow runs alongside; Forbid skips this run while one is active; Replace deletes the active ones first. */
export function concurrencyDecision(policy: string | undefined, activeCount: number): ConcurrencyDecision {
  if (activeCount === 0) return 'create';
  if (policy === 'Forbid') return 'skip';
  if (policy === 'Replace') return 'replace';
  return 'create';
}

export function jobFinishedAs(job: Job): 'Complete' | 'Failed' | undefined {
  for (const c of job.status?.conditions ?? []) {
    if (c.status !== 'True') continue;
    if (c.type === 'Complete') return 'Complete';
    if (c.type === 'Failed') return 'Failed';
  }
  return undefined;
}

/** Finished Jobs beyond successfulJobsHistoryLimit (3) and failedJobsHistoryLimit (1), oldest first. */
export function jobsToClean(cj: CronJob, jobs: Job[]): Job[] {
  // Start times have whole seconds: kube breaks ties by name, which for our Jobs is the scheduled minute.
  const byStart = (a: Job, b: Job): number => startOf(a) - startOf(b) || nameOf(a).localeCompare(nameOf(b));
  const excess = (finished: Job[], limit: number): Job[] => finished.sort(byStart).slice(0, Math.max(0, finished.length - limit));
  return [
    ...excess(jobs.filter((j) => jobFinishedAs(j) === 'Complete'), cj.spec?.successfulJobsHistoryLimit ?? 3),
    ...excess(jobs.filter((j) => jobFinishedAs(j) === 'Failed'), cj.spec?.failedJobsHistoryLimit ?? 1),
  ];
}

function nameOf(job: Job): string {
  return job.metadata?.name ?? '';
}

function startOf(job: Job): number {
  return Date.parse(job.status?.startTime ?? job.metadata?.creationTimestamp ?? '') || 0;
}
