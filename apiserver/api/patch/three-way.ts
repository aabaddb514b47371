// The patches a client computes, as kubectl does for client-side `apply`:
//  - three-way: `original` is the last-applied configuration (the annotation), `modified` the manifest
//    being applied, `current` the live object. Deletions come only from fields that were applied before
//    and are gone from the manifest (so fields other writers set survive); additions and changes come
//    from the manifest against the live object (Kubernetes' CreateThreeWayMergePatch, overwrite=true).
//  - two-way: the patch from one document to another.
// Both are strategic merge patches for kube-apiserver; without a schema they degrade to merge patches.
import type { Schema } from '../openapi/schema.ts';
import { cloneJson, isJsonMap, type JsonMap } from './json-value.ts';
import type { ResolveSchema } from './patch-meta.ts';
import { diffMaps } from './smp-diff.ts';
import { mergeMap } from './smp-merge-map.ts';

export { createJsonMergePatch } from './merge-patch.ts';

/**
 * The strategic merge patch `kubectl apply` sends. `{}` when nothing needs to change. `null` or missing
 * documents count as empty. Inputs are not modified.
 */
export function createThreeWayMergePatch(original: unknown, modified: unknown, current: unknown, schema: Schema | undefined, resolve: ResolveSchema): JsonMap {
  const last = asDocument(original);
  const wanted = asDocument(modified);
  const live = asDocument(current);
  const changes = diffMaps(live, wanted, schema, {
    resolve, setElementOrder: true, ignoreDeletions: true, ignoreChangesAndAdditions: false, buildRetainKeys: false,
  });
  const deletions = diffMaps(last, wanted, schema, {
    resolve, setElementOrder: true, ignoreDeletions: false, ignoreChangesAndAdditions: true, buildRetainKeys: false,
  });
  // Fold the changes into the deletions as one patch: every directive and every null is kept for the server.
  return mergeMap(deletions, changes, schema, { resolve, mergeParallelList: false, ignoreUnmatchedNulls: false });
}

/** The strategic merge patch that turns `original` into `modified`. Inputs are not modified. */
export function createTwoWayMergePatch(original: unknown, modified: unknown, schema: Schema | undefined, resolve: ResolveSchema): JsonMap {
  return diffMaps(asDocument(original), asDocument(modified), schema, {
    resolve, setElementOrder: true, ignoreDeletions: false, ignoreChangesAndAdditions: false, buildRetainKeys: false,
  });
}

/** A private copy of a document, so the patch may share its values without aliasing the caller's. */
function asDocument(value: unknown): JsonMap {
  if (value === null || value === undefined) return {};
  if (!isJsonMap(value)) throw new TypeError('a strategic merge patch is computed between JSON objects');
  return cloneJson(value);
}
