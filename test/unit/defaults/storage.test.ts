// Defaults of PersistentVolumes and PersistentVolumeClaims.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultPersistentVolume, defaultPersistentVolumeClaim } from '../../../apiserver/api/defaults/storage.ts';
import type { PersistentVolume, PersistentVolumeClaim } from '../../../apiserver/api/types.ts';
import { assertIdempotent } from './defaults-helpers.ts';

describe('PersistentVolume defaults', () => {
  const minimal = (): PersistentVolume => ({ metadata: { name: 'pv' }, spec: { capacity: { storage: '1.5Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/srv' } } });
  it('retains data, mounts a filesystem and starts Pending', () => {
    const pv = minimal();
    defaultPersistentVolume(pv);
    assert.equal(pv.spec!.persistentVolumeReclaimPolicy, 'Retain');
    assert.equal(pv.spec!.volumeMode, 'Filesystem');
    assert.equal(pv.spec!.hostPath!.type, '');
    assert.equal(pv.status?.phase, 'Pending');
    assert.deepEqual(pv.spec!.capacity, { storage: '1536Mi' });
  });
  it('is idempotent', () => assertIdempotent(defaultPersistentVolume, minimal()));
});

describe('PersistentVolumeClaim defaults', () => {
  const minimal = (): PersistentVolumeClaim => ({ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
  it('mounts a filesystem and starts Pending', () => {
    const pvc = minimal();
    defaultPersistentVolumeClaim(pvc);
    assert.equal(pvc.spec!.volumeMode, 'Filesystem');
    assert.equal(pvc.status?.phase, 'Pending');
  });
  it('keeps Block', () => {
    const pvc = minimal();
    pvc.spec!.volumeMode = 'Block';
    defaultPersistentVolumeClaim(pvc);
    assert.equal(pvc.spec!.volumeMode, 'Block');
  });
  it('is idempotent', () => assertIdempotent(defaultPersistentVolumeClaim, minimal()));
});
