// job-controller: runs a Job's pods to completion (kube's pkg/controller/job). Terminated pods are counted through
// the `batch.kubernetes.io/job-tracking` finalizer, as kube does: a finished pod is first recorded by uid in
// status.uncountedTerminatedPods, then its finalizer is removed, then it moves into status.succeeded/failed. A pod
// deleted before it is counted is held by the finalizer, so no success or failure is lost, and a controller that
// dies between two steps finds the uids in status and finishes the move without counting twice.
import type { Job, Pod } from '../apiserver/api/types.ts';
import { resourceFor } from '../apiserver/api/resources.ts';
import {
  isConflict, isNotFound, objectKey, splitObjectKey,
} from '../apiserver/client/index.ts';
import { canonicalJson } from './controller-revision.ts';
import { controllerBasics, type Controller, type ControllerContext } from './framework/controller.ts';
import {
  isJobFinished, jobCondition, planJob, rankForDeletion, ttlExpiryMs, type JobCondition, type JobCounts, type JobPlan,
} from './job-plan.ts';
import { WorkloadExpectations } from './workload-expectations.ts';
import {
  controllerNameIndex, controllerOf, controllerRef, isPodActive, isPodReady, isPodTerminal, rfc3339, skipConflicts,
} from './workload-pods.ts';

export const jobTrackingFinalizer = 'batch.kubernetes.io/job-tracking';
const jobsResource = resourceFor('batch', 'v1', 'jobs')!;
const podsResource = resourceFor('', 'v1', 'pods')!;
const byJobIndex = 'job-controller/by-job';
/** kube creates at most this many pods in one sync. */
const maxCreatesPerSync = 500;

interface BackoffRecord {
  consecutiveFailures: number;
  lastFailureMs?: number;
}

