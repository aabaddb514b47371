// cronjob-controller against a real apiserver, with the controller's clock moved forward by the test instead of
// waiting for real minutes. The clock stands still in between: set by real time, a slow test crossed a minute the test
// did not and got a Job it did not expect. No job-controller runs: the test plays it by writing Job status (Complete)
// through the API.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { newCronJobController } from '../../../controllers/cronjob.ts';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { waitFor } from '../../helpers/component.ts';
import { runControllers, type RunningControllers } from './harness.ts';

let api: TestApiserver;
let ctrl: RunningControllers | undefined;
before(async () => { api = await startApiserver(); });
afterEach(async () => {
  await ctrl?.stop();
  ctrl = undefined;
});
after(async () => {
  await api.stop();
  api.cleanup();
});

interface JobView { metadata: { name: string; annotations?: Record<string, string> }; status?: Record<string, unknown> }
interface CronJobView { status?: { active?: { name: string }[]; lastScheduleTime?: string; lastSuccessfulTime?: string } }

async function createCronJob(name: string, spec: Record<string, unknown>): Promise<void> {
  const res = await api.request('POST', '/apis/batch/v1/namespaces/default/cronjobs', {
    body: {
      metadata: { name },
      spec: {
        schedule: '*/1 * * * *', ...spec,
        jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } },
      },
    },
  });
  assert.equal(res.status, 201, res.text);
}

/**
 * The controller with a clock standing at the middle of the current minute. A CronJob created in this minute has its
 * first schedule at the next one, which the first advance of a minute passes, whichever side of the clock its
 * creation time falls.
 */
function startController(): Promise<RunningControllers> {
  const midMinute = Math.floor(Date.now() / 60_000) * 60_000 + 30_000;
  return runControllers(api, [newCronJobController], { startMs: midMinute, frozen: true });
}

/** Moves the controller's clock and wakes the CronJob (the real requeue timer would fire after the real delay). */
async function advance(name: string, ms: number): Promise<void> {
  ctrl!.advance(ms);
  await api.request('PATCH', `/apis/batch/v1/namespaces/default/cronjobs/${name}`, {
    body: { metadata: { annotations: { poke: String(Date.now()) } } }, contentType: 'application/merge-patch+json',
  });
}

async function jobsOf(cronJob: string): Promise<JobView[]> {
  const res = await api.request('GET', '/apis/batch/v1/namespaces/default/jobs');
  return (res.body.items as (JobView & { metadata: { ownerReferences?: { name: string }[] } })[])
    .filter((j) => j.metadata.ownerReferences?.some((r) => r.name === cronJob))
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}

async function waitForJobs(cronJob: string, n: number): Promise<JobView[]> {
  return waitFor(`${n} jobs of ${cronJob}`, async () => {
    const jobs = await jobsOf(cronJob);
    return jobs.length === n ? jobs : undefined;
  });
}

async function getCronJob(name: string): Promise<CronJobView> {
  return (await api.request('GET', `/apis/batch/v1/namespaces/default/cronjobs/${name}`)).body as CronJobView;
}

/** Plays the job-controller: the Job finished successfully. */
async function completeJob(name: string): Promise<void> {
  const job = await api.request('GET', `/apis/batch/v1/namespaces/default/jobs/${name}`);
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const body = {
    ...job.body,
    status: {
      startTime: now, completionTime: now, succeeded: 1,
      conditions: [
        { type: 'SuccessCriteriaMet', status: 'True', lastTransitionTime: now },
        { type: 'Complete', status: 'True', lastTransitionTime: now },
      ],
    },
  };
  const res = await api.request('PUT', `/apis/batch/v1/namespaces/default/jobs/${name}/status`, { body });
  assert.equal(res.status, 200, res.text);
}

