// F7: the disk fills up under the store. Writes must fail cleanly (StorageError, nothing half-written, no revision
// used up), reads and open watches must keep working, and writes must work again once space is freed, without a
// restart. The store lives on a tiny tmpfs; mounting needs root, so the test is skipped where mount is refused.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { StorageError } from '../../../apiserver/storage/errors.ts';
import type { SqliteStore } from '../../../apiserver/storage/sqlite-store.ts';
import { EventLog, openTestStore, pod, podKey, rvOf, waitFor } from './store-fixtures.ts';

function tryMountTmpfs(dir: string, size: string): string | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message.split('\n')[0] : String(err);
  }
}

function unmount(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'pipe' });
  } catch {
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' }); // never leave a mount behind
  }
  rmSync(dir, { recursive: true, force: true });
}

const bigPod = (name: string): ReturnType<typeof pod> => pod(name, { data: { blob: 'x'.repeat(48 * 1024) } });

describe('disk full (F7)', () => {
  it('fails writes cleanly, keeps reads and watches, and recovers without a restart', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-full-'));
    const mountError = tryMountTmpfs(dir, '4m');
    if (mountError) {
      rmSync(dir, { recursive: true, force: true });
      t.skip(`cannot mount a tmpfs here: ${mountError}`);
      return;
    }
    const dbPath = join(dir, 'skiff.db');
    let store: SqliteStore | undefined;
    try {
      store = await openTestStore(dbPath);
      for (let i = 0; i < 5; i++) await store.create(podKey(`p${i}`), pod(`p${i}`));
      const watch = new EventLog();
      store.watch('/registry/', 0, watch.onEvent, watch.onError);

      // Leave a sliver of space, then write until the disk is full.
      const fs = statfsSync(dir);
      writeFileSync(join(dir, 'filler'), Buffer.alloc(Math.max(0, fs.bavail * fs.bsize - 400 * 1024)));
      let failure: unknown;
      let i = 0;
      for (; i < 200 && failure === undefined; i++) {
        const before = store.currentRevision();
        try {
          await store.create(podKey(`big${i}`), bigPod(`big${i}`));
        } catch (err) {
          failure = err;
          assert.equal(store.currentRevision(), before, 'a failed write uses up no revision');
        }
      }
      assert.ok(failure instanceof StorageError, `a write failed with StorageError (got ${String(failure)})`);
      assert.match(String(failure.code), /SQLITE_FULL|SQLITE_IOERR/);
      t.diagnostic(`write ${i} failed with ${failure.code}: ${failure.message}`);
      const failedKey = podKey(`big${i - 1}`);
      assert.equal(await store.get(failedKey), undefined, 'nothing of the failed write is visible');
      const revisionAtFailure = store.currentRevision();

      // Reads, lists and watches keep working while the disk is full.
      assert.equal((await store.get(podKey('p0')))?.metadata.name, 'p0');
      assert.equal((await store.list('/registry/core/pods/default/')).items.length, 5 + i - 1);
      const replay = new EventLog();
      store.watch('/registry/', 1, replay.onEvent, replay.onError);
      await waitFor(() => replay.events.length === revisionAtFailure - 1, 'history replay on a full disk');
      await assert.rejects(store.update(podKey('p0'), bigPod('p0')), StorageError);
      assert.equal((await store.get(podKey('p0')))?.data, undefined, 'the failed update changed nothing');
      assert.deepEqual(watch.errors, [], 'the open watch was not disturbed');

      // Free the space: the very next write works, with the next revision, and the watch sees it.
      rmSync(join(dir, 'filler'));
      const after = await store.create(failedKey, bigPod('retry'));
      assert.equal(rvOf(after), revisionAtFailure + 1);
      assert.equal(statSync(`${dbPath}-wal`).size, 0, 'the WAL was checkpointed and truncated once writes succeeded again');
      await waitFor(() => watch.events.at(-1)?.rv === rvOf(after), 'the watch to see the write after recovery');
      assert.deepEqual(watch.rvs, Array.from({ length: revisionAtFailure - 5 + 1 }, (_, k) => 6 + k), 'no gap, no phantom event');
      for (let k = 0; k < 5; k++) await store.create(podKey(`again${k}`), bigPod(`again${k}`)); // keeps working
      const finalRv = store.currentRevision();
      await store.close();

      const db = new Database(dbPath, { readonly: true });
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
      db.close();
      store = await openTestStore(dbPath);
      assert.equal(store.currentRevision(), finalRv);
      assert.equal((await store.get(failedKey))?.metadata.name, 'retry');
      await store.close();
    } finally {
      await store?.close(); // an open database keeps the mount busy
      unmount(dir);
    }
  });
});
