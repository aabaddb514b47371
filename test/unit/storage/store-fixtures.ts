// Shared helpers for the storage tests: temp database files, objects, and waiting for a condition instead of
// sleeping a fixed time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoredObject } from '../../../apiserver/api/types.ts';
import { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from '../../../apiserver/storage/sqlite-store.ts';
import type { StoreEvent } from '../../../apiserver/storage/store.ts';

export interface TempDir {
  dir: string;
  dbPath: string;
  remove(): void;
}

export function tempDir(): TempDir {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-store-'));
  return { dir, dbPath: join(dir, 'skiff.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Opens a store on `path` with the timers off, so tests decide when compaction runs. */
export function openTestStore(path: string, opts: Partial<SqliteStoreOptions> = {}): Promise<SqliteStore> {
  return openSqliteStore({ path, compactIntervalMs: 0, ...opts });
}

export function pod(name: string, extra: Record<string, unknown> = {}, namespace = 'default'): StoredObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, uid: `uid-${namespace}-${name}`, resourceVersion: '', creationTimestamp: '2024-01-01T00:00:00Z' },
    spec: { containers: [{ name: 'c', image: 'busybox' }] },
    ...extra,
  };
}

export function podKey(name: string, namespace = 'default'): string {
  return `/registry/core/pods/${namespace}/${name}`;
}

export function rvOf(obj: StoredObject): number {
  return Number(obj.metadata.resourceVersion);
}

export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Records what a watch delivers. */
export class EventLog {
  readonly events: StoreEvent[] = [];
  readonly errors: Error[] = [];
  readonly onEvent = (e: StoreEvent): void => {
    this.events.push(e);
  };
  readonly onError = (err: Error): void => {
    this.errors.push(err);
  };

  get rvs(): number[] {
    return this.events.map((e) => e.rv);
  }
}
