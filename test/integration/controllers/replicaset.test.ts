// replicaset-controller and replicationcontroller-controller against a real apiserver, with real kubectl for
// scaling. No kubelet runs: the test marks pods Running and Ready itself where it needs them to be.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { controllerFactories } from '../../../controllers/all.ts';
import { kubectlFor, type Kubectl } from '../../helpers/kubectl.ts';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { waitFor } from '../../helpers/component.ts';
import { runControllers, type RunningControllers } from './harness.ts';

let api: TestApiserver;
let ctrl: RunningControllers;
let dir: string;
let kubectl: Kubectl;

interface PodView {
  metadata: { name: string; uid: string; labels?: Record<string, string>; deletionTimestamp?: string; ownerReferences?: { kind: string; name: string; uid: string; controller?: boolean }[] };
}

before(async () => {
  api = await startApiserver();
  dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-rs-'));
  kubectl = kubectlFor(api.kubeconfig, { cacheDir: path.join(dir, 'cache') });
  ctrl = await runControllers(api, [controllerFactories['replicaset-controller'], controllerFactories['replicationcontroller-controller']]);
});
after(async () => {
  await ctrl.stop();
  await api.stop();
  api.cleanup();
  rmSync(dir, { recursive: true, force: true });
});


const template = (app: string, extra: Record<string, string> = {}): Record<string, unknown> => ({
  metadata: { labels: { app, ...extra } }, spec: { containers: [{ name: 'c', image: 'busybox' }] },
});

async function createReplicaSet(name: string, replicas: number, spec: Record<string, unknown> = {}): Promise<string> {
  const res = await api.request('POST', '/apis/apps/v1/namespaces/default/replicasets', {
    body: { metadata: { name }, spec: { replicas, selector: { matchLabels: { app: name } }, template: template(name), ...spec } },
  });
  assert.equal(res.status, 201, res.text);
  return res.body.metadata.uid as string;
}

async function podsOf(app: string): Promise<PodView[]> {
  const res = await api.request('GET', `/api/v1/namespaces/default/pods?labelSelector=app%3D${app}`);
  return (res.body.items as PodView[]).filter((p) => !p.metadata.deletionTimestamp);
}

async function waitForPods(app: string, n: number, ownerUid?: string): Promise<PodView[]> {
  return waitFor(`${n} pods of ${app}`, async () => {
    const pods = await podsOf(app);
    const owned = ownerUid ? pods.filter((p) => p.metadata.ownerReferences?.some((r) => r.controller && r.uid === ownerUid)) : pods;
    return owned.length === n && pods.length === n ? owned : undefined;
  }, 20_000);
}

async function markReady(name: string, readySince = new Date()): Promise<void> {
  const full = await api.request('GET', `/api/v1/namespaces/default/pods/${name}`);
  const since = readySince.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const body = { ...full.body, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: since }] } };
  const res = await api.request('PUT', `/api/v1/namespaces/default/pods/${name}/status`, { body });
  assert.equal(res.status, 200, res.text);
}

async function status(resource: string, name: string): Promise<Record<string, unknown>> {
  const res = await api.request('GET', `${resource}/${name}`);
  return res.body.status ?? {};
}

