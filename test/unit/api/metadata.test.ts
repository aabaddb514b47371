import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatFieldError, type FieldError } from '../../../apiserver/api/errors.ts';
import type { ObjectMeta } from '../../../apiserver/api/types.ts';
import {
  totalAnnotationSizeLimitBytes, validateAnnotations, validateFieldManager, validateObjectMeta, validateObjectMetaUpdate,
} from '../../../apiserver/api/validation/metadata.ts';
import { nameIsDNS1035Label, nameIsDNSLabel, nameIsDNSSubdomain } from '../../../apiserver/api/validation/names.ts';

const namespaced = { namespaced: true, nameValidator: nameIsDNSSubdomain };
const clusterScoped = { namespaced: false, nameValidator: nameIsDNSSubdomain };
const messages = (errs: FieldError[]) => errs.map(formatFieldError);
const where = (errs: FieldError[]) => errs.map((e) => `${e.field}:${e.type}`);
const base: ObjectMeta = { name: 'web', namespace: 'default' };

const subdomainMsg = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const labelMsg = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

describe('validateObjectMeta: names and namespaces', () => {
  it('a good object passes', () => {
    assert.deepEqual(validateObjectMeta({ ...base, labels: { app: 'web' }, annotations: { 'a.io/b': 'x', 'Upper.IO/Key': 'y' } }, namespaced), []);
    assert.deepEqual(validateObjectMeta({ name: 'node-1' }, clusterScoped), []);
  });
  it('name or generateName is required', () => {
    assert.deepEqual(messages(validateObjectMeta({ namespace: 'default' }, namespaced)), ['metadata.name: Required value: name or generateName is required']);
    assert.deepEqual(messages(validateObjectMeta(undefined, clusterScoped)), ['metadata.name: Required value: name or generateName is required']);
    // The registry fills the name from generateName before validating; a generateName alone is not a name.
    assert.deepEqual(where(validateObjectMeta({ generateName: 'web-', namespace: 'default' }, namespaced)), ['metadata.name:FieldValueRequired']);
  });
  it('names and generateNames are checked with the kind\'s validator', () => {
    assert.deepEqual(messages(validateObjectMeta({ ...base, name: 'Bad_Name' }, namespaced)), [`metadata.name: Invalid value: "Bad_Name": ${subdomainMsg}`]);
    assert.deepEqual(validateObjectMeta({ ...base, generateName: 'web-' }, namespaced), []);
    assert.deepEqual(messages(validateObjectMeta({ ...base, generateName: 'Web-' }, namespaced)), [`metadata.generateName: Invalid value: "Web-": ${subdomainMsg}`]);
    assert.deepEqual(where(validateObjectMeta({ name: 'a.b' }, { namespaced: false, nameValidator: nameIsDNSLabel })), ['metadata.name:FieldValueInvalid']);
    assert.deepEqual(where(validateObjectMeta({ ...base, name: '1svc' }, { namespaced: true, nameValidator: nameIsDNS1035Label })), ['metadata.name:FieldValueInvalid']);
  });
  it('names can never be path traversals, whatever the kind\'s own rule allows', () => {
    const anything = { namespaced: true, nameValidator: () => [] };
    assert.deepEqual(messages(validateObjectMeta({ ...base, name: '..' }, anything)), ['metadata.name: Invalid value: "..": may not be \'..\'']);
    assert.deepEqual(messages(validateObjectMeta({ ...base, name: 'a/b%' }, anything)),
      ['metadata.name: Invalid value: "a/b%": may not contain \'/\'', 'metadata.name: Invalid value: "a/b%": may not contain \'%\'']);
    assert.deepEqual(messages(validateObjectMeta({ ...base, generateName: 'x/' }, anything)), ['metadata.generateName: Invalid value: "x/": may not contain \'/\'']);
    // The kind's own messages come alone: the path-segment rule is only consulted when they pass.
    assert.deepEqual(messages(validateObjectMeta({ ...base, name: '..' }, namespaced)), [`metadata.name: Invalid value: "..": ${subdomainMsg}`]);
  });
  it('the namespace is required for namespaced kinds, forbidden otherwise, and a DNS label', () => {
    assert.deepEqual(messages(validateObjectMeta({ name: 'x' }, namespaced)), ['metadata.namespace: Required value']);
    assert.deepEqual(messages(validateObjectMeta({ name: 'x', namespace: 'd' }, clusterScoped)), ['metadata.namespace: Forbidden: not allowed on this type']);
    assert.deepEqual(messages(validateObjectMeta({ name: 'x', namespace: 'Bad.NS' }, namespaced)), [`metadata.namespace: Invalid value: "Bad.NS": ${labelMsg}`]);
    assert.deepEqual(messages(validateObjectMeta({ name: 'x', namespace: 'a.b' }, namespaced)), ['metadata.namespace: Invalid value: "a.b": must not contain dots']);
  });
  it('generation may not be negative', () => {
    assert.deepEqual(messages(validateObjectMeta({ ...base, generation: -1 }, namespaced)), ['metadata.generation: Invalid value: -1: must be greater than or equal to 0']);
    assert.deepEqual(validateObjectMeta({ ...base, generation: 0 }, namespaced), []);
  });
});

