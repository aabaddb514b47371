// cronjob-controller: creates a CronJob's Jobs on schedule (kube's pkg/controller/cronjob, the v2 controller). Each
// CronJob is requeued for its next schedule time (queue.addAfter), never polled. Jobs are named for their scheduled
// minute, so AlreadyExists means "this run was already created" (by us before a restart), which counts as success.
import { resourceFor } from '../apiserver/api/resources.ts';
import type { CronJob, Job, ObjectReference } from '../apiserver/api/types.ts';
import { parseCronSchedule } from '../apiserver/api/validation/cron.ts';
import {
  isAlreadyExists, isConflict, isNotFound, objectKey, splitObjectKey,
} from '../apiserver/client/index.ts';
import {
  concurrencyDecision, decideSchedule, jobFinishedAs, jobNameFor, jobsToClean,
} from './cronjob-plan.ts';
import { isKnownTimeZone, rfc3339InZone } from './cronjob-schedule.ts';
import { canonicalJson } from './controller-revision.ts';
import { controllerBasics, type Controller, type ControllerContext } from './framework/controller.ts';
import { controllerNameIndex, controllerOf, controllerRef, rfc3339 } from './workload-pods.ts';

export const scheduledTimestampAnnotation = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
const cronJobsResource = resourceFor('batch', 'v1', 'cronjobs')!;
const jobsResource = resourceFor('batch', 'v1', 'jobs')!;
const byCronJobIndex = 'cronjob-controller/by-cronjob';
/** kube wakes a little after the schedule time so the time is surely past on its clock. */
const wakeSlackMs = 100;

