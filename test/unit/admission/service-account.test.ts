// The ServiceAccount admission plugin's kube-api-access volume: added to created pods unless automount is off,
// mounted into every container without a mount at the token path, left out of mirror pods.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  admitServiceAccount, mountServiceAccountToken, randomVolumeName, shouldAutomount, tokenMountPath, tokenVolumeSource,
} from '../../../apiserver/admission/service-account.ts';
import { resourceFor } from '../../../apiserver/api/resources.ts';
import type { Pod, ServiceAccount, StoredObject } from '../../../apiserver/api/types.ts';
import type { AdmissionAttributes } from '../../../apiserver/registry/registry.ts';
import { openTestStore, tempDir } from '../storage/store-fixtures.ts';

const pod = (spec: Partial<Pod['spec']> = {}, annotations?: Record<string, string>): Pod => ({
  metadata: { name: 'p', namespace: 'team', ...(annotations ? { annotations } : {}) },
  spec: { serviceAccountName: 'default', containers: [{ name: 'a', image: 'busybox' }], ...spec },
});

describe('mountServiceAccountToken', () => {
  it('adds kube\'s projected volume and mounts it read-only in init and app containers', () => {
    const p = pod({ initContainers: [{ name: 'i', image: 'busybox' }] });
    mountServiceAccountToken(p, () => 'kube-api-access-abcde');
    assert.deepEqual(p.spec!.volumes, [{ name: 'kube-api-access-abcde', projected: tokenVolumeSource() }]);
    for (const c of [...p.spec!.initContainers!, ...p.spec!.containers]) {
      assert.deepEqual(c.volumeMounts, [{ name: 'kube-api-access-abcde', readOnly: true, mountPath: tokenMountPath }]);
    }
    assert.deepEqual(tokenVolumeSource(), {
      defaultMode: 0o644,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    });
  });

  it('a container with its own mount at the token path keeps it; if none needs the volume, none is added', () => {
    const own = { name: 'mine', mountPath: tokenMountPath };
    const p = pod({ volumes: [{ name: 'mine', emptyDir: {} }], containers: [{ name: 'a', image: 'x', volumeMounts: [own] }] });
    mountServiceAccountToken(p, () => 'kube-api-access-abcde');
    assert.deepEqual(p.spec!.containers[0].volumeMounts, [own]);
    assert.deepEqual(p.spec!.volumes, [{ name: 'mine', emptyDir: {} }]);
  });

  it('an existing kube-api-access volume is reused by name', () => {
    const p = pod({ volumes: [{ name: 'kube-api-access-zzzzz', projected: tokenVolumeSource() }] });
    mountServiceAccountToken(p, () => 'kube-api-access-new00');
    assert.equal(p.spec!.volumes!.length, 1);
    assert.equal(p.spec!.containers[0].volumeMounts![0].name, 'kube-api-access-zzzzz');
  });

  it('names are kube-api-access- and five characters of utilrand\'s alphabet', () => {
    for (let i = 0; i < 50; i++) assert.match(randomVolumeName(), /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('the pod\'s automountServiceAccountToken wins over the account\'s; the default is to mount', () => {
    const sa = (v?: boolean): ServiceAccount => ({ metadata: { name: 'default' }, ...(v === undefined ? {} : { automountServiceAccountToken: v }) });
    assert.equal(shouldAutomount(sa(), pod()), true);
    assert.equal(shouldAutomount(sa(false), pod()), false);
    assert.equal(shouldAutomount(sa(false), pod({ automountServiceAccountToken: true })), true);
    assert.equal(shouldAutomount(sa(true), pod({ automountServiceAccountToken: false })), false);
  });
});

describe('admitServiceAccount', async () => {
  const dir = tempDir();
  const store = await openTestStore(dir.dbPath);
  after(async () => {
    await store.close();
    dir.remove();
  });
  const pods = resourceFor('', 'v1', 'pods')!;
  const create = (p: Pod, namespace = 'team'): AdmissionAttributes => ({
    operation: 'CREATE', ri: pods, namespace, name: 'p', subresource: '', object: p as never,
  });
  const putSA = (namespace: string, name: string, extra: Partial<ServiceAccount> = {}) => store.create(`/registry/core/serviceaccounts/${namespace}/${name}`, {
    apiVersion: 'v1', kind: 'ServiceAccount', ...extra,
    metadata: { name, namespace, uid: `${namespace}-${name}`, resourceVersion: '', creationTimestamp: '2025-01-01T00:00:00Z' },
  } as StoredObject);
  const noWait = async () => {};

  it('no ServiceAccount (no serviceaccount controller in this cluster): the pod is admitted unchanged', async () => {
    const p = pod();
    await admitServiceAccount(store, create(p), { sleep: noWait });
    assert.equal(p.spec!.volumes, undefined);
  });

  it('with the account: the volume is added, and its imagePullSecrets when the pod has none', async () => {
    await putSA('team', 'default', { imagePullSecrets: [{ name: 'regcred' }] });
    const p = pod();
    await admitServiceAccount(store, create(p), { sleep: noWait });
    assert.match(p.spec!.volumes![0].name, /^kube-api-access-/);
    assert.deepEqual(p.spec!.imagePullSecrets, [{ name: 'regcred' }]);
  });

  it('an account with automountServiceAccountToken: false gets no volume', async () => {
    await putSA('team', 'quiet', { automountServiceAccountToken: false });
    const p = pod({ serviceAccountName: 'quiet' });
    await admitServiceAccount(store, create(p), { sleep: noWait });
    assert.equal(p.spec!.volumes, undefined);
  });

  it('mirror pods, updates and other kinds are left alone', async () => {
    const mirror = pod({}, { 'kubernetes.io/config.mirror': 'abc' });
    await admitServiceAccount(store, create(mirror), { sleep: noWait });
    assert.equal(mirror.spec!.volumes, undefined);
    const updated = pod();
    await admitServiceAccount(store, { ...create(updated), operation: 'UPDATE' }, { sleep: noWait });
    assert.equal(updated.spec!.volumes, undefined);
  });

  it('where the serviceaccount controller runs, a pod waits briefly for its namespace\'s new default account', async () => {
    await putSA('kube-system', 'default');
    let slept = 0;
    const p = pod({}, undefined);
    await admitServiceAccount(store, create(p, 'fresh'), {
      sleep: async () => {
        slept++;
        if (slept === 3) await putSA('fresh', 'default');
      },
    });
    assert.equal(slept, 3);
    assert.match(p.spec!.volumes![0].name, /^kube-api-access-/);
    let gaveUp = 0;
    const q = pod();
    await admitServiceAccount(store, create(q, 'never'), { sleep: async () => { gaveUp++; } });
    assert.equal(gaveUp, 9, 'ten lookups in all, as kube');
    assert.equal(q.spec!.volumes, undefined);
  });
});
