// Validation tables for PersistentVolumes, PersistentVolumeClaims and StorageClasses.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultPersistentVolume, defaultPersistentVolumeClaim, defaultStorageClass } from '../../../apiserver/api/defaults/storage.ts';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../../apiserver/api/types.ts';
import { setStatus } from '../../../apiserver/api/writable-status.ts';
import { validatePersistentVolume, validatePersistentVolumeUpdate } from '../../../apiserver/api/validation/persistentvolume.ts';
import { validatePersistentVolumeClaim, validatePersistentVolumeClaimUpdate } from '../../../apiserver/api/validation/persistentvolumeclaim.ts';
import { validateStorageClass, validateStorageClassUpdate } from '../../../apiserver/api/validation/storageclass.ts';
import { assertHasError, validationTable } from './field-errors.ts';
import { clone } from './fixtures.ts';

describe('PersistentVolume validation', () => {
  const pv = (): PersistentVolume => {
    const v: PersistentVolume = {
      metadata: { name: 'pv-1' },
      spec: { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/srv/data' }, storageClassName: 'local' },
    };
    defaultPersistentVolume(v);
    return v;
  };
  validationTable(pv, validatePersistentVolume, [
    { name: 'requires access modes', mutate: (v) => { v.spec!.accessModes = []; }, field: 'spec.accessModes', type: 'FieldValueRequired' },
    { name: 'rejects unknown access modes', mutate: (v) => { v.spec!.accessModes = ['ReadSometimes']; }, field: 'spec.accessModes', type: 'FieldValueNotSupported' },
    { name: 'keeps ReadWriteOncePod alone', mutate: (v) => { v.spec!.accessModes = ['ReadWriteOncePod', 'ReadOnlyMany']; }, field: 'spec.accessModes', type: 'FieldValueForbidden' },
    { name: 'requires capacity', mutate: (v) => { delete v.spec!.capacity; }, field: 'spec.capacity', type: 'FieldValueRequired' },
    { name: 'allows only storage capacity', mutate: (v) => { v.spec!.capacity!.cpu = '1'; }, field: 'spec.capacity', type: 'FieldValueNotSupported' },
    { name: 'requires a positive size', mutate: (v) => { v.spec!.capacity!.storage = '0'; }, field: 'spec.capacity[storage]', type: 'FieldValueInvalid', detail: 'must be greater than zero' },
    { name: 'rejects a malformed size', mutate: (v) => { v.spec!.capacity!.storage = '10GB'; }, field: 'spec.capacity[storage]', type: 'FieldValueInvalid' },
    { name: 'rejects an unknown reclaim policy', mutate: (v) => { v.spec!.persistentVolumeReclaimPolicy = 'Shred'; }, field: 'spec.persistentVolumeReclaimPolicy', type: 'FieldValueNotSupported' },
    { name: 'requires a volume source', mutate: (v) => { delete v.spec!.hostPath; }, field: 'spec', type: 'FieldValueRequired', detail: 'must specify a volume type' },
    { name: 'allows one volume source', mutate: (v) => { v.spec!.nfs = { server: 'nas', path: '/export' }; }, field: 'spec.nfs', type: 'FieldValueForbidden' },
    { name: 'rejects .. in host paths', mutate: (v) => { v.spec!.hostPath!.path = '/srv/../etc'; }, field: 'spec.hostPath.path', type: 'FieldValueInvalid', detail: "must not contain '..'" },
    { name: 'requires node affinity for local volumes', mutate: (v) => { delete v.spec!.hostPath; v.spec!.local = { path: '/mnt/disk1' }; }, field: 'spec.nodeAffinity', type: 'FieldValueRequired' },
    { name: 'rejects a malformed storage class', mutate: (v) => { v.spec!.storageClassName = 'Fast_SSD'; }, field: 'spec.storageClassName', type: 'FieldValueInvalid' },
    { name: 'rejects an unknown volume mode', mutate: (v) => { v.spec!.volumeMode = 'Object'; }, field: 'spec.volumeMode', type: 'FieldValueNotSupported' },
  ]);

  it('fixes the volume source after creation', () => {
    const old = pv();
    const moved = clone(old);
    moved.spec!.hostPath!.path = '/srv/other';
    assertHasError(validatePersistentVolumeUpdate(moved, old), 'spec.persistentvolumesource', 'FieldValueForbidden');
    const resized = clone(old);
    resized.spec!.capacity!.storage = '20Gi';
    resized.spec!.persistentVolumeReclaimPolicy = 'Delete';
    assert.deepEqual(validatePersistentVolumeUpdate(resized, old), []);
  });
});

describe('PersistentVolumeClaim validation', () => {
  const pvc = (): PersistentVolumeClaim => {
    const c: PersistentVolumeClaim = {
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'standard' },
    };
    defaultPersistentVolumeClaim(c);
    return c;
  };
  validationTable(pvc, validatePersistentVolumeClaim, [
    { name: 'requires access modes', mutate: (c) => { delete c.spec!.accessModes; }, field: 'spec.accessModes', type: 'FieldValueRequired', detail: 'at least 1 access mode is required' },
    { name: 'rejects unknown access modes', mutate: (c) => { c.spec!.accessModes = ['WriteOnly']; }, field: 'spec.accessModes', type: 'FieldValueNotSupported' },
    { name: 'requires a storage request', mutate: (c) => { c.spec!.resources = { requests: {} }; }, field: 'spec.resources[storage]', type: 'FieldValueRequired' },
    { name: 'requires a positive storage request', mutate: (c) => { c.spec!.resources!.requests!.storage = '0'; }, field: 'spec.resources[storage]', type: 'FieldValueInvalid' },
    { name: 'rejects a malformed storage class', mutate: (c) => { c.spec!.storageClassName = 'UPPER'; }, field: 'spec.storageClassName', type: 'FieldValueInvalid' },
    { name: 'rejects an unknown volume mode', mutate: (c) => { c.spec!.volumeMode = 'Tape'; }, field: 'spec.volumeMode', type: 'FieldValueNotSupported' },
    { name: 'validates the selector', mutate: (c) => { c.spec!.selector = { matchExpressions: [{ key: 'tier', operator: 'In', values: [] }] }; }, field: 'spec.selector', type: 'FieldValueRequired', under: true },
    { name: 'requires a PVC data source in the core group', mutate: (c) => { c.spec!.dataSource = { kind: 'Snapshot', name: 'snap' }; }, field: 'spec.dataSource', type: 'FieldValueInvalid' },
  ]);

  it('fixes the spec except that bound claims may grow', () => {
    const old = pvc();
    const grown = clone(old);
    grown.spec!.resources!.requests!.storage = '2Gi';
    assertHasError(validatePersistentVolumeClaimUpdate(grown, old), 'spec', 'FieldValueForbidden');
    setStatus(grown, { phase: 'Bound' });
    assert.deepEqual(validatePersistentVolumeClaimUpdate(grown, old), []);
    const shrunk = clone(old);
    setStatus(shrunk, { phase: 'Bound' });
    shrunk.spec!.resources!.requests!.storage = '512Mi';
    assertHasError(validatePersistentVolumeClaimUpdate(shrunk, old), 'spec.resources.requests.storage', 'FieldValueForbidden', 'field can not be less than previous value');
    const recoded = clone(old);
    recoded.spec!.accessModes = ['ReadWriteMany'];
    assertHasError(validatePersistentVolumeClaimUpdate(recoded, old), 'spec', 'FieldValueForbidden');
  });

  it('lets the binder set volumeName once', () => {
    const old = pvc();
    const bound = clone(old);
    bound.spec!.volumeName = 'pv-1';
    assert.deepEqual(validatePersistentVolumeClaimUpdate(bound, old), []);
    const rebound = clone(bound);
    rebound.spec!.volumeName = 'pv-2';
    assertHasError(validatePersistentVolumeClaimUpdate(rebound, bound), 'spec', 'FieldValueForbidden');
  });
});

