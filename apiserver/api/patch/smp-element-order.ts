// `$setElementOrder/<list>`: the order kubectl wants a merging list to end up in, sent next to the list's
// changes on every list change (Kubernetes' mergePatchIntoOriginal). The list is merged as usual, then
// ordered: elements named in the directive follow it, elements only the server has keep their live
// positions relative to them (precedence: `$setElementOrder` > patch list order > live order).
// On the client side the directive is carried into the combined patch, and two patches must agree on it.
import type { Schema } from '../openapi/schema.ts';
import { isJsonMap, jsonEqual, type JsonMap } from './json-value.ts';
import { normalizeElementOrder, partitionByPresence, sameIdentity, splitDeleteDirectives } from './list-order.ts';
import { lookupListField } from './patch-meta.ts';
import type { MergeContext } from './smp-merge-map.ts';
import { elementKind, mergeListField } from './smp-merge-list.ts';
import { newListValue } from './smp-new-value.ts';
import {
  badSetElementOrderFormat, directiveMarker, mergeDirective, noMergeKey, orderMismatch, parallelListKey,
  setElementOrderPrefix, unexpectedType,
} from './smp-directives.ts';

const sliceTypeName = '[]interface {}';

/** Handles every `$setElementOrder/...` key of `patch`, removing it and the list it orders from the patch. */
export function mergeElementOrderLists(target: JsonMap, patch: JsonMap, schema: Schema | undefined, ctx: MergeContext): void {
  for (const directiveKey of Object.keys(patch)) {
    if (!directiveKey.startsWith(setElementOrderPrefix)) continue;
    const order = patch[directiveKey];
    if (!ctx.mergeParallelList) {
      if (!Object.hasOwn(target, directiveKey)) target[directiveKey] = order;
      else if (!jsonEqual(target[directiveKey], order)) throw badSetElementOrderFormat();
    }
    delete patch[directiveKey];
    if (!Array.isArray(order)) throw unexpectedType(sliceTypeName, order);
    const key = parallelListKey(directiveKey, setElementOrderPrefix);

    const inTarget = Object.hasOwn(target, key);
    const inPatch = Object.hasOwn(patch, key);
    const current = target[key];
    const patchList = patch[key];
    if (inTarget && !Array.isArray(current)) throw unexpectedType(sliceTypeName, current);
    if (inPatch && !Array.isArray(patchList)) throw unexpectedType(sliceTypeName, patchList);
    const currentList = inTarget ? (current as unknown[]) : [];
    const patchItems = inPatch ? (patchList as unknown[]) : [];

    const field = lookupListField(schema, key, ctx.resolve);
    checkPatchFollowsOrder(patchItems, order, field.mergeKey);

    let merged: unknown[];
    let liveView: unknown[];
    if (inTarget && inPatch) ({ merged, liveView } = mergeListField(currentList, patchItems, field, key, false, ctx));
    else if (inTarget) ({ merged, liveView } = { merged: currentList, liveView: currentList });
    else if (inPatch) ({ merged, liveView } = { merged: ctx.ignoreUnmatchedNulls ? newListValue(patchItems, field.schema, ctx) : patchItems, liveView: [] });
    else continue;

    delete patch[key];
    // Only merging lists have an order to keep; an empty list has nothing to order.
    if (field.strategy !== mergeDirective || (liveView.length === 0 && patchItems.length === 0)) {
      target[key] = merged;
      continue;
    }
    const kind = elementKind(liveView, patchItems);
    const { present, absent } = partitionByPresence(merged, order, field.mergeKey, field.mergeKey === '' ? 'scalar' : 'object');
    target[key] = normalizeElementOrder(present, absent, order, liveView, field.mergeKey, kind);
  }
}

/**
 * Kubernetes' validatePatchWithSetOrderList: the patch list's elements (deletions and other directive
 * elements aside) must all appear in the order list, in the same relative order.
 */
function checkPatchFollowsOrder(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const ordinary = mergeKey === '' ? patchList : splitDeleteDirectives(patchList).keep;
  let p = 0;
  let o = 0;
  while (p < ordinary.length && o < order.length) {
    const item = ordinary[p];
    if (isJsonMap(item) && Object.hasOwn(item, directiveMarker)) {
      p++;
      continue;
    }
    if (sameElement(item, order[o], mergeKey)) p++;
    o++;
  }
  if (p < ordinary.length) throw orderMismatch(patchList, order);
}

function sameElement(left: unknown, right: unknown, mergeKey: string): boolean {
  if (mergeKey === '') return sameIdentity(left, right);
  if (!isJsonMap(left)) throw unexpectedType('map[string]interface {}', left);
  if (!isJsonMap(right)) throw unexpectedType('map[string]interface {}', right);
  if (!Object.hasOwn(left, mergeKey)) throw noMergeKey(left, mergeKey);
  if (!Object.hasOwn(right, mergeKey)) throw noMergeKey(right, mergeKey);
  return sameIdentity(left[mergeKey], right[mergeKey]);
}
