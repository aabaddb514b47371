// namespace-controller and serviceaccount-controller against a real apiserver, with the workload controllers and
// the garbage collector running beside them and real kubectl deleting namespaces. No kubelet runs, so pods are
// never scheduled and go at once when deleted, unless a finalizer holds them.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { controllerFactories } from '../../../controllers/all.ts';
import { kubectlFor, type Kubectl } from '../../helpers/kubectl.ts';
import { startApiserver, type ApiResponse, type TestApiserver } from '../../helpers/apiserver.ts';
import { waitFor } from '../../helpers/component.ts';
import { runControllers, type RunningControllers } from './harness.ts';

let api: TestApiserver;
let ctrl: RunningControllers;
let dir: string;
let kubectl: Kubectl;

before(async () => {
  api = await startApiserver();
  dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-ns-'));
  kubectl = kubectlFor(api.kubeconfig, { cacheDir: path.join(dir, 'cache') });
  ctrl = await runControllers(api, ['namespace-controller', 'serviceaccount-controller', 'garbage-collector-controller',
    'deployment-controller', 'replicaset-controller'].map((n) => controllerFactories[n]));
});
after(async () => {
  await ctrl.stop();
  await api.stop();
  api.cleanup();
  rmSync(dir, { recursive: true, force: true });
});


async function ok(res: Promise<ApiResponse>, status = 201): Promise<any> {
  const r = await res;
  assert.equal(r.status, status, r.text);
  return r.body;
}

async function names(listPath: string): Promise<string[]> {
  const body = await ok(api.request('GET', listPath), 200);
  return (body.items as { metadata: { name: string } }[]).map((i) => i.metadata.name).sort();
}

const configMap = (ns: string, name: string, finalizers?: string[]): Promise<any> =>
  ok(api.request('POST', `/api/v1/namespaces/${ns}/configmaps`, { body: { metadata: { name, finalizers }, data: { k: 'v' } } }));

