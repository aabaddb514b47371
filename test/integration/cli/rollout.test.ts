// skiffctl rollout, scale and set image next to kubectl, with the deployment, replica set and stateful set
// controllers running in the test process and the test playing the kubelet (pods marked Running and Ready):
// rollout status to the end, history (list and --revision), undo (previous, --to-revision, paused), pause, resume,
// restart, scale (--replicas, --current-replicas, --timeout), set image.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { controllerFactories } from '../../../controllers/all.ts';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { runControllers, type RunningControllers } from '../controllers/harness.ts';
import { assertSame, makeTwins, type Twins } from './twins.ts';

let api: TestApiserver;
let t: Twins;
let ctrl: RunningControllers;
let stopping = false;
let kubeletLoop: Promise<void>;

const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Plays the kubelet: every pod not yet Running becomes Running and Ready. */
async function kubeletPass(): Promise<void> {
  const res = await api.request('GET', '/api/v1/pods');
  for (const pod of (res.body?.items ?? []) as { metadata: { name: string; namespace: string; deletionTimestamp?: string }; status?: { phase?: string } }[]) {
    if (pod.metadata.deletionTimestamp || pod.status?.phase === 'Running') continue;
    const path = `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`;
    const full = await api.request('GET', path);
    if (full.status !== 200) continue;
    const body = {
      ...full.body,
      status: { phase: 'Running', podIP: '10.244.0.9', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now() }] },
    };
    await api.request('PUT', `${path}/status`, { body });
  }
}

