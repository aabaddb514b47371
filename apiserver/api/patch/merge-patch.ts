// JSON merge patch (RFC 7386), `application/merge-patch+json`: what `kubectl label`, `annotate` and
// `patch --type=merge` send. Objects merge recursively, null deletes a member, anything else replaces.
import { isJsonMap, jsonEqual, type JsonMap } from './json-value.ts';
import { malformedPatch } from './patch-errors.ts';

/**
 * Applies `patch` to `original` (RFC 7386 section 2). A patch that is not an object replaces the whole
 * document. Neither input is modified, and the result shares no structure with either, so callers may
 * edit it freely.
 */
export function applyMergePatch(original: unknown, patch: unknown): unknown {
  return mergeInto(structuredClone(original), patch);
}

/** RFC 7386's MergePatch(Target, Patch) on a target this module owns (it is edited in place). */
function mergeInto(target: unknown, patch: unknown): unknown {
  if (!isJsonMap(patch)) return structuredClone(patch);
  const result: JsonMap = isJsonMap(target) ? target : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergeInto(result[key], value);
  }
  return result;
}

/**
 * Rejects a request body kube-apiserver refuses as a merge patch. evanphx/json-patch (which Kubernetes
 * uses) reports `null` and scalar bodies as ErrBadJSONPatch, and the handler answers 400 "Invalid JSON
 * Patch". Arrays are accepted: they replace the document, and then fail decoding into the kind.
 */
export function checkMergePatchDocument(patch: unknown): void {
  if (isJsonMap(patch) || Array.isArray(patch)) return;
  throw malformedPatch('Invalid JSON Patch');
}

/**
 * The merge patch that turns `original` into `modified` (what evanphx CreateMergePatch computes):
 * changed and added members carry the new value, removed members become null, unchanged ones are left
 * out, and lists are compared whole. Both documents must be objects. Null members of `modified` cannot be
 * expressed by RFC 7386 (null means delete), so they come out as deletions.
 */
export function createJsonMergePatch(original: unknown, modified: unknown): JsonMap {
  if (!isJsonMap(original) || !isJsonMap(modified)) {
    throw new TypeError('createJsonMergePatch: both documents must be JSON objects');
  }
  return diffObjects(original, modified);
}

function diffObjects(original: JsonMap, modified: JsonMap): JsonMap {
  const patch: JsonMap = {};
  for (const [key, value] of Object.entries(modified)) {
    if (!Object.hasOwn(original, key)) {
      patch[key] = structuredClone(value);
      continue;
    }
    const before = original[key];
    if (isJsonMap(before) && isJsonMap(value)) {
      const nested = diffObjects(before, value);
      if (Object.keys(nested).length > 0) patch[key] = nested;
    } else if (!jsonEqual(before, value)) {
      patch[key] = structuredClone(value);
    }
  }
  for (const key of Object.keys(original)) {
    if (!Object.hasOwn(modified, key)) patch[key] = null;
  }
  return patch;
}
