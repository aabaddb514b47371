// Which class a claim asks for and which class is the default (kube's storage helpers).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { claimClass, claimHasClass, defaultClassOf, isDefaultClass, volumeClass } from '../../../apiserver/api/storage-class.ts';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../../apiserver/api/types.ts';

const sc = (name: string, created: string, annotations: Record<string, string> = {}): StorageClass =>
  ({ metadata: { name, creationTimestamp: created, annotations }, provisioner: 'p' });
const isDefault = { 'storageclass.kubernetes.io/is-default-class': 'true' };

describe('default storage class', () => {
  it('is the class annotated "true", in the GA or the beta spelling', () => {
    assert.equal(isDefaultClass(sc('a', '2024-01-01T00:00:00Z', isDefault)), true);
    assert.equal(isDefaultClass(sc('b', '2024-01-01T00:00:00Z', { 'storageclass.beta.kubernetes.io/is-default-class': 'true' })), true);
    assert.equal(isDefaultClass(sc('c', '2024-01-01T00:00:00Z', { 'storageclass.kubernetes.io/is-default-class': 'yes' })), false);
    assert.equal(defaultClassOf([sc('plain', '2024-01-01T00:00:00Z')]), undefined);
  });

  it('with several defaults, the newest wins, then the first name', () => {
    const classes = [
      sc('old', '2024-01-01T00:00:00Z', isDefault), sc('new-b', '2024-02-01T00:00:00Z', isDefault),
      sc('new-a', '2024-02-01T00:00:00Z', isDefault), sc('newest', '2024-03-01T00:00:00Z'),
    ];
    assert.equal(defaultClassOf(classes)?.metadata?.name, 'new-a');
  });
});

describe('claim and volume classes', () => {
  it('an explicit "" is a choice (no class); a missing name is not', () => {
    const claim = (storageClassName?: string): PersistentVolumeClaim => ({ metadata: { name: 'c' }, spec: storageClassName === undefined ? {} : { storageClassName } });
    assert.equal(claimHasClass(claim()), false);
    assert.equal(claimHasClass(claim('')), true);
    assert.equal(claimClass(claim('')), '');
    assert.equal(claimClass(claim('fast')), 'fast');
  });

  it('the beta annotation wins over the field', () => {
    const pvc: PersistentVolumeClaim = { metadata: { name: 'c', annotations: { 'volume.beta.kubernetes.io/storage-class': 'legacy' } }, spec: { storageClassName: 'modern' } };
    assert.equal(claimHasClass(pvc), true);
    assert.equal(claimClass(pvc), 'legacy');
    const pv: PersistentVolume = { metadata: { name: 'v', annotations: { 'volume.beta.kubernetes.io/storage-class': 'legacy' } }, spec: { storageClassName: 'modern' } };
    assert.equal(volumeClass(pv), 'legacy');
  });
});
