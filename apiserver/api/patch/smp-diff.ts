// Computing a strategic merge patch from two documents (Kubernetes' diffMaps and diffLists), the client
// half of strategic merge patch. The patch sets what changed and was added, nulls what was removed,
// sends `$patch: delete` elements for removed list elements, `$deleteFromPrimitiveList` for removed
// primitives, `$setElementOrder` for every changed merging list and `$retainKeys` for retainKeys fields.
// DiffOptions select the half a three-way patch needs (only changes, or only deletions).
import type { Schema } from '../openapi/schema.ts';
import { isJsonMap, jsonEqual, jsonKind, type JsonMap } from './json-value.ts';
import { deduplicateScalars, sortByReferenceOrder } from './list-order.ts';
import { lookupListField, lookupMapField, type FieldPatchMeta, type ResolveSchema } from './patch-meta.ts';
import { elementKind } from './smp-merge-list.ts';
import {
  deleteDirective, deleteFromPrimitiveListPrefix, directiveMarker, mergeDirective, noMergeKey, replaceDirective,
  retainKeysDirective, setElementOrderPrefix, unexpectedType,
} from './smp-directives.ts';
import { unclassifiedPatchError } from './patch-errors.ts';

export interface DiffOptions {
  resolve: ResolveSchema;
  /** Emit `$setElementOrder` for changed merging lists. */
  setElementOrder: boolean;
  /** Leave out additions and changes (the deletions half of a three-way patch). */
  ignoreChangesAndAdditions: boolean;
  /** Leave out deletions (the changes half of a three-way patch). */
  ignoreDeletions: boolean;
  /** Emit `$retainKeys` for this object (its field has the retainKeys strategy). */
  buildRetainKeys: boolean;
}

/** The patch that turns `original` into `modified`, restricted by `options`. */
export function diffMaps(original: JsonMap, modified: JsonMap, schema: Schema | undefined, options: DiffOptions): JsonMap {
  const patch: JsonMap = {};
  const retainKeys: string[] = [];
  for (const [key, modifiedValue] of Object.entries(modified)) {
    if (options.buildRetainKeys && modifiedValue !== null) retainKeys.push(key);
    if (!Object.hasOwn(original, key)) {
      if (!options.ignoreChangesAndAdditions) patch[key] = modifiedValue;
      continue;
    }
    const originalValue = original[key];
    if (key === directiveMarker) {
      if (typeof originalValue !== 'string' || typeof modifiedValue !== 'string') {
        throw unclassifiedPatchError(`invalid value for special key: ${directiveMarker}`);
      }
      if (originalValue !== modifiedValue) patch[key] = modifiedValue;
      continue;
    }
    if (jsonKind(originalValue) !== jsonKind(modifiedValue)) {
      if (!options.ignoreChangesAndAdditions) patch[key] = modifiedValue;
      continue;
    }
    if (isJsonMap(originalValue)) {
      diffMapField(key, originalValue, modifiedValue as JsonMap, patch, lookupMapField(schema, key, options.resolve), options);
    } else if (Array.isArray(originalValue)) {
      diffListField(key, originalValue, modifiedValue as unknown[], patch, lookupListField(schema, key, options.resolve), options);
    } else {
      replaceIfChanged(key, originalValue, modifiedValue, patch, options);
    }
  }
  if (!options.ignoreDeletions) {
    for (const key of Object.keys(original)) {
      if (!Object.hasOwn(modified, key)) patch[key] = null;
    }
  }
  // $retainKeys goes out when the object changes, or when the original has fields it must clear.
  if (retainKeys.length > 0 && (Object.keys(patch).length > 0 || hasFieldsToClear(original, modified))) {
    patch[retainKeysDirective] = sortAsGoStrings(retainKeys);
  }
  return patch;
}

function hasFieldsToClear(original: JsonMap, modified: JsonMap): boolean {
  return Object.entries(original).some(([key, value]) => value !== null && !Object.hasOwn(modified, key));
}

function diffMapField(key: string, original: JsonMap, modified: JsonMap, patch: JsonMap, field: FieldPatchMeta, options: DiffOptions): void {
  if (field.strategy === replaceDirective) {
    // Kubernetes sends the whole map for a `replace` field, changed or not.
    if (!options.ignoreChangesAndAdditions) patch[key] = modified;
    return;
  }
  const nested = diffMaps(original, modified, field.schema, { ...options, buildRetainKeys: field.retainKeys });
  if (Object.keys(nested).length > 0) patch[key] = nested;
}

function diffListField(key: string, original: unknown[], modified: unknown[], patch: JsonMap, field: FieldPatchMeta, options: DiffOptions): void {
  if (field.strategy !== mergeDirective) {
    replaceIfChanged(key, original, modified, patch, options);
    return;
  }
  const lists = diffLists(original, modified, field, { ...options, buildRetainKeys: field.retainKeys });
  if (lists.changes.length > 0) patch[key] = lists.changes;
  if (lists.deletions.length > 0) patch[`${deleteFromPrimitiveListPrefix}/${key}`] = lists.deletions;
  if (lists.order.length > 0) patch[`${setElementOrderPrefix}/${key}`] = lists.order;
}

function replaceIfChanged(key: string, original: unknown, modified: unknown, patch: JsonMap, options: DiffOptions): void {
  if (!options.ignoreChangesAndAdditions && !jsonEqual(original, modified)) patch[key] = modified;
}

