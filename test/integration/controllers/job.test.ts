// job-controller against a real apiserver. No kubelet runs here: the test plays the kubelet by writing pod status
// (phase Succeeded or Failed) through the API, which is all the Job controller looks at.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newJobController } from '../../../controllers/job.ts';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { waitFor } from '../../helpers/component.ts';
import { runControllers, type RunningControllers } from './harness.ts';

let api: TestApiserver;
let ctrl: RunningControllers;
before(async () => {
  api = await startApiserver();
  ctrl = await runControllers(api, [newJobController]);
});
after(async () => {
  await ctrl.stop();
  await api.stop();
  api.cleanup();
});

interface PodView { metadata: { name: string; uid: string; finalizers?: string[]; deletionTimestamp?: string }; status?: { phase?: string } }
interface JobView { metadata: { uid: string }; status?: { succeeded?: number; failed?: number; active?: number; conditions?: { type: string; status: string; reason?: string }[]; completionTime?: string; uncountedTerminatedPods?: unknown } }

async function createJob(name: string, spec: Record<string, unknown>): Promise<void> {
  const res = await api.request('POST', '/apis/batch/v1/namespaces/default/jobs', {
    body: {
      metadata: { name },
      spec: { ...spec, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
    },
  });
  assert.equal(res.status, 201, res.text);
}

async function getJob(name: string): Promise<JobView | undefined> {
  const res = await api.request('GET', `/apis/batch/v1/namespaces/default/jobs/${name}`);
  return res.status === 200 ? res.body as JobView : undefined;
}

async function podsOf(job: string): Promise<PodView[]> {
  const res = await api.request('GET', `/api/v1/namespaces/default/pods?labelSelector=${encodeURIComponent(`batch.kubernetes.io/job-name=${job}`)}`);
  return (res.body.items as PodView[]).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}

async function activePods(job: string, n: number): Promise<PodView[]> {
  return waitFor(`${n} active pods of ${job}`, async () => {
    const pods = (await podsOf(job)).filter((p) => !p.status?.phase || p.status.phase === 'Pending');
    return pods.length === n ? pods : undefined;
  });
}

/** Plays the kubelet: the pod's containers ran and exited. */
async function finishPod(name: string, phase: 'Succeeded' | 'Failed'): Promise<void> {
  const pod = await api.request('GET', `/api/v1/namespaces/default/pods/${name}`);
  const body = { ...pod.body, status: { ...pod.body.status, phase } };
  const res = await api.request('PUT', `/api/v1/namespaces/default/pods/${name}/status`, { body });
  assert.equal(res.status, 200, res.text);
}

function condition(job: JobView | undefined, type: string): { reason?: string } | undefined {
  return job?.status?.conditions?.find((c) => c.type === type && c.status === 'True');
}

async function eventReasons(name: string): Promise<string[]> {
  const res = await api.request('GET', `/api/v1/namespaces/default/events?fieldSelector=${encodeURIComponent(`involvedObject.name=${name}`)}`);
  return (res.body.items as { reason: string }[]).map((e) => e.reason);
}

describe('job-controller', () => {
  it('runs completions 3 with parallelism 2 to Complete, counting through the tracking finalizer', async () => {
    await createJob('three', { completions: 3, parallelism: 2 });
    const first = await activePods('three', 2);
    for (const p of first) assert.deepEqual(p.metadata.finalizers, ['batch.kubernetes.io/job-tracking']);
    await finishPod(first[0].metadata.name, 'Succeeded');
    await finishPod(first[1].metadata.name, 'Succeeded');
    // Only one more is needed: active = min(parallelism, remaining).
    const [third] = await activePods('three', 1);
    await finishPod(third.metadata.name, 'Succeeded');
    const job = await waitFor('job three to complete', async () => {
      const j = await getJob('three');
      return condition(j, 'Complete') ? j : undefined;
    });
    assert.equal(job.status?.succeeded, 3);
    assert.equal(job.status?.failed ?? 0, 0);
    assert.equal(job.status?.active, 0);
    assert.ok(job.status?.completionTime);
    assert.ok(condition(job, 'SuccessCriteriaMet'));
    const pods = await waitFor('finalizers released', async () => {
      const ps = await podsOf('three');
      return ps.every((p) => !p.metadata.finalizers?.length) ? ps : undefined;
    });
    assert.equal(pods.length, 3);
    const reasons = await waitFor('events', async () => {
      const r = await eventReasons('three');
      return r.includes('Completed') ? r : undefined;
    });
    assert.equal(reasons.filter((r) => r === 'SuccessfulCreate').length, 3);
  });

  it('counts a succeeded pod deleted before it was counted', async () => {
    await createJob('held', { completions: 1, parallelism: 1 });
    const [pod] = await activePods('held', 1);
    // Stop the controller's view from racing the delete: finish and delete at once; the finalizer holds the pod.
    await finishPod(pod.metadata.name, 'Succeeded');
    await api.request('DELETE', `/api/v1/namespaces/default/pods/${pod.metadata.name}`);
    const job = await waitFor('job held to complete', async () => {
      const j = await getJob('held');
      return condition(j, 'Complete') ? j : undefined;
    });
    assert.equal(job.status?.succeeded, 1);
    await waitFor('the deleted pod to go', async () => ((await podsOf('held')).length === 0 ? true : undefined));
  });

  it('retries a failed pod after the back-off and fails at backoffLimit', async () => {
    await createJob('flaky', { completions: 1, backoffLimit: 1 });
    const [p1] = await activePods('flaky', 1);
    await finishPod(p1.metadata.name, 'Failed');
    await waitFor('failure counted', async () => ((await getJob('flaky'))?.status?.failed === 1 ? true : undefined));
    // The replacement waits 10 s of the controller's clock; move it on and poke the Job.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await podsOf('flaky')).filter((p) => p.status?.phase !== 'Failed').length, 0, 'no replacement before the back-off');
    ctrl.advance(11_000);
    await api.request('PATCH', '/apis/batch/v1/namespaces/default/jobs/flaky', {
      body: { metadata: { annotations: { poke: '1' } } }, contentType: 'application/merge-patch+json',
    });
    const [p2] = await activePods('flaky', 1);
    await finishPod(p2.metadata.name, 'Failed');
    const job = await waitFor('job flaky to fail', async () => {
      const j = await getJob('flaky');
      return condition(j, 'Failed') ? j : undefined;
    });
    assert.equal(condition(job, 'Failed')?.reason, 'BackoffLimitExceeded');
    assert.equal(condition(job, 'FailureTarget')?.reason, 'BackoffLimitExceeded');
    assert.equal(job.status?.failed, 2);
    assert.ok((await eventReasons('flaky')).includes('BackoffLimitExceeded'));
  });

  it('fails with DeadlineExceeded after activeDeadlineSeconds and deletes its active pods', async () => {
    await createJob('slow', { completions: 2, parallelism: 2, activeDeadlineSeconds: 1 });
    // The deadline is short enough that, on a loaded machine, the pods may already be gone when the test first
    // looks; the events show they were created.
    const job = await waitFor('job slow to fail', async () => {
      const j = await getJob('slow');
      return condition(j, 'Failed') ? j : undefined;
    }, 15_000);
    assert.equal(condition(job, 'Failed')?.reason, 'DeadlineExceeded');
    assert.equal(job.status?.active, 0);
    await waitFor('active pods deleted', async () => ((await podsOf('slow')).length === 0 ? true : undefined));
    const created = await waitFor('the SuccessfulCreate events', async () => {
      const res = await api.request('GET', '/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dslow,reason%3DSuccessfulCreate');
      const count = res.body.items.reduce((n: number, e: { count?: number }) => n + (e.count ?? 1), 0);
      return count >= 2 ? count : undefined;
    });
    assert.ok(created >= 2);
  });

  it('deletes a finished Job after ttlSecondsAfterFinished', async () => {
    await createJob('brief', { completions: 1, ttlSecondsAfterFinished: 1 });
    const [pod] = await activePods('brief', 1);
    await finishPod(pod.metadata.name, 'Succeeded');
    await waitFor('job brief to be deleted', async () => ((await getJob('brief')) === undefined ? true : undefined), 15_000);
  });
});