describe('validateObjectMeta: labels and annotations', () => {
  it('labels', () => {
    assert.deepEqual(where(validateObjectMeta({ ...base, labels: { 'a b': 'c', ok: '-x' } }, namespaced)),
      ['metadata.labels:FieldValueInvalid', 'metadata.labels:FieldValueInvalid']);
  });
  it('annotation keys are qualified names, read in lower case', () => {
    assert.deepEqual(validateAnnotations({ 'Example.COM/Key': 'v' }, 'metadata.annotations'), []);
    assert.deepEqual(where(validateAnnotations({ 'a/b/c': 'v', '': 'v' }, 'metadata.annotations')),
      ['metadata.annotations:FieldValueInvalid', 'metadata.annotations:FieldValueInvalid', 'metadata.annotations:FieldValueInvalid']);
  });
  it('annotations are limited to 256 KiB together, keys included, and the message leaves the value out', () => {
    const key = 'big';
    const fits = { [key]: 'x'.repeat(totalAnnotationSizeLimitBytes - key.length) };
    assert.deepEqual(validateObjectMeta({ ...base, annotations: fits }, namespaced), []);
    const over = { [key]: 'x'.repeat(totalAnnotationSizeLimitBytes - key.length + 1) };
    assert.deepEqual(messages(validateObjectMeta({ ...base, annotations: over }, namespaced)),
      ['metadata.annotations: Too long: may not be more than 262144 bytes']);
    // Bytes, not characters.
    const wide = { k: 'é'.repeat(totalAnnotationSizeLimitBytes / 2) };
    assert.deepEqual(where(validateAnnotations(wide, 'metadata.annotations')), ['metadata.annotations:FieldValueTooLong']);
  });
});

describe('validateObjectMeta: owner references', () => {
  const ref = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true };
  it('a full reference passes', () => {
    assert.deepEqual(validateObjectMeta({ ...base, ownerReferences: [ref, { ...ref, name: 'other', uid: 'u2', controller: false }] }, namespaced), []);
  });
  it('each part of the owner\'s identity is required', () => {
    assert.deepEqual(messages(validateObjectMeta({ ...base, ownerReferences: [{ apiVersion: '', kind: '', name: '', uid: '' }] }, namespaced)), [
      'metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty',
      'metadata.ownerReferences.kind: Invalid value: "": kind must not be empty',
      'metadata.ownerReferences.name: Invalid value: "": name must not be empty',
      'metadata.ownerReferences.uid: Invalid value: "": uid must not be empty',
    ]);
    assert.deepEqual(where(validateObjectMeta({ ...base, ownerReferences: [{ ...ref, apiVersion: 'apps/' }] }, namespaced)), ['metadata.ownerReferences.apiVersion:FieldValueInvalid']);
    assert.deepEqual(where(validateObjectMeta({ ...base, ownerReferences: [{ ...ref, apiVersion: 'a/b/c' }] }, namespaced)), ['metadata.ownerReferences.apiVersion:FieldValueInvalid']);
  });
  it('events may not own anything', () => {
    const errs = validateObjectMeta({ ...base, ownerReferences: [{ apiVersion: 'v1', kind: 'Event', name: 'e', uid: 'u' }] }, namespaced);
    assert.deepEqual(where(errs), ['metadata.ownerReferences:FieldValueInvalid']);
    assert.equal(errs[0].detail, '/v1, Kind=Event is disallowed from being an owner');
  });
  it('at most one controller', () => {
    const refs = [ref, { ...ref, name: 'rs2', uid: 'u2' }, { ...ref, kind: 'Job', name: 'j', uid: 'u3' }];
    const errs = validateObjectMeta({ ...base, ownerReferences: refs }, namespaced);
    assert.deepEqual(errs.map((e) => e.detail), [
      'Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/rs and ReplicaSet/rs2',
      'Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/rs and Job/j',
    ]);
  });
});