describe('replicaset-controller', () => {
  it('creates spec.replicas pods owned by the ReplicaSet, with events, and replaces a deleted one', async () => {
    const uid = await createReplicaSet('web', 3);
    const pods = await waitForPods('web', 3, uid);
    assert.ok(pods.every((p) => p.metadata.name.startsWith('web-')));
    await api.request('DELETE', `/api/v1/namespaces/default/pods/${pods[0].metadata.name}`);
    const after = await waitForPods('web', 3, uid);
    assert.ok(!after.some((p) => p.metadata.name === pods[0].metadata.name));
    const events = await api.request('GET', '/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dweb');
    assert.ok((events.body.items as { reason: string }[]).filter((e) => e.reason === 'SuccessfulCreate').length >= 4);
  });

  it('reports replicas, ready and available replicas honouring minReadySeconds', async () => {
    const uid = await createReplicaSet('avail', 2, { minReadySeconds: 2 });
    const pods = await waitForPods('avail', 2, uid);
    for (const p of pods) await markReady(p.metadata.name);
    const st = await waitFor('ready but not available', async () => {
      const s = await status('/apis/apps/v1/namespaces/default/replicasets', 'avail');
      return s.readyReplicas === 2 ? s : undefined;
    }, 10_000);
    assert.equal(st.availableReplicas ?? 0, 0);
    assert.equal(st.replicas, 2);
    assert.equal(st.fullyLabeledReplicas, 2);
    // The controller comes back by itself when minReadySeconds have passed.
    await waitFor('available after minReadySeconds', async () => {
      const s = await status('/apis/apps/v1/namespaces/default/replicasets', 'avail');
      return s.availableReplicas === 2 ? s : undefined;
    }, 10_000);
  });

  it('adopts a matching orphan and deletes the least valuable extra pod', async () => {
    const uid = await createReplicaSet('adopt', 2);
    const pods = await waitForPods('adopt', 2, uid);
    for (const p of pods) await markReady(p.metadata.name);
    const orphan = await api.request('POST', '/api/v1/namespaces/default/pods', {
      body: { metadata: { name: 'adopt-orphan', labels: { app: 'adopt' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
    });
    assert.equal(orphan.status, 201, orphan.text);
    // The orphan is adopted (it now has the ReplicaSet as controller) and, being pending, is the one to go.
    const left = await waitForPods('adopt', 2, uid);
    assert.deepEqual(left.map((p) => p.metadata.name).sort(), pods.map((p) => p.metadata.name).sort());
  });

  it('releases a pod whose labels no longer match and makes a replacement', async () => {
    const uid = await createReplicaSet('rel', 2);
    const pods = await waitForPods('rel', 2, uid);
    const moved = pods[0].metadata.name;
    const res = await api.request('PATCH', `/api/v1/namespaces/default/pods/${moved}`, {
      body: { metadata: { labels: { app: 'elsewhere' } } }, contentType: 'application/merge-patch+json',
    });
    assert.equal(res.status, 200, res.text);
    await waitForPods('rel', 2, uid);
    const released = await waitFor('ownerReference removed', async () => {
      const p = await api.request('GET', `/api/v1/namespaces/default/pods/${moved}`);
      return (p.body.metadata.ownerReferences ?? []).length === 0 ? p.body : undefined;
    }, 10_000);
    assert.equal(released.metadata.labels.app, 'elsewhere');
  });

  it('kubectl scale resizes it, deleting unready pods before ready ones', async () => {
    const uid = await createReplicaSet('scaled', 1);
    const [first] = await waitForPods('scaled', 1, uid);
    await markReady(first.metadata.name);
    assert.match(await kubectl('scale', 'rs/scaled', '--replicas=4'), /scaled/);
    await waitForPods('scaled', 4, uid);
    await kubectl('scale', 'rs/scaled', '--replicas=1');
    const [kept] = await waitForPods('scaled', 1, uid);
    assert.equal(kept.metadata.name, first.metadata.name);
    const out = await kubectl('get', 'rs', 'scaled');
    assert.match(out, /^scaled\s+1\s+1\s+1\s+/m);
  });
});

describe('replicationcontroller-controller', () => {
  it('keeps an RC\'s replicas and scales with kubectl', async () => {
    const res = await api.request('POST', '/api/v1/namespaces/default/replicationcontrollers', {
      body: { metadata: { name: 'legacy' }, spec: { replicas: 2, selector: { app: 'legacy' }, template: template('legacy') } },
    });
    assert.equal(res.status, 201, res.text);
    const uid = res.body.metadata.uid as string;
    const pods = await waitForPods('legacy', 2, uid);
    assert.equal(pods[0].metadata.ownerReferences?.[0].kind, 'ReplicationController');
    await kubectl('scale', 'rc/legacy', '--replicas=3');
    await waitForPods('legacy', 3, uid);
    await waitFor('status replicas 3', async () => {
      const s = await status('/api/v1/namespaces/default/replicationcontrollers', 'legacy');
      return s.replicas === 3 ? s : undefined;
    }, 10_000);
  });
});
