// Merging a patch list into a list (Kubernetes' mergeSliceHandler / mergeSlice):
//  - without the `merge` strategy the patch list replaces the list;
//  - a merging list of primitives becomes the union (or, for `$deleteFromPrimitiveList`, the difference);
//  - a merging list of objects merges element by element on the merge key: `$patch: delete` elements
//    remove every element with that key, a `$patch: replace` element makes the rest of the patch list
//    the whole list, other elements merge into the element with the same key or are added;
//  - the result is ordered as list-order.ts describes.
import type { Schema } from '../openapi/schema.ts';
import { jsonKind, type JsonKind, type JsonMap } from './json-value.ts';
import { deduplicateScalars, indexByMergeKey, normalizeElementOrder, partitionByPresence, sameIdentity, type ElementKind } from './list-order.ts';
import type { FieldPatchMeta } from './patch-meta.ts';
import { mergeMap, type MergeContext } from './smp-merge-map.ts';
import { newListElement, newListValue } from './smp-new-value.ts';
import {
  deleteDirective, directiveMarker, listOfLists, mergeDirective, mergeDirectiveInList, mixedElementTypes,
  noMergeKey, noMergeKeyDeclared, replaceDirective, unknownPatchType,
} from './smp-directives.ts';

export interface MergedList {
  merged: unknown[];
  /**
   * The original list as Kubernetes sees it after the merge. Go deletes and appends in the original
   * list's backing array, so a caller still holding the original slice sees deleted elements shifted
   * out and new elements in the freed slots. `$setElementOrder` then orders by this view, and the
   * resulting positions of server-only elements depend on it; it is reproduced to match them.
   */
  liveView: unknown[];
}

export function mergeListField(current: unknown[], patch: unknown[], field: FieldPatchMeta, key: string, isDeleteList: boolean, ctx: MergeContext): MergedList {
  // A `$deleteFromPrimitiveList` list applies whatever the field's strategy is.
  if (field.strategy !== mergeDirective && !isDeleteList) {
    return { merged: ctx.ignoreUnmatchedNulls ? newListValue(patch, field.schema, ctx) : patch, liveView: current };
  }
  if (current.length === 0 && patch.length === 0) return { merged: current, liveView: current };
  const kind = elementKind(current, patch);
  if (kind === 'scalar') return mergeScalarList(current, patch, isDeleteList, ctx);
  if (field.mergeKey === '') throw noMergeKeyDeclared(key);
  return mergeObjectList(current, patch as JsonMap[], field.mergeKey, field.schema, ctx);
}

function mergeScalarList(current: unknown[], patch: unknown[], isDeleteList: boolean, ctx: MergeContext): MergedList {
  if (isDeleteList && ctx.mergeParallelList) {
    const merged = current.filter((item) => !patch.some((gone) => sameIdentity(gone, item)));
    return { merged, liveView: current };
  }
  const merged = deduplicateScalars([...current, ...patch]);
  const { present, absent } = partitionByPresence(merged, patch, '', 'scalar');
  return { merged: normalizeElementOrder(present, absent, patch, current, '', 'scalar'), liveView: current };
}

function mergeObjectList(current: unknown[], patch: JsonMap[], mergeKey: string, itemSchema: Schema | undefined, ctx: MergeContext): MergedList {
  // `liveView` mirrors the original slice's backing array and `live` the length of the working slice on it.
  const liveView = [...current];
  let live = current.length;
  let replace = false;
  const ordinary: JsonMap[] = [];
  for (const element of patch) {
    if (!Object.hasOwn(element, directiveMarker)) {
      ordinary.push(element);
      continue;
    }
    const directive = element[directiveMarker];
    if (directive === deleteDirective) {
      if (!Object.hasOwn(element, mergeKey)) throw noMergeKey(element, mergeKey);
      for (;;) {
        const at = indexByMergeKey(liveView.slice(0, live), mergeKey, element[mergeKey]);
        if (at < 0) break;
        liveView.copyWithin(at, at + 1, live);
        live--;
      }
    } else if (directive === replaceDirective) {
      replace = true;
    } else if (directive === mergeDirective) {
      throw mergeDirectiveInList();
    } else {
      throw unknownPatchType(directive, element);
    }
  }

  if (replace) {
    // The rest of the patch list is the list. Kubernetes still runs it through the ordering step, which
    // keeps the given order but insists that every element carries the merge key.
    const merged = ctx.ignoreUnmatchedNulls ? ordinary.map((element) => newListElement(element, itemSchema, ctx)) : ordinary;
    return { merged: normalizeElementOrder([], merged, [], merged, mergeKey, 'object'), liveView };
  }

  const serverOrder = liveView.slice(0, live);
  const working: unknown[] = [...serverOrder];
  for (const element of ordinary) {
    if (!Object.hasOwn(element, mergeKey)) throw noMergeKey(element, mergeKey);
    const at = indexByMergeKey(working, mergeKey, element[mergeKey]);
    if (at >= 0) {
      working[at] = mergeMap(working[at] as JsonMap, element, itemSchema, ctx);
      continue;
    }
    const added = ctx.ignoreUnmatchedNulls ? newListElement(element, itemSchema, ctx) : element;
    working.push(added);
    if (live < liveView.length) liveView[live] = added;
    live++;
  }
  const { present, absent } = partitionByPresence(working, ordinary, mergeKey, 'object');
  return { merged: normalizeElementOrder(present, absent, ordinary, serverOrder, mergeKey, 'object'), liveView };
}

/**
 * Kubernetes' sliceElementType: all elements of the lists must have one JSON type, and lists of lists
 * are not supported (422).
 */
export function elementKind(...lists: readonly unknown[][]): ElementKind {
  let seen: JsonKind | undefined;
  for (const list of lists) {
    for (const item of list) {
      const kind = jsonKind(item);
      if (seen === undefined) {
        if (kind === 'array') throw listOfLists();
        seen = kind;
      } else if (kind !== seen) {
        throw mixedElementTypes(lists.map((l) => [...l]));
      }
    }
  }
  return seen === 'object' ? 'object' : 'scalar';
}
