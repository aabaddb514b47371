// Pod lifecycle on a real kubelet and Docker: probes that restart containers with growing back-off, readiness
// driving the Ready condition, graceful termination (preStop, SIGTERM, SIGKILL after the grace period), deletion
// leaving nothing behind, and a kubelet restarted with kill -9 adopting its running containers.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import Docker from 'dockerode';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { waitFor } from '../../helpers/component.ts';
import { testImage, testRuntime } from '../../helpers/images.ts';
import { startNode, type TestNode } from '../../helpers/node.ts';

let api: TestApiserver;
let node: TestNode;
let hostDir: string;
const docker = new Docker({ socketPath: '/var/run/docker.sock' });

before(async () => {
  api = await startApiserver();
  node = await startNode(api);
  hostDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-lifecycle-'));
});
after(async () => {
  await node?.cleanup();
  await api?.stop();
  api?.cleanup();
  rmSync(hostDir, { recursive: true, force: true });
});

async function createPod(name: string, spec: Record<string, unknown>): Promise<void> {
  const res = await api.request('POST', '/api/v1/namespaces/default/pods', { body: {
    apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName: node.name, ...spec },
  } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
}

async function waitPod(name: string, what: string, check: (pod: any) => boolean, timeoutMs = 30_000) {
  return waitFor(`pod ${name}: ${what}`, async () => {
    const pod = (await api.request('GET', `/api/v1/namespaces/default/pods/${name}`)).body;
    return check(pod) ? pod : undefined;
  }, timeoutMs);
}

const container = (over: Record<string, unknown>) => ({ name: 'app', image: testImage, imagePullPolicy: 'Never', ...over });
const ready = (p: any) => p.status?.conditions?.find((c: any) => c.type === 'Ready')?.status;

it('restarts a container whose liveness probe fails, with back-off growing from 10 s to 20 s', async () => {
  await createPod('unhealthy', {
    terminationGracePeriodSeconds: 1,
    containers: [container({ command: ['sleep', '3600'], livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 1 } })],
  });
  const first = await waitPod('unhealthy', 'first back-off', (p) =>
    /back-off 10s/.test(p.status?.containerStatuses?.[0]?.state?.waiting?.message ?? ''), 30_000);
  const s = first.status.containerStatuses[0];
  assert.equal(s.state.waiting.reason, 'CrashLoopBackOff');
  assert.ok(s.restartCount >= 1, JSON.stringify(s));
  assert.ok(s.lastState.terminated, JSON.stringify(s));
  const seenAt = Date.now();
  const second = await waitPod('unhealthy', 'second back-off', (p) =>
    /back-off 20s/.test(p.status?.containerStatuses?.[0]?.state?.waiting?.message ?? ''), 40_000);
  assert.equal(second.status.containerStatuses[0].restartCount, s.restartCount + 1);
  assert.ok(Date.now() - seenAt >= 7_000, 'the second restart waited out the 10 s back-off');
  const events = (await api.request('GET', '/api/v1/namespaces/default/events?fieldSelector=involvedObject.name=unhealthy')).body.items;
  const unhealthy = events.find((e: any) => e.reason === 'Unhealthy');
  assert.match(unhealthy.message, /^Liveness probe failed: /);
  assert.ok(events.some((e: any) => e.reason === 'Killing' && /failed liveness probe, will be restarted/.test(e.message)));
  assert.ok(events.some((e: any) => e.reason === 'BackOff'));
});

it('marks a pod Ready only while its readiness probe passes', async () => {
  await createPod('readiness', {
    containers: [container({ command: ['sleep', '3600'], readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1 } })],
  });
  const running = await waitPod('readiness', 'Running', (p) => p.status?.phase === 'Running');
  assert.equal(ready(running), 'False');
  assert.equal(running.status.containerStatuses[0].ready, false);
  const id = running.status.containerStatuses[0].containerID.replace('docker://', '');
  await testRuntime().execSync(id, ['touch', '/tmp/ready'], 5000);
  await waitPod('readiness', 'Ready', (p) => ready(p) === 'True', 10_000);
  await testRuntime().execSync(id, ['rm', '/tmp/ready'], 5000);
  const notReady = await waitPod('readiness', 'not Ready again', (p) => ready(p) === 'False', 10_000);
  assert.equal(notReady.status.conditions.find((c: any) => c.type === 'Ready').reason, 'ContainersNotReady');
});