export function newCronJobController(ctx: ControllerContext): Controller {
  const name = 'cronjob-controller';
  const { queue, recorder, logger } = controllerBasics(ctx, name);
  const cronJobs = ctx.informers.informerFor<CronJob>(cronJobsResource);
  const jobs = ctx.informers.informerFor<Job>(jobsResource, { indexers: { [byCronJobIndex]: controllerNameIndex('CronJob') } });

  cronJobs.addEventHandler({
    onAdd: (cj) => queue.add(objectKey(cj)),
    onUpdate: (_o, cj) => queue.add(objectKey(cj)),
  });
  const enqueueOwner = (job: Job): void => {
    const ref = controllerOf(job);
    if (ref?.kind === 'CronJob' && job.metadata?.namespace) queue.add(`${job.metadata.namespace}/${ref.name}`);
  };
  jobs.addEventHandler({ onAdd: enqueueOwner, onUpdate: (_o, j) => enqueueOwner(j), onDelete: enqueueOwner });

  async function reconcile(key: string): Promise<void> {
    try {
      await sync(key);
    } catch (err) {
      // The cache is behind our own last status write; its watch event queues the CronJob again.
      if (isConflict(err)) return;
      throw err;
    }
  }

  async function sync(key: string): Promise<void> {
    const cj = cronJobs.get(key);
    if (!cj || cj.metadata?.deletionTimestamp) return;
    const { namespace } = splitObjectKey(key);
    const uid = cj.metadata?.uid ?? '';
    const owned = jobs.byIndex(byCronJobIndex, key).filter((j) => controllerOf(j)?.uid === uid);
    const status = structuredClone(cj.status ?? {});

    // The active list is what the cache says is running, whatever the list said before.
    const active: ObjectReference[] = [];
    for (const job of owned) {
      const finished = jobFinishedAs(job);
      if (!finished) {
        // Keep the reference as first written, so a Job's own status changes do not rewrite the CronJob's status.
        active.push(status.active?.find((r) => r.uid === job.metadata?.uid) ?? jobReference(job));
        continue;
      }
      const wasActive = (status.active ?? []).some((r) => r.uid === job.metadata?.uid);
      if (wasActive) recorder.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${job.metadata?.name ?? ''}, condition: ${finished}`);
      const completedAt = job.status?.completionTime;
      if (finished === 'Complete' && completedAt && (!status.lastSuccessfulTime || Date.parse(completedAt) > Date.parse(status.lastSuccessfulTime))) {
        status.lastSuccessfulTime = completedAt;
      }
    }
    status.active = active.length > 0 ? active : undefined;
    await cleanHistory(cj, owned);

    const schedule = parseCronSchedule(cj.spec?.schedule ?? '');
    const zone = cj.spec?.timeZone ?? 'UTC';
    if ('error' in schedule) {
      recorder.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(cj.spec?.schedule)} : ${schedule.error}`);
      await writeStatus(cj, status);
      return;
    }
    if (!isKnownTimeZone(zone)) {
      recorder.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: ${JSON.stringify(zone)}`);
      await writeStatus(cj, status);
      return;
    }
    if (cj.spec?.suspend) {
      await writeStatus(cj, status);
      return;
    }

    const now = ctx.clock();
    const decision = decideSchedule(cj, schedule, now);
    if (decision.tooMany !== undefined) {
      recorder.event(cj, 'Warning', 'TooManyMissedTimes',
        `too many missed start times: ${decision.tooMany}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`);
    }
    if (decision.kind === 'missed') {
      recorder.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc3339(decision.scheduledMs)}`);
    }
    if (decision.kind === 'run') await run(cj, namespace ?? '', decision.scheduledMs, owned, status);
    await writeStatus(cj, status);
    if (decision.nextMs !== undefined) queue.addAfter(key, decision.nextMs - now + wakeSlackMs);
  }

  async function run(cj: CronJob, namespace: string, scheduledMs: number, owned: Job[], status: NonNullable<CronJob['status']>): Promise<void> {
    const jobName = jobNameFor(cj.metadata?.name ?? '', scheduledMs);
    // This run already exists (the cache saw it): nothing to do but remember it.
    if (owned.some((j) => j.metadata?.name === jobName)) {
      status.lastScheduleTime = laterTime(status.lastScheduleTime, scheduledMs);
      return;
    }
    const active = status.active ?? [];
    const policy = concurrencyDecision(cj.spec?.concurrencyPolicy, active.length);
    if (policy === 'skip') {
      logger.debug({ cronjob: cj.metadata?.name, active: active.length }, 'concurrencyPolicy Forbid: not starting a new job');
      return;
    }
    if (policy === 'replace') {
      for (const ref of active) {
        try {
          await ctx.client.delete(jobsResource, namespace, ref.name ?? '', { propagationPolicy: 'Background' });
          recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${ref.name ?? ''}`);
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
      status.active = undefined;
    }
    const template = cj.spec?.jobTemplate ?? {};
    const job: Job = {
      apiVersion: 'batch/v1', kind: 'Job',
      metadata: {
        name: jobName, namespace,
        labels: { ...template.metadata?.labels },
        annotations: { ...template.metadata?.annotations, [scheduledTimestampAnnotation]: rfc3339InZone(scheduledMs, cj.spec?.timeZone ?? 'UTC') },
        ownerReferences: [controllerRef(cj, 'batch/v1', 'CronJob')],
      },
      spec: template.spec,
    };
    let created: Job;
    try {
      created = await ctx.client.create<Job>(jobsResource, namespace, job);
      recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${jobName}`);
    } catch (err) {
      if (!isAlreadyExists(err)) {
        recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${(err as Error).message}`);
        throw err;
      }
      // Created before (by this controller before a restart, or a cache that has not caught up).
      created = await ctx.client.get<Job>(jobsResource, namespace, jobName);
      if (controllerOf(created)?.uid !== cj.metadata?.uid) return;
    }
    if (!jobFinishedAs(created)) status.active = [...(status.active ?? []), jobReference(created)];
    status.lastScheduleTime = laterTime(status.lastScheduleTime, scheduledMs);
  }

  async function cleanHistory(cj: CronJob, owned: Job[]): Promise<void> {
    for (const job of jobsToClean(cj, owned)) {
      try {
        await ctx.client.delete(jobsResource, job.metadata?.namespace, job.metadata?.name ?? '', { propagationPolicy: 'Background' });
        recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata?.name ?? ''}`);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }

  async function writeStatus(cj: CronJob, status: NonNullable<CronJob['status']>): Promise<void> {
    const clean = JSON.parse(JSON.stringify(status)) as NonNullable<CronJob['status']>;
    if (canonicalJson(clean) === canonicalJson(cj.status ?? {})) return;
    await ctx.client.updateStatus<CronJob>(cronJobsResource, cj.metadata?.namespace, { ...cj, status: clean });
  }

  return { name, queue, workers: 5, reconcile };
}

function jobReference(job: Job): ObjectReference {
  return {
    apiVersion: 'batch/v1', kind: 'Job', name: job.metadata?.name, namespace: job.metadata?.namespace,
    uid: job.metadata?.uid, resourceVersion: job.metadata?.resourceVersion,
  };
}

function laterTime(current: string | undefined, ms: number): string {
  return current && Date.parse(current) >= ms ? current : rfc3339(ms);
}
