import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { describe, it } from 'node:test';
import { compactionTarget } from '../../../apiserver/storage/compaction-policy.ts';
import { CompactedError } from '../../../apiserver/storage/errors.ts';
import { EventLog, openTestStore, pod, podKey, tempDir, waitFor } from './store-fixtures.ts';

const PODS = '/registry/core/pods/default/';

describe('compactionTarget', () => {
  const base = { headRv: 5000, compactedRv: 0, minRetainRevisions: 1000, oldestRecentRv: undefined, replayCursor: undefined };
  it('keeps the newest revisions', () => assert.equal(compactionTarget(base), 4000));
  it('keeps recent history even beyond the revision count', () =>
    assert.equal(compactionTarget({ ...base, oldestRecentRv: 1200 }), 1199));
  it('keeps everything a replaying watcher still needs', () =>
    assert.equal(compactionTarget({ ...base, replayCursor: 300 }), 300));
  it('never goes below what is already compacted', () => {
    assert.equal(compactionTarget({ ...base, compactedRv: 4500 }), 4500);
    assert.equal(compactionTarget({ ...base, headRv: 10 }), 0);
  });
});

describe('compaction', () => {
  it('drops old history but never current state, and refuses watches below it (C5)', async () => {
    const tmp = tempDir();
    const store = await openTestStore(tmp.dbPath, { compactMinRetainRevisions: 10, compactMinRetainMs: 0 });
    try {
      for (let i = 0; i < 30; i++) await store.create(podKey(`p${i}`), pod(`p${i}`));
      for (let i = 0; i < 10; i++) await store.update(podKey(`p${i}`), pod(`p${i}`, { data: { v: 1 } }));
      await store.delete(podKey('p29')); // rv 41 ...
      const head = store.currentRevision();
      assert.equal(await store.compact(), head - 10);
      assert.equal(store.compactedRevision(), head - 10);
      assert.equal((await store.list(PODS)).items.length, 29, 'objects whose only log rows were compacted are still there');
      assert.equal((await store.get(podKey('p15')))?.metadata.resourceVersion, '16');

      assert.throws(() => store.watch(PODS, head - 11, () => undefined), (err: unknown) => {
        assert.ok(err instanceof CompactedError);
        assert.equal(err.compactedRv, head - 10);
        assert.equal(err.requestedRv, head - 11);
        return true;
      });
      // Resuming exactly at the compacted revision needs only what follows it, which is all still there.
      const log = new EventLog();
      store.watch(PODS, head - 10, log.onEvent, log.onError);
      await waitFor(() => log.events.length === 10, '10 retained events');
      assert.deepEqual(log.events.map((e) => e.rv), Array.from({ length: 10 }, (_, i) => head - 9 + i));
      assert.equal(log.events.at(-1)?.type, 'DELETED', 'the delete right at the end of history is not lost');
      assert.equal(await store.compact(), head - 10, 'nothing more to drop');
    } finally {
      await store.close();
      tmp.remove();
    }
  });

  it('keeps history younger than the minimum retention time', async () => {
    const tmp = tempDir();
    const store = await openTestStore(tmp.dbPath, { compactMinRetainRevisions: 0, compactMinRetainMs: 60_000 });
    try {
      for (let i = 0; i < 20; i++) await store.create(podKey(`p${i}`), pod(`p${i}`));
      assert.equal(await store.compact(), 0);
      const log = new EventLog();
      store.watch(PODS, 1, log.onEvent);
      await waitFor(() => log.events.length === 19, 'full history');
    } finally {
      await store.close();
      tmp.remove();
    }
  });

  it('does not compact history a watcher is still replaying', async () => {
    const tmp = tempDir();
    let store = await openTestStore(tmp.dbPath);
    try {
      for (let i = 0; i < 3000; i++) await store.create(podKey(`p${i}`), pod(`p${i}`));
      await store.close();
      store = await openTestStore(tmp.dbPath, { compactMinRetainRevisions: 0, compactMinRetainMs: 0 });
      const seen: number[] = [];
      store.watch(PODS, 5, async (e) => {
        seen.push(e.rv);
        if (e.rv % 100 === 0) await new Promise((resolve) => setTimeout(resolve, 1)); // a consumer that takes its time
      });
      await waitFor(() => seen.length >= 10, 'the replay to start');
      const compacted = await store.compact();
      assert.ok(compacted >= 5 && compacted < 3000, `compaction stopped at the replay cursor (${compacted})`);
      await waitFor(() => seen.length === 2995, 'the full replay');
      assert.deepEqual(seen, Array.from({ length: 2995 }, (_, i) => i + 6));
      assert.equal(await store.compact(), 3000, 'once the replay is done, everything may go');
    } finally {
      await store.close();
      tmp.remove();
    }
  });

  it('runs on its timer and truncates the WAL afterwards', async () => {
    const tmp = tempDir();
    const store = await openTestStore(tmp.dbPath, {
      compactIntervalMs: 20, compactMinRetainRevisions: 5, compactMinRetainMs: 0,
    });
    try {
      for (let i = 0; i < 200; i++) await store.create(podKey(`p${i}`), pod(`p${i}`, { data: { pad: 'x'.repeat(2000) } }));
      assert.ok(statSync(`${tmp.dbPath}-wal`).size > 0);
      await waitFor(() => store.compactedRevision() === 195, 'the scheduled compaction');
      await waitFor(() => statSync(`${tmp.dbPath}-wal`).size === 0, 'the WAL checkpoint');
    } finally {
      await store.close();
      tmp.remove();
    }
  });
});