interface ListDiff {
  /** The patch list: changed and added elements, then `$patch: delete` elements. */
  changes: unknown[];
  /** Primitives to remove (`$deleteFromPrimitiveList`). */
  deletions: unknown[];
  /** The `$setElementOrder` list. */
  order: unknown[];
}

function diffLists(original: unknown[], modified: unknown[], field: FieldPatchMeta, options: DiffOptions): ListDiff {
  if (original.length === 0) {
    // Everything is new; Kubernetes sends the list without an order directive.
    const changes = modified.length === 0 || options.ignoreChangesAndAdditions ? [] : modified;
    return { changes, deletions: [], order: [] };
  }
  const kind = elementKind(original, modified);
  const { mergeKey } = field;
  if (kind === 'object') {
    const objects = diffObjectLists(original, modified, field, options);
    const changes = [...sortByReferenceOrder(objects.changes, modified, mergeKey, 'object'), ...objects.deletes];
    const orderChanged = !sameKeyOrder(original, modified, mergeKey);
    const wantOrder = options.setElementOrder
      && ((!options.ignoreChangesAndAdditions && (changes.length > 0 || orderChanged)) || (!options.ignoreDeletions && changes.length > 0));
    const order = wantOrder ? modified.map((item) => ({ [mergeKey]: (item as JsonMap)[mergeKey] })) : [];
    return { changes, deletions: [], order };
  }
  const scalars = diffScalarLists(original, modified, options);
  const wantOrder = options.setElementOrder
    && ((!options.ignoreDeletions && scalars.deletions.length > 0) || (!options.ignoreChangesAndAdditions && !jsonEqual(original, modified)));
  return {
    changes: sortByReferenceOrder(scalars.additions, modified, mergeKey, 'scalar'),
    deletions: scalars.deletions,
    order: wantOrder ? modified : [],
  };
}

/** Same merge keys at the same positions (Kubernetes' isOrderSame). */
function sameKeyOrder(original: unknown[], modified: unknown[], mergeKey: string): boolean {
  if (original.length !== modified.length) return false;
  return modified.every((item, i) => mergeKeyOf(original[i], mergeKey) === mergeKeyOf(item, mergeKey));
}

function mergeKeyOf(item: unknown, mergeKey: string): unknown {
  if (!isJsonMap(item)) throw unexpectedType('map[string]interface {}', item);
  if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
  return item[mergeKey];
}

/** Go's `%v` of a merge key or primitive, which Kubernetes sorts and compares lists by. */
function goString(value: unknown): string {
  return value === null || value === undefined ? '<nil>' : String(value);
}

function sortAsGoStrings<T>(values: readonly T[]): T[] {
  return [...values].sort((a, b) => compareStrings(goString(a), goString(b)));
}

function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/**
 * Walks both lists sorted by merge key: equal keys recurse, a key only in `modified` is an addition,
 * a key only in `original` a deletion (Kubernetes' diffListsOfMaps).
 */
function diffObjectLists(original: unknown[], modified: unknown[], field: FieldPatchMeta, options: DiffOptions): { changes: JsonMap[]; deletes: JsonMap[] } {
  const { mergeKey } = field;
  const byKey = (list: unknown[]): JsonMap[] => {
    for (const item of list) mergeKeyOf(item, mergeKey);
    return [...(list as JsonMap[])].sort((a, b) => compareStrings(goString(a[mergeKey]), goString(b[mergeKey])));
  };
  const before = byKey(original);
  const after = byKey(modified);
  const changes: JsonMap[] = [];
  const deletes: JsonMap[] = [];
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    const beforeKey = i < before.length ? goString(before[i][mergeKey]) : undefined;
    const afterKey = j < after.length ? goString(after[j][mergeKey]) : undefined;
    if (beforeKey !== undefined && afterKey !== undefined && beforeKey === afterKey) {
      const nested = diffMaps(before[i], after[j], field.schema, options);
      if (Object.keys(nested).length > 0) {
        nested[mergeKey] = after[j][mergeKey];
        changes.push(nested);
      }
      i++;
      j++;
    } else if (beforeKey === undefined || (afterKey !== undefined && beforeKey > afterKey)) {
      if (!options.ignoreChangesAndAdditions) changes.push(after[j]);
      j++;
    } else {
      if (!options.ignoreDeletions) deletes.push({ [mergeKey]: before[i][mergeKey], [directiveMarker]: deleteDirective });
      i++;
    }
  }
  return { changes, deletes };
}

/** The same walk for primitives, compared by their Go string form (Kubernetes' diffListsOfScalars). */
function diffScalarLists(original: unknown[], modified: unknown[], options: DiffOptions): { additions: unknown[]; deletions: unknown[] } {
  const before = sortAsGoStrings(original);
  const after = sortAsGoStrings(modified);
  const additions: unknown[] = [];
  const deletions: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    const beforeText = i < before.length ? goString(before[i]) : undefined;
    const afterText = j < after.length ? goString(after[j]) : undefined;
    if (beforeText !== undefined && afterText !== undefined && beforeText === afterText) {
      i++;
      j++;
    } else if (beforeText === undefined || (afterText !== undefined && beforeText > afterText)) {
      if (!options.ignoreChangesAndAdditions) additions.push(after[j]);
      j++;
    } else {
      if (!options.ignoreDeletions) deletions.push(before[i]);
      i++;
    }
  }
  return { additions, deletions: deduplicateScalars(deletions) };
}