before(async () => {
  api = await startApiserver();
  t = await makeTwins(api, 'rollout');
  ctrl = await runControllers(api, ['deployment-controller', 'replicaset-controller', 'statefulset-controller'].map((n) => controllerFactories[n]));
  kubeletLoop = (async () => {
    while (!stopping) {
      try {
        await kubeletPass();
      } catch {
        // The apiserver may be going away at the end of the run.
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  for (const ns of [t.kns, t.sns]) {
    assert.equal((await t.kubectl(['create', 'deployment', 'web', '--image=busybox:1', '--replicas=2', '-n', ns, '--', 'sleep', '3600'])).code, 0);
  }
});
after(async () => {
  stopping = true;
  await kubeletLoop;
  await ctrl.stop();
  await api.stop();
  api.cleanup();
});

const progress = /^(Waiting for deployment "web" rollout to finish: (\d+ out of \d+ new replicas have been updated|\d+ old replicas are pending termination|\d+ of \d+ updated replicas are available)\.\.\.|Waiting for deployment spec update to be observed\.\.\.|deployment "web" successfully rolled out)$/;

/** rollout status on both: the same last line and exit code; every line one of kubectl's. */
async function statusOfBoth(resource: string, last: string): Promise<void> {
  const [k, s] = await t.both(['rollout', 'status', resource, '--timeout=60s']);
  assert.equal(s.code, 0, s.stderr);
  assert.equal(k.code, 0, k.stderr);
  const lines = s.stdout.trimEnd().split('\n');
  assert.equal(lines.at(-1), last);
  assert.equal(k.stdout.trimEnd().split('\n').at(-1), last);
  if (resource.startsWith('deploy')) for (const l of lines) assert.match(l, progress);
}

describe('skiffctl rollout', () => {
  it('status waits for the rollout, with kubectl\'s lines', async () => {
    await statusOfBoth('deployment/web', 'deployment "web" successfully rolled out');
  });

  it('set image, history, undo (previous, --to-revision), with kubectl\'s output', async () => {
    let [k, s] = await t.both(['set', 'image', 'deployment/web', 'busybox=busybox:2']);
    assertSame(k, s, 'set image');
    assert.equal(s.stdout, 'deployment.apps/web image updated\n');
    await statusOfBoth('deploy/web', 'deployment "web" successfully rolled out');
    for (const args of [['rollout', 'history', 'deployment/web'], ['rollout', 'history', 'deploy', 'web', '--revision=1'], ['rollout', 'history', 'deploy/web', '--revision=7']]) {
      [k, s] = await t.both(args);
      assertSame(k, s, args.join(' '));
    }
    assert.equal(s.code, 1);
    [k, s] = await t.both(['rollout', 'undo', 'deployment/web', '--dry-run=client']);
    assertSame(k, s, 'undo --dry-run=client');
    [k, s] = await t.both(['rollout', 'undo', 'deployment/web']);
    assertSame(k, s, 'undo');
    assert.equal(s.stdout, 'deployment.apps/web rolled back\n');
    await statusOfBoth('deploy/web', 'deployment "web" successfully rolled out');
    const image = await t.skiffctl(['get', 'deploy', 'web', '-n', t.sns, '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);
    assert.equal(image.stdout, 'busybox:1');
    for (const args of [['rollout', 'history', 'deploy/web'], ['rollout', 'undo', 'deploy/web', '--to-revision=2'], ['rollout', 'undo', 'deploy/web', '--to-revision=2'], ['rollout', 'undo', 'deploy/web', '--to-revision=9']]) {
      [k, s] = await t.both(args);
      assertSame(k, s, args.join(' '));
    }
    await statusOfBoth('deploy/web', 'deployment "web" successfully rolled out');
  });

  it('pause, resume, restart; a paused deployment refuses undo and restart', async () => {
    for (const args of [
      ['rollout', 'pause', 'deployment/web'],
      ['rollout', 'pause', 'deployment/web'],
      ['rollout', 'undo', 'deployment/web'],
      ['rollout', 'restart', 'deployment/web'],
      ['rollout', 'resume', 'deployment/web'],
      ['rollout', 'resume', 'deployment/web'],
      ['rollout', 'restart', 'configmap/missing'],
      ['rollout', 'status', 'configmap/x'],
      ['rollout', 'history'],
    ]) {
      const [k, s] = await t.both(args);
      assertSame(k, s, args.join(' '));
    }
    const [k, s] = await t.both(['rollout', 'restart', 'deployment/web']);
    assertSame(k, s, 'restart');
    assert.equal(s.stdout, 'deployment.apps/web restarted\n');
    const stamp = await t.skiffctl(['get', 'deploy', 'web', '-n', t.sns, '-o', 'jsonpath={.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}']);
    assert.match(stamp.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
    await statusOfBoth('deploy/web', 'deployment "web" successfully rolled out');
  });

  it('status --timeout gives up with kubectl\'s error; --watch=false looks once', async () => {
    for (const ns of [t.kns, t.sns]) {
      assert.equal((await t.kubectl(['create', 'deployment', 'stuck', '--image=busybox', '-n', ns])).code, 0);
      assert.equal((await t.kubectl(['rollout', 'pause', 'deployment/stuck', '-n', ns])).code, 0);
      assert.equal((await t.kubectl(['set', 'image', 'deployment/stuck', 'busybox=busybox:2', '-n', ns])).code, 0);
    }
    const [k, s] = await t.both(['rollout', 'status', 'deployment/stuck', '--timeout=1s']);
    assert.equal(s.code, 1);
    assert.equal(k.code, 1);
    assert.equal(s.stderr, 'error: timed out waiting for the condition\n');
    assert.equal(s.stderr, k.stderr);
    const once = await t.skiffctl(['rollout', 'status', 'deployment/stuck', '--watch=false', '-n', t.sns]);
    assert.equal(once.code, 0);
    assert.equal(once.stdout.split('\n').length, 2, once.stdout);
  });
});

describe('skiffctl scale', () => {
  it('--replicas, preconditions, dry runs, --timeout', async () => {
    for (const args of [
      ['scale', 'deployment/web', '--replicas=3'],
      ['scale', 'deployment', 'web', '--replicas=4', '--current-replicas=1'],
      ['scale', 'deploy/web', '--replicas=1', '--dry-run=server'],
      ['scale', 'deploy/web', '--replicas=1', '--dry-run=client', '-o', 'name'],
      ['scale', 'deploy/web', '--replicas=2', '--timeout=60s'],
      ['scale', 'deploy/web'],
      ['scale', 'deploy/web', '--replicas=-2'],
      ['scale', 'deploy/missing', '--replicas=2'],
      ['scale', 'configmap/x', '--replicas=2'],
    ]) {
      const [k, s] = await t.both(args);
      assertSame(k, s, args.join(' '));
    }
    // A met precondition: kubectl PUTs the Scale without a Content-Type, which the apiserver must read as JSON.
    const [k, s] = await t.both(['scale', 'deploy/web', '--replicas=3', '--current-replicas=2']);
    assertSame(k, s, 'scale --current-replicas=2');
    assert.equal(k.stdout, 'deployment.apps/web scaled\n', k.stderr);
    const replicas = await t.skiffctl(['get', 'deploy', 'web', '-n', t.sns, '-o', 'jsonpath={.spec.replicas}']);
    assert.equal(replicas.stdout, '3');
  });
});

describe('skiffctl rollout for StatefulSets', () => {
  it('status, history, undo', async () => {
    const file = t.file('sts.yaml', `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 2
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: busybox:1}]
`);
    for (const ns of [t.kns, t.sns]) assert.equal((await t.kubectl(['apply', '-f', file, '-n', ns])).code, 0);
    await statusOfBoth('statefulset/db', (await t.kubectl(['rollout', 'status', 'sts/db', '-n', t.kns, '--timeout=60s'])).stdout.trimEnd().split('\n').at(-1) ?? '');
    let [k, s] = await t.both(['set', 'image', 'sts/db', 'db=busybox:2']);
    assertSame(k, s, 'set image sts');
    await t.kubectl(['rollout', 'status', 'sts/db', '-n', t.kns, '--timeout=60s']);
    await t.skiffctl(['rollout', 'status', 'sts/db', '-n', t.sns, '--timeout=60s']);
    for (const args of [['rollout', 'history', 'statefulset/db'], ['rollout', 'history', 'sts/db', '--revision=1'], ['rollout', 'undo', 'sts/db'], ['rollout', 'undo', 'sts/db', '--to-revision=5']]) {
      [k, s] = await t.both(args);
      assertSame(k, s, args.join(' '));
    }
    const image = await t.skiffctl(['get', 'sts', 'db', '-n', t.sns, '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);
    assert.equal(image.stdout, 'busybox:1');
  });
});
