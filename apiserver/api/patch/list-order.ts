// How strategic merge patch orders a merged list (Kubernetes' preserve-order design): elements named in
// the patch (or in `$setElementOrder`) keep the patch's order, elements only the server has keep the
// live order, and the two runs are interleaved using the live positions where both sides are known.
// Elements of object lists are identified by their merge key, primitives by their value.
import { goStableSort } from './go-stable-sort.ts';
import { isJsonMap, jsonEqual, type JsonMap } from './json-value.ts';
import { deleteDirective, directiveMarker, noMergeKey, notAMapAt, unexpectedType } from './smp-directives.ts';

/** Whether a list holds objects (identified by a merge key) or primitives (identified by value). */
export type ElementKind = 'object' | 'scalar';

const mapTypeName = 'map[string]interface {}';

/** The identity used to match elements: the merge key's value, or the primitive itself. */
function identity(item: unknown, mergeKey: string, kind: ElementKind): unknown {
  if (kind === 'scalar') return item;
  // Go reads a missing key (or a non-map element) as nil, and nil matches nil.
  return isJsonMap(item) ? (item[mergeKey] ?? null) : null;
}

/** Equality of identities as Go's `==` on decoded JSON scalars. */
export function sameIdentity(a: unknown, b: unknown): boolean {
  return a === b || jsonEqual(a ?? null, b ?? null);
}

/** Position of `item` in `list` by identity, or -1. */
export function indexByIdentity(list: readonly unknown[], item: unknown, mergeKey: string, kind: ElementKind): number {
  const wanted = identity(item, mergeKey, kind);
  return list.findIndex((candidate) => sameIdentity(identity(candidate, mergeKey, kind), wanted));
}

/** Position of the first object in `list` whose merge key equals `value`; errors on a non-object element. */
export function indexByMergeKey(list: readonly unknown[], mergeKey: string, value: unknown): number {
  for (let i = 0; i < list.length; i++) {
    const candidate = list[i];
    if (!isJsonMap(candidate)) throw notAMapAt(i);
    if (Object.hasOwn(candidate, mergeKey) && sameIdentity(candidate[mergeKey], value)) return i;
  }
  return -1;
}

/** Every element of every list must be an object carrying the merge key. */
export function requireMergeKeys(mergeKey: string, ...lists: readonly unknown[][]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isJsonMap(item)) throw unexpectedType(mapTypeName, item);
      if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
    }
  }
}

/** Splits a patch list into ordinary elements and `$patch: delete` elements. */
export function splitDeleteDirectives(list: readonly unknown[]): { keep: JsonMap[]; remove: JsonMap[] } {
  const keep: JsonMap[] = [];
  const remove: JsonMap[] = [];
  for (const item of list) {
    if (!isJsonMap(item)) throw unexpectedType(mapTypeName, item);
    if (Object.hasOwn(item, directiveMarker) && item[directiveMarker] === deleteDirective) remove.push(item);
    else keep.push(item);
  }
  return { keep, remove };
}

/** Sorts `toSort` by position in `order`; delete directives go last, in their own order. */
export function sortByReferenceOrder(toSort: readonly unknown[], order: readonly unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  let sorted: unknown[] = [...toSort];
  let deletes: unknown[] = [];
  if (kind === 'object') {
    requireMergeKeys(mergeKey, [...toSort], [...order]);
    const { keep, remove } = splitDeleteDirectives(toSort);
    sorted = keep;
    deletes = remove;
  }
  goStableSort(sorted, (a, b) => {
    const ia = indexByIdentity(order, a, mergeKey, kind);
    const ib = indexByIdentity(order, b, mergeKey, kind);
    // Kubernetes answers "less" whenever either element is missing from the order.
    return ia >= 0 && ib >= 0 ? ia < ib : true;
  });
  return [...sorted, ...deletes];
}

/**
 * Interleaves server-only elements (`left`, already in live order) with patch elements (`right`, already
 * in patch order): a server-only element goes first only while it is known to precede the next patch
 * element in the live list; otherwise the patch element goes first.
 */
export function interleaveByLiveOrder(left: readonly unknown[], right: readonly unknown[], serverOrder: readonly unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  const result: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) result.push(right[j++]);
    else if (j >= right.length) result.push(left[i++]);
    else {
      const li = indexByIdentity(serverOrder, left[i], mergeKey, kind);
      const ri = indexByIdentity(serverOrder, right[j], mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) result.push(left[i++]);
      else result.push(right[j++]);
    }
  }
  return result;
}

/** Kubernetes' normalizeElementOrder: sort both runs, then interleave them. */
export function normalizeElementOrder(
  patchItems: readonly unknown[], serverOnlyItems: readonly unknown[],
  patchOrder: readonly unknown[], serverOrder: readonly unknown[], mergeKey: string, kind: ElementKind,
): unknown[] {
  const patchRun = sortByReferenceOrder(patchItems, patchOrder, mergeKey, kind);
  const serverRun = sortByReferenceOrder(serverOnlyItems, serverOrder, mergeKey, kind);
  return interleaveByLiveOrder(serverRun, patchRun, serverOrder, mergeKey, kind);
}

/** Splits `list` into elements present in `by` and the rest, keeping their order. */
export function partitionByPresence(list: readonly unknown[], by: readonly unknown[], mergeKey: string, kind: ElementKind): { present: unknown[]; absent: unknown[] } {
  const present: unknown[] = [];
  const absent: unknown[] = [];
  for (const item of list) {
    let found: boolean;
    if (kind === 'object') {
      if (!isJsonMap(item)) throw unexpectedType(mapTypeName, item);
      if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
      found = indexByMergeKey(by, mergeKey, item[mergeKey]) >= 0;
    } else {
      found = by.some((candidate) => sameIdentity(candidate, item));
    }
    (found ? present : absent).push(item);
  }
  return { present, absent };
}

/**
 * Go's deduplicateScalars: removes repeats by moving the last element into the repeated slot. The order
 * it leaves matters where it is not re-sorted afterwards (the `$deleteFromPrimitiveList` a diff emits).
 */
export function deduplicateScalars(list: readonly unknown[]): unknown[] {
  const s = [...list];
  let last = s.length - 1;
  for (let i = 0; i < last; i++) {
    for (let j = i + 1; j <= last; j++) {
      if (sameIdentity(s[i], s[j])) {
        s[j] = s[last];
        s.length = last;
        last--;
        j--;
      }
    }
  }
  return s;
}
