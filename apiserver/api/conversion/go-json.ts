// Go's encoding/json, as far as the annotations that carry one version's fields through another need it. Kube
// writes those annotations with json.Marshal and reads them back with json.Unmarshal into Go structs, so:
// - marshalling escapes <, > and & (and U+2028, U+2029) inside strings;
// - unmarshalling matches an object key to a field exactly or, failing that, whatever its case; a null is the
//   field's zero value; a value of the wrong type fails the whole document (the caller then ignores it, as kube does).
import { formatQuantity, parseQuantity } from '../quantity.ts';

/** json.Marshal's text of a value already shaped as the Go struct would be. */
export function goMarshal(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** What json.Unmarshal would have failed on. */
export class UnmarshalError extends Error {}

export type GoObject = Record<string, unknown>;

/** A JSON object read into a struct; undefined for null or an absent value. */
export function goObject(value: unknown): GoObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new UnmarshalError(`cannot unmarshal ${typeName(value)} into a struct`);
  return value as GoObject;
}

/** A JSON array read into a slice; undefined for null or an absent value. */
export function goArray(value: unknown): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new UnmarshalError(`cannot unmarshal ${typeName(value)} into a slice`);
  return value;
}

/** The value of a struct field, by its JSON name: an exact key first, then one differing only in case. */
export function goField(obj: GoObject | undefined, name: string): unknown {
  if (!obj) return undefined;
  if (Object.hasOwn(obj, name)) return obj[name];
  const lower = name.toLowerCase();
  const key = Object.keys(obj).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : obj[key];
}

export function goString(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new UnmarshalError(`cannot unmarshal ${typeName(value)} into a string`);
  return value;
}

/** An int32 or int64 field: a whole JSON number in range. */
export function goInt(value: unknown, bits: 32 | 64 = 32): number | undefined {
  if (value === undefined || value === null) return undefined;
  const limit = bits === 32 ? 2 ** 31 : 2 ** 63;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < -limit || value >= limit) {
    throw new UnmarshalError(`cannot unmarshal ${typeName(value)} into an int${bits}`);
  }
  return value;
}

/** A resource.Quantity: a string (or number) that parses, in its canonical form, as Quantity.UnmarshalJSON reads it. */
export function goQuantity(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') throw new UnmarshalError(`cannot unmarshal ${typeName(value)} into a Quantity`);
  try {
    return formatQuantity(parseQuantity(typeof value === 'string' ? value.trim() : value));
  } catch {
    throw new UnmarshalError(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`);
  }
}

/** A Quantity as json.Marshal writes it: canonical; a stored text that does not parse is written as it is. */
export function quantityText(q: string): string {
  try {
    return formatQuantity(parseQuantity(q));
  } catch {
    return q;
  }
}

/** Parses an annotation's JSON; undefined when it is not JSON or does not fit the struct (`read` throws). */
export function unmarshalOrIgnore<T>(text: string, read: (value: unknown) => T): T | undefined {
  try {
    return read(JSON.parse(text));
  } catch (e) {
    if (e instanceof SyntaxError || e instanceof UnmarshalError) return undefined;
    throw e;
  }
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'object' : typeof value;
}