async function eventReasons(name: string): Promise<string[]> {
  const res = await api.request('GET', `/api/v1/namespaces/default/events?fieldSelector=${encodeURIComponent(`involvedObject.name=${name}`)}`);
  return (res.body.items as { reason: string }[]).map((e) => e.reason);
}

describe('cronjob-controller', () => {
  it('creates a Job named for its scheduled minute when the schedule fires, then records its success', async () => {
    ctrl = await startController();
    await createCronJob('tick', {});
    await new Promise((r) => setTimeout(r, 200));
    await advance('tick', 60_000);
    const [job] = await waitForJobs('tick', 1);
    const scheduled = job.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'];
    assert.ok(scheduled);
    assert.equal(job.metadata.name, `tick-${Date.parse(scheduled) / 60_000}`);
    const active = await waitFor('active list', async () => {
      const cj = await getCronJob('tick');
      return cj.status?.active?.length === 1 ? cj : undefined;
    });
    assert.equal(active.status?.lastScheduleTime, scheduled);
    await completeJob(job.metadata.name);
    const done = await waitFor('lastSuccessfulTime', async () => {
      const cj = await getCronJob('tick');
      return cj.status?.lastSuccessfulTime && !cj.status.active ? cj : undefined;
    });
    assert.ok(done.status?.lastSuccessfulTime);
    assert.ok((await eventReasons('tick')).includes('SuccessfulCreate'));
  });

  it('concurrencyPolicy Forbid skips a run while one is active; Replace replaces it', async () => {
    ctrl = await startController();
    await createCronJob('forbid', { concurrencyPolicy: 'Forbid' });
    await createCronJob('replace', { concurrencyPolicy: 'Replace' });
    await new Promise((r) => setTimeout(r, 200));
    ctrl.advance(60_000);
    await advance('forbid', 0);
    await advance('replace', 0);
    const [firstReplace] = await waitForJobs('replace', 1);
    await waitForJobs('forbid', 1);
    ctrl.advance(60_000);
    await advance('forbid', 0);
    await advance('replace', 0);
    await waitFor('replace to swap its job', async () => {
      const jobs = await jobsOf('replace');
      return jobs.length === 1 && jobs[0].metadata.name !== firstReplace.metadata.name ? true : undefined;
    });
    assert.equal((await jobsOf('forbid')).length, 1);
  });

  it('after more than 100 missed times, reports TooManyMissedTimes and runs only the latest', async () => {
    ctrl = await startController();
    await createCronJob('late', {});
    await new Promise((r) => setTimeout(r, 200));
    await advance('late', 200 * 60_000);
    await waitForJobs('late', 1);
    await waitFor('TooManyMissedTimes', async () => ((await eventReasons('late')).includes('TooManyMissedTimes') ? true : undefined));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await jobsOf('late')).length, 1);
  });

  it('suspend stops new runs', async () => {
    ctrl = await startController();
    await createCronJob('paused', { suspend: true });
    await new Promise((r) => setTimeout(r, 200));
    await advance('paused', 5 * 60_000);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await jobsOf('paused')).length, 0);
  });

  it('keeps only the history limits of finished Jobs', async () => {
    ctrl = await startController();
    await createCronJob('hist', { successfulJobsHistoryLimit: 1 });
    await new Promise((r) => setTimeout(r, 200));
    let last = '';
    for (let i = 1; i <= 3; i++) {
      await advance('hist', 60_000);
      const jobs = await waitFor(`run ${i}`, async () => {
        const js = await jobsOf('hist');
        const open = js.filter((j) => !(j.status?.conditions as unknown[] | undefined)?.length);
        return open.length === 1 ? open : undefined;
      });
      last = jobs[0].metadata.name;
      await completeJob(last);
    }
    const kept = await waitFor('history trimmed to 1', async () => {
      const jobs = await jobsOf('hist');
      return jobs.length === 1 ? jobs : undefined;
    });
    assert.equal(kept[0].metadata.name, last, 'the newest finished Job is the one kept');
  });
});
