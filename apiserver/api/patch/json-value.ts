// Small helpers over decoded JSON values, shared by every patch type. The patch algorithms work on plain
// `unknown` trees (what JSON.parse and the YAML decoder produce), so they need a few type guards, a deep
// equality that ignores key order, and Go's `%v` rendering for error messages that must read like
// kube-apiserver's.

export type JsonMap = Record<string, unknown>;

/** A JSON object (not an array, not null). */
export function isJsonMap(value: unknown): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The JSON type of a value, as Go's decoder distinguishes them (map, slice, string, number, bool, nil).
 * Strategic merge patch compares these to decide between merging and replacing.
 */
export type JsonKind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

export function jsonKind(value: unknown): JsonKind {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'object': return 'object';
    case 'string': return 'string';
    case 'number': return 'number';
    case 'boolean': return 'boolean';
    default: return 'null';
  }
}

/** Structural equality of two JSON values; object key order does not matter, array order does. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isJsonMap(a)) {
    if (!isJsonMap(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]));
  }
  return false;
}

/** A deep copy, so the algorithms may edit their working trees without touching the caller's values. */
export function cloneJson<T>(value: T): T {
  return structuredClone(value);
}

/**
 * Renders a value the way Go's fmt `%v` prints a decoded JSON tree: `map[a:1 b:[x y]]`, keys sorted,
 * strings unquoted, null as `<nil>`. Kubernetes builds several patch error messages this way.
 */
export function goFormat(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goFormat).join(' ')}]`;
  if (isJsonMap(value)) {
    const entries = Object.keys(value).sort().map((key) => `${key}:${goFormat(value[key])}`);
    return `map[${entries.join(' ')}]`;
  }
  return String(value);
}

/** The Go type name of a decoded JSON value, as `reflect.TypeOf` prints it in mergepatch errors. */
export function goTypeName(value: unknown): string {
  switch (jsonKind(value)) {
    case 'object': return 'map[string]interface {}';
    case 'array': return '[]interface {}';
    case 'string': return 'string';
    case 'number': return Number.isInteger(value) ? 'int64' : 'float64';
    case 'boolean': return 'bool';
    case 'null': return '<nil>';
  }
}
