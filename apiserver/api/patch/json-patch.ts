// JSON patch (RFC 6902), `application/json-patch+json`: what `kubectl rollout undo` and
// `kubectl patch --type=json` send. fast-json-patch applies the operations; this module checks the
// operations list first so every failure carries the Status kube-apiserver would send:
//  - a body that is not a list of objects fails jsonpatch.DecodePatch: 400 BadRequest with Go's
//    json decoding message;
//  - more than 10000 operations: 413 RequestEntityTooLarge (maxJSONPatchOperations);
//  - anything that fails while applying (unknown op, missing path or value target, failed `test`):
//    422 Invalid with NewGenericServerResponse's fixed message.
import jsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { ApiError } from '../errors.ts';
import { isJsonMap, type JsonMap } from './json-value.ts';
import { malformedPatch, unprocessablePatch } from './patch-errors.ts';

/** kube-apiserver's maxJSONPatchOperations. */
export const maxJsonPatchOperations = 10000;

const applicableOps = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/** Applies RFC 6902 operations to `original`. Neither input is modified. */
export function applyJsonPatch(original: unknown, ops: unknown): unknown {
  const decoded = decodeOperations(ops);
  if (decoded.length > maxJsonPatchOperations) {
    throw new ApiError(413, 'RequestEntityTooLarge',
      `Request entity too large: The allowed maximum operations in a JSON patch is ${maxJsonPatchOperations}, got ${decoded.length}`);
  }
  const operations = decoded.map(toOperation);
  try {
    // validate: true makes fast-json-patch check paths against the document before each step;
    // banPrototypeModifications keeps `__proto__` paths from reaching Object.prototype.
    return jsonPatch.applyPatch(structuredClone(original), operations, true, true, true).newDocument;
  } catch {
    throw unprocessablePatch();
  }
}

/**
 * The shape check jsonpatch.DecodePatch does by unmarshalling into `[]map[string]*json.RawMessage`:
 * `null` is an empty patch, a non-list or a non-object element is a decoding error. A `null` element
 * decodes to an empty operation, which only fails when applied.
 */
function decodeOperations(ops: unknown): (JsonMap | null)[] {
  if (ops === null || ops === undefined) return [];
  if (!Array.isArray(ops)) {
    throw malformedPatch(`json: cannot unmarshal ${goJsonTypeName(ops)} into Go value of type jsonpatch.Patch`);
  }
  return ops.map((op: unknown) => {
    if (op === null || isJsonMap(op)) return op;
    throw malformedPatch(`json: cannot unmarshal ${goJsonTypeName(op)} into Go value of type jsonpatch.Operation`);
  });
}

/** How Go's encoding/json names a JSON value in an UnmarshalTypeError. */
function goJsonTypeName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return typeof value === 'object' ? 'object' : typeof value;
}

/**
 * A fresh, typed operation for fast-json-patch. Kubernetes' json-patch reads a missing `value` as null
 * (it adds or compares null rather than failing), so the same happens here; an unknown `op` (including
 * fast-json-patch's private `_get`) or a non-string path cannot be applied.
 */
function toOperation(raw: JsonMap | null): Operation {
  if (raw === null) throw unprocessablePatch();
  const { op, path, from } = raw;
  if (typeof op !== 'string' || !applicableOps.has(op) || typeof path !== 'string') throw unprocessablePatch();
  const value = Object.hasOwn(raw, 'value') ? structuredClone(raw.value) : null;
  switch (op) {
    case 'add': return { op, path, value };
    case 'replace': return { op, path, value };
    case 'test': return { op, path, value };
    case 'remove': return { op, path };
    case 'move':
    case 'copy':
      if (typeof from !== 'string') throw unprocessablePatch();
      return { op, path, from };
    default: throw unprocessablePatch();
  }
}
