import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../../apiserver/api/types.ts';
import { persistentVolumePrinter } from '../../../apiserver/server/printers/persistentvolume.ts';
import { persistentVolumeClaimPrinter } from '../../../apiserver/server/printers/persistentvolumeclaim.ts';
import { storageClassPrinter } from '../../../apiserver/server/printers/storageclass.ts';
import { accessModesCell } from '../../../apiserver/server/printers/volume-cells.ts';
import { ago, columnNames, row } from './helpers.ts';

describe('access modes', () => {
  it('abbreviates in a fixed order, each once', () => {
    assert.equal(accessModesCell(['ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOnce']), 'RWO,RWX');
    assert.equal(accessModesCell(['ReadWriteOncePod', 'ReadOnlyMany']), 'ROX,RWOP');
    assert.equal(accessModesCell(undefined), '');
  });
});

describe('persistentvolume printer', () => {
  it('has kubectl\'s columns', () => {
    assert.deepEqual(columnNames(persistentVolumePrinter), {
      standard: ['Name', 'Capacity', 'Access Modes', 'Reclaim Policy', 'Status', 'Claim', 'StorageClass', 'VolumeAttributesClass', 'Reason', 'Age'],
      wide: ['VolumeMode'],
    });
  });

  it('fills every cell of a bound volume', () => {
    const pv: PersistentVolume = {
      metadata: { name: 'pv-data', creationTimestamp: ago({ d: 1 }) },
      spec: {
        capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: 'local', claimRef: { namespace: 'default', name: 'data' }, volumeMode: 'Filesystem',
        hostPath: { path: '/data' },
      },
      status: { phase: 'Bound' },
    };
    assert.deepEqual(Object.values(row(persistentVolumePrinter, pv)),
      ['pv-data', '10Gi', 'RWO', 'Retain', 'Bound', 'default/data', 'local', '<unset>', '', '24h', 'Filesystem']);
  });

  it('a deleting volume is Terminating; the beta storage-class annotation wins', () => {
    const pv: PersistentVolume = {
      metadata: {
        name: 'old', creationTimestamp: ago({ d: 1 }), deletionTimestamp: ago({ s: 1 }),
        annotations: { 'volume.beta.kubernetes.io/storage-class': 'legacy' },
      },
      spec: { storageClassName: 'modern' },
      status: { phase: 'Released' },
    };
    const r = row(persistentVolumePrinter, pv);
    assert.deepEqual([r.Status, r.StorageClass, r.Capacity, r.Claim, r.VolumeMode], ['Terminating', 'legacy', '0', '', '<unset>']);
  });
});

describe('persistentvolumeclaim printer', () => {
  it('has kubectl\'s columns', () => {
    assert.deepEqual(columnNames(persistentVolumeClaimPrinter), {
      standard: ['Name', 'Status', 'Volume', 'Capacity', 'Access Modes', 'StorageClass', 'VolumeAttributesClass', 'Age'],
      wide: ['VolumeMode'],
    });
  });

  it('fills every cell of a bound claim from the status', () => {
    const pvc: PersistentVolumeClaim = {
      metadata: { name: 'data', namespace: 'default', creationTimestamp: ago({ h: 3 }) },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'local', volumeName: 'pv-data', volumeMode: 'Filesystem' },
      status: { phase: 'Bound', capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce', 'ReadOnlyMany'] },
    };
    assert.deepEqual(Object.values(row(persistentVolumeClaimPrinter, pvc)),
      ['data', 'Bound', 'pv-data', '10Gi', 'RWO,ROX', 'local', '<unset>', '3h', 'Filesystem']);
  });

  it('a pending claim shows no capacity or access modes', () => {
    const pvc: PersistentVolumeClaim = {
      metadata: { name: 'wait', namespace: 'default', creationTimestamp: ago({ m: 1 }) },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      status: { phase: 'Pending' },
    };
    assert.deepEqual(Object.values(row(persistentVolumeClaimPrinter, pvc)), ['wait', 'Pending', '', '', '', '', '<unset>', '60s', '<unset>']);
  });
});

describe('storageclass printer', () => {
  it('has kubectl\'s columns', () => {
    assert.deepEqual(columnNames(storageClassPrinter), {
      standard: ['Name', 'Provisioner', 'ReclaimPolicy', 'VolumeBindingMode', 'AllowVolumeExpansion', 'Age'],
      wide: [],
    });
  });

  it('marks the default class and prints the policies', () => {
    const sc: StorageClass = {
      metadata: { name: 'local-path', creationTimestamp: ago({ d: 2 }), annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'skiff.io/local-path', reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate',
    };
    assert.deepEqual(Object.values(row(storageClassPrinter, sc)), ['local-path (default)', 'skiff.io/local-path', 'Delete', 'Immediate', false, '2d']);
  });

  it('a class marked "false" (or by nothing) is not the default', () => {
    const sc: StorageClass = {
      metadata: { name: 'slow', creationTimestamp: ago({ m: 3 }), annotations: { 'storageclass.kubernetes.io/is-default-class': 'false' } },
      provisioner: 'example.com/hdd', reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer', allowVolumeExpansion: true,
    };
    assert.deepEqual(Object.values(row(storageClassPrinter, sc)), ['slow', 'example.com/hdd', 'Retain', 'WaitForFirstConsumer', true, '3m']);
  });
});