describe('validateObjectMeta: finalizers and managed fields', () => {
  it('finalizers: qualified names; unprefixed ones must be Kubernetes\' own', () => {
    assert.deepEqual(validateObjectMeta({ ...base, finalizers: ['example.com/cleanup', 'kubernetes', 'orphan'] }, namespaced), []);
    assert.deepEqual(validateObjectMeta({ ...base, finalizers: ['a/b', 'a/b'] }, namespaced), [], 'Kubernetes allows duplicates');
    assert.deepEqual(messages(validateObjectMeta({ ...base, finalizers: ['cleanup'] }, namespaced)),
      ['metadata.finalizers[0]: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified']);
    assert.deepEqual(where(validateObjectMeta({ ...base, finalizers: ['ok.io/x', 'bad name'] }, namespaced)),
      ['metadata.finalizers:FieldValueInvalid', 'metadata.finalizers[1]:FieldValueInvalid']);
  });
  it('never both orphan and foregroundDeletion', () => {
    assert.deepEqual(messages(validateObjectMeta({ ...base, finalizers: ['orphan', 'foregroundDeletion'] }, namespaced)),
      ['metadata.finalizers: Invalid value: []string{"orphan", "foregroundDeletion"}: finalizer orphan and foregroundDeletion cannot be both set']);
  });
  it('managed fields', () => {
    const entry = { manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1' };
    assert.deepEqual(validateObjectMeta({ ...base, managedFields: [entry] }, namespaced), []);
    assert.deepEqual(messages(validateObjectMeta({ ...base, managedFields: [{ ...entry, operation: 'Patch', fieldsType: 'FieldsV2' }] }, namespaced)), [
      'metadata.managedFields[0].operation: Invalid value: "Patch": must be `Apply` or `Update`',
      'metadata.managedFields[0].fieldsType: Invalid value: "FieldsV2": must be `FieldsV1`',
    ]);
    assert.deepEqual(messages(validateFieldManager('a\u0007é\u0000', 'fieldManager')), [
      'fieldManager: Invalid value: "a\\u0007é\\u0000": invalid character U+0007 (at position 1)',
      'fieldManager: Invalid value: "a\\u0007é\\u0000": invalid character U+0000 (at position 4)',
    ]);
    assert.deepEqual(messages(validateFieldManager('m'.repeat(129), 'fieldManager')), ['fieldManager: Too long: may not be more than 128 bytes']);
  });
});

describe('validateObjectMetaUpdate', () => {
  const old: ObjectMeta = { name: 'a', namespace: 'd', uid: 'u', creationTimestamp: '2026-01-01T00:00:00Z', generation: 2 };
  it('allows what may change', () => {
    assert.deepEqual(validateObjectMetaUpdate({ ...old, labels: { x: 'y' }, annotations: { a: 'b' }, generation: 3 }, old), []);
  });
  it('name, namespace, uid, creationTimestamp and deletion fields are immutable', () => {
    const changed = { name: 'b', namespace: 'e', uid: 'v', creationTimestamp: '2026-02-02T00:00:00Z', generation: 2,
      deletionTimestamp: '2026-03-03T00:00:00Z', deletionGracePeriodSeconds: 30 };
    assert.deepEqual(messages(validateObjectMetaUpdate(changed, old)), [
      'metadata.name: Invalid value: "b": field is immutable',
      'metadata.namespace: Invalid value: "e": field is immutable',
      'metadata.uid: Invalid value: "v": field is immutable',
      'metadata.creationTimestamp: Invalid value: "2026-02-02T00:00:00Z": field is immutable',
      'metadata.deletionTimestamp: Invalid value: "2026-03-03T00:00:00Z": field is immutable',
      'metadata.deletionGracePeriodSeconds: Invalid value: 30: field is immutable',
    ]);
  });
  it('an empty string is the same as unset; zero grace is not', () => {
    assert.deepEqual(validateObjectMetaUpdate({ ...old, namespace: '' }, { ...old, namespace: undefined }), []);
    assert.deepEqual(where(validateObjectMetaUpdate({ ...old, deletionGracePeriodSeconds: 0 }, old)), ['metadata.deletionGracePeriodSeconds:FieldValueInvalid']);
  });
  it('generation may not go down', () => {
    assert.deepEqual(messages(validateObjectMetaUpdate({ ...old, generation: 1 }, old)), ['metadata.generation: Invalid value: 1: must not be decremented']);
  });
  it('no new finalizers once deletion has begun', () => {
    const deleting = { ...old, deletionTimestamp: '2026-03-03T00:00:00Z', finalizers: ['a.io/x'] };
    assert.deepEqual(validateObjectMetaUpdate({ ...deleting, finalizers: [] }, deleting), [], 'removing is how deletion proceeds');
    assert.deepEqual(messages(validateObjectMetaUpdate({ ...deleting, finalizers: ['a.io/x', 'c.io/z', 'b.io/y'] }, deleting)),
      ['metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b.io/y", "c.io/z"}']);
    assert.deepEqual(validateObjectMetaUpdate({ ...old, finalizers: ['c.io/z'] }, old), [], 'before deletion anything goes');
  });
  it('property: an update that changes nothing is always valid', () => {
    const meta = fc.record({
      name: fc.stringMatching(/^[a-z]{1,8}$/), namespace: fc.stringMatching(/^[a-z]{0,8}$/), uid: fc.uuid(),
      creationTimestamp: fc.constant('2026-01-01T00:00:00Z'), generation: fc.nat(), finalizers: fc.array(fc.stringMatching(/^a\.io\/[a-z]{1,5}$/)),
      deletionTimestamp: fc.option(fc.constant('2026-01-02T00:00:00Z'), { nil: undefined }),
    });
    fc.assert(fc.property(meta, (m) => {
      assert.deepEqual(validateObjectMetaUpdate(structuredClone(m), m), []);
    }), { numRuns: 300 });
  });
});
