// skiffctl run -i when the attach cannot be made (a short-lived container ends between Ready and the attach): as
// kubectl, a warning, the log instead, and the exit code still taken from how the pod ended. Here no kubelet runs,
// so the test plays it: it marks the pod Running and Ready, leaves skiffctl time to try the attach, then ends it.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { skiffctl, waitFor } from './harness.ts';

let api: TestApiserver;
before(async () => { api = await startApiserver(); });
after(async () => { await api.stop(); api.cleanup(); });

async function setStatus(name: string, status: Record<string, unknown>): Promise<void> {
  const pod = (await api.request('GET', `/api/v1/namespaces/default/pods/${name}`)).body;
  const res = await api.request('PUT', `/api/v1/namespaces/default/pods/${name}/status`, { body: { ...pod, status } });
  assert.equal(res.status, 200, res.text);
}

it('falls back to the log when the attach fails, and exits with the pod\'s code', async () => {
  const running = skiffctl(['--kubeconfig', api.kubeconfig, 'run', 'quick', '--image=busybox', '-i', '--restart=Never', '--', 'sh', '-c', 'exit 4']);
  await waitFor(async () => (await api.request('GET', '/api/v1/namespaces/default/pods/quick')).status === 200, 30_000, () => 'the pod to be created');
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  await setStatus('quick', {
    phase: 'Running', startTime: now,
    conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }],
    containerStatuses: [{ name: 'quick', image: 'busybox', imageID: '', ready: true, restartCount: 0, state: { running: { startedAt: now } } }],
  });
  // The attach fails at once (the pod has no node); skiffctl then waits for the pod to end.
  await new Promise((r) => setTimeout(r, 3000));
  await setStatus('quick', {
    phase: 'Failed', startTime: now,
    containerStatuses: [{
      name: 'quick', image: 'busybox', imageID: '', ready: false, restartCount: 0,
      state: { terminated: { exitCode: 4, reason: 'Error', startedAt: now, finishedAt: now } },
    }],
  });
  const result = await running;
  assert.match(result.stderr, /warning: couldn't attach to pod\/quick, falling back to streaming logs: /, result.stderr);
  assert.equal(result.code, 4, result.stderr);
});
