// How an object is written to and read back from the revision log. The JSON on disk leaves resourceVersion out:
// the row's id *is* the resourceVersion, and the id is only known once the row is inserted (as kine does it).
// Decoding always goes through JSON.parse, so what the cache holds is exactly what a restart would load, and
// never shares references with the caller's object.
import type { StoredObject } from '../api/types.ts';
import { deepFreeze } from './deep-freeze.ts';

/** The JSON stored for an object: the object without metadata.resourceVersion. */
export function encodeObject(obj: StoredObject): string {
  const { resourceVersion: _dropped, ...metadata } = obj.metadata ?? {};
  return JSON.stringify({ ...obj, metadata });
}

/** A frozen object from stored JSON, stamped with the revision it is at. */
export function decodeObject(json: string, rv: number): StoredObject {
  const obj = JSON.parse(json) as StoredObject;
  obj.metadata.resourceVersion = String(rv);
  return deepFreeze(obj);
}