const pod = (ns: string, name: string, finalizers?: string[]): Promise<any> =>
  ok(api.request('POST', `/api/v1/namespaces/${ns}/pods`, {
    body: { metadata: { name, finalizers }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
  }));

async function deployment(ns: string, name: string, replicas: number): Promise<void> {
  await ok(api.request('POST', `/apis/apps/v1/namespaces/${ns}/deployments`, {
    body: {
      metadata: { name },
      spec: {
        replicas, selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
      },
    },
  }));
  await waitFor(`${name}'s pods`, async () =>
    ((await names(`/api/v1/namespaces/${ns}/pods?labelSelector=app%3D${name}`)).length === replicas ? true : undefined), 20_000);
}

async function namespace(name: string): Promise<any | undefined> {
  const res = await api.request('GET', `/api/v1/namespaces/${name}`);
  if (res.status === 404) return undefined;
  assert.equal(res.status, 200, res.text);
  return res.body;
}

const condition = (ns: any, type: string): { status: string; reason: string; message: string } | undefined =>
  (ns?.status?.conditions ?? []).find((c: { type: string }) => c.type === type);

async function releaseFinalizers(listPath: string, name: string): Promise<void> {
  await ok(api.request('PATCH', `${listPath}/${name}`, {
    body: { metadata: { finalizers: null } }, contentType: 'application/merge-patch+json',
  }), 200);
}

async function gone(name: string, timeoutMs = 20_000): Promise<void> {
  await waitFor(`namespace ${name} to be gone`, async () => ((await namespace(name)) === undefined ? true : undefined), timeoutMs);
}

describe('serviceaccount-controller', () => {
  it('every namespace, the system ones too, gets a default ServiceAccount', async () => {
    await kubectl('create', 'namespace', 'team-a');
    for (const ns of ['team-a', 'default', 'kube-system']) {
      await waitFor(`default ServiceAccount in ${ns}`, async () =>
        ((await names(`/api/v1/namespaces/${ns}/serviceaccounts`)).includes('default') ? true : undefined));
    }
    assert.match(await kubectl('get', 'serviceaccount', 'default', '-n', 'team-a'), /^default\s/m);
  });

  it('makes it again after it is deleted', async () => {
    const before = await ok(api.request('GET', '/api/v1/namespaces/team-a/serviceaccounts/default'), 200);
    assert.match(await kubectl('delete', 'serviceaccount', 'default', '-n', 'team-a'), /deleted/);
    const after = await waitFor('a new default ServiceAccount', async () => {
      const res = await api.request('GET', '/api/v1/namespaces/team-a/serviceaccounts/default');
      return res.status === 200 && res.body.metadata.uid !== before.metadata.uid ? res.body : undefined;
    });
    assert.equal(after.metadata.name, 'default');
  });

  it('a pod that names no account runs as default; one that names its own keeps it', async () => {
    const plain = await pod('team-a', 'plain');
    assert.equal(plain.spec.serviceAccountName, 'default');
    assert.equal(plain.spec.serviceAccount, 'default');
    const own = await ok(api.request('POST', '/api/v1/namespaces/team-a/pods', {
      body: { metadata: { name: 'own' }, spec: { serviceAccountName: 'builder', containers: [{ name: 'c', image: 'busybox' }] } },
    }));
    assert.equal(own.spec.serviceAccountName, 'builder');
  });
});

describe('namespace-controller', () => {
  it('kubectl delete namespace waits until the namespace is empty and gone', async () => {
    await kubectl('create', 'namespace', 'quick');
    await configMap('quick', 'a');
    await configMap('quick', 'b');
    await pod('quick', 'p');
    // kubectl waits for the namespace itself to go, which needs the controller to empty and finalize it.
    assert.match(await kubectl('delete', 'namespace', 'quick', '--timeout=30s'), /namespace "quick" deleted/);
    assert.equal(await namespace('quick'), undefined);
  });

  it('deletes pods first, waits for pods held by finalizers, then everything else, then the namespace', async () => {
    await kubectl('create', 'namespace', 'doomed');
    await waitFor('default ServiceAccount in doomed', async () =>
      ((await names('/api/v1/namespaces/doomed/serviceaccounts')).includes('default') ? true : undefined));
    await configMap('doomed', 'settings');
    await configMap('doomed', 'more');
    await pod('doomed', 'free');
    await pod('doomed', 'held', ['example.com/hold']);
    await deployment('doomed', 'web', 2);

    assert.match(await kubectl('delete', 'namespace', 'doomed', '--wait=false'), /namespace "doomed" deleted/);
    const terminating = await namespace('doomed');
    assert.equal(terminating.status.phase, 'Terminating');
    assert.ok(terminating.metadata.deletionTimestamp);
    assert.match(await kubectl('get', 'namespace', 'doomed'), /doomed\s+Terminating/);

    // Every pod goes but the held one; it keeps the rest of the namespace waiting, and the conditions say why.
    const waiting = await waitFor('conditions naming the held pod', async () => {
      const ns = await namespace('doomed');
      return condition(ns, 'NamespaceContentRemaining')?.message === 'Some resources are remaining: pods. has 1 resource instances' ? ns : undefined;
    }, 20_000);
    const remaining = condition(waiting, 'NamespaceContentRemaining')!;
    assert.equal(remaining.status, 'True');
    assert.equal(remaining.reason, 'SomeResourcesRemain');
    assert.equal(condition(waiting, 'NamespaceFinalizersRemaining')?.message,
      'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances');
    assert.equal(condition(waiting, 'NamespaceDeletionContentFailure')?.status, 'False');
    assert.deepEqual(await names('/api/v1/namespaces/doomed/pods'), ['held']);
    assert.deepEqual(await names('/api/v1/namespaces/doomed/configmaps'), ['more', 'settings'], 'pods go first');
    assert.deepEqual(await names('/apis/apps/v1/namespaces/doomed/deployments'), ['web']);
    assert.deepEqual((await namespace('doomed')).spec.finalizers, ['kubernetes']);

    // Nothing new gets in meanwhile, not even the ReplicaSet's replacement pods.
    const late = await api.request('POST', '/api/v1/namespaces/doomed/configmaps', { body: { metadata: { name: 'late' } } });
    assert.equal(late.status, 403, late.text);

    // A second delete changes nothing while the namespace is being emptied.
    assert.equal((await api.request('DELETE', '/api/v1/namespaces/doomed')).status, 200);
    assert.ok(await namespace('doomed'));

    await releaseFinalizers('/api/v1/namespaces/doomed/pods', 'held');
    await gone('doomed');
    await assert.rejects(kubectl('get', 'namespace', 'doomed'), /NotFound/);
    for (const list of ['/api/v1/namespaces/doomed/configmaps', '/api/v1/namespaces/doomed/serviceaccounts',
      '/apis/apps/v1/namespaces/doomed/deployments', '/apis/apps/v1/namespaces/doomed/replicasets', '/api/v1/namespaces/doomed/pods']) {
      assert.deepEqual(await names(list), [], list);
    }
  });

  it('waits for objects of any kind held by finalizers, looking again on its own', async () => {
    await kubectl('create', 'namespace', 'sticky');
    await configMap('sticky', 'kept', ['example.com/keep']);
    await configMap('sticky', 'plain');
    assert.match(await kubectl('delete', 'namespace', 'sticky', '--wait=false'), /deleted/);
    const waiting = await waitFor('conditions naming the held ConfigMap', async () => {
      const ns = await namespace('sticky');
      return condition(ns, 'NamespaceContentRemaining')?.status === 'True' ? ns : undefined;
    }, 20_000);
    assert.equal(condition(waiting, 'NamespaceContentRemaining')?.message, 'Some resources are remaining: configmaps. has 1 resource instances');
    assert.deepEqual(await names('/api/v1/namespaces/sticky/configmaps'), ['kept']);
    // No event reaches the controller when the ConfigMap goes: it finds out when it looks again.
    await releaseFinalizers('/api/v1/namespaces/sticky/configmaps', 'kept');
    await gone('sticky', 30_000);
  });

  it('the namespace may be recreated at once, and gets its default ServiceAccount again', async () => {
    await kubectl('create', 'namespace', 'doomed');
    await waitFor('default ServiceAccount in the new doomed', async () =>
      ((await names('/api/v1/namespaces/doomed/serviceaccounts')).includes('default') ? true : undefined));
    assert.equal((await namespace('doomed')).status.phase, 'Active');
  });
});
