// Pods run by a real kubelet on real Docker: two containers sharing localhost and an emptyDir, cgroup limits
// read back from the kernel, init containers in order, status and events as kubectl shows them.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { after, before, it } from 'node:test';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { waitFor } from '../../helpers/component.ts';
import { testImage, testRuntime } from '../../helpers/images.ts';
import { startNode, type TestNode } from '../../helpers/node.ts';

let api: TestApiserver;
let node: TestNode;

before(async () => {
  api = await startApiserver();
  node = await startNode(api);
});
after(async () => {
  await node?.cleanup();
  await api?.stop();
  api?.cleanup();
});

async function createPod(name: string, spec: Record<string, unknown>): Promise<void> {
  const res = await api.request('POST', '/api/v1/namespaces/default/pods', { body: {
    apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName: node.name, ...spec },
  } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
}

async function getPod(name: string) {
  return (await api.request('GET', `/api/v1/namespaces/default/pods/${name}`)).body;
}

async function waitPod(name: string, what: string, check: (pod: any) => boolean, timeoutMs = 30_000) {
  return waitFor(`pod ${name}: ${what}`, async () => {
    const pod = await getPod(name);
    return check(pod) ? pod : undefined;
  }, timeoutMs);
}

const idOf = (status: { containerID: string }) => status.containerID.replace('docker://', '');

it('runs two containers that share localhost and an emptyDir', async () => {
  await createPod('web', {
    volumes: [{ name: 'data', emptyDir: {} }],
    containers: [
      { name: 'server', image: testImage, imagePullPolicy: 'IfNotPresent', command: ['httpd', '-f', '-p', '8080', '-h', '/data'],
        volumeMounts: [{ name: 'data', mountPath: '/data' }] },
      { name: 'client', image: testImage, imagePullPolicy: 'IfNotPresent',
        command: ['sh', '-c', 'echo hello-from-emptydir > /data/index.html; while true; do wget -qO /tmp/got http://127.0.0.1:8080/index.html && cp /tmp/got /tmp/ok; sleep 0.2; done'],
        volumeMounts: [{ name: 'data', mountPath: '/data' }] },
    ],
  });
  const pod = await waitPod('web', 'Running and Ready', (p) => p.status?.phase === 'Running'
    && p.status.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'));
  assert.match(pod.status.podIP, /^10\./);
  assert.equal(pod.status.hostIP, '127.0.0.1');
  assert.equal(pod.status.qosClass, 'BestEffort');
  assert.equal(pod.status.containerStatuses.length, 2);
  for (const s of pod.status.containerStatuses) {
    assert.ok(s.state.running, JSON.stringify(s));
    assert.equal(s.ready, true);
    assert.equal(s.restartCount, 0);
    assert.match(s.containerID, /^docker:\/\/[0-9a-f]{64}$/);
  }
  const client = pod.status.containerStatuses.find((s: any) => s.name === 'client');
  const got = await waitFor('the client to fetch the page over localhost', async () => {
    const r = await testRuntime().execSync(idOf(client), ['cat', '/tmp/ok'], 5000);
    return r.exitCode === 0 ? r.stdout : undefined;
  });
  assert.equal(got.trim(), 'hello-from-emptydir');
  const events = (await api.request('GET', '/api/v1/namespaces/default/events?fieldSelector=involvedObject.name=web')).body.items;
  const reasons = events.map((e: any) => e.reason);
  for (const r of ['Pulled', 'Created', 'Started']) assert.ok(reasons.includes(r), `missing ${r} in ${reasons}`);
  assert.ok(events.some((e: any) => e.involvedObject.fieldPath === 'spec.containers{server}'));
});

it('puts the container\'s limits into its cgroup and reports the QoS class', async () => {
  await createPod('limited', {
    containers: [{ name: 'app', image: testImage, imagePullPolicy: 'Never', command: ['sleep', '3600'],
      resources: { requests: { cpu: '250m', memory: '32Mi' }, limits: { cpu: '500m', memory: '64Mi' } } }],
  });
  const pod = await waitPod('limited', 'Running', (p) => p.status?.phase === 'Running');
  assert.equal(pod.status.qosClass, 'Burstable');
  const id = idOf(pod.status.containerStatuses[0]);
  const cg = async (controller: string, file: string) => (await readFile(`/sys/fs/cgroup/${controller}/docker/${id}/${file}`, 'utf8')).trim();
  assert.equal(await cg('cpu', 'cpu.cfs_quota_us'), '50000');
  assert.equal(await cg('cpu', 'cpu.cfs_period_us'), '100000');
  assert.equal(await cg('cpu', 'cpu.shares'), '256');
  assert.equal(await cg('memory', 'memory.limit_in_bytes'), String(64 * 1024 * 1024));
});

it('runs init containers one by one, in order, before the app', async () => {
  await createPod('inits', {
    volumes: [{ name: 'work', emptyDir: {} }],
    initContainers: [
      { name: 'first', image: testImage, imagePullPolicy: 'Never', command: ['sh', '-c', 'sleep 1; echo first >> /work/log'], volumeMounts: [{ name: 'work', mountPath: '/work' }] },
      { name: 'second', image: testImage, imagePullPolicy: 'Never', command: ['sh', '-c', 'echo second >> /work/log'], volumeMounts: [{ name: 'work', mountPath: '/work' }] },
    ],
    containers: [{ name: 'app', image: testImage, imagePullPolicy: 'Never', command: ['sh', '-c', 'echo app >> /work/log; sleep 3600'], volumeMounts: [{ name: 'work', mountPath: '/work' }] }],
  });
  const pending = await waitPod('inits', 'initializing', (p) => p.status?.initContainerStatuses?.[0]?.state?.running !== undefined, 15_000);
  assert.equal(pending.status.phase, 'Pending');
  const initialized = pending.status.conditions.find((c: any) => c.type === 'Initialized');
  assert.equal(initialized.status, 'False');
  assert.equal(initialized.reason, 'ContainersNotInitialized');
  assert.equal(pending.status.containerStatuses[0].state.waiting.reason, 'PodInitializing');
  const pod = await waitPod('inits', 'Running', (p) => p.status?.phase === 'Running');
  for (const s of pod.status.initContainerStatuses) {
    assert.equal(s.state.terminated.reason, 'Completed');
    assert.equal(s.state.terminated.exitCode, 0);
  }
  const r = await testRuntime().execSync(idOf(pod.status.containerStatuses[0]), ['cat', '/work/log'], 5000);
  assert.equal(r.stdout, 'first\nsecond\napp\n');
});

it('fails a pod whose init container fails under restartPolicy Never', async () => {
  await createPod('init-fails', {
    restartPolicy: 'Never',
    initContainers: [{ name: 'boom', image: testImage, imagePullPolicy: 'Never', command: ['sh', '-c', 'exit 3'] }],
    containers: [{ name: 'app', image: testImage, imagePullPolicy: 'Never', command: ['sleep', '3600'] }],
  });
  const pod = await waitPod('init-fails', 'Failed', (p) => p.status?.phase === 'Failed');
  assert.equal(pod.status.initContainerStatuses[0].state.terminated.exitCode, 3);
  assert.equal(pod.status.containerStatuses[0].state.waiting.reason, 'PodInitializing');
});

it('runs a job-style pod to Succeeded and keeps its exit status', async () => {
  await createPod('once', {
    restartPolicy: 'OnFailure',
    containers: [{ name: 'task', image: testImage, imagePullPolicy: 'Never', command: ['sh', '-c', 'echo done'] }],
  });
  const pod = await waitPod('once', 'Succeeded', (p) => p.status?.phase === 'Succeeded');
  const t = pod.status.containerStatuses[0].state.terminated;
  assert.equal(t.exitCode, 0);
  assert.equal(t.reason, 'Completed');
  const ready = pod.status.conditions.find((c: any) => c.type === 'Ready');
  assert.equal(ready.reason, 'PodCompleted');
});

it('shows ErrImageNeverPull for a missing image with pullPolicy Never, and keeps other pods running', async () => {
  await createPod('noimage', {
    containers: [{ name: 'app', image: 'skiff.local/does-not-exist:1', imagePullPolicy: 'Never' }],
  });
  const pod = await waitPod('noimage', 'ErrImageNeverPull', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ErrImageNeverPull');
  assert.equal(pod.status.phase, 'Pending');
  assert.match(pod.status.containerStatuses[0].state.waiting.message, /not present with pull policy of Never/);
  assert.equal((await getPod('limited')).status.phase, 'Running');
});

it('reports CreateContainerConfigError for a missing ConfigMap and starts once it exists', async () => {
  await createPod('needs-config', {
    containers: [{ name: 'app', image: testImage, imagePullPolicy: 'Never', command: ['sh', '-c', 'echo "$GREETING" > /tmp/g; sleep 3600'],
      env: [{ name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'settings', key: 'greeting' } } }] }],
  });
  const waiting = await waitPod('needs-config', 'CreateContainerConfigError', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError');
  assert.equal(waiting.status.containerStatuses[0].state.waiting.message, 'configmap "settings" not found');
  await api.request('POST', '/api/v1/namespaces/default/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { greeting: 'hi there' } } });
  const pod = await waitPod('needs-config', 'Running', (p) => p.status?.phase === 'Running', 20_000);
  const r = await testRuntime().execSync(idOf(pod.status.containerStatuses[0]), ['cat', '/tmp/g'], 5000);
  assert.equal(r.stdout, 'hi there\n');
});

it('serves container logs to real kubectl logs through the apiserver (tail, timestamps, previous)', async () => {
  await createPod('talker', {
    containers: [{ name: 'app', image: testImage, imagePullPolicy: 'Never', command: ['sh', '-c', 'echo run-$RANDOM$RANDOM; echo line-two; sleep 2; exit 1'] }],
  });
  await waitPod('talker', 'a restart', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1, 30_000);
  const kubectl = (...args: string[]) => execFileSync('kubectl', ['--kubeconfig', api.kubeconfig, ...args], { encoding: 'utf8' });
  const current = kubectl('logs', 'talker');
  assert.match(current, /^run-\d+\nline-two\n$/);
  assert.equal(kubectl('logs', 'talker', '--tail', '1'), 'line-two\n');
  assert.match(kubectl('logs', 'talker', '--timestamps', '--tail', '1'), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z line-two\n$/);
  const previous = kubectl('logs', 'talker', '--previous');
  assert.match(previous, /^run-\d+\nline-two\n$/);
  assert.notEqual(previous.split('\n')[0], current.split('\n')[0], 'the previous attempt is a different run');
});

it('reports a container\'s termination message, from its file or (FallbackToLogsOnError) from its log', async () => {
  await createPod('last-words', {
    restartPolicy: 'Never',
    containers: [
      { name: 'file', image: testImage, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'echo "disk full" > /dev/termination-log; exit 3'] },
      { name: 'custom', image: testImage, imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/tmp/why',
        command: ['sh', '-c', 'echo done > /tmp/why'] },
      { name: 'logs', image: testImage, imagePullPolicy: 'IfNotPresent', terminationMessagePolicy: 'FallbackToLogsOnError',
        command: ['sh', '-c', 'echo line1; echo "fatal: no config"; exit 1'] },
    ],
  });
  const pod = await waitPod('last-words', 'Failed', (p) => p.status?.phase === 'Failed');
  const term = (name: string) => pod.status.containerStatuses.find((s: any) => s.name === name).state.terminated;
  assert.equal(term('file').message, 'disk full\n');
  assert.equal(term('file').exitCode, 3);
  assert.equal(term('custom').message, 'done\n');
  assert.equal(term('logs').message, 'line1\nfatal: no config\n');
});
