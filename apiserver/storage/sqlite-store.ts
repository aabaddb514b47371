// The embedded store: one SQLite file holding a revision log and the current state, an in-memory copy of the current
// state for reads, and a watch hub fed from commits.
//
// Every write is one BEGIN IMMEDIATE transaction that appends to the log and changes the current state together; the
// call resolves only after COMMIT returned, and only then are the cache updated and watchers told, in revision
// order. better-sqlite3 is synchronous, so a write never interleaves with another write or with a watch being set
// up; the async signatures are for backends that are not.
import type Database from 'better-sqlite3';
import { pino, type Logger } from 'pino';
import type { StoredObject } from '../api/types.ts';
import { compactionTarget } from './compaction-policy.ts';
import {
  CompactedError, ConflictError, KeyExistsError, NotFoundError, StorageError,
} from './errors.ts';
import { decodeObject, encodeObject } from './object-codec.ts';
import { ObjectCache } from './object-cache.ts';
import { errorCode, errorMessage, openDatabase, type Durability } from './sqlite-database.ts';
import { SqliteTables, type LogRow } from './sqlite-tables.ts';
import type {
  ListOptions, ListResult, Store, StoreEvent, WatchErrorHandler, WatchEventHandler,
} from './store.ts';
import { WatchHub } from './watch-hub.ts';

export type { Durability };

export interface SqliteStoreOptions {
  path: string;
  /** 'normal' survives kill -9 of the process; 'full' also survives power loss, at the cost of an fsync per write. */
  durability?: Durability;
  /** How often history is compacted; 0 turns the timer off (compact() still works). Default 5 minutes. */
  compactIntervalMs?: number;
  /** Compaction keeps at least this many of the newest revisions. Default 1000. */
  compactMinRetainRevisions?: number;
  /** Compaction keeps at least this much recent history. Default 5 minutes. */
  compactMinRetainMs?: number;
  /** How long opening waits for a lock held by another process. Default 5000 ms. */
  busyTimeoutMs?: number;
  /** Recent events kept in memory to serve resuming watchers without reading the log. Default 4096. */
  watchCacheSize?: number;
  /** Events one watcher may have waiting before it is closed as too slow. Default 10000. */
  watchBufferLimit?: number;
  logger?: Logger;
}

const FIVE_MINUTES = 5 * 60 * 1000;
/** Log rows deleted per compaction transaction, so a big compaction never holds the write lock for long. */
const COMPACT_BATCH = 10_000;
const COMPACTED_META = 'compacted_rev';

