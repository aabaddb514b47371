// Small building blocks shared by the per-kind validators: field paths in Kubernetes' notation, the numeric
// range checks every kind repeats, and "semantic" equality for immutable fields. Messages are Kubernetes' own
// (apimachinery's IsNegativeErrorMsg, FieldImmutableErrorMsg) so clients see familiar text.
import { fieldError, type FieldError } from '../errors.ts';
import { nameIsDNSSubdomain, type NameValidator } from './names.ts';

export const isNegativeMessage = 'must be greater than or equal to 0';
export const immutableMessage = 'field is immutable';

/** `spec` + `replicas` -> `spec.replicas`; an empty parent yields just the child. */
export function child(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

/** `spec.ports` + 0 -> `spec.ports[0]`. */
export function index(path: string, i: number): string {
  return `${path}[${i}]`;
}

/** `metadata.labels` + `app` -> `metadata.labels[app]` (Kubernetes prints map keys unquoted). */
export function key(path: string, k: string): string {
  return `${path}[${k}]`;
}

export function nonNegative(value: number | undefined | null, path: string): FieldError[] {
  if (typeof value !== 'number' || value >= 0) return [];
  return [fieldError.invalid(path, value, isNegativeMessage)];
}

export function positive(value: number | undefined | null, path: string, detail = 'must be greater than 0'): FieldError[] {
  if (typeof value !== 'number' || value > 0) return [];
  return [fieldError.invalid(path, value, detail)];
}

/** A field that may not change once the object exists. */
export function immutable(newValue: unknown, oldValue: unknown, path: string): FieldError[] {
  if (semanticEqual(newValue, oldValue)) return [];
  return [fieldError.invalid(path, newValue ?? null, immutableMessage)];
}

/** Every message of a string validator, as Invalid errors at one path. */
export function invalidEach(path: string, value: unknown, messages: string[]): FieldError[] {
  return messages.map((msg) => fieldError.invalid(path, value, msg));
}

/**
 * Kubernetes compares API objects "semantically": a missing field, null, an empty string, an empty list and an
 * empty map all mean "unset" (Go decodes them all to the zero value). A client that round-trips an object through a language that drops empty fields must not trip an
 * immutability check.
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (isUnset(a) && isUnset(b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => semanticEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!semanticEqual(a[k], b[k])) return false;
    return true;
  }
  return a === b;
}

function isUnset(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isPlainObject(v)) return Object.values(v).every(isUnset);
  return false;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A deep copy through JSON: API objects are JSON, so nothing is lost. */
export function clone<T>(v: T): T {
  return v === undefined ? v : JSON.parse(JSON.stringify(v)) as T;
}

/**
 * Kind-specific name rules stricter than the DNS-1123 subdomain every object name is checked against by the
 * generic handler. Reported only when the subdomain check passes, so one bad name gives one set of errors.
 */
export function stricterNameErrors(name: string | undefined, validator: NameValidator): FieldError[] {
  if (!name || nameIsDNSSubdomain(name, false).length > 0) return [];
  return invalidEach('metadata.name', name, validator(name, false));
}

/** Checks a string against an enum: Required when empty, NotSupported when unknown. */
export function oneOf(value: string | undefined, path: string, supported: readonly string[], required = true): FieldError[] {
  if (value === undefined || value === '') return required ? [fieldError.required(path)] : [];
  return supported.includes(value) ? [] : [fieldError.notSupported(path, value, supported)];
}

const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Standard, padded base64: how JSON carries bytes (Secret data, ConfigMap binaryData). */
export function isBase64(value: unknown): value is string {
  return typeof value === 'string' && base64Pattern.test(value);
}
