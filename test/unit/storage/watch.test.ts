import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StorageError, WatcherTooSlowError } from '../../../apiserver/storage/errors.ts';
import type { SqliteStore } from '../../../apiserver/storage/sqlite-store.ts';
import type { StoreEvent } from '../../../apiserver/storage/store.ts';
import { EventLog, openTestStore, pod, podKey, rvOf, tempDir, waitFor } from './store-fixtures.ts';

const PODS = '/registry/core/pods/default/';

async function withStore(
  body: (store: SqliteStore, reopen: () => Promise<SqliteStore>) => Promise<void>,
  opts: Parameters<typeof openTestStore>[1] = {},
): Promise<void> {
  const tmp = tempDir();
  let store = await openTestStore(tmp.dbPath, opts);
  try {
    await body(store, async () => {
      await store.close();
      store = await openTestStore(tmp.dbPath, opts);
      return store;
    });
  } finally {
    await store.close();
    tmp.remove();
  }
}

/** Checks the etcd watch guarantees on what one watcher received: ordered, unique, and exactly `expected`. */
function assertExactly(events: StoreEvent[], expected: number[]): void {
  const rvs = events.map((e) => e.rv);
  for (let i = 1; i < rvs.length; i++) assert.ok(rvs[i] > rvs[i - 1], `out of order or duplicate at ${i}: ${rvs[i - 1]}, ${rvs[i]}`);
  assert.deepEqual(rvs, expected);
  for (const e of events) assert.equal(rvOf(e.object), e.rv, 'each event object carries its own revision');
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('watch', () => {
  it('from 0 delivers only later changes under the prefix, with prevObject', () => withStore(async (store) => {
    await store.create(podKey('old'), pod('old'));
    const log = new EventLog();
    store.watch(PODS, 0, log.onEvent, log.onError);
    const created = await store.create(podKey('a'), pod('a'));
    await store.create(podKey('a', 'default-2'), pod('a', {}, 'default-2')); // shares the textual prefix "default"
    const updated = await store.update(podKey('a'), pod('a', { data: { v: 2 } }));
    const deleted = await store.delete(podKey('a'));
    await waitFor(() => log.events.length === 3, '3 events');

    assert.deepEqual(log.events.map((e) => [e.type, e.key, e.rv]), [
      ['ADDED', podKey('a'), rvOf(created)], ['MODIFIED', podKey('a'), rvOf(updated)], ['DELETED', podKey('a'), rvOf(deleted)],
    ]);
    const [added, modified, removed] = log.events;
    assert.equal(added.prevObject, undefined);
    assert.deepEqual(modified.prevObject, created);
    assert.deepEqual(modified.object, updated);
    assert.deepEqual(removed.object, deleted, 'DELETED carries the last state at the delete revision');
    assert.deepEqual(removed.prevObject, updated);
    assert.deepEqual(log.errors, []);
  }));

  it('starts delivering only after watch() has returned its cancel function', () => withStore(async (store) => {
    await store.create(podKey('a'), pod('a'));
    await store.create(podKey('b'), pod('b')); // so the watch below resumes from revision 1, not 0 ("now")
    let insideWatchCall = true;
    const deliveredInside: boolean[] = [];
    const stop = store.watch(PODS, 0, () => { deliveredInside.push(insideWatchCall); }); // nothing to replay
    const stopReplay = store.watch(PODS, store.currentRevision() - 1, () => { deliveredInside.push(insideWatchCall); });
    insideWatchCall = false;
    await waitFor(() => deliveredInside.length === 1, 'the replayed event');
    assert.deepEqual(deliveredInside, [false], 'the replayed event came after watch() returned');
    stop();
    stopReplay();
  }));

  it('resumes from a recent revision out of the in-memory ring: no gap, no duplicate', () => withStore(async (store) => {
    for (let i = 0; i < 20; i++) await store.create(podKey(`p${i}`), pod(`p${i}`));
    const log = new EventLog();
    store.watch(PODS, 5, log.onEvent, log.onError);
    for (let i = 20; i < 25; i++) await store.create(podKey(`p${i}`), pod(`p${i}`));
    await waitFor(() => log.events.length === 20, '20 events');
    assertExactly(log.events, range(6, 25));
  }));

  it('resumes from the SQLite log after a restart, with writes interleaved during the replay', () => withStore(async (store, reopen) => {
    const expectedData = new Map<number, number>();
    for (let i = 0; i < 1500; i++) {
      const o = await store.create(podKey(`p${i}`), pod(`p${i}`, { data: { i } }));
      expectedData.set(rvOf(o), i);
    }
    for (let i = 0; i < 1500; i++) {
      if (i % 3 === 0) continue;
      const o = await store.update(podKey(`p${i}`), pod(`p${i}`, { data: { i: i + 10_000 } }));
      expectedData.set(rvOf(o), i + 10_000);
    }
    await store.create('/registry/core/pods/other/x', pod('x', {}, 'other')); // outside the prefix
    store = await reopen(); // the ring starts empty: everything older comes from the log
    const replayUpto = store.currentRevision();

    const log = new EventLog();
    store.watch(PODS, 10, log.onEvent, log.onError);
    // Write while the replay runs: it reads the log in windows and yields between them.
    let writesDuringReplay = 0;
    for (let i = 0; i < 200; i++) {
      const o = await store.create(podKey(`live${i}`), pod(`live${i}`, { data: { i: -1 - i } }));
      expectedData.set(rvOf(o), -1 - i);
      if (!log.events.some((e) => e.rv > replayUpto)) writesDuringReplay++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    const last = store.currentRevision();
    const expected = range(11, last).filter((rv) => rv !== replayUpto); // replayUpto is the pod outside the prefix
    await waitFor(() => log.events.length === expected.length, `${expected.length} events`);
    assert.ok(writesDuringReplay > 0, 'some writes landed while history was still being replayed');
    assertExactly(log.events, expected);
    for (const e of log.events) assert.deepEqual(e.object.data, { i: expectedData.get(e.rv) });
    for (const e of log.events.filter((ev) => ev.type === 'MODIFIED')) {
      assert.ok(e.prevObject, 'replayed MODIFIED carries prevObject');
      assert.deepEqual(e.prevObject.data, { i: (e.object.data as { i: number }).i - 10_000 });
    }
    assert.deepEqual(log.errors, []);
  }));

  it('replays the same events the live stream delivered, from the ring and from the log', () => withStore(async (store, reopen) => {
    await store.create('/registry/core/nodes/n1', pod('n1')); // so the first pod event is not at revision 1
    const live = new EventLog();
    store.watch(PODS, 0, live.onEvent);
    for (let i = 0; i < 5; i++) await store.create(podKey(`p${i}`), pod(`p${i}`));
    await store.update(podKey('p1'), pod('p1', { data: { v: 1 } }));
    await store.delete(podKey('p2'));
    await store.delete(podKey('p1'));
    await waitFor(() => live.events.length === 8, 'live events');

    const fromRing = new EventLog();
    store.watch(PODS, live.events[0].rv - 1, fromRing.onEvent);
    await waitFor(() => fromRing.events.length === 8, 'ring replay');
    assert.deepEqual(fromRing.events, live.events);

    store = await reopen();
    const fromLog = new EventLog();
    store.watch(PODS, live.events[0].rv - 1, fromLog.onEvent);
    await waitFor(() => fromLog.events.length === 8, 'log replay');
    assert.deepEqual(fromLog.events, live.events);
    assert.ok(Object.isFrozen(fromLog.events[0].object.metadata), 'replayed objects are frozen too');
  }));

  it('keeps order when a consumer writes to the store from inside onEvent', () => withStore(async (store) => {
    const observer = new EventLog();
    store.watch('/registry/', 0, (e) => {
      // A "controller": each new pod creates an event object, synchronously re-entering the store.
      if (e.type === 'ADDED' && e.key.startsWith(PODS)) {
        void store.create(`/registry/core/events/default/${e.object.metadata.name}`, pod(`ev-${e.object.metadata.name}`));
      }
    });
    store.watch('/registry/', 0, observer.onEvent);
    for (let i = 0; i < 10; i++) await store.create(podKey(`p${i}`), pod(`p${i}`));
    await waitFor(() => observer.events.length === 20, '20 events');
    assertExactly(observer.events, range(1, 20));
  }));

  it('skips events up to a future revision and stops on cancel', () => withStore(async (store) => {
    const log = new EventLog();
    const stop = store.watch(PODS, 3, log.onEvent);
    for (let i = 0; i < 5; i++) await store.create(podKey(`p${i}`), pod(`p${i}`));
    await waitFor(() => log.events.length === 2, '2 events');
    stop();
    await store.create(podKey('after-cancel'), pod('after-cancel'));
    await new Promise((resolve) => setImmediate(resolve));
    assertExactly(log.events, [4, 5]);
    assert.equal(store.watcherCount, 0);
  }));

  it('waits for a consumer that returns a promise, delivering in order', () => withStore(async (store) => {
    const seen: number[] = [];
    store.watch(PODS, 0, async (e) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      seen.push(e.rv);
    });
    const writes = [];
    for (let i = 0; i < 50; i++) writes.push(store.create(podKey(`p${i}`), pod(`p${i}`)));
    await Promise.all(writes);
    await waitFor(() => seen.length === 50, '50 slow deliveries');
    assert.deepEqual(seen, range(1, 50));
  }));

  it('cuts off a watcher that stops consuming, without disturbing the others', () => withStore(async (store) => {
    const stuck = new EventLog();
    let delivered = 0;
    store.watch(PODS, 0, () => {
      delivered++;
      return new Promise<void>(() => undefined); // never finishes: a client that stopped reading its socket
    }, stuck.onError);
    const healthy = new EventLog();
    store.watch(PODS, 0, healthy.onEvent, healthy.onError);
    for (let i = 0; i < 30; i++) await store.create(podKey(`p${i}`), pod(`p${i}`));
    await waitFor(() => healthy.events.length === 30, 'healthy watcher');

    assert.equal(delivered, 1);
    assert.equal(stuck.errors.length, 1);
    const err = stuck.errors[0];
    assert.ok(err instanceof WatcherTooSlowError);
    assert.equal(err.bufferedEvents, 11);
    assert.equal(err.lastDeliveredRv, 1);
    assert.equal(store.watcherCount, 1, 'the slow watcher is gone');
    assert.deepEqual(healthy.errors, []);
  }, { watchBufferLimit: 10 }));

  it('ends a watcher whose onEvent throws, reporting the error', () => withStore(async (store) => {
    const log = new EventLog();
    store.watch(PODS, 0, () => { throw new Error('consumer broke'); }, log.onError);
    await store.create(podKey('a'), pod('a'));
    await store.create(podKey('b'), pod('b'));
    await waitFor(() => log.errors.length === 1, 'the error');
    assert.match(log.errors[0].message, /consumer broke/);
    assert.equal(store.watcherCount, 0);
  }));

  it('ends every watch with a StorageError when the store closes', async () => {
    const tmp = tempDir();
    const store = await openTestStore(tmp.dbPath);
    const log = new EventLog();
    store.watch(PODS, 0, log.onEvent, log.onError);
    await store.close();
    assert.equal(log.errors.length, 1);
    assert.ok(log.errors[0] instanceof StorageError);
    tmp.remove();
  });
});
