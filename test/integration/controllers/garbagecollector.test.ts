// garbage-collector-controller against a real apiserver, with the deployment and replicaset controllers making a
// real chain of owners (Deployment -> ReplicaSet -> pods) and real kubectl deleting with each --cascade mode.
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

before(async () => {
  api = await startApiserver();
  dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-gc-'));
  kubectl = kubectlFor(api.kubeconfig, { cacheDir: path.join(dir, 'cache') });
  ctrl = await runControllers(api, ['garbage-collector-controller', 'deployment-controller', 'replicaset-controller']
    .map((n) => controllerFactories[n]));
});
after(async () => {
  await ctrl.stop();
  await api.stop();
  api.cleanup();
  rmSync(dir, { recursive: true, force: true });
});


async function count(listPath: string): Promise<number> {
  const res = await api.request('GET', listPath);
  assert.equal(res.status, 200, res.text);
  return (res.body.items as unknown[]).length;
}

const podsOf = (app: string): string => `/api/v1/namespaces/default/pods?labelSelector=app%3D${app}`;
const replicaSetsOf = (app: string): string => `/apis/apps/v1/namespaces/default/replicasets?labelSelector=app%3D${app}`;

async function createDeployment(name: string, replicas = 2): Promise<void> {
  const res = await api.request('POST', '/apis/apps/v1/namespaces/default/deployments', {
    body: {
      metadata: { name },
      spec: {
        replicas, selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
      },
    },
  });
  assert.equal(res.status, 201, res.text);
  await waitFor(`${name}'s pods`, async () => ((await count(podsOf(name))) === replicas ? true : undefined), 20_000);
}

async function gone(what: string, listPath: string): Promise<void> {
  await waitFor(what, async () => ((await count(listPath)) === 0 ? true : undefined), 20_000);
}

async function configMap(name: string, ownerReferences: unknown[] = []): Promise<{ uid: string }> {
  const res = await api.request('POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name, ownerReferences } } });
  assert.equal(res.status, 201, res.text);
  return { uid: res.body.metadata.uid as string };
}

const ownedBy = (name: string, uid: string, extra: Record<string, unknown> = {}): Record<string, unknown> =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', name, uid, ...extra });

describe('garbage-collector-controller', () => {
  it('background (kubectl delete deployment): ReplicaSets and pods follow the Deployment', async () => {
    await createDeployment('bg');
    assert.match(await kubectl('delete', 'deployment', 'bg'), /deleted/);
    await gone('bg ReplicaSets', replicaSetsOf('bg'));
    await gone('bg pods', podsOf('bg'));
  });

  it('foreground: the Deployment stays, with its finalizer, until its dependents are gone', async () => {
    await createDeployment('fg');
    await kubectl('delete', 'deployment', 'fg', '--cascade=foreground', '--wait=false');
    await gone('fg pods', podsOf('fg'));
    await gone('fg ReplicaSets', replicaSetsOf('fg'));
    await waitFor('fg Deployment gone', async () => {
      const res = await api.request('GET', '/apis/apps/v1/namespaces/default/deployments/fg');
      return res.status === 404 ? true : undefined;
    }, 20_000);
  });

  it('foreground waits for a blocking dependent that holds a finalizer', async () => {
    const owner = await configMap('fg-owner');
    const res = await api.request('POST', '/api/v1/namespaces/default/configmaps', {
      body: { metadata: { name: 'fg-held', finalizers: ['example.com/hold'], ownerReferences: [ownedBy('fg-owner', owner.uid, { blockOwnerDeletion: true })] } },
    });
    assert.equal(res.status, 201, res.text);
    const del = await api.request('DELETE', '/api/v1/namespaces/default/configmaps/fg-owner', { body: { propagationPolicy: 'Foreground' } });
    assert.equal(del.status, 200, del.text);
    await waitFor('dependent marked for deletion', async () => {
      const d = await api.request('GET', '/api/v1/namespaces/default/configmaps/fg-held');
      return d.body.metadata.deletionTimestamp ? true : undefined;
    }, 20_000);
    await new Promise((r) => setTimeout(r, 500));
    const still = await api.request('GET', '/api/v1/namespaces/default/configmaps/fg-owner');
    assert.equal(still.status, 200, 'the owner waits for its blocking dependent');
    assert.deepEqual(still.body.metadata.finalizers, ['foregroundDeletion']);
    const release = await api.request('PATCH', '/api/v1/namespaces/default/configmaps/fg-held', {
      body: { metadata: { finalizers: null } }, contentType: 'application/merge-patch+json',
    });
    assert.equal(release.status, 200, release.text);
    await waitFor('owner gone', async () => {
      const r = await api.request('GET', '/api/v1/namespaces/default/configmaps/fg-owner');
      return r.status === 404 ? true : undefined;
    }, 20_000);
  });

  it('orphan (kubectl delete rs --cascade=orphan): pods stay, without the ownerReference', async () => {
    const res = await api.request('POST', '/apis/apps/v1/namespaces/default/replicasets', {
      body: {
        metadata: { name: 'orph' },
        spec: {
          replicas: 2, selector: { matchLabels: { app: 'orph' } },
          template: { metadata: { labels: { app: 'orph' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
        },
      },
    });
    assert.equal(res.status, 201, res.text);
    await waitFor('orph pods', async () => ((await count(podsOf('orph'))) === 2 ? true : undefined), 20_000);
    await kubectl('delete', 'rs', 'orph', '--cascade=orphan');
    await gone('orph ReplicaSet', replicaSetsOf('orph'));
    const pods = await waitFor('orphans released', async () => {
      const list = await api.request('GET', podsOf('orph'));
      const items = list.body.items as { metadata: { ownerReferences?: unknown[] } }[];
      return items.length === 2 && items.every((p) => (p.metadata.ownerReferences ?? []).length === 0) ? items : undefined;
    }, 20_000);
    assert.equal(pods.length, 2);
  });

  it('deletes an object created with an owner that does not exist', async () => {
    await configMap('dangling', [ownedBy('nobody', '00000000-0000-0000-0000-000000000000')]);
    await waitFor('dangling deleted', async () => {
      const r = await api.request('GET', '/api/v1/namespaces/default/configmaps/dangling');
      return r.status === 404 ? true : undefined;
    }, 20_000);
  });

  it('keeps an object that still has another owner, dropping the reference to the deleted one', async () => {
    const a = await configMap('owner-a');
    const b = await configMap('owner-b');
    await configMap('shared', [ownedBy('owner-a', a.uid), ownedBy('owner-b', b.uid)]);
    const del = await api.request('DELETE', '/api/v1/namespaces/default/configmaps/owner-a');
    assert.equal(del.status, 200, del.text);
    const shared = await waitFor('reference to owner-a removed', async () => {
      const r = await api.request('GET', '/api/v1/namespaces/default/configmaps/shared');
      const refs = (r.body.metadata?.ownerReferences ?? []) as { name: string }[];
      return r.status === 200 && refs.length === 1 ? refs : undefined;
    }, 20_000);
    assert.equal(shared[0].name, 'owner-b');
  });
});