describe('StorageClass validation', () => {
  const sc = (): StorageClass => {
    const c: StorageClass = {
      metadata: { name: 'fast' }, provisioner: 'example.com/ssd', parameters: { type: 'nvme' },
      allowedTopologies: [{ matchLabelExpressions: [{ key: 'topology.kubernetes.io/zone', values: ['a', 'b'] }] }],
    };
    defaultStorageClass(c);
    return c;
  };
  validationTable(sc, validateStorageClass, [
    { name: 'requires a provisioner', mutate: (c) => { c.provisioner = ''; }, field: 'provisioner', type: 'FieldValueRequired' },
    { name: 'requires a qualified provisioner name', mutate: (c) => { c.provisioner = 'example.com/ssd/v2'; }, field: 'provisioner', type: 'FieldValueInvalid' },
    { name: 'rejects Recycle and unknown reclaim policies', mutate: (c) => { c.reclaimPolicy = 'Recycle'; }, field: 'reclaimPolicy', type: 'FieldValueNotSupported', detail: 'supported values: "Delete", "Retain"' },
    { name: 'rejects unknown binding modes', mutate: (c) => { c.volumeBindingMode = 'Eventually'; }, field: 'volumeBindingMode', type: 'FieldValueNotSupported' },
    { name: 'requires a binding mode (defaulting sets one)', mutate: (c) => { delete c.volumeBindingMode; }, field: 'volumeBindingMode', type: 'FieldValueRequired' },
    { name: 'rejects empty parameter names', mutate: (c) => { c.parameters = { '': 'x' }; }, field: 'parameters', type: 'FieldValueInvalid', detail: 'field can not be empty.' },
    { name: 'bounds the size of parameters', mutate: (c) => { c.parameters = { big: 'x'.repeat(256 * 1024) }; }, field: 'parameters', type: 'FieldValueTooLong' },
    { name: 'requires topology values', mutate: (c) => { c.allowedTopologies![0].matchLabelExpressions![0].values = []; }, field: 'allowedTopologies[0].matchLabelExpressions[0].values', type: 'FieldValueRequired' },
    { name: 'rejects duplicate topology values', mutate: (c) => { c.allowedTopologies![0].matchLabelExpressions![0].values = ['a', 'a']; }, field: 'allowedTopologies[0].matchLabelExpressions[0].values[1]', type: 'FieldValueDuplicate' },
    { name: 'rejects bad topology keys', mutate: (c) => { c.allowedTopologies![0].matchLabelExpressions![0].key = 'bad key'; }, field: 'allowedTopologies[0].matchLabelExpressions[0].key', type: 'FieldValueInvalid' },
    { name: 'rejects duplicate topology terms', mutate: (c) => { c.allowedTopologies!.push(clone(c.allowedTopologies![0])); }, field: 'allowedTopologies[1].matchLabelExpressions', type: 'FieldValueDuplicate' },
  ]);

  it('defaults to Delete and Immediate', () => {
    const c: StorageClass = { metadata: { name: 'x' }, provisioner: 'p' };
    defaultStorageClass(c);
    assert.deepEqual([c.reclaimPolicy, c.volumeBindingMode], ['Delete', 'Immediate']);
  });

  it('fixes what it provisions, not its labels or expansion', () => {
    const old = sc();
    const relabeled = clone(old);
    relabeled.metadata!.labels = { tier: 'gold' };
    relabeled.allowVolumeExpansion = true;
    relabeled.mountOptions = ['noatime'];
    assert.deepEqual(validateStorageClassUpdate(relabeled, old), []);
    const cases: [(c: StorageClass) => void, string, string][] = [
      [(c) => { c.provisioner = 'example.com/hdd'; }, 'provisioner', 'FieldValueForbidden'],
      [(c) => { c.parameters = { type: 'sata' }; }, 'parameters', 'FieldValueForbidden'],
      [(c) => { c.reclaimPolicy = 'Retain'; }, 'reclaimPolicy', 'FieldValueForbidden'],
      [(c) => { c.volumeBindingMode = 'WaitForFirstConsumer'; }, 'volumeBindingMode', 'FieldValueInvalid'],
    ];
    for (const [mutate, field, type] of cases) {
      const changed = clone(old);
      mutate(changed);
      assertHasError(validateStorageClassUpdate(changed, old), field, type as 'FieldValueForbidden');
    }
  });
});
