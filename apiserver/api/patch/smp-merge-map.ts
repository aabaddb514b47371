// The heart of strategic merge patch: merging a patch object into an object, Kubernetes' mergeMap.
// The same walk serves two callers, told apart by MergeContext:
//  - the server applying a patch (merge the parallel lists, drop nulls that match nothing), and
//  - the client folding the "deletions" patch and the "changes" patch of a three-way diff into one
//    patch (keep every directive and every null, they are meant for the server).
// The functions edit `original` and `patch` in place; the public entry points hand them private copies.
import type { Schema } from '../openapi/schema.ts';
import { isJsonMap, jsonEqual, jsonKind, goFormat, type JsonMap } from './json-value.ts';
import { mergeListField } from './smp-merge-list.ts';
import { mergeElementOrderLists } from './smp-element-order.ts';
import { placeNewValue } from './smp-new-value.ts';
import { lookupListField, lookupMapField, type ResolveSchema } from './patch-meta.ts';
import { unclassifiedPatchError } from './patch-errors.ts';
import {
  badRetainKeysFormat, deleteDirective, deleteFromPrimitiveListPrefix, directiveMarker, parallelListKey,
  replaceDirective, retainKeysDirective, setElementOrderPrefix, unknownPatchType,
} from './smp-directives.ts';

export interface MergeContext {
  resolve: ResolveSchema;
  /** Server side: apply `$deleteFromPrimitiveList`, `$setElementOrder` and `$retainKeys` instead of carrying them. */
  mergeParallelList: boolean;
  /** Server side: a null that matches no field is dropped rather than kept as an explicit deletion. */
  ignoreUnmatchedNulls: boolean;
}

/** Merges `patch` into `original` (both edited in place) and returns the merged object. */
export function mergeMap(original: JsonMap | undefined, patch: JsonMap, schema: Schema | undefined, ctx: MergeContext): JsonMap {
  if (Object.hasOwn(patch, directiveMarker)) return applyMapDirective(patch, schema, ctx);
  const target = original ?? {};
  applyRetainKeys(target, patch, ctx);
  mergeElementOrderLists(target, patch, schema, ctx);

  for (const patchKey of Object.keys(patch)) {
    const value = patch[patchKey];
    let key = patchKey;
    let isDeleteList = false;
    if (patchKey.startsWith(deleteFromPrimitiveListPrefix)) {
      if (!ctx.mergeParallelList) {
        target[patchKey] = value;
        continue;
      }
      key = parallelListKey(patchKey, deleteFromPrimitiveListPrefix);
      isDeleteList = true;
    }
    if (value === null) {
      delete target[key];
      if (ctx.ignoreUnmatchedNulls) continue;
    }
    const current = target[key];
    if (!Object.hasOwn(target, key) || jsonKind(current) !== jsonKind(value)) {
      // Nothing to merge with: the patch value is taken as it is (a delete list then has nothing to do).
      if (!isDeleteList) placeNewValue(target, key, value, schema, ctx);
      continue;
    }
    if (isJsonMap(current)) {
      target[key] = mergeMapField(current, value as JsonMap, schema, key, ctx);
    } else if (Array.isArray(current)) {
      const field = lookupListField(schema, key, ctx.resolve);
      target[key] = mergeListField(current, value as unknown[], field, key, isDeleteList, ctx).merged;
    } else {
      target[key] = value;
    }
  }
  return target;
}

function mergeMapField(current: JsonMap, patch: JsonMap, parent: Schema | undefined, key: string, ctx: MergeContext): JsonMap {
  const field = lookupMapField(parent, key, ctx.resolve);
  if (field.strategy !== replaceDirective) return mergeMap(current, patch, field.schema, ctx);
  // A map with the `replace` strategy is swapped for the patch's map as a whole.
  return ctx.mergeParallelList ? mergeMap({}, patch, field.schema, ctx) : patch;
}

/** `$patch` in an object: `replace` swaps in the rest of the patch, `delete` empties the object. */
function applyMapDirective(patch: JsonMap, schema: Schema | undefined, ctx: MergeContext): JsonMap {
  const directive = patch[directiveMarker];
  if (directive === replaceDirective) {
    delete patch[directiveMarker];
    // The replacement is a new value: on the server its own directives and nulls are resolved too.
    return ctx.mergeParallelList ? mergeMap({}, patch, schema, ctx) : patch;
  }
  if (directive === deleteDirective) return {};
  throw unknownPatchType(directive, patch);
}

/**
 * `$retainKeys: [...]` lists the fields the object keeps (the others are cleared), the way `kubectl apply`
 * switches a union such as a Deployment's strategy. Every field the patch sets must be listed.
 * On the client side the directive is only carried over, and two patches must agree on it.
 */
function applyRetainKeys(target: JsonMap, patch: JsonMap, ctx: MergeContext): void {
  if (!Object.hasOwn(patch, retainKeysDirective)) return;
  const retained = patch[retainKeysDirective];
  delete patch[retainKeysDirective];
  if (!ctx.mergeParallelList) {
    if (!Object.hasOwn(target, retainKeysDirective)) target[retainKeysDirective] = retained;
    else if (!jsonEqual(target[retainKeysDirective], retained)) {
      throw unclassifiedPatchError(`${goFormat(target[retainKeysDirective])} and ${goFormat(retained)} are not deep equal: this may happen when calculating the 3-way diff patch`);
    }
    return;
  }
  if (!Array.isArray(retained)) throw badRetainKeysFormat();
  const keep = new Set<unknown>(retained);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || key.startsWith(deleteFromPrimitiveListPrefix) || key.startsWith(setElementOrderPrefix)) continue;
    if (!keep.has(key)) throw badRetainKeysFormat();
  }
  for (const key of Object.keys(target)) {
    if (!keep.has(key)) delete target[key];
  }
}
