import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyJsonPatch } from '../../../apiserver/api/patch/json-patch.ts';
import { isApiError, type ApiError } from '../../../apiserver/api/errors.ts';

// RFC 6902 Appendix A examples that succeed: document, patch, result.
const rfcSuccesses: [string, unknown, unknown, unknown][] = [
  ['A.1 adding an object member', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }], { baz: 'qux', foo: 'bar' }],
  ['A.2 adding an array element', { foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }], { foo: ['bar', 'qux', 'baz'] }],
  ['A.3 removing an object member', { baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }], { foo: 'bar' }],
  ['A.4 removing an array element', { foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }], { foo: ['bar', 'baz'] }],
  ['A.5 replacing a value', { baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }], { baz: 'boo', foo: 'bar' }],
  ['A.6 moving a value',
    { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
    [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
    { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } }],
  ['A.7 moving an array element', { foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }], { foo: ['all', 'cows', 'eat', 'grass'] }],
  ['A.8 testing a value: success',
    { baz: 'qux', foo: ['a', 2, 'c'] },
    [{ op: 'test', path: '/baz', value: 'qux' }, { op: 'test', path: '/foo/1', value: 2 }],
    { baz: 'qux', foo: ['a', 2, 'c'] }],
  ['A.10 adding a nested member object', { foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }], { foo: 'bar', child: { grandchild: {} } }],
  ['A.11 ignoring unrecognized elements', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }], { foo: 'bar', baz: 'qux' }],
  ['A.14 ~ escape ordering', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }], { '/': 9, '~1': 10 }],
  ['A.16 adding an array value', { foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }], { foo: ['bar', ['abc', 'def']] }],
];

const unprocessable = (e: unknown): boolean =>
  isApiError(e) && e.code === 422 && e.reason === 'Invalid'
  && e.message === 'the server rejected our request due to an error in our request'
  && JSON.stringify(e.status.details) === '{}';

const badRequest = (message: string) => (e: unknown): boolean =>
  isApiError(e) && e.code === 400 && e.reason === 'BadRequest' && e.message === message;

describe('applyJsonPatch (RFC 6902)', () => {
  for (const [name, doc, patch, result] of rfcSuccesses) {
    it(name, () => assert.deepEqual(applyJsonPatch(doc, patch), result));
  }

  it('A.9 testing a value: error -> 422 Invalid with NewGenericServerResponse\'s message', () => {
    assert.throws(() => applyJsonPatch({ baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }]), unprocessable);
  });

  it('A.12 adding to a nonexistent target -> 422', () => {
    assert.throws(() => applyJsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }]), unprocessable);
  });

  it('A.15 comparing strings and numbers -> 422', () => {
    assert.throws(() => applyJsonPatch({ '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: '10' }]), unprocessable);
  });

  it('kubectl rollout undo shape: replaces the pod template as one operation', () => {
    const deployment = { spec: { replicas: 2, template: { spec: { containers: [{ name: 'app', image: 'app:2' }] } } } };
    const template = { spec: { containers: [{ name: 'app', image: 'app:1' }] } };
    const patched = applyJsonPatch(deployment, [{ op: 'replace', path: '/spec/template', value: template }]);
    assert.deepEqual(patched, { spec: { replicas: 2, template } });
  });

  it('applies operations in order, each against the result of the previous one', () => {
    const patched = applyJsonPatch({ list: [1] }, [
      { op: 'add', path: '/list/-', value: 2 },
      { op: 'copy', from: '/list/1', path: '/copied' },
      { op: 'remove', path: '/list/0' },
    ]);
    assert.deepEqual(patched, { list: [2], copied: 2 });
  });

  it('a missing value is added as null, as Kubernetes\' json-patch does', () => {
    assert.deepEqual(applyJsonPatch({ a: 1 }, [{ op: 'add', path: '/b' }]), { a: 1, b: null });
  });

  it('a null body is an empty patch', () => {
    assert.deepEqual(applyJsonPatch({ a: 1 }, null), { a: 1 });
  });

  it('modifies neither the document nor the operations', () => {
    const doc = { a: { b: [1] } };
    const value = { deep: [1, 2] };
    const ops = [{ op: 'add', path: '/a/c', value }, { op: 'add', path: '/a/b/-', value: 2 }];
    const docCopy = structuredClone(doc);
    const opsCopy = structuredClone(ops);
    const result = applyJsonPatch(doc, ops) as { a: { c: { deep: number[] } } };
    result.a.c.deep.push(3);
    assert.deepEqual(doc, docCopy);
    assert.deepEqual(ops, opsCopy);
  });
});

describe('applyJsonPatch errors', () => {
  it('a body that is not a list is 400 with Go\'s decoding message', () => {
    assert.throws(() => applyJsonPatch({}, { op: 'add', path: '/a', value: 1 }),
      badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch'));
    assert.throws(() => applyJsonPatch({}, 'add'), badRequest('json: cannot unmarshal string into Go value of type jsonpatch.Patch'));
  });

  it('an operation that is not an object is 400', () => {
    assert.throws(() => applyJsonPatch({}, [42]), badRequest('json: cannot unmarshal number into Go value of type jsonpatch.Operation'));
    assert.throws(() => applyJsonPatch({}, [['add']]), badRequest('json: cannot unmarshal array into Go value of type jsonpatch.Operation'));
  });

  const inapplicable: [string, unknown, unknown][] = [
    ['an unknown op', { a: 1 }, [{ op: 'frobnicate', path: '/a' }]],
    ['fast-json-patch\'s private _get op', { a: 1 }, [{ op: '_get', path: '/a' }]],
    ['an operation without op', { a: 1 }, [{ path: '/a' }]],
    ['a null operation', { a: 1 }, [null]],
    ['an operation without path', { a: 1 }, [{ op: 'remove' }]],
    ['a path that is not a string', { a: 1 }, [{ op: 'remove', path: 5 }]],
    ['a path without a leading slash', { a: 1 }, [{ op: 'add', path: 'a', value: 2 }]],
    ['removing a missing member', { a: 1 }, [{ op: 'remove', path: '/b' }]],
    ['replacing a missing member', { a: 1 }, [{ op: 'replace', path: '/b', value: 1 }]],
    ['an array index past the end', { l: [1] }, [{ op: 'add', path: '/l/5', value: 1 }]],
    ['move without from', { a: 1 }, [{ op: 'move', path: '/b' }]],
    ['move from a missing member', { a: 1 }, [{ op: 'move', from: '/x', path: '/b' }]],
    ['a failed test after successful operations', { a: 1 }, [{ op: 'replace', path: '/a', value: 2 }, { op: 'test', path: '/a', value: 1 }]],
  ];
  for (const [name, doc, ops] of inapplicable) {
    it(`${name} is 422 Invalid`, () => assert.throws(() => applyJsonPatch(doc, ops), unprocessable));
  }

  it('a failed patch leaves the document untouched', () => {
    const doc = { a: 1 };
    assert.throws(() => applyJsonPatch(doc, [{ op: 'replace', path: '/a', value: 2 }, { op: 'remove', path: '/zzz' }]));
    assert.deepEqual(doc, { a: 1 });
  });

  it('more than 10000 operations is 413 RequestEntityTooLarge', () => {
    const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/a', value: 1 }));
    assert.throws(() => applyJsonPatch({ a: 1 }, ops), (e: unknown) => {
      const error = e as ApiError;
      return isApiError(e) && error.code === 413 && error.reason === 'RequestEntityTooLarge'
        && error.message === 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001';
    });
    assert.deepEqual(applyJsonPatch({ a: 1 }, ops.slice(0, 10000)), { a: 1 });
  });
});
