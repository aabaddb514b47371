// Checks a parsed request body against a type's OpenAPI schema the way decoding into Go structs does in
// kube-apiserver: a value of the wrong type is an error worded as Go's encoding/json words it, `null` leaves a
// field unset, fields the type does not have are collected (for fieldValidation) and dropped, and what remains is
// the object as Go would have decoded it.
import { definitions, refName } from './openapi/definitions.ts';
import {
  goQualifiedTypeName, goTypeName, intOrStringName, microTimeName, quantityName, timeName,
} from './openapi/definition-names.ts';
import type { Schema } from './openapi/schema.ts';
import { quantitySyntaxError } from './decode-quantity.ts';
import { normalizeTime, rfc3339, rfc3339Micro, timeParseError } from './decode-time.ts';

export interface SchemaCheck {
  /**
   * Decode errors in document order, worded as kube-apiserver words them. kube-apiserver stops at and reports only
   * the first one, so `typeErrors[0]` is its exact message; an error from a type's own parser (a bad Quantity or
   * timestamp) ends Go's decoding at once and is put first.
   */
  typeErrors: string[];
  /** Paths of fields the schema does not have: `spec.template.spec.containers[0].imagePullPolice`. */
  unknownFields: string[];
  /** The value with unknown fields and `null` fields removed, as Go's decode-then-encode would leave it. */
  pruned: unknown;
}

interface Walk {
  typeErrors: string[];
  fatal?: string;
  unknownFields: string[];
}

/** Where the walk is: the strict-decoding path, and Go's error context (json field names, innermost struct). */
interface Place {
  path: string;
  fields: string[];
  struct?: string;
}

/** A schema with $ref and single allOf resolved, plus the definition it came from (for Go type names). */
interface Resolved {
  schema: Schema;
  definition?: string;
}

let names: WeakMap<Schema, string> | undefined;

export function checkAgainstSchema(value: unknown, schema: Schema): SchemaCheck {
  const walk: Walk = { typeErrors: [], unknownFields: [] };
  const root = resolve(schema, definitionNameOf(schema));
  const pruned = check(value, root, { path: '', fields: [] }, walk);
  const typeErrors = walk.fatal ? [walk.fatal, ...walk.typeErrors] : walk.typeErrors;
  return { typeErrors, unknownFields: walk.unknownFields, pruned: pruned === undefined ? null : pruned };
}

/** Returns the decoded value, or undefined for a field that stays unset. */
function check(value: unknown, target: Resolved, place: Place, walk: Walk): unknown {
  const { schema, definition } = target;
  if (value === null || value === undefined) return undefined;
  if (schema['x-kubernetes-preserve-unknown-fields']) return value;
  if (definition === quantityName) return checkQuantity(value, walk);
  if (definition === timeName || definition === microTimeName) return checkTime(value, definition, place, walk);
  if (schema['x-kubernetes-int-or-string']) {
    if (typeof value === 'string') return value;
    // IntOrString reads anything but a string as an int32, and a failure there ends decoding.
    const error = integerMismatch(value, 'int32');
    if (error) setFatal(walk, typeError(error, 'int32', place));
    return error ? undefined : value;
  }
  switch (schema.type) {
    case 'object':
      return checkObject(value, target, place, walk);
    case 'array': {
      if (!Array.isArray(value)) return mismatch(value, target, place, walk);
      const items = resolve(schema.items ?? {});
      return value.map((item, i) => {
        const itemPlace = { ...place, path: `${place.path}[${i}]` };
        // null in a list decodes to the element type's zero value, not to a missing element.
        return item === null ? zeroValue(items) : check(item, items, itemPlace, walk) ?? zeroValue(items);
      });
    }
    case 'string':
      if (typeof value !== 'string') return mismatch(value, target, place, walk);
      if (schema.format === 'byte') {
        const error = base64Error(value);
        if (error) walk.typeErrors.push(error);
        return error ? undefined : value;
      }
      return value;
    case 'integer': {
      const error = integerMismatch(value, schema.format === 'int64' ? 'int64' : 'int32');
      if (error) walk.typeErrors.push(typeError(error, goType(target), place));
      return error ? undefined : value;
    }
    case 'number':
      return typeof value === 'number' ? value : mismatch(value, target, place, walk);
    case 'boolean':
      return typeof value === 'boolean' ? value : mismatch(value, target, place, walk);
    default:
      return value;
  }
}

