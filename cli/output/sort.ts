// --sort-by: orders objects (or a Table's rows, by the objects the server attached to them) by a JSONPath field, as
// kubectl's sorter does: numbers numerically, strings in natural order (pod-2 before pod-10), false before true.
import { usageError } from '../errors.ts';
import { isJsonObject } from './go-values.ts';
import { JsonPath, JsonPathError, relaxedJsonPathExpression } from './jsonpath.ts';

/** sortorder.NaturalLess: digit runs compare as numbers, everything else byte by byte. */
export function naturalLess(a: string, b: string): boolean {
  const chunks = (s: string): string[] => s.match(/\d+|\D+/g) ?? [];
  const ca = chunks(a);
  const cb = chunks(b);
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const x = ca[i];
    const y = cb[i];
    if (x === y) continue;
    const dx = /^\d/.test(x);
    const dy = /^\d/.test(y);
    if (dx && dy) {
      const nx = BigInt(x);
      const ny = BigInt(y);
      if (nx !== ny) return nx < ny;
      return x.length < y.length;
    }
    return x < y;
  }
  return ca.length < cb.length;
}

function less(a: unknown, b: unknown): boolean {
  if (a === undefined || a === null) return b !== undefined && b !== null;
  if (b === undefined || b === null) return false;
  if (typeof a === 'number' && typeof b === 'number') return a < b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return !a && b;
  if (typeof a === 'string' && typeof b === 'string') return naturalLess(a, b);
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (less(a[i], b[i])) return true;
      if (less(b[i], a[i])) return false;
    }
    return a.length < b.length;
  }
  if (isJsonObject(a) && isJsonObject(b)) return JSON.stringify(a) < JSON.stringify(b);
  return String(a) < String(b);
}

export class Sorter {
  private readonly path: JsonPath;

  constructor(field: string) {
    try {
      this.path = new JsonPath(relaxedJsonPathExpression(field));
    } catch (e) {
      if (e instanceof JsonPathError) throw usageError(`couldn't parse --sort-by ${JSON.stringify(field)}: ${e.message}`);
      throw e;
    }
  }

  private key(obj: unknown): unknown {
    const [first] = this.path.findResults(obj);
    return first?.[0];
  }

  /** A stable sort of `items` by the field of `objectOf(item)`. */
  sort<T>(items: T[], objectOf: (item: T) => unknown = (x) => x): T[] {
    const keyed = items.map((item, i) => ({ item, i, key: this.key(objectOf(item)) }));
    keyed.sort((x, y) => (less(x.key, y.key) ? -1 : less(y.key, x.key) ? 1 : x.i - y.i));
    return keyed.map((k) => k.item);
  }
}
