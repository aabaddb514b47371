// The informer's local store: objects by key (`ns/name` or `name`) plus named indexes (client-go's Indexer), so
// controllers answer "pods of this owner" or "pods on this node" without asking the apiserver.
// Objects in the cache are shared with every reader: treat them as read-only, copy before changing.
import type { ApiObject } from './object.ts';
import { objectKey } from './object.ts';

/** The index values an object files under (an object may file under several, or none). */
export type IndexFunc<T> = (obj: T) => string[];

/** client-go's MetaNamespaceIndexFunc: cluster-scoped objects file under ''. */
export const namespaceIndex: IndexFunc<ApiObject> = (obj) => [obj.metadata?.namespace ?? ''];

/** Every owner's uid, for garbage collection and "objects owned by X". */
export const ownerUidIndex: IndexFunc<ApiObject> = (obj) => (obj.metadata?.ownerReferences ?? []).map((r) => r.uid);

/** The uid of the managing controller (the ownerReference with controller: true). */
export const controllerUidIndex: IndexFunc<ApiObject> = (obj) =>
  (obj.metadata?.ownerReferences ?? []).filter((r) => r.controller).map((r) => r.uid);

/** A pod's node (spec.nodeName); unscheduled pods file under nothing. */
export const nodeNameIndex: IndexFunc<ApiObject> = (obj) => {
  const nodeName = (obj as { spec?: { nodeName?: unknown } }).spec?.nodeName;
  return typeof nodeName === 'string' && nodeName ? [nodeName] : [];
};

export class ObjectCache<T extends ApiObject> {
  private readonly items = new Map<string, T>();
  private readonly indexers = new Map<string, IndexFunc<T>>();
  /** index name -> index value -> keys */
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor(indexers: Record<string, IndexFunc<T>> = {}) {
    this.addIndexers(indexers);
  }

  /** Adds indexes (also after objects are stored: they are indexed at once). A name can be added only once. */
  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    for (const [name, fn] of Object.entries(indexers)) {
      if (this.indexers.has(name)) throw new Error(`index "${name}" already exists`);
      this.indexers.set(name, fn);
      const index = new Map<string, Set<string>>();
      this.indices.set(name, index);
      for (const [key, obj] of this.items) addToIndex(index, fn(obj), key);
    }
  }

  hasIndex(name: string): boolean {
    return this.indexers.has(name);
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  get size(): number {
    return this.items.size;
  }

  /** Objects filed under `value` in index `name`. */
  byIndex(name: string, value: string): T[] {
    const keys = this.indexKeys(name, value);
    return keys.map((k) => this.items.get(k)).filter((o): o is T => o !== undefined);
  }

  indexKeys(name: string, value: string): string[] {
    const index = this.indices.get(name);
    if (!index) throw new Error(`no index named "${name}"`);
    return [...(index.get(value) ?? [])];
  }

  /** The values index `name` currently has objects under. */
  indexValues(name: string): string[] {
    const index = this.indices.get(name);
    if (!index) throw new Error(`no index named "${name}"`);
    return [...index.keys()];
  }

  /** Stores obj under its key; returns what it replaced. */
  upsert(obj: T): T | undefined {
    const key = objectKey(obj);
    const old = this.items.get(key);
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    for (const [name, fn] of this.indexers) addToIndex(this.indices.get(name)!, fn(obj), key);
    return old;
  }

  remove(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of this.indexers) {
      const index = this.indices.get(name)!;
      for (const value of fn(obj)) {
        const keys = index.get(value);
        if (!keys) continue;
        keys.delete(key);
        if (keys.size === 0) index.delete(value);
      }
    }
  }
}

function addToIndex(index: Map<string, Set<string>>, values: string[], key: string): void {
  for (const value of values) {
    let keys = index.get(value);
    if (!keys) index.set(value, (keys = new Set()));
    keys.add(key);
  }
}
