// Opens the SQLite file with the settings the store's guarantees rest on, and refuses to run without them.
//
// - WAL journal: readers never block the writer, and a commit is one append to the WAL.
// - synchronous=NORMAL survives kill -9 of the process; FULL also survives power loss (the WAL is fsynced on every
//   commit). better-sqlite3 is built with NORMAL as the WAL default, so FULL has to be asked for and checked.
// - locking_mode=EXCLUSIVE: the store keeps the whole state in memory, so a second process writing the same file
//   would silently make that cache wrong. The exclusive lock makes the second process fail at open instead.
// - busy timeout: how long open waits for a lock held by another process before giving up.
import Database from 'better-sqlite3';
import { StorageError } from './errors.ts';

export type Durability = 'normal' | 'full';

const SCHEMA_VERSION = 1;

// revision_log: one row per write. Its AUTOINCREMENT id is the resourceVersion: unlike a plain rowid it is never
//   reused, even after the newest row is deleted, so revisions never go backwards. prev_revision is the id of the
//   key's previous row (0 for a key with no history); UNIQUE(key, prev_revision) means two writes derived from the
//   same parent revision can never both commit. prev_value keeps the object before a MODIFIED, so replayed events
//   carry prevObject even after compaction removed the parent row (NULL for ADDED, and for DELETED, whose value is
//   already the last state).
// current_state: the live object per key, updated in the same transaction as the log.
// meta: the compacted revision (survives restarts) and the schema version.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS revision_log (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  key           TEXT    NOT NULL,
  type          TEXT    NOT NULL CHECK (type IN ('ADDED', 'MODIFIED', 'DELETED')),
  value         TEXT    NOT NULL,
  prev_value    TEXT,
  prev_revision INTEGER NOT NULL,
  created_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS revision_log_key_prev_revision ON revision_log (key, prev_revision);
CREATE TABLE IF NOT EXISTS current_state (
  key       TEXT    PRIMARY KEY,
  rv        INTEGER NOT NULL,
  create_rv INTEGER NOT NULL,
  value     TEXT    NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
  name  TEXT    PRIMARY KEY,
  value INTEGER NOT NULL
);
`;

export interface OpenDatabaseOptions {
  path: string;
  durability: Durability;
  busyTimeoutMs: number;
}

export function openDatabase(opts: OpenDatabaseOptions): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(opts.path, { timeout: opts.busyTimeoutMs });
  } catch (err) {
    throw new StorageError(`cannot open ${opts.path}: ${errorMessage(err)}`, { code: errorCode(err), cause: err });
  }
  try {
    configure(db, opts);
    return db;
  } catch (err) {
    db.close();
    if (err instanceof StorageError) throw err;
    const code = errorCode(err);
    const why = code === 'SQLITE_BUSY' ? 'the database is in use by another process' : errorMessage(err);
    throw new StorageError(`cannot open ${opts.path}: ${why}`, { code, cause: err });
  }
}

function configure(db: Database.Database, opts: OpenDatabaseOptions): void {
  // Before the first WAL access, so SQLite keeps the WAL index in process memory instead of a shared -shm file.
  db.pragma('locking_mode = EXCLUSIVE');
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${opts.durability === 'full' ? 'FULL' : 'NORMAL'}`);
  verifyPragmas(db, opts);

  db.exec(SCHEMA);
  // A write at open takes the exclusive lock now, so a second store on the same file fails here, not later.
  db.transaction(() => {
    const stored = db.prepare('SELECT value FROM meta WHERE name = ?').pluck().get('schema_version');
    if (stored !== undefined && stored !== SCHEMA_VERSION) {
      throw new StorageError(`${opts.path} has schema version ${String(stored)}; this build reads version ${SCHEMA_VERSION}`);
    }
    db.prepare('INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value')
      .run('schema_version', SCHEMA_VERSION);
  }).immediate();
}

/** Reads the settings back: SQLite silently ignores some pragmas (e.g. WAL on a filesystem without locking). */
function verifyPragmas(db: Database.Database, opts: OpenDatabaseOptions): void {
  const journal = String(db.pragma('journal_mode', { simple: true })).toLowerCase();
  if (journal !== 'wal') throw new StorageError(`refusing to start: journal_mode is ${journal}, expected wal`);
  const wantSync = opts.durability === 'full' ? 2 : 1;
  const sync = Number(db.pragma('synchronous', { simple: true }));
  if (sync !== wantSync) {
    throw new StorageError(`refusing to start: synchronous is ${sync}, expected ${wantSync} for durability '${opts.durability}'`);
  }
  const locking = String(db.pragma('locking_mode', { simple: true })).toLowerCase();
  if (locking !== 'exclusive') throw new StorageError(`refusing to start: locking_mode is ${locking}, expected exclusive`);
}

export function errorCode(err: unknown): string | undefined {
  if (err instanceof Database.SqliteError) return err.code;
  return undefined;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
