import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyMergePatch, checkMergePatchDocument, createJsonMergePatch } from '../../../apiserver/api/patch/merge-patch.ts';
import { isApiError } from '../../../apiserver/api/errors.ts';

// RFC 7386 Appendix A, every row: original, patch, result.
const rfcExamples: [unknown, unknown, unknown][] = [
  [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
  [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
  [{ a: 'b' }, { a: null }, {}],
  [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
  [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
  [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
  [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
  [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
  [['a', 'b'], ['c', 'd'], ['c', 'd']],
  [{ a: 'b' }, ['c'], ['c']],
  [{ a: 'foo' }, null, null],
  [{ a: 'foo' }, 'bar', 'bar'],
  [{ e: null }, { a: 1 }, { e: null, a: 1 }],
  [[1, 2], { a: 'b', c: null }, { a: 'b' }],
  [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
];

describe('applyMergePatch (RFC 7386)', () => {
  for (const [i, [original, patch, result]] of rfcExamples.entries()) {
    it(`Appendix A example ${i + 1}: ${JSON.stringify(patch)}`, () => {
      assert.deepEqual(applyMergePatch(original, patch), result);
    });
  }

  it('section 3 example: nested change, deletion and array replacement', () => {
    const original = { title: 'Goodbye!', author: { givenName: 'John', familyName: 'Doe' }, tags: ['example', 'sample'], content: 'This will be unchanged' };
    const patch = { title: 'Hello!', phoneNumber: '+01-123-456-7890', author: { familyName: null }, tags: ['example'] };
    assert.deepEqual(applyMergePatch(original, patch), {
      title: 'Hello!', author: { givenName: 'John' }, tags: ['example'], content: 'This will be unchanged', phoneNumber: '+01-123-456-7890',
    });
  });

  it('kubectl label/annotate shape: sets and removes labels, keeps the rest of metadata', () => {
    const pod = { metadata: { name: 'web', labels: { app: 'web', tier: 'front' }, annotations: { a: '1' } }, spec: { nodeName: 'n1' } };
    const patched = applyMergePatch(pod, { metadata: { labels: { tier: null, env: 'prod' } } });
    assert.deepEqual(patched, { metadata: { name: 'web', labels: { app: 'web', env: 'prod' }, annotations: { a: '1' } }, spec: { nodeName: 'n1' } });
  });

  it('modifies neither input and returns a result that shares nothing with them', () => {
    const original = { metadata: { labels: { a: '1' } }, spec: { list: [1, 2] } };
    const patch = { metadata: { labels: { b: '2' } }, extra: { nested: { x: 1 } } };
    const originalCopy = structuredClone(original);
    const patchCopy = structuredClone(patch);
    const result = applyMergePatch(original, patch) as { spec: { list: number[] }; extra: { nested: { x: number } } };
    assert.deepEqual(original, originalCopy);
    assert.deepEqual(patch, patchCopy);
    result.spec.list.push(3);
    result.extra.nested.x = 2;
    assert.deepEqual(original, originalCopy);
    assert.deepEqual(patch, patchCopy);
  });
});

describe('checkMergePatchDocument', () => {
  it('accepts objects and arrays', () => {
    checkMergePatchDocument({ a: 1 });
    checkMergePatchDocument([1]);
  });

  for (const body of [null, 'text', 3, true]) {
    it(`rejects ${JSON.stringify(body)} with 400 "Invalid JSON Patch" as kube-apiserver does`, () => {
      assert.throws(() => checkMergePatchDocument(body), (e: unknown) =>
        isApiError(e) && e.code === 400 && e.reason === 'BadRequest' && e.message === 'Invalid JSON Patch');
    });
  }
});

describe('createJsonMergePatch', () => {
  it('sets changes and additions, nulls removals, leaves unchanged members out', () => {
    const original = { a: 1, b: { c: 'x', d: 'y' }, list: [1, 2], gone: true };
    const modified = { a: 2, b: { c: 'x', e: 'z' }, list: [1, 2], added: [3] };
    assert.deepEqual(createJsonMergePatch(original, modified), { a: 2, b: { d: null, e: 'z' }, gone: null, added: [3] });
  });

  it('replaces a list that changed as a whole and a member whose type changed', () => {
    assert.deepEqual(createJsonMergePatch({ l: [1, 2], t: { x: 1 } }, { l: [2, 1], t: 'flat' }), { l: [2, 1], t: 'flat' });
  });

  it('is {} between equal documents', () => {
    assert.deepEqual(createJsonMergePatch({ a: { b: [1, { c: 2 }] } }, { a: { b: [1, { c: 2 }] } }), {});
  });

  it('refuses documents that are not objects', () => {
    assert.throws(() => createJsonMergePatch([], {}), TypeError);
  });
});

// JSON without nulls (RFC 7386 cannot express a null member) and with small key sets so objects overlap.
const key = fc.constantFrom('a', 'b', 'c', 'd', 'e');
const { tree: nullFreeObject } = fc.letrec((tie) => ({
  tree: fc.dictionary(key, tie('value'), { maxKeys: 4, noNullPrototype: true }),
  value: fc.oneof({ depthSize: 'small' },
    fc.string({ maxLength: 3 }), fc.integer(), fc.boolean(),
    fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 2 })), { maxLength: 3 }),
    tie('tree')),
}));

describe('merge patch properties', () => {
  it('applying createJsonMergePatch(a, b) to a yields b', () => {
    fc.assert(fc.property(nullFreeObject, nullFreeObject, (a, b) => {
      assert.deepEqual(applyMergePatch(a, createJsonMergePatch(a, b)), b);
    }), { numRuns: 500 });
  });

  it('the merge patch of a document with itself is {}', () => {
    fc.assert(fc.property(nullFreeObject, (a) => {
      assert.deepEqual(createJsonMergePatch(a, structuredClone(a)), {});
    }));
  });

  it('applying the same patch twice changes nothing more (idempotence)', () => {
    fc.assert(fc.property(nullFreeObject, nullFreeObject, (a, patch) => {
      const once = applyMergePatch(a, patch);
      assert.deepEqual(applyMergePatch(once, patch), once);
    }));
  });
});
