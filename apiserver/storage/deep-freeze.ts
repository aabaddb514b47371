// Stored objects are shared between the cache, list results and every watcher. Freezing them once, when they enter
// the cache, turns an accidental in-place edit by a caller into a TypeError instead of silent corruption of what
// everyone else sees (strict-mode ESM code throws on writes to frozen objects).

export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
  return value;
}