function checkObject(value: unknown, target: Resolved, place: Place, walk: Walk): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return mismatch(value, target, place, walk);
  const { schema, definition } = target;
  const input = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  if (schema.properties) {
    const struct = definition ? goTypeName(definition) : place.struct;
    for (const [key, field] of Object.entries(input)) {
      const path = place.path === '' ? key : `${place.path}.${key}`;
      const property = schema.properties[key];
      if (!property) {
        walk.unknownFields.push(path);
        continue;
      }
      const decoded = check(field, resolve(property), { path, fields: [...place.fields, key], struct }, walk);
      if (decoded !== undefined) out[key] = decoded;
    }
    return out;
  }
  const values = typeof schema.additionalProperties === 'object' ? resolve(schema.additionalProperties) : undefined;
  for (const [key, field] of Object.entries(input)) {
    // Map keys join the strict-decoding path but not Go's error context, which names struct fields only.
    const decoded = values ? check(field, values, { ...place, path: `${place.path}.${key}` }, walk) : field;
    out[key] = decoded === undefined ? zeroValue(values) : decoded;
  }
  return out;
}

function checkQuantity(value: unknown, walk: Walk): unknown {
  // Quantity's own parser takes a JSON string or number (its text) and fails on anything else.
  const text = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : JSON.stringify(value);
  const error = quantitySyntaxError(text);
  if (error) setFatal(walk, error);
  return error ? undefined : typeof value === 'number' ? text : value;
}

function checkTime(value: unknown, definition: string, place: Place, walk: Walk): unknown {
  if (typeof value !== 'string') {
    // metav1.Time reads its JSON into a Go string first; the error carries the field it happened in.
    setFatal(walk, typeError(`cannot unmarshal ${jsonKind(value)}`, 'string', place));
    return undefined;
  }
  const layout = definition === microTimeName ? rfc3339Micro : rfc3339;
  const error = timeParseError(value, layout);
  if (error) setFatal(walk, error);
  return error ? undefined : normalizeTime(value, layout);
}

function mismatch(value: unknown, target: Resolved, place: Place, walk: Walk): undefined {
  walk.typeErrors.push(typeError(`cannot unmarshal ${jsonKind(value)}`, goType(target), place));
  return undefined;
}

function setFatal(walk: Walk, error: string): void {
  walk.fatal ??= error;
}

/** Go's UnmarshalTypeError text: with the struct and field path when inside a struct. */
function typeError(what: string, type: string, place: Place): string {
  if (place.struct && place.fields.length > 0) {
    return `json: ${what} into Go struct field ${place.struct}.${place.fields.join('.')} of type ${type}`;
  }
  return `json: ${what} into Go value of type ${type}`;
}

/** Why a JSON value is not an integer of the given size, worded as Go's `cannot unmarshal X`; undefined if it is. */
function integerMismatch(value: unknown, size: 'int32' | 'int64'): string | undefined {
  if (typeof value !== 'number') return `cannot unmarshal ${jsonKind(value)}`;
  const limit = size === 'int32' ? 2 ** 31 : 2 ** 63;
  if (!Number.isInteger(value) || value < -limit || value >= limit) return `cannot unmarshal number ${value}`;
  return undefined;
}

function jsonKind(value: unknown): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return 'array';
  return 'object';
}

