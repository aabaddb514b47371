// The ResourceQuota admission plugin against a real store: creates racing for the last slot (exactly one wins),
// a quota changed under the plugin between its read and its write (it reads again), dry runs charging nothing.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { admitResourceQuota } from '../../../apiserver/admission/resource-quota.ts';
import { ApiError } from '../../../apiserver/api/errors.ts';
import { resourceFor } from '../../../apiserver/api/resources.ts';
import type { Pod, ResourceQuota, StoredObject } from '../../../apiserver/api/types.ts';
import type { AdmissionAttributes } from '../../../apiserver/registry/registry.ts';
import type { Store } from '../../../apiserver/storage/store.ts';
import { openTestStore, tempDir } from '../storage/store-fixtures.ts';

const pods = resourceFor('', 'v1', 'pods')!;
const configMaps = resourceFor('', 'v1', 'configmaps')!;

const podNamed = (name: string, namespace: string): Pod => ({
  metadata: { name, namespace }, spec: { containers: [{ name: 'app', image: 'x', resources: { requests: { cpu: '100m' }, limits: { cpu: '100m' } } }] },
});
const createPod = (name: string, namespace: string): AdmissionAttributes => ({
  operation: 'CREATE', ri: pods, namespace, name, subresource: '', object: podNamed(name, namespace) as never,
});

async function putQuota(store: Store, namespace: string, name: string, hard: Record<string, string>, used: Record<string, string>): Promise<void> {
  await store.create(`/registry/core/resourcequotas/${namespace}/${name}`, {
    apiVersion: 'v1', kind: 'ResourceQuota',
    metadata: { name, namespace, uid: `${namespace}-${name}`, resourceVersion: '', creationTimestamp: '2025-01-01T00:00:00Z' },
    spec: { hard }, status: { hard, used },
  } as StoredObject);
}

async function usedOf(store: Store, namespace: string, name: string): Promise<Record<string, string> | undefined> {
  const q = await store.get(`/registry/core/resourcequotas/${namespace}/${name}`) as (StoredObject & ResourceQuota) | undefined;
  return q?.status?.used;
}

const forbidden = (message: string) => (e: unknown) => e instanceof ApiError && e.code === 403 && e.message === message;

describe('admitResourceQuota', async () => {
  const dir = tempDir();
  const store = await openTestStore(dir.dbPath);
  after(async () => {
    await store.close();
    dir.remove();
  });

  it('charges the quota on admit and refuses the pod past the limit with kube\'s message', async () => {
    await putQuota(store, 'a', 'q', { pods: '2' }, { pods: '0' });
    await admitResourceQuota(store, createPod('p1', 'a'));
    await admitResourceQuota(store, createPod('p2', 'a'));
    assert.deepEqual(await usedOf(store, 'a', 'q'), { pods: '2' });
    await assert.rejects(admitResourceQuota(store, createPod('p3', 'a')),
      forbidden('pods "p3" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2'));
    assert.deepEqual(await usedOf(store, 'a', 'q'), { pods: '2' });
  });

  it('of ten creates racing for the last slot exactly one is admitted', async () => {
    await putQuota(store, 'race', 'q', { pods: '3', 'requests.cpu': '10' }, { pods: '2', 'requests.cpu': '200m' });
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => admitResourceQuota(store, createPod(`p${i}`, 'race'))));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) {
      if (r.status === 'rejected') assert.match((r.reason as Error).message, /exceeded quota: q, requested: pods=1, used: pods=3, limited: pods=3$/);
    }
    assert.deepEqual(await usedOf(store, 'race', 'q'), { pods: '3', 'requests.cpu': '300m' });
  });

  it('a quota written by someone else between read and write is read again (compare-and-swap)', async () => {
    await putQuota(store, 'cas', 'q', { pods: '2' }, { pods: '0' });
    // The controller records a pod this admission has not seen, just before the admission's own write lands.
    let interfered = false;
    const racing: Store = Object.create(store, {
      update: {
        value: async (key: string, obj: StoredObject, rv?: number) => {
          if (!interfered && key.endsWith('/cas/q')) {
            interfered = true;
            const current = (await store.get(key))!;
            await store.update(key, { ...structuredClone(current), status: { hard: { pods: '2' }, used: { pods: '2' } } } as StoredObject,
              Number(current.metadata.resourceVersion));
          }
          return store.update(key, obj, rv);
        },
      },
    });
    await assert.rejects(admitResourceQuota(racing, createPod('late', 'cas')),
      forbidden('pods "late" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2'));
    assert.equal(interfered, true);
    assert.deepEqual(await usedOf(store, 'cas', 'q'), { pods: '2' });
  });

  it('a dry run is checked but charges nothing; other namespaces and ignored kinds are not affected', async () => {
    await putQuota(store, 'dry', 'q', { 'count/configmaps': '1', configmaps: '1' }, { 'count/configmaps': '0', configmaps: '0' });
    const cm = (name: string): AdmissionAttributes => ({
      operation: 'CREATE', ri: configMaps, namespace: 'dry', name, subresource: '', object: { metadata: { name } },
    });
    await admitResourceQuota(store, { ...cm('one'), dryRun: true });
    assert.deepEqual(await usedOf(store, 'dry', 'q'), { 'count/configmaps': '0', configmaps: '0' });
    await admitResourceQuota(store, cm('one'));
    assert.deepEqual(await usedOf(store, 'dry', 'q'), { 'count/configmaps': '1', configmaps: '1' });
    await assert.rejects(admitResourceQuota(store, cm('two')), forbidden(
      'configmaps "two" is forbidden: exceeded quota: q, requested: configmaps=1,count/configmaps=1, used: configmaps=1,count/configmaps=1, limited: configmaps=1,count/configmaps=1'));
    await admitResourceQuota(store, { ...cm('elsewhere'), namespace: 'other' });
    await admitResourceQuota(store, { ...cm('status'), subresource: 'status', operation: 'UPDATE' });
  });
});