export async function openSqliteStore(opts: SqliteStoreOptions): Promise<SqliteStore> {
  return new SqliteStore(opts);
}

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly tables: SqliteTables;
  private readonly cache = new ObjectCache();
  private readonly hub: WatchHub;
  private readonly logger: Logger;
  private readonly inWriteTransaction: (body: () => number) => number;
  private readonly minRetainRevisions: number;
  private readonly minRetainMs: number;
  private readonly compactTimer: NodeJS.Timeout | undefined;
  private revision: number;
  private compacted: number;
  private compacting: Promise<number> | undefined;
  private closed = false;
  /** Set when a write hit a full disk: the WAL only shrinks through a checkpoint, so retry one after each write. */
  private checkpointAfterFullDisk = false;

  constructor(opts: SqliteStoreOptions) {
    this.logger = opts.logger ?? pino({ level: 'silent' });
    this.minRetainRevisions = nonNegative('compactMinRetainRevisions', opts.compactMinRetainRevisions ?? 1000);
    this.minRetainMs = nonNegative('compactMinRetainMs', opts.compactMinRetainMs ?? FIVE_MINUTES);
    const compactIntervalMs = nonNegative('compactIntervalMs', opts.compactIntervalMs ?? FIVE_MINUTES);
    const durability = opts.durability ?? 'normal';

    this.db = openDatabase({ path: opts.path, durability, busyTimeoutMs: opts.busyTimeoutMs ?? 5000 });
    try {
      this.tables = new SqliteTables(this.db);
      const transaction = this.db.transaction((body: () => number) => body());
      this.inWriteTransaction = (body) => transaction.immediate(body);
      this.revision = this.tables.lastIssuedRevision();
      this.compacted = this.tables.meta(COMPACTED_META) ?? 0;
      this.loadCache();
    } catch (err) {
      this.db.close();
      throw err instanceof StorageError ? err : new StorageError(`cannot load ${opts.path}: ${errorMessage(err)}`, { code: errorCode(err), cause: err });
    }

    this.hub = new WatchHub({
      headRv: this.revision,
      ringSize: opts.watchCacheSize ?? 4096,
      bufferLimit: opts.watchBufferLimit ?? 10_000,
      readHistory: (prefix, afterRv, uptoRv) => this.tables.history(prefix, afterRv, uptoRv).map(eventFromLogRow),
      wrapHistoryError: (err) => new StorageError(`reading watch history failed: ${errorMessage(err)}`, { code: errorCode(err), cause: err }),
    });

    if (compactIntervalMs > 0) {
      this.compactTimer = setInterval(() => {
        this.compact().catch((err: unknown) => this.logger.error({ err }, 'scheduled compaction failed'));
      }, compactIntervalMs);
      this.compactTimer.unref();
    }
    this.logger.info({ path: opts.path, durability, objects: this.cache.size, revision: this.revision, compacted: this.compacted },
      'storage opened');
  }

  async get(key: string): Promise<StoredObject | undefined> {
    this.assertOpen();
    return this.cache.get(key);
  }

  async list(prefix: string, opts?: ListOptions): Promise<ListResult> {
    this.assertOpen();
    return { ...this.cache.list(prefix, opts), rv: this.revision };
  }

  async create(key: string, obj: StoredObject): Promise<StoredObject> {
    this.assertOpen();
    if (this.cache.get(key)) throw new KeyExistsError(key);
    const value = encodeObject(obj);
    const rv = this.write(key, 0, () => {
      const id = this.tables.appendLog({
        key, type: 'ADDED', value, prevValue: null, prevRevision: this.tables.lastLogId(key), createdAt: Date.now(),
      });
      this.checkRevisionAdvances(id);
      this.tables.insertCurrent(key, id, id, value);
      return id;
    });
    const object = decodeObject(value, rv);
    this.committed({ type: 'ADDED', key, rv, object });
    return object;
  }

  async update(key: string, obj: StoredObject, expectedRv?: number): Promise<StoredObject> {
    const prevObject = this.currentFor(key, expectedRv);
    const prevRv = Number(prevObject.metadata.resourceVersion);
    const value = encodeObject(obj);
    const rv = this.write(key, prevRv, () => {
      const row = this.currentRowMatching(key, prevRv);
      const id = this.tables.appendLog({
        key, type: 'MODIFIED', value, prevValue: row.value, prevRevision: row.rv, createdAt: Date.now(),
      });
      this.checkRevisionAdvances(id);
      this.tables.updateCurrent(key, id, value);
      return id;
    });
    const object = decodeObject(value, rv);
    this.committed({ type: 'MODIFIED', key, rv, object, prevObject });
    return object;
  }

  async delete(key: string, expectedRv?: number): Promise<StoredObject> {
    const prevObject = this.currentFor(key, expectedRv);
    const prevRv = Number(prevObject.metadata.resourceVersion);
    let lastValue = '';
    const rv = this.write(key, prevRv, () => {
      const row = this.currentRowMatching(key, prevRv);
      lastValue = row.value;
      const id = this.tables.appendLog({
        key, type: 'DELETED', value: row.value, prevValue: null, prevRevision: row.rv, createdAt: Date.now(),
      });
      this.checkRevisionAdvances(id);
      this.tables.deleteCurrent(key);
      return id;
    });
    const object = decodeObject(lastValue, rv);
    this.committed({ type: 'DELETED', key, rv, object, prevObject });
    return object;
  }

  watch(prefix: string, fromRv: number, onEvent: WatchEventHandler, onError?: WatchErrorHandler): () => void {
    this.assertOpen();
    if (!Number.isSafeInteger(fromRv) || fromRv < 0) throw new RangeError(`invalid watch revision: ${fromRv}`);
    if (fromRv !== 0 && fromRv < this.compacted) throw new CompactedError(fromRv, this.compacted);
    return this.hub.watch(prefix, fromRv, onEvent, onError);
  }

  currentRevision(): number {
    return this.revision;
  }

  compactedRevision(): number {
    return this.compacted;
  }

  /** Open watches, for metrics. */
  get watcherCount(): number {
    return this.hub.watcherCount;
  }

  compact(): Promise<number> {
    if (this.closed) return Promise.reject(new StorageError('store is closed', { code: 'CLOSED' }));
    // One compaction at a time: the timer and an explicit call share the run in progress.
    this.compacting ??= this.runCompaction().finally(() => { this.compacting = undefined; });
    return this.compacting;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.compactTimer) clearInterval(this.compactTimer);
    this.hub.closeAll(new StorageError('store closed', { code: 'CLOSED' }));
    await this.compacting?.catch(() => undefined);
    try {
      this.tables.checkpoint();
    } catch (err) {
      this.logger.warn({ err }, 'final WAL checkpoint failed; SQLite replays the WAL at next open');
    }
    this.db.close();
  }

  /** The cached object a write applies to, after the NotFound and compare-and-swap checks. */
  private currentFor(key: string, expectedRv: number | undefined): StoredObject {
    this.assertOpen();
    const current = this.cache.get(key);
    if (!current) throw new NotFoundError(key);
    const currentRv = Number(current.metadata.resourceVersion);
    if (expectedRv !== undefined && expectedRv !== currentRv) throw new ConflictError(key, expectedRv, currentRv);
    return current;
  }

  /** Inside a write: the database must agree with the cache, or something other than this store wrote the file. */
  private currentRowMatching(key: string, rv: number): { rv: number; value: string } {
    const row = this.tables.currentRow(key);
    if (!row || row.rv !== rv) {
      throw new StorageError(`stored state of ${key} is at revision ${row?.rv ?? 'none'}, cache at ${rv}: the file was changed outside this store`);
    }
    return row;
  }

  private checkRevisionAdvances(id: number): void {
    if (id <= this.revision) {
      throw new StorageError(`revision went backwards: got ${id} after ${this.revision}`);
    }
  }

  /** Runs one write transaction; any failure leaves nothing behind and surfaces as a store error. */
  private write(key: string, parentRv: number, body: () => number): number {
    try {
      return this.inWriteTransaction(body);
    } catch (err) {
      throw this.writeError(err, key, parentRv);
    }
  }

  private writeError(err: unknown, key: string, parentRv: number): Error {
    if (err instanceof StorageError) return err;
    const code = errorCode(err);
    // Both constraints mirror checks already made against the cache, so they fire only if the file changed under us;
    // they still map to the error a racing client would have seen.
    if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return new KeyExistsError(key);
    if (code === 'SQLITE_CONSTRAINT_UNIQUE') return new ConflictError(key, parentRv, this.tables.currentRow(key)?.rv ?? 0);
    this.logger.error({ err, key }, 'storage write failed');
    if (code === 'SQLITE_FULL') {
      // The WAL holds every page version since the last checkpoint and is only reused after one; on a small disk it
      // can be most of what is used. Checkpoint now (may free space) and after later writes until one succeeds.
      this.checkpointAfterFullDisk = true;
      this.tryCheckpointAfterFullDisk();
    }
    return new StorageError(`write of ${key} failed: ${errorMessage(err)}`, { code, cause: err });
  }

  /** After COMMIT: the cache first (so a watcher reading the store sees the change), then the watchers. */
  private committed(e: StoreEvent): void {
    this.revision = e.rv;
    if (e.type === 'DELETED') this.cache.delete(e.key);
    else this.cache.set(e.key, e.object);
    this.hub.publish(e);
    if (this.checkpointAfterFullDisk) this.tryCheckpointAfterFullDisk();
  }

  private tryCheckpointAfterFullDisk(): void {
    try {
      this.tables.checkpoint();
      this.checkpointAfterFullDisk = false;
      this.logger.info('WAL checkpointed after a full disk');
    } catch (err) {
      this.logger.warn({ err }, 'WAL checkpoint after a full disk failed; retrying after the next write');
    }
  }

  private loadCache(): void {
    const entries: [string, StoredObject][] = [];
    for (const row of this.tables.allCurrentRows()) {
      if (row.rv > this.revision) {
        throw new StorageError(`${row.key} is at revision ${row.rv}, above the last issued revision ${this.revision}`);
      }
      entries.push([row.key, decodeObject(row.value, row.rv)]);
    }
    this.cache.reset(entries);
  }

  private async runCompaction(): Promise<number> {
    // 0 means no time-based retention at all (not "keep what was written this millisecond").
    const oldestRecentRv = this.minRetainMs > 0
      ? this.tables.firstRevisionAtOrAfter(this.compacted, Date.now() - this.minRetainMs)
      : undefined;
    const target = compactionTarget({
      headRv: this.revision, compactedRv: this.compacted, minRetainRevisions: this.minRetainRevisions,
      oldestRecentRv, replayCursor: this.hub.oldestReplayCursor(),
    });
    if (target <= this.compacted) return this.compacted;

    while (!this.closed && this.compacted < target) {
      // Re-read between batches: a watcher may have started replaying from just above the compacted revision.
      const cursor = this.hub.oldestReplayCursor();
      const upto = Math.min(target, this.compacted + COMPACT_BATCH, cursor ?? Infinity);
      if (upto <= this.compacted) break;
      const from = this.compacted;
      try {
        this.inWriteTransaction(() => {
          this.tables.deleteLogRange(from, upto);
          this.tables.setMeta(COMPACTED_META, upto);
          return upto;
        });
      } catch (err) {
        throw new StorageError(`compaction to ${upto} failed: ${errorMessage(err)}`, { code: errorCode(err), cause: err });
      }
      this.compacted = upto;
      if (this.compacted < target) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (!this.closed) {
      try {
        this.tables.checkpoint();
      } catch (err) {
        this.logger.warn({ err }, 'WAL checkpoint after compaction failed');
      }
    }
    this.logger.info({ compacted: this.compacted, revision: this.revision }, 'history compacted');
    return this.compacted;
  }

  private assertOpen(): void {
    if (this.closed) throw new StorageError('store is closed', { code: 'CLOSED' });
  }
}

/** A replayed event, shaped exactly like the live one the commit produced. */
function eventFromLogRow(row: LogRow): StoreEvent {
  const object = decodeObject(row.value, row.id);
  switch (row.type) {
    case 'ADDED':
      return { type: 'ADDED', key: row.key, rv: row.id, object };
    case 'MODIFIED':
      if (row.prev_value === null) throw new StorageError(`log row ${row.id} (MODIFIED ${row.key}) has no previous value`);
      return {
        type: 'MODIFIED', key: row.key, rv: row.id, object, prevObject: decodeObject(row.prev_value, row.prev_revision),
      };
    case 'DELETED':
      // The delete row's value is the last state; before the delete it carried its own revision.
      return { type: 'DELETED', key: row.key, rv: row.id, object, prevObject: decodeObject(row.value, row.prev_revision) };
  }
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a non-negative number, got ${value}`);
  return value;
}
