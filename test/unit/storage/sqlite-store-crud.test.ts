import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import {
  ConflictError, KeyExistsError, NotFoundError, StorageError,
} from '../../../apiserver/storage/errors.ts';
import type { SqliteStore } from '../../../apiserver/storage/sqlite-store.ts';
import { openTestStore, pod, podKey, rvOf, tempDir, type TempDir } from './store-fixtures.ts';

describe('SqliteStore create/get/update/delete', () => {
  let tmp: TempDir;
  let store: SqliteStore;
  before(async () => {
    tmp = tempDir();
    store = await openTestStore(tmp.dbPath);
  });
  after(async () => {
    await store.close();
    tmp.remove();
  });

  it('creates an object, stamps its resourceVersion and returns it from get', async () => {
    const input = pod('a');
    const created = await store.create(podKey('a'), input);
    assert.equal(created.metadata.resourceVersion, String(store.currentRevision()));
    assert.equal(input.metadata.resourceVersion, '', 'the caller\'s object is not modified');
    assert.deepEqual(await store.get(podKey('a')), created);
    assert.equal(await store.get(podKey('missing')), undefined);
  });

  it('returns deep-frozen objects so a caller that edits one fails loudly', async () => {
    const obj = await store.get(podKey('a'));
    assert.ok(obj);
    assert.throws(() => { (obj.metadata as { name: string }).name = 'changed'; }, TypeError);
    const spec = obj.spec as { containers: { image: string }[] };
    assert.throws(() => { spec.containers[0].image = 'evil'; }, TypeError);
    assert.equal((await store.get(podKey('a')))?.metadata.name, 'a');
  });

  it('refuses a second create of the same key with KeyExistsError', async () => {
    const before = store.currentRevision();
    await assert.rejects(store.create(podKey('a'), pod('a')), KeyExistsError);
    assert.equal(store.currentRevision(), before, 'a refused write issues no revision');
  });

  it('updates unconditionally and with a matching expected revision', async () => {
    const current = await store.get(podKey('a'));
    assert.ok(current);
    const u1 = await store.update(podKey('a'), pod('a', { status: { phase: 'Pending' } }));
    assert.ok(rvOf(u1) > rvOf(current));
    const u2 = await store.update(podKey('a'), pod('a', { status: { phase: 'Running' } }), rvOf(u1));
    assert.equal(rvOf(u2), rvOf(u1) + 1);
    assert.deepEqual((await store.get(podKey('a')))?.status, { phase: 'Running' });
  });

  it('rejects a stale expected revision with ConflictError carrying the current revision', async () => {
    const current = await store.get(podKey('a'));
    assert.ok(current);
    await assert.rejects(store.update(podKey('a'), pod('a'), rvOf(current) - 1), (err: unknown) => {
      assert.ok(err instanceof ConflictError);
      assert.equal(err.currentRv, rvOf(current));
      assert.equal(err.expectedRv, rvOf(current) - 1);
      return true;
    });
    await assert.rejects(store.delete(podKey('a'), rvOf(current) + 5), ConflictError);
    assert.deepEqual(await store.get(podKey('a')), current, 'nothing changed');
  });

  it('answers NotFoundError for update and delete of a missing key', async () => {
    await assert.rejects(store.update(podKey('nope'), pod('nope')), NotFoundError);
    await assert.rejects(store.delete(podKey('nope')), NotFoundError);
  });

  it('deletes, returning the last state at the delete\'s revision', async () => {
    const current = await store.get(podKey('a'));
    assert.ok(current);
    const deleted = await store.delete(podKey('a'), rvOf(current));
    assert.equal(rvOf(deleted), store.currentRevision());
    assert.ok(rvOf(deleted) > rvOf(current));
    assert.deepEqual(deleted.status, current.status);
    assert.equal(await store.get(podKey('a')), undefined);
    await assert.rejects(store.delete(podKey('a')), NotFoundError);
  });

  it('allows re-creating a deleted key, with a new revision', async () => {
    const before = store.currentRevision();
    const again = await store.create(podKey('a'), pod('a'));
    assert.equal(rvOf(again), before + 1);
  });

  it('lets only one of many racing read-modify-write clients win each round (F6)', async () => {
    const key = podKey('counter');
    await store.create(key, pod('counter', { data: { n: 0 } }));
    let successes = 0;
    let conflicts = 0;
    const client = async (): Promise<void> => {
      for (let i = 0; i < 20; i++) {
        const cur = await store.get(key);
        assert.ok(cur);
        await new Promise((resolve) => setImmediate(resolve)); // let the other clients read the same revision
        const n = (cur.data as { n: number }).n;
        try {
          await store.update(key, { ...structuredClone(cur), data: { n: n + 1 } }, rvOf(cur));
          successes++;
        } catch (err) {
          assert.ok(err instanceof ConflictError);
          conflicts++;
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, client));
    const final = await store.get(key);
    assert.equal((final?.data as { n: number }).n, successes, 'no lost update');
    assert.ok(conflicts > 0, 'the clients really raced');
    assert.equal(successes + conflicts, 16 * 20);

    const creates = await Promise.allSettled(Array.from({ length: 16 }, () => store.create(podKey('once'), pod('once'))));
    assert.equal(creates.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of creates) if (r.status === 'rejected') assert.ok(r.reason instanceof KeyExistsError);
  });

  it('throws StorageError once closed', async () => {
    const t = tempDir();
    const s = await openTestStore(t.dbPath);
    await s.close();
    await assert.rejects(s.get(podKey('a')), StorageError);
    await assert.rejects(s.create(podKey('a'), pod('a')), StorageError);
    await assert.rejects(s.compact(), StorageError);
    assert.throws(() => s.watch('/', 0, () => undefined), StorageError);
    await s.close(); // idempotent
    t.remove();
  });
});

describe('SqliteStore revisions and persistence', () => {
  it('never reuses a revision, even after deleting the newest object and reopening (C3)', async () => {
    const tmp = tempDir();
    try {
      let store = await openTestStore(tmp.dbPath);
      const issued: number[] = [];
      for (const n of ['a', 'b', 'c']) issued.push(rvOf(await store.create(podKey(n), pod(n))));
      issued.push(rvOf(await store.delete(podKey('c'))));
      await store.close();

      store = await openTestStore(tmp.dbPath);
      assert.equal(store.currentRevision(), issued[issued.length - 1]);
      const next = rvOf(await store.create(podKey('d'), pod('d')));
      assert.ok(next > Math.max(...issued), `new revision ${next} must exceed every issued one (${issued.join(',')})`);
      for (let i = 1; i < issued.length; i++) assert.ok(issued[i] > issued[i - 1], 'strictly increasing');
      await store.close();

      // Even with the whole history compacted away, AUTOINCREMENT's counter keeps revisions moving forward.
      store = await openTestStore(tmp.dbPath, { compactMinRetainRevisions: 0, compactMinRetainMs: 0 });
      await store.delete(podKey('d'));
      const beforeCompaction = store.currentRevision();
      assert.equal(await store.compact(), beforeCompaction);
      await store.close();
      store = await openTestStore(tmp.dbPath);
      assert.equal(store.currentRevision(), beforeCompaction);
      assert.equal(rvOf(await store.create(podKey('e'), pod('e'))), beforeCompaction + 1);
      await store.close();
    } finally {
      tmp.remove();
    }
  });

  it('restores state, revision and compacted revision on reopen', async () => {
    const tmp = tempDir();
    try {
      let store = await openTestStore(tmp.dbPath, { compactMinRetainRevisions: 2, compactMinRetainMs: 0 });
      for (let i = 0; i < 10; i++) await store.create(podKey(`p${i}`), pod(`p${i}`, { data: { i } }));
      await store.update(podKey('p3'), pod('p3', { data: { i: 33 } }));
      await store.delete(podKey('p4'));
      const compacted = await store.compact();
      assert.equal(compacted, store.currentRevision() - 2);
      const state = (await store.list('/')).items;
      const rv = store.currentRevision();
      await store.close();

      store = await openTestStore(tmp.dbPath);
      assert.equal(store.currentRevision(), rv);
      assert.equal(store.compactedRevision(), compacted);
      assert.deepEqual((await store.list('/')).items, state);
      assert.deepEqual((await store.get(podKey('p3')))?.data, { i: 33 });
      assert.equal(await store.get(podKey('p4')), undefined);
      await store.close();
    } finally {
      tmp.remove();
    }
  });

  it('stores the log and the current state in the documented tables', async () => {
    const tmp = tempDir();
    try {
      const store = await openTestStore(tmp.dbPath);
      await store.create(podKey('a'), pod('a'));
      await store.update(podKey('a'), pod('a', { data: { v: 2 } }));
      await store.delete(podKey('a'));
      await store.create(podKey('a'), pod('a'));
      await store.close();

      const db = new Database(tmp.dbPath, { readonly: true });
      const log = db.prepare('SELECT id, key, type, prev_revision, prev_value IS NOT NULL AS has_prev FROM revision_log ORDER BY id').all();
      assert.deepEqual(log, [
        { id: 1, key: podKey('a'), type: 'ADDED', prev_revision: 0, has_prev: 0 },
        { id: 2, key: podKey('a'), type: 'MODIFIED', prev_revision: 1, has_prev: 1 },
        { id: 3, key: podKey('a'), type: 'DELETED', prev_revision: 2, has_prev: 0 },
        { id: 4, key: podKey('a'), type: 'ADDED', prev_revision: 3, has_prev: 0 },
      ]);
      assert.deepEqual(db.prepare('SELECT key, rv, create_rv FROM current_state').all(), [{ key: podKey('a'), rv: 4, create_rv: 4 }]);
      const value = JSON.parse(db.prepare('SELECT value FROM current_state').pluck().get() as string) as { metadata: Record<string, unknown> };
      assert.equal(value.metadata.resourceVersion, undefined, 'the row id is the resourceVersion; the JSON does not repeat it');
      // The database itself refuses a second child of the same parent revision.
      const insert = db.prepare('INSERT INTO revision_log (key, type, value, prev_revision, created_at) VALUES (?, ?, ?, ?, ?)');
      db.close();
      const rw = new Database(tmp.dbPath);
      assert.throws(() => rw.prepare(insert.source).run(podKey('a'), 'MODIFIED', '{}', 1, 0), /UNIQUE constraint failed/);
      rw.close();
    } finally {
      tmp.remove();
    }
  });
});

describe('SqliteStore start-up checks', () => {
  it('runs WAL with synchronous NORMAL by default and FULL with durability full', async () => {
    const tmp = tempDir();
    try {
      for (const [durability, expected] of [['normal', 1], ['full', 2]] as const) {
        const store = await openTestStore(tmp.dbPath, { durability });
        const db = (store as unknown as { db: Database.Database }).db;
        assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
        assert.equal(db.pragma('synchronous', { simple: true }), expected);
        await store.close();
      }
    } finally {
      tmp.remove();
    }
  });

  it('refuses to start when WAL cannot be enabled', async () => {
    // An in-memory database reports journal_mode "memory" whatever is asked: the read-back check must catch it.
    await assert.rejects(openTestStore(':memory:'), (err: unknown) => {
      assert.ok(err instanceof StorageError);
      assert.match(err.message, /journal_mode is memory, expected wal/);
      return true;
    });
  });

  it('refuses a second store on a file another store holds', async () => {
    const tmp = tempDir();
    try {
      const first = await openTestStore(tmp.dbPath);
      await first.create(podKey('a'), pod('a'));
      await assert.rejects(openTestStore(tmp.dbPath, { busyTimeoutMs: 50 }), (err: unknown) => {
        assert.ok(err instanceof StorageError);
        assert.match(err.message, /in use by another process/);
        return true;
      });
      assert.equal((await first.get(podKey('a')))?.metadata.name, 'a', 'the first store is unaffected');
      await first.close();
      const second = await openTestStore(tmp.dbPath);
      assert.equal((await second.get(podKey('a')))?.metadata.name, 'a');
      await second.close();
    } finally {
      tmp.remove();
    }
  });
});
