// The apiserver's storage contract. Handlers only see this interface, so a distributed backend (etcd) can replace
// the embedded SQLite one without touching them; that is why every data call is async even though SQLite is not.
//
// Keys are opaque strings with plain prefix semantics (`/registry/<group>/<plural>/<namespace>/<name>`); callers pass
// prefixes that end in '/' so `/registry/core/pods/default/` never matches `/registry/core/pods/default-2/...`.
// Revisions ("resourceVersions") are one global, strictly increasing counter: every write gets the next one.
import type { StoredObject } from '../api/types.ts';

export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: StoreEventType;
  key: string;
  /** The revision of the write that produced this event. */
  rv: number;
  /** The object after the change; for DELETED, its last state carrying the delete's revision. */
  object: StoredObject;
  /** The object before the change (absent for ADDED), so a watcher can tell "stopped matching a selector". */
  prevObject?: StoredObject;
}

export interface ListOptions {
  /** Page size; absent or <= 0 means everything. */
  limit?: number;
  /** Continue after this key (the previous page's `nextKey`). */
  startAfterKey?: string;
  /** Keep only objects for which this returns true; `limit` counts kept objects. */
  filter?: (o: StoredObject) => boolean;
}

export interface ListResult {
  /** Sorted by key, so paging with startAfterKey is stable. */
  items: StoredObject[];
  /** The store's current revision when the list was taken: a watch from here misses nothing. */
  rv: number;
  /** Set when more matching objects follow: pass it back as startAfterKey. */
  nextKey?: string;
  /** How many objects under the prefix follow this page. Only without a filter (as kube-apiserver's remainingItemCount). */
  remaining?: number;
}

/**
 * Receives one watch event. Returning a promise tells the store the consumer is busy (e.g. waiting for its socket to
 * drain): the store holds later events in the watcher's bounded buffer until the promise settles.
 */
export type WatchEventHandler = (e: StoreEvent) => void | Promise<void>;

/** Receives the reason a watch ended on the store's side (WatcherTooSlowError, StorageError when the store closes). */
export type WatchErrorHandler = (err: Error) => void;

export interface Store {
  /** Objects returned by the store are deep-frozen and shared: clone before editing. */
  get(key: string): Promise<StoredObject | undefined>;
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  /** Throws KeyExistsError. Resolves after the write is committed, with `metadata.resourceVersion` set. */
  create(key: string, obj: StoredObject): Promise<StoredObject>;
  /** Compare-and-swap when expectedRv is given (ConflictError); NotFoundError when the key is empty. */
  update(key: string, obj: StoredObject, expectedRv?: number): Promise<StoredObject>;
  /** Returns the deleted object carrying the delete's revision. NotFoundError / ConflictError as update. */
  delete(key: string, expectedRv?: number): Promise<StoredObject>;
  /**
   * Streams every change under `prefix` with a revision greater than `fromRv`, in revision order, each exactly once;
   * fromRv 0 means "from now". Throws CompactedError when history after fromRv is no longer complete.
   * Returns a function that stops the watch.
   */
  watch(prefix: string, fromRv: number, onEvent: WatchEventHandler, onError?: WatchErrorHandler): () => void;
  currentRevision(): number;
  /** History at or below this revision is gone; watches must start at or above it. */
  compactedRevision(): number;
  /** Drops old history now (within the retention policy); resolves to the new compacted revision. */
  compact(): Promise<number>;
  close(): Promise<void>;
}
