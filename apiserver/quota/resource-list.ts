// Arithmetic on resource lists (name -> quantity), as apiserver/pkg/quota/v1's helpers do it: exact quantities,
// the format of the left operand kept, so sums print as Kubernetes prints them ("128Mi", "1100m") in status.used
// and in the "exceeded quota" message.
import {
  addQuantity, compareQuantity, formatQuantity, isNegative, isZero, parseQuantity, subQuantity, type Quantity,
} from '../api/quantity.ts';

export type ResourceList = Map<string, Quantity>;

export const zero: Quantity = parseQuantity('0');
export const one: Quantity = parseQuantity('1');

/** An API resource list as quantities; values that do not parse are left out (validation reports them). */
export function parseResourceList(list: Readonly<Record<string, unknown>> | undefined): ResourceList {
  const out: ResourceList = new Map();
  for (const [name, raw] of Object.entries(list ?? {})) {
    if (typeof raw !== 'string' && typeof raw !== 'number') continue;
    try {
      out.set(name, parseQuantity(raw));
    } catch {
      // not a quantity: nothing to count
    }
  }
  return out;
}

/** Back to the API's spelling: canonical quantity strings, names sorted so equal lists serialize equally. */
export function toRecord(list: ResourceList): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of [...list.keys()].sort()) out[name] = formatQuantity(list.get(name)!);
  return out;
}

export function add(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = new Map(a);
  for (const [name, q] of b) {
    const have = out.get(name);
    out.set(name, have ? addQuantity(have, q) : q);
  }
  return out;
}

/** a - b per name, never below zero: an update is charged only for what it adds. */
export function subtractNonNegative(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = new Map();
  for (const [name, q] of a) {
    const other = b.get(name);
    const diff = other ? subQuantity(q, other) : q;
    out.set(name, compareQuantity(diff, zero) > 0 ? diff : zero);
  }
  for (const name of b.keys()) if (!out.has(name)) out.set(name, zero);
  return out;
}

/** Only the named entries. */
export function mask(list: ResourceList, names: Iterable<string>): ResourceList {
  const keep = new Set(names);
  return new Map([...list].filter(([name]) => keep.has(name)));
}

/** The names of `a` whose value is over the one `limits` gives (names absent from either are never over). */
export function exceeding(a: ResourceList, limits: ResourceList): string[] {
  const over: string[] = [];
  for (const [name, limit] of limits) {
    const q = a.get(name);
    if (q && compareQuantity(q, limit) > 0) over.push(name);
  }
  return over;
}

export function removeZeros(list: ResourceList): ResourceList {
  return new Map([...list].filter(([, q]) => !isZero(q)));
}

export function negativeNames(list: ResourceList): string[] {
  return [...list].filter(([, q]) => isNegative(q)).map(([name]) => name);
}

export function equal(a: ResourceList, b: ResourceList): boolean {
  if (a.size !== b.size) return false;
  for (const [name, q] of a) {
    const other = b.get(name);
    if (!other || compareQuantity(q, other) !== 0) return false;
  }
  return true;
}

/** `cpu=500m,pods=1`: sorted by name, as kube's prettyPrint writes lists into quota errors. */
export function prettyPrint(list: ResourceList): string {
  return [...list.keys()].sort().map((name) => `${name}=${formatQuantity(list.get(name)!)}`).join(',');
}