export function newJobController(ctx: ControllerContext): Controller {
  const name = 'job-controller';
  const { queue, recorder, logger } = controllerBasics(ctx, name);
  const jobs = ctx.informers.informerFor<Job>(jobsResource);
  const pods = ctx.informers.informerFor<Pod>(podsResource, { indexers: { [byJobIndex]: controllerNameIndex('Job') } });
  const expectations = new WorkloadExpectations(ctx.clock);
  /** Pods whose finalizer this controller removed: until the cache shows it gone they are already counted. */
  const finalizerRemoved = new Set<string>();
  /** Per Job uid: failures since the last success, for the back-off (kept in memory, as kube's backoff store). */
  const backoffs = new Map<string, BackoffRecord>();

  jobs.addEventHandler({
    onAdd: (j) => queue.add(objectKey(j)),
    onUpdate: (_o, j) => queue.add(objectKey(j)),
    onDelete: (j) => queue.add(objectKey(j)),
  });
  pods.addEventHandler({
    onAdd: (p) => {
      const key = jobKeyOf(p);
      if (!key) return;
      expectations.creationObserved(key);
      queue.add(key);
    },
    onUpdate: (old, p) => {
      if (!hasTrackingFinalizer(p)) finalizerRemoved.delete(p.metadata?.uid ?? '');
      const key = jobKeyOf(p);
      if (key && !old.metadata?.deletionTimestamp && p.metadata?.deletionTimestamp) expectations.deletionObserved(key);
      if (key) queue.add(key);
    },
    onDelete: (p) => {
      finalizerRemoved.delete(p.metadata?.uid ?? '');
      const key = jobKeyOf(p);
      if (!key) return;
      if (!p.metadata?.deletionTimestamp) expectations.deletionObserved(key);
      queue.add(key);
    },
  });

  async function removeFinalizer(pod: Pod): Promise<void> {
    const current = pod.metadata?.finalizers ?? [];
    if (!current.includes(jobTrackingFinalizer)) return;
    const uid = pod.metadata?.uid ?? '';
    try {
      // A JSON patch with a test, so a finalizer another controller added meanwhile is not dropped.
      await ctx.client.patch(podsResource, pod.metadata?.namespace, pod.metadata?.name ?? '', [
        { op: 'test', path: '/metadata/uid', value: uid },
        { op: 'replace', path: '/metadata/finalizers', value: current.filter((f) => f !== jobTrackingFinalizer) },
      ], 'json');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    finalizerRemoved.add(uid);
  }

  async function writeStatus(job: Job, status: NonNullable<Job['status']>): Promise<Job> {
    if (canonicalJson(status) === canonicalJson(job.status ?? {})) return job;
    return ctx.client.updateStatus<Job>(jobsResource, job.metadata?.namespace, { ...job, status });
  }

  async function createPods(job: Job, key: string, count: number): Promise<number> {
    const n = Math.min(count, maxCreatesPerSync);
    expectations.expect(key, n, 0);
    const template = job.spec?.template ?? {};
    const results = await Promise.allSettled(Array.from({ length: n }, () => ctx.client.create<Pod>(podsResource, job.metadata?.namespace, {
      apiVersion: 'v1', kind: 'Pod',
      metadata: {
        generateName: `${job.metadata?.name ?? 'job'}-`,
        labels: { ...template.metadata?.labels },
        annotations: { ...template.metadata?.annotations },
        ownerReferences: [controllerRef(job, 'batch/v1', 'Job')],
        finalizers: [jobTrackingFinalizer],
      },
      spec: template.spec ?? { containers: [] },
    })));
    let created = 0;
    for (const r of results) {
      if (r.status === 'fulfilled') {
        created++;
        recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${r.value.metadata?.name ?? ''}`);
      } else {
        // It will never show up in the cache: stop waiting for it.
        expectations.creationObserved(key);
        recorder.event(job, 'Warning', 'FailedCreate', `Error creating: ${(r.reason as Error).message}`);
      }
    }
    const failure = results.find((r) => r.status === 'rejected');
    if (failure) throw failure.reason;
    return created;
  }

  async function deletePods(job: Job, key: string, victims: Pod[]): Promise<void> {
    if (victims.length === 0) return;
    expectations.expect(key, 0, victims.length);
    await Promise.all(victims.map(async (pod) => {
      try {
        await ctx.client.delete(podsResource, pod.metadata?.namespace, pod.metadata?.name ?? '');
        recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata?.name ?? ''}`);
      } catch (err) {
        expectations.deletionObserved(key);
        if (!isNotFound(err)) throw err;
      }
    }));
  }

  /** Pods left by a deleted Job (or an earlier Job of the same name) keep no tracking finalizer. */
  async function releasePods(candidates: Pod[]): Promise<void> {
    await Promise.all(candidates.filter(hasTrackingFinalizer).map(removeFinalizer));
  }

  async function finishedJob(job: Job, key: string, owned: Pod[]): Promise<void> {
    // Pods of a finished Job that are still running (a Job that failed) are deleted; every pod is released.
    await deletePods(job, key, owned.filter(isPodActive));
    await releasePods(owned);
    const expiry = ttlExpiryMs(job);
    if (expiry === undefined) return;
    const now = ctx.clock();
    if (now < expiry) {
      queue.addAfter(key, expiry - now);
      return;
    }
    try {
      await ctx.client.delete(jobsResource, job.metadata?.namespace, job.metadata?.name ?? '', { propagationPolicy: 'Background' });
      logger.info({ job: key }, 'deleted finished job after its ttlSecondsAfterFinished');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  const reconcile = skipConflicts(sync, isConflict);

  async function sync(key: string): Promise<void> {
    const { namespace, name: jobName } = splitObjectKey(key);
    const cached = jobs.get(key);
    const podsOfName = pods.byIndex(byJobIndex, `${namespace ?? ''}/${jobName}`);
    if (!cached || cached.metadata?.deletionTimestamp) {
      expectations.forget(key);
      await releasePods(podsOfName);
      return;
    }
    let job = cached;
    const uid = job.metadata?.uid ?? '';
    const owned = podsOfName.filter((p) => controllerOf(p)?.uid === uid);
    await releasePods(podsOfName.filter((p) => controllerOf(p)?.uid !== uid));
    if (isJobFinished(job)) {
      backoffs.delete(uid);
      await finishedJob(job, key, owned);
      return;
    }
    if (!expectations.satisfied(key)) return;
    const now = ctx.clock();

    // Step 1: record newly terminated pods by uid before touching their finalizers.
    const status = structuredClone(job.status ?? {});
    const uncounted = { succeeded: [...(status.uncountedTerminatedPods?.succeeded ?? [])], failed: [...(status.uncountedTerminatedPods?.failed ?? [])] };
    const known = new Set([...uncounted.succeeded, ...uncounted.failed]);
    const newlyDone = owned.filter((p) => hasTrackingFinalizer(p) && !finalizerRemoved.has(p.metadata?.uid ?? '')
      && !known.has(p.metadata?.uid ?? '') && (isPodTerminal(p) || p.metadata?.deletionTimestamp));
    const record = backoffs.get(uid) ?? { consecutiveFailures: 0 };
    for (const p of [...newlyDone].sort((a, b) => finishedAtMs(a, now) - finishedAtMs(b, now))) {
      if (p.status?.phase === 'Succeeded') {
        uncounted.succeeded.push(p.metadata?.uid ?? '');
        record.consecutiveFailures = 0;
      } else {
        // Failed, or deleted before it succeeded: kube counts both as failures.
        uncounted.failed.push(p.metadata?.uid ?? '');
        record.consecutiveFailures++;
        record.lastFailureMs = Math.max(record.lastFailureMs ?? 0, finishedAtMs(p, now));
      }
    }
    backoffs.set(uid, record);
    if (newlyDone.length > 0) {
      status.uncountedTerminatedPods = uncounted;
      job = await writeStatus(job, status);
    }

    const active = rankForDeletion(owned.filter(isPodActive));
    const counts: JobCounts = {
      succeeded: (status.succeeded ?? 0) + uncounted.succeeded.length,
      failed: (status.failed ?? 0) + uncounted.failed.length,
      restarts: active.reduce((n, p) => n + (p.status?.containerStatuses ?? []).reduce((m, c) => m + (c.restartCount ?? 0), 0), 0),
      active,
      consecutiveFailures: record.consecutiveFailures,
      lastFailureMs: record.lastFailureMs,
    };
    const plan = planJob(job, counts, now);
    if (!status.startTime && !job.spec?.suspend) status.startTime = rfc3339(now);

    // Step 2: act on pods, and release the counted ones.
    await deletePods(job, key, plan.deletePods);
    const created = plan.kind === 'run' && plan.create > 0 ? await createPods(job, key, plan.create) : 0;
    const countedUids = new Set([...uncounted.succeeded, ...uncounted.failed]);
    await Promise.all(owned.filter((p) => countedUids.has(p.metadata?.uid ?? '')).map(removeFinalizer));

    // Step 3: move the uncounted into the counters, and record the decision.
    status.succeeded = counts.succeeded;
    status.failed = counts.failed;
    status.uncountedTerminatedPods = {};
    const stillActive = active.length - plan.deletePods.length + created;
    status.active = stillActive;
    status.ready = active.filter((p) => isPodReady(p) && !plan.deletePods.includes(p)).length;
    // Pods counted just now lose their finalizer and vanish; the ones deleted now are counted on the next pass.
    status.terminating = owned.filter((p) => p.metadata?.deletionTimestamp && !isPodTerminal(p)
      && !countedUids.has(p.metadata?.uid ?? '')).length + plan.deletePods.length;
    const finished = applyConditions(job, status, plan, stillActive + status.terminating === 0, now);
    await writeStatus(job, status);
    if (finished) queue.add(key);
    else if (plan.kind === 'run' && plan.requeueAfterMs !== undefined) queue.addAfter(key, Math.max(plan.requeueAfterMs, 1));
  }

  /** Sets the conditions the plan calls for; returns true when the Job is now finished. */
  function applyConditions(job: Job, status: NonNullable<Job['status']>, plan: JobPlan, noPodsLeft: boolean, now: number): boolean {
    const conditions = status.conditions ?? [];
    const set = (type: string, reason: string, message: string): void => {
      if (conditions.some((c) => c.type === type && c.status === 'True')) return;
      const stamp = rfc3339(now);
      const cond: JobCondition = { type, status: 'True', reason, message, lastProbeTime: stamp, lastTransitionTime: stamp };
      status.conditions = [...conditions.filter((c) => c.type !== type), cond];
      conditions.splice(0, conditions.length, ...status.conditions);
    };
    if (plan.kind === 'fail') {
      // kube 1.31: FailureTarget at once, Failed only when no pod of the Job is still running or terminating.
      if (!jobCondition(job, 'FailureTarget')) recorder.event(job, 'Warning', plan.reason, plan.message);
      set('FailureTarget', plan.reason, plan.message);
      if (!noPodsLeft) return false;
      set('Failed', plan.reason, plan.message);
      return true;
    }
    if (plan.kind === 'complete') {
      set('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods');
      if (!noPodsLeft) return false;
      set('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods');
      status.completionTime = rfc3339(now);
      recorder.event(job, 'Normal', 'Completed', 'Job completed');
      return true;
    }
    const suspended = job.spec?.suspend === true;
    const wasSuspended = jobCondition(job, 'Suspended') !== undefined;
    if (suspended && !wasSuspended) {
      set('Suspended', 'JobSuspended', 'Job suspended');
      recorder.event(job, 'Normal', 'Suspended', 'Job suspended');
    } else if (!suspended && wasSuspended) {
      status.conditions = conditions.map((c) => (c.type === 'Suspended'
        ? { ...c, status: 'False', reason: 'JobResumed', message: 'Job resumed', lastTransitionTime: rfc3339(now) } : c));
      recorder.event(job, 'Normal', 'Resumed', 'Job resumed');
    }
    return false;
  }

  return { name, queue, workers: 5, reconcile };
}

function hasTrackingFinalizer(pod: Pod): boolean {
  return pod.metadata?.finalizers?.includes(jobTrackingFinalizer) ?? false;
}

/** `namespace/name` of the Job controlling `pod`, if one does. */
function jobKeyOf(pod: Pod): string | undefined {
  const ref = controllerOf(pod);
  if (!ref || ref.kind !== 'Job' || !pod.metadata?.namespace) return undefined;
  return `${pod.metadata.namespace}/${ref.name}`;
}

/** When a pod finished: its last container's finishedAt, else now (a pod deleted before it ran). */
function finishedAtMs(pod: Pod, now: number): number {
  let latest: number | undefined;
  for (const c of pod.status?.containerStatuses ?? []) {
    const at = c.state?.terminated?.finishedAt;
    if (at) latest = Math.max(latest ?? 0, Date.parse(at));
  }
  return latest ?? now;
}
