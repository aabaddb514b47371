// Every defaulter must be idempotent: defaulting a defaulted object changes nothing (the registry defaults on
// every update, including of objects it defaulted before).
import assert from 'node:assert/strict';

export function assertIdempotent<T>(setDefaults: (obj: T) => void, obj: T): void {
  const once = structuredClone(obj);
  setDefaults(once);
  const twice = structuredClone(once);
  setDefaults(twice);
  assert.deepEqual(twice, once);
}
