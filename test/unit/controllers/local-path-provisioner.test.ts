// The local-path provisioner: the class it installs, the volume it makes for a claim, and the deletion that never
// leaves its root (checked on a real temporary directory, symlinks included).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PersistentVolumeClaim } from '../../../apiserver/api/types.ts';
import {
  isUnderRoot, localPathFor, localPathStorageClass, provisionedVolume, removeVolumeDirectory,
} from '../../../controllers/local-path-provisioner.ts';

const claim: PersistentVolumeClaim = {
  metadata: { name: 'data', namespace: 'web', uid: '1234-abcd', resourceVersion: '7' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } }, storageClassName: 'local-path', volumeMode: 'Filesystem' },
};

describe('local-path class', () => {
  it('is the default class unless the cluster has one', () => {
    const sc = localPathStorageClass(false);
    assert.deepEqual([sc.provisioner, sc.reclaimPolicy, sc.volumeBindingMode], ['skiff.io/local-path', 'Delete', 'Immediate']);
    assert.equal(sc.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'], 'true');
    assert.equal(localPathStorageClass(true).metadata?.annotations, undefined);
  });
});

describe('provisioned volume', () => {
  it('is pvc-<uid>: the claim\'s size and modes, a DirectoryOrCreate hostPath under the root, pre-bound to the claim', () => {
    const pv = provisionedVolume(claim, localPathStorageClass(false), '/var/lib/skiff/local-path');
    assert.equal(pv.metadata?.name, 'pvc-1234-abcd');
    assert.deepEqual(pv.metadata?.annotations, { 'pv.kubernetes.io/provisioned-by': 'skiff.io/local-path', 'pv.kubernetes.io/bound-by-controller': 'yes' });
    assert.deepEqual(pv.spec, {
      capacity: { storage: '2Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: 'local-path', volumeMode: 'Filesystem',
      hostPath: { path: '/var/lib/skiff/local-path/pvc-1234-abcd_web_data', type: 'DirectoryOrCreate' },
      claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: 'web', name: 'data', uid: '1234-abcd', resourceVersion: '7' },
    });
    assert.equal(localPathFor('/r', claim), '/r/pvc-1234-abcd_web_data');
  });
});

describe('isUnderRoot', () => {
  it('is strictly inside, by resolved path', () => {
    assert.equal(isUnderRoot('/r', '/r/a'), true);
    assert.equal(isUnderRoot('/r/', '/r/a/b'), true);
    assert.equal(isUnderRoot('/r', '/r'), false);
    assert.equal(isUnderRoot('/r', '/r2/a'), false);
    assert.equal(isUnderRoot('/r', '/r/../etc'), false);
    assert.equal(isUnderRoot('/r', '/'), false);
  });
});

describe('removeVolumeDirectory', () => {
  let dir: string;
  let root: string;
  let outside: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-localpath-'));
    root = path.join(dir, 'root');
    outside = path.join(dir, 'outside');
    mkdirSync(root);
    mkdirSync(outside);
    writeFileSync(path.join(outside, 'precious'), 'keep me');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('removes a volume directory and what is in it, but not what its links point at', async () => {
    const vol = path.join(root, 'pvc-1_default_data');
    mkdirSync(path.join(vol, 'sub'), { recursive: true });
    writeFileSync(path.join(vol, 'sub', 'file'), 'x');
    symlinkSync(outside, path.join(vol, 'link-out'));
    await removeVolumeDirectory(root, vol);
    assert.equal(existsSync(vol), false);
    assert.equal(existsSync(path.join(outside, 'precious')), true);
  });

  it('is done when the directory never existed (no pod mounted the volume)', async () => {
    await removeVolumeDirectory(root, path.join(root, 'pvc-never'));
  });

  it('refuses paths outside the root, and links under it that lead out', async () => {
    await assert.rejects(removeVolumeDirectory(root, outside), /not under the local-path root/);
    symlinkSync(outside, path.join(root, 'pvc-evil'));
    await assert.rejects(removeVolumeDirectory(root, path.join(root, 'pvc-evil')), /outside the local-path root/);
    assert.equal(existsSync(path.join(outside, 'precious')), true);
  });
});