it('terminates gracefully: preStop, then SIGTERM; the pod leaves the API once its containers stopped', async () => {
  await createPod('graceful', {
    terminationGracePeriodSeconds: 10,
    volumes: [{ name: 'log', hostPath: { path: hostDir, type: 'Directory' } }],
    containers: [container({
      command: ['sh', '-c', "trap 'echo term >> /log/graceful; exit 0' TERM; while true; do sleep 0.1; done"],
      volumeMounts: [{ name: 'log', mountPath: '/log' }],
      lifecycle: { preStop: { exec: { command: ['sh', '-c', 'echo prestop >> /log/graceful'] } } },
    })],
  });
  const pod = await waitPod('graceful', 'Running', (p) => p.status?.phase === 'Running');
  const id = pod.status.containerStatuses[0].containerID.replace('docker://', '');
  const started = Date.now();
  const res = await api.request('DELETE', '/api/v1/namespaces/default/pods/graceful');
  assert.equal(res.status, 200);
  await waitFor('the pod to leave the API', async () =>
    (await api.request('GET', '/api/v1/namespaces/default/pods/graceful')).status === 404 ? true : undefined, 15_000);
  const took = Date.now() - started;
  assert.ok(took < 8_000, `a pod that exits on SIGTERM does not wait for its 10 s grace period (took ${took} ms)`);
  assert.equal(readFileSync(path.join(hostDir, 'graceful'), 'utf8'), 'prestop\nterm\n');
  await waitFor('its containers to be removed', async () => {
    const left = await docker.listContainers({ all: true, filters: { label: [`io.kubernetes.pod.uid=${pod.metadata.uid}`] } });
    return left.length === 0 ? true : undefined;
  });
  assert.equal((await docker.listContainers({ all: true, filters: { id: [id] } })).length, 0);
});

it('kills a container that ignores SIGTERM once the grace period is over', async () => {
  await createPod('stubborn', {
    terminationGracePeriodSeconds: 2,
    containers: [container({ command: ['sh', '-c', "trap '' TERM; while true; do sleep 0.1; done"] })],
  });
  await waitPod('stubborn', 'Running', (p) => p.status?.phase === 'Running');
  const started = Date.now();
  await api.request('DELETE', '/api/v1/namespaces/default/pods/stubborn');
  await waitFor('the pod to leave the API', async () =>
    (await api.request('GET', '/api/v1/namespaces/default/pods/stubborn')).status === 404 ? true : undefined, 15_000);
  const took = Date.now() - started;
  assert.ok(took >= 2_000 && took < 8_000, `SIGKILL after the 2 s grace period (took ${took} ms)`);
});

it('a kubelet restarted after kill -9 adopts its running containers and cleans up pods deleted meanwhile', async () => {
  await createPod('survivor', { containers: [container({ command: ['sleep', '3600'] })] });
  await createPod('doomed', { terminationGracePeriodSeconds: 1, containers: [container({ command: ['sleep', '3600'] })] });
  const before = await waitPod('survivor', 'Running', (p) => p.status?.phase === 'Running');
  const doomed = await waitPod('doomed', 'Running', (p) => p.status?.phase === 'Running');
  await node.kubelet.kill9();
  await api.request('DELETE', '/api/v1/namespaces/default/pods/doomed');
  node.restart();
  await waitFor('the deleted pod to be finished off by the new kubelet', async () =>
    (await api.request('GET', '/api/v1/namespaces/default/pods/doomed')).status === 404 ? true : undefined, 20_000);
  await waitFor('the deleted pod\'s containers to be removed', async () => {
    const left = await docker.listContainers({ all: true, filters: { label: [`io.kubernetes.pod.uid=${doomed.metadata.uid}`] } });
    return left.length === 0 ? true : undefined;
  });
  // Give the new kubelet a few sync rounds, then check it did not restart or duplicate anything.
  await new Promise((r) => setTimeout(r, 3_000));
  const after = (await api.request('GET', '/api/v1/namespaces/default/pods/survivor')).body;
  assert.equal(after.status.containerStatuses[0].containerID, before.status.containerStatuses[0].containerID);
  assert.equal(after.status.containerStatuses[0].restartCount, 0);
  const containers = await docker.listContainers({ all: true, filters: { label: [`io.kubernetes.pod.uid=${before.metadata.uid}`] } });
  assert.equal(containers.length, 2, 'one sandbox and one app container');
});
