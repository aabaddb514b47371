// What a store throws. Plain classes so any backend (SQLite now, etcd later) can throw them and the HTTP handlers
// map each to one Status: KeyExists -> 409 AlreadyExists, NotFound -> 404, Conflict -> 409 Conflict,
// Compacted / WatcherTooSlow -> 410 Expired, Storage -> 500 InternalError.

/** create() of a key that already holds an object. */
export class KeyExistsError extends Error {
  readonly key: string;
  constructor(key: string) {
    super(`key already exists: ${key}`);
    this.name = 'KeyExistsError';
    this.key = key;
  }
}

/** update()/delete() of a key that holds no object. */
export class NotFoundError extends Error {
  readonly key: string;
  constructor(key: string) {
    super(`key not found: ${key}`);
    this.name = 'NotFoundError';
    this.key = key;
  }
}

/** A compare-and-swap lost: the object is no longer at the revision the caller expected. */
export class ConflictError extends Error {
  readonly key: string;
  readonly expectedRv: number;
  /** The revision the object is at now, so a caller can re-read and retry. */
  readonly currentRv: number;
  constructor(key: string, expectedRv: number, currentRv: number) {
    super(`revision conflict on ${key}: expected ${expectedRv}, current ${currentRv}`);
    this.name = 'ConflictError';
    this.key = key;
    this.expectedRv = expectedRv;
    this.currentRv = currentRv;
  }
}

/** A watch asked for history that compaction has already removed; the client must relist. */
export class CompactedError extends Error {
  readonly requestedRv: number;
  /** Every revision at or below this one is gone from the history. */
  readonly compactedRv: number;
  constructor(requestedRv: number, compactedRv: number) {
    super(`revision ${requestedRv} has been compacted (history starts after ${compactedRv})`);
    this.name = 'CompactedError';
    this.requestedRv = requestedRv;
    this.compactedRv = compactedRv;
  }
}

/** A watcher fell too far behind (its buffer limit was reached) and was cut off; the client must re-watch or relist. */
export class WatcherTooSlowError extends Error {
  readonly bufferedEvents: number;
  /** The last revision the watcher was given, so the handler can tell the client where to resume from. */
  readonly lastDeliveredRv: number;
  constructor(bufferedEvents: number, lastDeliveredRv: number) {
    super(`watcher too slow: ${bufferedEvents} events buffered, closed after revision ${lastDeliveredRv}`);
    this.name = 'WatcherTooSlowError';
    this.bufferedEvents = bufferedEvents;
    this.lastDeliveredRv = lastDeliveredRv;
  }
}

/** The storage itself failed (disk full, I/O error, closed store). Nothing of the failed write was kept. */
export class StorageError extends Error {
  /** The backend's error code when it has one (SQLite: `SQLITE_FULL`, `SQLITE_IOERR_WRITE`, ...). */
  readonly code: string | undefined;
  constructor(message: string, options?: { code?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StorageError';
    this.code = options?.code;
  }
}
