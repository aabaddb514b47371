import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StoredObject } from '../../../apiserver/api/types.ts';
import { ObjectCache } from '../../../apiserver/storage/object-cache.ts';
import type { SqliteStore } from '../../../apiserver/storage/sqlite-store.ts';
import { openTestStore, pod, podKey, tempDir, type TempDir } from './store-fixtures.ts';

const names = (items: StoredObject[]): string[] => items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);

describe('list', () => {
  let tmp: TempDir;
  let store: SqliteStore;
  before(async () => {
    tmp = tempDir();
    store = await openTestStore(tmp.dbPath);
    // Inserted out of order, with namespaces that share a textual prefix.
    for (const [ns, name] of [['default', 'c'], ['default-2', 'a'], ['default', 'a'], ['kube-system', 'dns'],
      ['default', 'b'], ['default-2', 'b'], ['default', 'a-1'], ['defaul', 'x']]) {
      await store.create(podKey(name, ns), pod(name, {}, ns));
    }
    await store.create('/registry/core/services/default/a', pod('svc-a'));
  });
  after(async () => {
    await store.close();
    tmp.remove();
  });

  it('returns only keys under the prefix, sorted by key, with the current revision', async () => {
    const page = await store.list('/registry/core/pods/default/');
    assert.deepEqual(names(page.items), ['default/a', 'default/a-1', 'default/b', 'default/c']);
    assert.equal(page.rv, store.currentRevision());
    assert.equal(page.nextKey, undefined);
    assert.equal(page.remaining, undefined);
  });

  it('lists a whole resource across namespaces and nothing for an unknown prefix', async () => {
    const all = await store.list('/registry/core/pods/');
    // Plain key order: '-' sorts before '/', so default-2/ comes before default/.
    assert.deepEqual(names(all.items), ['defaul/x', 'default-2/a', 'default-2/b', 'default/a', 'default/a-1',
      'default/b', 'default/c', 'kube-system/dns']);
    assert.deepEqual((await store.list('/registry/core/pods/nope/')).items, []);
    assert.equal((await store.list('')).items.length, 9, 'the empty prefix is everything');
  });

  it('pages with limit and startAfterKey, reporting what remains', async () => {
    const prefix = '/registry/core/pods/';
    const p1 = await store.list(prefix, { limit: 3 });
    assert.deepEqual(names(p1.items), ['defaul/x', 'default-2/a', 'default-2/b']);
    assert.equal(p1.nextKey, podKey('b', 'default-2'));
    assert.equal(p1.remaining, 5);
    const p2 = await store.list(prefix, { limit: 3, startAfterKey: p1.nextKey });
    assert.deepEqual(names(p2.items), ['default/a', 'default/a-1', 'default/b']);
    assert.equal(p2.remaining, 2);
    const p3 = await store.list(prefix, { limit: 3, startAfterKey: p2.nextKey });
    assert.deepEqual(names(p3.items), ['default/c', 'kube-system/dns']);
    assert.equal(p3.nextKey, undefined);
    assert.equal(p3.remaining, undefined);
    const exact = await store.list(prefix, { limit: 2, startAfterKey: p2.nextKey });
    assert.equal(exact.nextKey, undefined, 'a page that ends exactly at the last key has no continuation');
  });

  it('continues correctly when the key it started after was deleted meanwhile', async () => {
    const prefix = '/registry/core/pods/default/';
    const p1 = await store.list(prefix, { limit: 2 });
    await store.delete(podKey('a-1'));
    const p2 = await store.list(prefix, { limit: 2, startAfterKey: p1.nextKey });
    assert.deepEqual(names(p2.items), ['default/b', 'default/c']);
    await store.create(podKey('a-1'), pod('a-1'));
  });

  it('applies a filter before the limit and sets nextKey only when another match exists', async () => {
    const prefix = '/registry/core/pods/';
    const onlyA = (o: StoredObject): boolean => o.metadata.name.startsWith('a');
    const p1 = await store.list(prefix, { limit: 2, filter: onlyA });
    assert.deepEqual(names(p1.items), ['default-2/a', 'default/a']);
    assert.equal(p1.nextKey, podKey('a'));
    assert.equal(p1.remaining, undefined, 'no remaining count under a filter, as kube-apiserver');
    const p2 = await store.list(prefix, { limit: 2, filter: onlyA, startAfterKey: p1.nextKey });
    assert.deepEqual(names(p2.items), ['default/a-1']);
    assert.equal(p2.nextKey, undefined, 'no further match: no continuation and no empty last page');
  });

  it('lists 10,000 objects from memory well under 100 ms', async () => {
    const t = tempDir();
    const big = await openTestStore(t.dbPath);
    try {
      for (let i = 0; i < 10_000; i++) {
        const name = `pod-${String(i).padStart(5, '0')}`;
        await big.create(podKey(name), pod(name));
      }
      await big.list('/registry/core/pods/'); // warm-up
      const started = performance.now();
      const page = await big.list('/registry/core/pods/');
      const ms = performance.now() - started;
      assert.equal(page.items.length, 10_000);
      assert.ok(ms < 100, `listing took ${ms.toFixed(1)} ms`);
    } finally {
      await big.close();
      t.remove();
    }
  });
});

describe('ObjectCache', () => {
  it('keeps keys sorted through inserts and deletes', () => {
    const cache = new ObjectCache();
    const keys = ['/b/2', '/a/1', '/c/', '/b/1', '/a/10', '/a/'];
    for (const k of keys) cache.set(k, pod(k));
    cache.set('/b/1', pod('again')); // overwrite: no duplicate key
    cache.delete('/c/');
    cache.delete('/never');
    assert.deepEqual(cache.list('').items.map((o) => o.metadata.name), ['/a/', '/a/1', '/a/10', 'again', '/b/2']);
    assert.equal(cache.size, 5);
  });
});
