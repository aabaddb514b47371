// What a patch value becomes where there is nothing to merge it with (a new field, a field whose type
// changes, a new list element, a replaced list).
//  - Kubernetes drops any object that carries `$patch` there (its removeDirectives): deleting or
//    replacing something that does not exist leaves nothing. Both sides here do the same.
//  - On the server the value is otherwise applied to nothing: nulls vanish (discardNullValuesFromPatch)
//    and nested directives (`$setElementOrder`, `$retainKeys`, ...) are resolved rather than stored.
//    Kubernetes copies those nested directive keys into its map and lets decoding into the Go struct
//    discard them; Skiff stores JSON as it is, so it resolves them here instead.
//  - On the client (merging two patches) the value is carried verbatim apart from the dropped objects.
import type { Schema } from '../openapi/schema.ts';
import { isJsonMap, type JsonMap } from './json-value.ts';
import { mergeMap, type MergeContext } from './smp-merge-map.ts';
import { lookupListField, lookupMapField } from './patch-meta.ts';
import { directiveMarker } from './smp-directives.ts';

const dropped = Symbol('dropped');

/** Sets `target[key]` to what the patch value means on its own, or removes the key if nothing is left. */
export function placeNewValue(target: JsonMap, key: string, value: unknown, parent: Schema | undefined, ctx: MergeContext): void {
  const schema = Array.isArray(value)
    ? lookupListField(parent, key, ctx.resolve).schema
    : lookupMapField(parent, key, ctx.resolve).schema;
  const placed = standalone(value, schema, ctx);
  if (placed === dropped) delete target[key];
  else target[key] = placed;
}

/** A list taken from the patch as it is (a replaced list, or one the original does not have). */
export function newListValue(list: readonly unknown[], itemSchema: Schema | undefined, ctx: MergeContext): unknown[] {
  return keptItems(list, itemSchema, ctx);
}

/** A new element of an object list (its directives and nulls resolved on the server). */
export function newListElement(element: JsonMap, itemSchema: Schema | undefined, ctx: MergeContext): JsonMap {
  const placed = standalone(element, itemSchema, ctx);
  return placed === dropped ? {} : (placed as JsonMap);
}

/** `schema` describes the value: an object's schema, or a list's items' schema. */
function standalone(value: unknown, schema: Schema | undefined, ctx: MergeContext): unknown {
  if (!ctx.ignoreUnmatchedNulls) return withoutDirectiveObjects(value);
  if (isJsonMap(value)) return Object.hasOwn(value, directiveMarker) ? dropped : mergeMap({}, value, schema, ctx);
  if (Array.isArray(value)) return keptItems(value, schema, ctx);
  return value;
}

function keptItems(list: readonly unknown[], itemSchema: Schema | undefined, ctx: MergeContext): unknown[] {
  const kept: unknown[] = [];
  for (const item of list) {
    const placed = standalone(item, itemSchema, ctx);
    if (placed !== dropped) kept.push(placed);
  }
  return kept;
}

/** Client side: keep everything (nulls included) except objects that carry `$patch`. */
function withoutDirectiveObjects(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDirectiveObjects).filter((item) => item !== dropped);
  if (!isJsonMap(value)) return value;
  if (Object.hasOwn(value, directiveMarker)) return dropped;
  for (const key of Object.keys(value)) {
    const kept = withoutDirectiveObjects(value[key]);
    if (kept === dropped) delete value[key];
    else value[key] = kept;
  }
  return value;
}
