// statefulset-controller against a real apiserver. No scheduler or kubelet runs: the test plays the kubelet by
// writing pod status (Running and Ready) through the API, which is what OrderedReady waits for.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resourceFor } from '../../../apiserver/api/resources.ts';
import { Informer } from '../../../apiserver/client/index.ts';
import { newStatefulSetController } from '../../../controllers/statefulset.ts';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { waitFor } from '../../helpers/component.ts';
import { runControllers, type RunningControllers } from './harness.ts';

let api: TestApiserver;
let ctrl: RunningControllers;
before(async () => {
  api = await startApiserver();
  ctrl = await runControllers(api, [newStatefulSetController]);
});
after(async () => {
  await ctrl.stop();
  await api.stop();
  api.cleanup();
});

interface PodView {
  metadata: { name: string; labels: Record<string, string> };
  spec: { hostname?: string; subdomain?: string; volumes?: { name: string; persistentVolumeClaim?: { claimName: string } }[] };
  status?: { phase?: string };
}

async function podNames(set: string): Promise<string[]> {
  const res = await api.request('GET', `/api/v1/namespaces/default/pods?labelSelector=app%3D${set}`);
  return (res.body.items as PodView[]).map((p) => p.metadata.name).sort();
}

async function getPod(name: string): Promise<PodView> {
  return (await api.request('GET', `/api/v1/namespaces/default/pods/${name}`)).body as PodView;
}

async function waitForPods(set: string, names: string[]): Promise<void> {
  const want = names.join(',');
  await waitFor(`pods ${want}`, async () => ((await podNames(set)).join(',') === want ? true : undefined));
}

/** Plays the kubelet: the pod runs and passes its readiness probe. */
async function markReady(name: string): Promise<void> {
  const pod = await api.request('GET', `/api/v1/namespaces/default/pods/${name}`);
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const body = { ...pod.body, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] } };
  const res = await api.request('PUT', `/api/v1/namespaces/default/pods/${name}/status`, { body });
  assert.equal(res.status, 200, res.text);
}

async function claimNames(): Promise<string[]> {
  const res = await api.request('GET', '/api/v1/namespaces/default/persistentvolumeclaims');
  return (res.body.items as { metadata: { name: string } }[]).map((c) => c.metadata.name).sort();
}

async function setStatus(name: string): Promise<Record<string, unknown>> {
  return (await api.request('GET', `/apis/apps/v1/namespaces/default/statefulsets/${name}`)).body.status as Record<string, unknown>;
}

describe('statefulset-controller', () => {
  it('scales up in order, each pod ready before the next, and down from the highest, keeping the claims', async () => {
    const res = await api.request('POST', '/apis/apps/v1/namespaces/default/statefulsets', {
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 3, serviceName: 'web', selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'c', image: 'nginx:1', volumeMounts: [{ name: 'data', mountPath: '/data' }] }] },
          },
          volumeClaimTemplates: [{
            metadata: { name: 'data' },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
          }],
        },
      },
    });
    assert.equal(res.status, 201, res.text);
    await waitForPods('web', ['web-0']);
    const web0 = await getPod('web-0');
    assert.equal(web0.spec.hostname, 'web-0');
    assert.equal(web0.spec.subdomain, 'web');
    assert.equal(web0.metadata.labels['statefulset.kubernetes.io/pod-name'], 'web-0');
    assert.equal(web0.metadata.labels['apps.kubernetes.io/pod-index'], '0');
    assert.ok(web0.metadata.labels['controller-revision-hash']);
    assert.deepEqual(web0.spec.volumes?.find((v) => v.name === 'data')?.persistentVolumeClaim, { claimName: 'data-web-0' });
    // Not ready yet: web-1 must wait.
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(await podNames('web'), ['web-0']);
    await markReady('web-0');
    await waitForPods('web', ['web-0', 'web-1']);
    await markReady('web-1');
    await waitForPods('web', ['web-0', 'web-1', 'web-2']);
    await markReady('web-2');
    assert.deepEqual(await claimNames(), ['data-web-0', 'data-web-1', 'data-web-2']);
    const status = await waitFor('ready status', async () => {
      const s = await setStatus('web');
      return s.readyReplicas === 3 ? s : undefined;
    });
    assert.equal(status.replicas, 3);
    assert.equal(status.currentRevision, status.updateRevision);

    // Scale down to 1: web-2 goes first, then web-1; claims stay (Retain). A watch records the order of deletions.
    const deleted: string[] = [];
    const watcher = new Informer<PodView>(ctrl.client, { resource: resourceFor('', 'v1', 'pods')!, namespace: 'default' });
    watcher.addEventHandler({ onDelete: (p) => deleted.push(p.metadata.name) });
    const stopWatch = new AbortController();
    watcher.start(stopWatch.signal);
    await watcher.waitForSync();
    await api.request('PATCH', '/apis/apps/v1/namespaces/default/statefulsets/web', {
      body: { spec: { replicas: 1 } }, contentType: 'application/merge-patch+json',
    });
    await waitForPods('web', ['web-0']);
    await waitFor('deletions seen', async () => (deleted.length === 2 ? true : undefined));
    stopWatch.abort();
    assert.deepEqual(deleted, ['web-2', 'web-1']);
    assert.deepEqual(await claimNames(), ['data-web-0', 'data-web-1', 'data-web-2']);
  });

  it('rolls an update from the highest ordinal down to the partition', async () => {
    const res = await api.request('POST', '/apis/apps/v1/namespaces/default/statefulsets', {
      body: {
        metadata: { name: 'db' },
        spec: {
          replicas: 3, serviceName: 'db', podManagementPolicy: 'Parallel', selector: { matchLabels: { app: 'db' } },
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } },
          template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'db:1' }] } },
        },
      },
    });
    assert.equal(res.status, 201, res.text);
    // Parallel: all three at once, without waiting for readiness.
    await waitForPods('db', ['db-0', 'db-1', 'db-2']);
    for (const n of ['db-0', 'db-1', 'db-2']) await markReady(n);
    const oldHash = (await getPod('db-0')).metadata.labels['controller-revision-hash'];
    await api.request('PATCH', '/apis/apps/v1/namespaces/default/statefulsets/db', {
      body: { spec: { template: { spec: { containers: [{ name: 'c', image: 'db:2' }] } } } },
      contentType: 'application/strategic-merge-patch+json',
    });
    const hashOf = async (n: string): Promise<string | undefined> => (await api.request('GET', `/api/v1/namespaces/default/pods/${n}`)).body?.metadata?.labels?.['controller-revision-hash'];
    await waitFor('db-2 updated', async () => {
      const h = await hashOf('db-2');
      return h && h !== oldHash ? true : undefined;
    });
    assert.equal(await hashOf('db-1'), oldHash, 'db-1 waits for db-2 to be ready');
    await markReady('db-2');
    await waitFor('db-1 updated', async () => {
      const h = await hashOf('db-1');
      return h && h !== oldHash ? true : undefined;
    });
    await markReady('db-1');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await hashOf('db-0'), oldHash, 'db-0 is below the partition');
    const status = await waitFor('updated status', async () => {
      const s = await setStatus('db');
      return s.updatedReplicas === 2 ? s : undefined;
    });
    assert.notEqual(status.currentRevision, status.updateRevision);
    assert.equal(status.currentReplicas, 1);
  });
});
