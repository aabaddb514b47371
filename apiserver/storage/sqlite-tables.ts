// Every SQL statement the store runs, prepared once. Callers own transactions; these are single statements.
import type Database from 'better-sqlite3';
import type { StoreEventType } from './store.ts';

export interface CurrentRow {
  key: string;
  rv: number;
  create_rv: number;
  value: string;
}

export interface LogRow {
  id: number;
  key: string;
  type: StoreEventType;
  value: string;
  prev_value: string | null;
  prev_revision: number;
}

export class SqliteTables {
  private readonly db: Database.Database;
  private readonly selectCurrent: Database.Statement<[string], CurrentRow>;
  private readonly selectAllCurrent: Database.Statement<[], CurrentRow>;
  private readonly insertCurrentStmt: Database.Statement<[string, number, number, string]>;
  private readonly updateCurrentStmt: Database.Statement<[number, string, string]>;
  private readonly deleteCurrentStmt: Database.Statement<[string]>;
  private readonly selectLastLogId: Database.Statement<[string], { id: number | null }>;
  private readonly insertLog: Database.Statement<[string, StoreEventType, string, string | null, number, number]>;
  private readonly selectHistory: Database.Statement<[number, number, string], LogRow>;
  private readonly selectSequence: Database.Statement<[], { seq: number }>;
  private readonly selectMeta: Database.Statement<[string], { value: number }>;
  private readonly upsertMeta: Database.Statement<[string, number]>;
  private readonly selectFirstLogAtOrAfter: Database.Statement<[number, number], { id: number | null }>;
  private readonly deleteLogUpTo: Database.Statement<[number, number]>;

  constructor(db: Database.Database) {
    this.db = db;
    this.selectCurrent = db.prepare('SELECT key, rv, create_rv, value FROM current_state WHERE key = ?');
    this.selectAllCurrent = db.prepare('SELECT key, rv, create_rv, value FROM current_state');
    this.insertCurrentStmt = db.prepare('INSERT INTO current_state (key, rv, create_rv, value) VALUES (?, ?, ?, ?)');
    this.updateCurrentStmt = db.prepare('UPDATE current_state SET rv = ?, value = ? WHERE key = ?');
    this.deleteCurrentStmt = db.prepare('DELETE FROM current_state WHERE key = ?');
    // Served by the (key, prev_revision) index: the key's rows are few once history is compacted.
    this.selectLastLogId = db.prepare('SELECT MAX(id) AS id FROM revision_log WHERE key = ?');
    this.insertLog = db.prepare(
      'INSERT INTO revision_log (key, type, value, prev_value, prev_revision, created_at) VALUES (?, ?, ?, ?, ?, ?)');
    // A rowid range scan. The prefix test is instr() = 1 because LIKE would treat '_' and '%' in keys as wildcards.
    this.selectHistory = db.prepare(
      `SELECT id, key, type, value, prev_value, prev_revision FROM revision_log
       WHERE id > ? AND id <= ? AND instr(key, ?) = 1 ORDER BY id`);
    this.selectSequence = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'revision_log'");
    this.selectMeta = db.prepare('SELECT value FROM meta WHERE name = ?');
    this.upsertMeta = db.prepare(
      'INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value');
    this.selectFirstLogAtOrAfter = db.prepare(
      'SELECT MIN(id) AS id FROM revision_log WHERE id > ? AND created_at >= ?');
    this.deleteLogUpTo = db.prepare('DELETE FROM revision_log WHERE id > ? AND id <= ?');
  }

  currentRow(key: string): CurrentRow | undefined {
    return this.selectCurrent.get(key);
  }

  allCurrentRows(): IterableIterator<CurrentRow> {
    return this.selectAllCurrent.iterate();
  }

  insertCurrent(key: string, rv: number, createRv: number, value: string): void {
    this.insertCurrentStmt.run(key, rv, createRv, value);
  }

  updateCurrent(key: string, rv: number, value: string): void {
    this.updateCurrentStmt.run(rv, value, key);
  }

  deleteCurrent(key: string): void {
    this.deleteCurrentStmt.run(key);
  }

  /** The id of the key's newest log row still retained, 0 when there is none. */
  lastLogId(key: string): number {
    return this.selectLastLogId.get(key)?.id ?? 0;
  }

  /** Appends one row and returns its id: the revision of this write. */
  appendLog(row: { key: string; type: StoreEventType; value: string; prevValue: string | null; prevRevision: number; createdAt: number }): number {
    const result = this.insertLog.run(row.key, row.type, row.value, row.prevValue, row.prevRevision, row.createdAt);
    return Number(result.lastInsertRowid);
  }

  /** Log rows under `prefix` with ids in (afterId, uptoId], oldest first. */
  history(prefix: string, afterId: number, uptoId: number): LogRow[] {
    return this.selectHistory.all(afterId, uptoId, prefix);
  }

  /** The highest revision ever issued, whether or not its row still exists (AUTOINCREMENT's own counter). */
  lastIssuedRevision(): number {
    return this.selectSequence.get()?.seq ?? 0;
  }

  meta(name: string): number | undefined {
    return this.selectMeta.get(name)?.value;
  }

  setMeta(name: string, value: number): void {
    this.upsertMeta.run(name, value);
  }

  /** The first retained revision written at or after `timeMs` (ids above `afterId`), if any. */
  firstRevisionAtOrAfter(afterId: number, timeMs: number): number | undefined {
    return this.selectFirstLogAtOrAfter.get(afterId, timeMs)?.id ?? undefined;
  }

  /** Deletes log rows with ids in (afterId, uptoId]; returns how many. */
  deleteLogRange(afterId: number, uptoId: number): number {
    return this.deleteLogUpTo.run(afterId, uptoId).changes;
  }

  /** Moves the WAL into the database file and truncates it, giving its disk space back. */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }
}
