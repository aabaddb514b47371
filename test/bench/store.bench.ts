// Micro-benchmark of the SQLite store: sequential creates per second (both durability settings), listing 10,000
// objects from the cache, fanning events out to 100 watchers, and replaying history from the log.
// Run: node --import tsx test/bench/store.bench.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoredObject } from '../../apiserver/api/types.ts';
import { openSqliteStore, type Durability, type SqliteStore } from '../../apiserver/storage/sqlite-store.ts';

const OBJECTS = 10_000;

function pod(i: number): StoredObject {
  const name = `pod-${String(i).padStart(5, '0')}`;
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name, namespace: 'default', uid: `uid-${i}`, resourceVersion: '', creationTimestamp: new Date().toISOString(),
      labels: { app: 'bench', shard: String(i % 10) },
    },
    spec: { containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'], resources: { requests: { cpu: '100m' } } }] },
    status: { phase: 'Pending' },
  };
}

const key = (i: number): string => `/registry/core/pods/default/pod-${String(i).padStart(5, '0')}`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function withStore<T>(durability: Durability, body: (store: SqliteStore, path: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-bench-'));
  const path = join(dir, 'skiff.db');
  const store = await openSqliteStore({ path, durability, compactIntervalMs: 0 });
  try {
    return await body(store, path);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function sequentialCreates(store: SqliteStore, count: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < count; i++) await store.create(key(i), pod(i));
  return count / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${OBJECTS} objects of ~${JSON.stringify(pod(0)).length} bytes`);

  await withStore('normal', async (store, path) => {
    console.log(`creates/s, sequential, durability normal: ${(await sequentialCreates(store, OBJECTS)).toFixed(0)}`);

    const listTimes: number[] = [];
    for (let run = 0; run < 20; run++) {
      const started = performance.now();
      const page = await store.list('/registry/core/pods/');
      listTimes.push(performance.now() - started);
      if (page.items.length !== OBJECTS) throw new Error(`listed ${page.items.length}`);
    }
    listTimes.sort((a, b) => a - b);
    console.log(`list of ${OBJECTS} objects: median ${percentile(listTimes, 50).toFixed(2)} ms, max ${listTimes.at(-1)?.toFixed(2)} ms`);
    const filtered = performance.now();
    await store.list('/registry/core/pods/', { filter: (o) => o.metadata.labels?.shard === '3' });
    console.log(`list of ${OBJECTS} objects with a label filter: ${(performance.now() - filtered).toFixed(2)} ms`);

    // 100 watchers, each serialising what it gets as the HTTP handler would; 1000 updates, one per tick.
    const sentAt = new Map<number, number>();
    const delays: number[] = [];
    const stops: (() => void)[] = [];
    for (let w = 0; w < 100; w++) {
      stops.push(store.watch('/registry/core/pods/', 0, (e) => {
        JSON.stringify({ type: e.type, object: e.object });
        delays.push(performance.now() - (sentAt.get(e.rv) ?? NaN));
      }));
    }
    await new Promise((resolve) => setImmediate(resolve));
    for (let i = 0; i < 1000; i++) {
      const next = store.currentRevision() + 1;
      sentAt.set(next, performance.now());
      await store.update(key(i), { ...pod(i), status: { phase: 'Running' } });
      await new Promise((resolve) => setImmediate(resolve));
    }
    for (const stop of stops) stop();
    delays.sort((a, b) => a - b);
    console.log(`watch fan-out to 100 watchers, 1000 events (${delays.length} deliveries): `
      + `p50 ${percentile(delays, 50).toFixed(3)} ms, p99 ${percentile(delays, 99).toFixed(3)} ms, max ${delays.at(-1)?.toFixed(3)} ms `
      + '(from before the write call to delivery)');

    const replayed: number[] = [];
    await store.close();
    const openStarted = performance.now();
    const reopened = await openSqliteStore({ path, compactIntervalMs: 0 });
    console.log(`reopen with ${OBJECTS} objects (load into the cache): ${(performance.now() - openStarted).toFixed(0)} ms`);
    try {
      const started = performance.now();
      await new Promise<void>((resolve) => {
        reopened.watch('/registry/core/pods/', 1, (e) => {
          replayed.push(e.rv);
          if (e.rv === reopened.currentRevision()) resolve();
        });
      });
      console.log(`watch resume from the SQLite log after a restart: ${replayed.length} events in ${(performance.now() - started).toFixed(0)} ms`);
    } finally {
      await reopened.close();
    }
  });

  await withStore('full', async (store) => {
    console.log(`creates/s, sequential, durability full: ${(await sequentialCreates(store, 2000)).toFixed(0)} (2000 creates)`);
  });
}

await main();
