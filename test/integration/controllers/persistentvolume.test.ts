// persistentvolume-binder-controller and the local-path provisioner against a real apiserver, with real kubectl.
// No kubelet runs: where a pod would have created a volume's directory (hostPath DirectoryOrCreate), the test
// creates it itself, to see the Delete reclaim remove it.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
let root: string;

before(async () => {
  api = await startApiserver();
  dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-pv-'));
  kubectl = kubectlFor(api.kubeconfig, { cacheDir: path.join(dir, 'cache') });
  root = path.join(dir, 'local-path');
  mkdirSync(root);
  ctrl = await runControllers(api, [controllerFactories['persistentvolume-binder-controller']], { settings: { localPathRoot: root } });
});
after(async () => {
  await ctrl.stop();
  await api.stop();
  api.cleanup();
  rmSync(dir, { recursive: true, force: true });
});


interface VolumeOpts {
  modes?: string[];
  policy?: 'Retain' | 'Delete';
  path?: string;
  claimRef?: { namespace: string; name: string };
  storageClassName?: string;
}

async function createVolume(name: string, size: string, o: VolumeOpts = {}): Promise<void> {
  const res = await api.request('POST', '/api/v1/persistentvolumes', {
    body: {
      metadata: { name },
      spec: {
        capacity: { storage: size }, accessModes: o.modes ?? ['ReadWriteOnce'], persistentVolumeReclaimPolicy: o.policy ?? 'Retain',
        hostPath: { path: o.path ?? path.join(dir, 'static', name) },
        ...(o.claimRef ? { claimRef: o.claimRef } : {}),
        ...(o.storageClassName !== undefined ? { storageClassName: o.storageClassName } : {}),
      },
    },
  });
  assert.equal(res.status, 201, res.text);
}