/** The Go type name a decode error shows: `int32`, `[]v1.Container`, `map[string]string`, `v1.PodSpec`. */
function goType(target: Resolved): string {
  const { schema, definition } = target;
  if (definition && schema.type === 'object' && schema.properties) return goQualifiedTypeName(definition);
  if (definition === intOrStringName || definition === quantityName || definition === timeName || definition === microTimeName) {
    return goQualifiedTypeName(definition);
  }
  switch (schema.type) {
    case 'array':
      return `[]${goType(resolve(schema.items ?? {}))}`;
    case 'object':
      return typeof schema.additionalProperties === 'object'
        ? `map[string]${goType(resolve(schema.additionalProperties))}` : 'map[string]interface {}';
    case 'integer':
      return schema.format === 'int64' ? 'int64' : 'int32';
    case 'string':
      return schema.format === 'byte' ? '[]uint8' : 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return 'float64';
    default:
      return 'interface {}';
  }
}

/** What Go leaves in a list element or map value decoded from `null`: the element type's zero value. */
function zeroValue(target: Resolved | undefined): unknown {
  if (!target) return null;
  const { schema, definition } = target;
  if (definition === quantityName) return '0';
  if (schema['x-kubernetes-int-or-string']) return 0;
  if (schema['x-kubernetes-preserve-unknown-fields'] || definition === timeName || definition === microTimeName) return null;
  switch (schema.type) {
    case 'string': return schema.format === 'byte' ? null : '';
    case 'integer': case 'number': return 0;
    case 'boolean': return false;
    case 'object': return schema.properties ? {} : null;
    default: return null;
  }
}

/** Go's base64.StdEncoding error for `text` ("illegal base64 data at input byte N"), undefined when valid. */
function base64Error(text: string): string | undefined {
  const bytes = Buffer.from(text, 'utf8');
  const alphabet = (b: number) => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) || b === 0x2b || b === 0x2f;
  const newline = (b: number) => b === 0x0a || b === 0x0d;
  const corrupt = (at: number) => `illegal base64 data at input byte ${at}`;
  let i = 0;
  while (i < bytes.length) {
    // One quantum: four alphabet characters, or fewer followed by '=' padding; CR and LF are skipped anywhere.
    let j = 0;
    for (; j < 4; j++) {
      while (i < bytes.length && newline(bytes[i])) i++;
      if (i === bytes.length) {
        if (j === 0) return undefined;
        return corrupt(i - j);
      }
      const b = bytes[i++];
      if (alphabet(b)) continue;
      if (b !== 0x3d) return corrupt(i - 1);
      if (j < 2) return corrupt(i - 1);
      if (j === 2) {
        while (i < bytes.length && newline(bytes[i])) i++;
        if (i === bytes.length) return corrupt(bytes.length);
        if (bytes[i] !== 0x3d) return corrupt(i - 1);
        i++;
      }
      while (i < bytes.length && newline(bytes[i])) i++;
      return i < bytes.length ? corrupt(i) : undefined;
    }
  }
  return undefined;
}

function resolve(schema: Schema, definition?: string): Resolved {
  let current = schema;
  let name = definition;
  for (let depth = 0; depth < 32; depth++) {
    if (current.allOf?.length === 1 && !current.properties && !current.type) {
      current = current.allOf[0];
      continue;
    }
    if (current.$ref) {
      name = refName(current.$ref);
      const target = definitions()[name];
      if (!target) throw new Error(`OpenAPI: unresolvable reference ${current.$ref}`);
      current = target;
      continue;
    }
    return { schema: current, definition: name };
  }
  throw new Error('OpenAPI: reference chain too deep');
}

/** The definition a root schema is (so errors can name its Go struct), found by identity in the definitions. */
function definitionNameOf(schema: Schema): string | undefined {
  if (!names) {
    names = new WeakMap();
    for (const [name, definition] of Object.entries(definitions())) names.set(definition, name);
  }
  return names.get(schema);
}
