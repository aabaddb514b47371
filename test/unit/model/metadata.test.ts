import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../../apiserver/api/validation/metadata.ts';
import { nameIsDNSSubdomain } from '../../../apiserver/api/validation/names.ts';

const ns = { namespaced: true, nameValidator: nameIsDNSSubdomain };
const fields = (errs: { field: string; type: string }[]) => errs.map((e) => `${e.field}:${e.type}`);

describe('validateObjectMeta', () => {
  it('a good object passes', () => {
    assert.deepEqual(validateObjectMeta({ name: 'web', namespace: 'default', labels: { app: 'web' }, annotations: { 'a.io/b': 'x' } }, ns), []);
  });
  it('name or generateName is required', () => {
    const errs = validateObjectMeta({ namespace: 'default' }, ns);
    assert.deepEqual(fields(errs), ['metadata.name:FieldValueRequired']);
    assert.equal(errs[0].detail, 'name or generateName is required');
  });
  it('names, namespaces and labels are checked', () => {
    assert.deepEqual(fields(validateObjectMeta({ name: 'Bad_Name', namespace: 'Bad.NS', labels: { 'a b': 'c' } }, ns)),
      ['metadata.name:FieldValueInvalid', 'metadata.namespace:FieldValueInvalid', 'metadata.labels:FieldValueInvalid']);
    assert.deepEqual(fields(validateObjectMeta({ name: 'x' }, ns)), ['metadata.namespace:FieldValueRequired']);
    assert.deepEqual(fields(validateObjectMeta({ name: 'x', namespace: 'd' }, { ...ns, namespaced: false })), ['metadata.namespace:FieldValueForbidden']);
  });
  it('names can never be path traversals', () => {
    assert.ok(fields(validateObjectMeta({ name: '..', namespace: 'd' }, ns)).includes('metadata.name:FieldValueInvalid'));
  });
  it('annotations are limited to 256 KiB in total', () => {
    const errs = validateObjectMeta({ name: 'x', namespace: 'd', annotations: { big: 'x'.repeat(256 * 1024) } }, ns);
    assert.deepEqual(fields(errs), ['metadata.annotations:FieldValueTooLong']);
  });
  it('owner references need their identity, and only one may be the controller', () => {
    const ref = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u', controller: true };
    assert.deepEqual(fields(validateObjectMeta({ name: 'x', namespace: 'd', ownerReferences: [ref, { ...ref, name: 'rs2', uid: 'u2' }] }, ns)),
      ['metadata.ownerReferences:FieldValueInvalid']);
    assert.deepEqual(fields(validateObjectMeta({ name: 'x', namespace: 'd', ownerReferences: [{ ...ref, uid: '' }] }, ns)),
      ['metadata.ownerReferences.uid:FieldValueInvalid']);
  });
  it('finalizers are qualified names, without duplicates, never both orphan and foreground', () => {
    assert.deepEqual(fields(validateObjectMeta({ name: 'x', namespace: 'd', finalizers: ['a/b', 'a/b', 'bad name'] }, ns)),
      ['metadata.finalizers:FieldValueDuplicate', 'metadata.finalizers:FieldValueInvalid']);
    assert.deepEqual(fields(validateObjectMeta({ name: 'x', namespace: 'd', finalizers: ['orphan', 'foregroundDeletion'] }, ns)),
      ['metadata.finalizers:FieldValueInvalid']);
  });
});

describe('validateObjectMetaUpdate', () => {
  it('name, namespace, uid and creationTimestamp are immutable', () => {
    const old = { name: 'a', namespace: 'd', uid: 'u', creationTimestamp: 't' };
    assert.deepEqual(validateObjectMetaUpdate({ ...old, labels: { x: 'y' } }, old), []);
    assert.deepEqual(fields(validateObjectMetaUpdate({ name: 'b', namespace: 'e', uid: 'v', creationTimestamp: 's' }, old)),
      ['metadata.name:FieldValueInvalid', 'metadata.namespace:FieldValueInvalid', 'metadata.uid:FieldValueInvalid', 'metadata.creationTimestamp:FieldValueInvalid']);
  });
});