/** Claims default to storageClassName "": static volumes only, no default class, no provisioning. */
async function createClaim(name: string, size: string, o: { modes?: string[]; volumeName?: string; storageClassName?: string | null } = {}): Promise<any> {
  const cls = o.storageClassName === undefined ? '' : o.storageClassName;
  const res = await api.request('POST', '/api/v1/namespaces/default/persistentvolumeclaims', {
    body: {
      metadata: { name },
      spec: {
        accessModes: o.modes ?? ['ReadWriteOnce'], resources: { requests: { storage: size } },
        ...(cls !== null ? { storageClassName: cls } : {}),
        ...(o.volumeName ? { volumeName: o.volumeName } : {}),
      },
    },
  });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

async function getVolume(name: string): Promise<any> {
  const res = await api.request('GET', `/api/v1/persistentvolumes/${name}`);
  return res.status === 200 ? res.body : undefined;
}

async function getClaim(name: string): Promise<any> {
  const res = await api.request('GET', `/api/v1/namespaces/default/persistentvolumeclaims/${name}`);
  return res.status === 200 ? res.body : undefined;
}

async function waitForClaimBound(name: string): Promise<any> {
  return waitFor(`claim ${name} Bound`, async () => {
    const c = await getClaim(name);
    return c?.status?.phase === 'Bound' ? c : undefined;
  }, 15_000);
}

async function waitForVolumePhase(name: string, phase: string): Promise<any> {
  return waitFor(`volume ${name} ${phase}`, async () => {
    const v = await getVolume(name);
    return v?.status?.phase === phase ? v : undefined;
  }, 15_000);
}

async function waitForEvent(objectName: string, reason: string): Promise<any> {
  return waitFor(`${reason} event for ${objectName}`, async () => {
    const res = await api.request('GET', '/api/v1/namespaces/default/events');
    return (res.body.items as any[]).find((e) => e.involvedObject?.name === objectName && e.reason === reason);
  }, 15_000);
}

async function deleteClaim(name: string): Promise<void> {
  const res = await api.request('DELETE', `/api/v1/namespaces/default/persistentvolumeclaims/${name}`);
  assert.equal(res.status, 200, res.text);
}

describe('persistentvolume-binder-controller', () => {
  it('creates the local-path StorageClass at start, as the default class', async () => {
    const sc = await waitFor('the local-path class', async () => {
      const res = await api.request('GET', '/apis/storage.k8s.io/v1/storageclasses/local-path');
      return res.status === 200 ? res.body : undefined;
    });
    assert.equal(sc.provisioner, 'skiff.io/local-path');
    assert.deepEqual([sc.reclaimPolicy, sc.volumeBindingMode], ['Delete', 'Immediate']);
    assert.equal(sc.metadata.annotations['storageclass.kubernetes.io/is-default-class'], 'true');
  });

  it('binds a claim to the smallest Available volume that fits, both ways, as kube records it', async () => {
    await createVolume('static-1g', '1Gi');
    await createVolume('static-2g', '2Gi');
    await createVolume('static-5g', '5Gi');
    // A new volume is Pending until the binder has seen it; only Available ones are matched.
    for (const name of ['static-1g', 'static-2g', 'static-5g']) await waitForVolumePhase(name, 'Available');
    const created = await createClaim('web-data', '1500Mi');
    const claim = await waitForClaimBound('web-data');
    assert.equal(claim.spec.volumeName, 'static-2g');
    assert.equal(claim.spec.storageClassName, '', 'an explicit "" is kept: no default class');
    assert.deepEqual(claim.status.capacity, { storage: '2Gi' });
    assert.deepEqual(claim.status.accessModes, ['ReadWriteOnce']);
    assert.equal(claim.metadata.annotations['pv.kubernetes.io/bind-completed'], 'yes');
    assert.equal(claim.metadata.annotations['pv.kubernetes.io/bound-by-controller'], 'yes');
    const pv = await waitForVolumePhase('static-2g', 'Bound');
    assert.deepEqual([pv.spec.claimRef.namespace, pv.spec.claimRef.name, pv.spec.claimRef.uid], ['default', 'web-data', created.metadata.uid]);
    assert.equal(pv.metadata.annotations['pv.kubernetes.io/bound-by-controller'], 'yes');
    assert.equal((await getVolume('static-1g')).status.phase, 'Available');
  });

  it('leaves a claim no volume satisfies Pending, with kube\'s FailedBinding event', async () => {
    await createClaim('shared', '1Gi', { modes: ['ReadWriteMany'] });
    const event = await waitForEvent('shared', 'FailedBinding');
    assert.equal(event.message, 'no persistent volumes available for this claim and no storage class is set');
    assert.equal(event.source.component, 'persistentvolume-binder-controller');
    assert.equal((await getClaim('shared')).status.phase, 'Pending');
    // A volume that offers the mode arrives: the waiting claim takes it.
    await createVolume('static-rwx', '1Gi', { modes: ['ReadWriteOnce', 'ReadWriteMany'] });
    assert.equal((await waitForClaimBound('shared')).spec.volumeName, 'static-rwx');
  });

  it('honours a claim pre-bound to a volume and a volume pre-bound to a claim', async () => {
    await createVolume('wanted', '3Gi');
    await createClaim('picky', '1Gi', { volumeName: 'wanted' });
    const picky = await waitForClaimBound('picky');
    assert.equal(picky.spec.volumeName, 'wanted');
    // The user chose the volume: the claim is not marked bound-by-controller (the volume is: the binder wrote its claimRef).
    assert.equal(picky.metadata.annotations['pv.kubernetes.io/bound-by-controller'], undefined);

    await createVolume('reserved', '4Gi', { claimRef: { namespace: 'default', name: 'vip' } });
    await createClaim('vip', '1Gi');
    const vip = await waitForClaimBound('vip');
    assert.equal(vip.spec.volumeName, 'reserved', 'the reserved volume, though static-1g is smaller');
    const reserved = await waitForVolumePhase('reserved', 'Bound');
    assert.equal(reserved.spec.claimRef.uid, vip.metadata.uid);
    assert.equal(reserved.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], undefined);
  });

  it('a deleted claim releases its volume: Retain keeps it Released, Delete removes it and its directory', async () => {
    await deleteClaim('web-data');
    const released = await waitForVolumePhase('static-2g', 'Released');
    assert.equal(released.spec.claimRef.name, 'web-data', 'a Released volume keeps its claimRef');

    const volumeDir = path.join(root, 'static-delete');
    mkdirSync(volumeDir);
    writeFileSync(path.join(volumeDir, 'data'), 'bye');
    await createVolume('static-delete', '8Gi', { policy: 'Delete', path: volumeDir });
    await createClaim('scratch', '8Gi');
    assert.equal((await waitForClaimBound('scratch')).spec.volumeName, 'static-delete');
    await deleteClaim('scratch');
    await waitFor('static-delete gone', async () => ((await getVolume('static-delete')) ? undefined : true), 15_000);
    assert.equal(existsSync(volumeDir), false);
  });

  it('never deletes a directory outside the local-path root: the volume goes Failed instead', async () => {
    const elsewhere = path.join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    writeFileSync(path.join(elsewhere, 'precious'), 'keep');
    await createVolume('outside', '9Gi', { policy: 'Delete', path: elsewhere });
    await createClaim('outsider', '9Gi');
    await waitForClaimBound('outsider');
    await deleteClaim('outsider');
    const failed = await waitForVolumePhase('outside', 'Failed');
    assert.match(failed.status.message, /host_path deleter only supports/);
    const event = await waitForEvent('outside', 'VolumeFailedDelete');
    assert.equal(event.type, 'Warning');
    assert.equal(existsSync(path.join(elsewhere, 'precious')), true);
  });

  it('provisions a local-path volume for a claim without a class (the default), binds it, deletes it with the claim', async () => {
    const created = await createClaim('db', '256Mi', { storageClassName: null });
    assert.equal(created.spec.storageClassName, 'local-path', 'the DefaultStorageClass admission plugin names the default class');
    const claim = await waitForClaimBound('db');
    const pvName = `pvc-${created.metadata.uid}`;
    assert.equal(claim.spec.volumeName, pvName);
    assert.deepEqual(claim.status.capacity, { storage: '256Mi' });
    assert.equal(claim.metadata.annotations['volume.kubernetes.io/storage-provisioner'], 'skiff.io/local-path');
    const pv = await waitForVolumePhase(pvName, 'Bound');
    const volumeDir = path.join(root, `${pvName}_default_db`);
    assert.deepEqual(pv.spec.hostPath, { path: volumeDir, type: 'DirectoryOrCreate' });
    assert.equal(pv.spec.persistentVolumeReclaimPolicy, 'Delete');
    assert.equal(pv.spec.storageClassName, 'local-path');
    assert.equal(pv.metadata.annotations['pv.kubernetes.io/provisioned-by'], 'skiff.io/local-path');
    const event = await waitForEvent('db', 'ProvisioningSucceeded');
    assert.equal(event.message, `Successfully provisioned volume ${pvName} using skiff.io/local-path`);

    const pvcTable = await kubectl('get', 'pvc', 'db');
    assert.match(pvcTable, /^NAME\s+STATUS\s+VOLUME\s+CAPACITY\s+ACCESS MODES\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+AGE$/m);
    assert.match(pvcTable, new RegExp(`^db\\s+Bound\\s+${pvName}\\s+256Mi\\s+RWO\\s+local-path\\s+<unset>\\s+\\d+s$`, 'm'));

    // What the kubelet would have made when a pod mounted the volume.
    mkdirSync(path.join(volumeDir, 'pgdata'), { recursive: true });
    writeFileSync(path.join(volumeDir, 'pgdata', 'table'), 'rows');
    await deleteClaim('db');
    await waitFor(`${pvName} gone`, async () => ((await getVolume(pvName)) ? undefined : true), 15_000);
    assert.equal(existsSync(volumeDir), false);
  });

  it('kubectl get sc,pv,pvc prints kube\'s tables', async () => {
    const sc = await kubectl('get', 'sc');
    assert.match(sc, /^NAME\s+PROVISIONER\s+RECLAIMPOLICY\s+VOLUMEBINDINGMODE\s+ALLOWVOLUMEEXPANSION\s+AGE$/m);
    assert.match(sc, /^local-path \(default\)\s+skiff\.io\/local-path\s+Delete\s+Immediate\s+false\s+\d+s$/m);
    const all = await kubectl('get', 'sc,pv,pvc');
    assert.match(all, /^storageclass\.storage\.k8s\.io\/local-path \(default\)\s+skiff\.io\/local-path\s+Delete\s+Immediate\s+false\s+\d+s$/m);
    assert.match(all, /^NAME\s+CAPACITY\s+ACCESS MODES\s+RECLAIM POLICY\s+STATUS\s+CLAIM\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+REASON\s+AGE$/m);
    assert.match(all, /^persistentvolume\/static-2g\s+2Gi\s+RWO\s+Retain\s+Released\s+default\/web-data\s+<unset>\s+\d+s$/m);
    assert.match(all, /^persistentvolume\/static-1g\s+1Gi\s+RWO\s+Retain\s+Available\s+<unset>\s+\d+s$/m);
    assert.match(all, /^persistentvolumeclaim\/vip\s+Bound\s+reserved\s+4Gi\s+RWO\s+<unset>\s+\d+s$/m);
    assert.match(all, /^persistentvolumeclaim\/picky\s+Bound\s+wanted\s+3Gi\s+RWO\s+<unset>\s+\d+s$/m);
  });
});
