// The strategic merge patch vocabulary (Kubernetes' strategicpatch constants) and the errors its
// helpers raise, worded and classified as kube-apiserver does (see patch-errors.ts for the three classes).
import type { ApiError } from '../errors.ts';
import { goFormat, goTypeName, type JsonMap } from './json-value.ts';
import { malformedPatch, unclassifiedPatchError, unprocessablePatch } from './patch-errors.ts';

export const directiveMarker = '$patch';
export const deleteDirective = 'delete';
export const replaceDirective = 'replace';
export const mergeDirective = 'merge';
export const retainKeysDirective = '$retainKeys';
export const deleteFromPrimitiveListPrefix = '$deleteFromPrimitiveList';
export const setElementOrderPrefix = '$setElementOrder';

/** The list key a parallel-list directive (`$setElementOrder/containers`) refers to. */
export function parallelListKey(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw prefix === deleteFromPrimitiveListPrefix ? badPrimitiveListFormat() : badSetElementOrderFormat();
  }
  return key.slice(slash + 1);
}

// mergepatch sentinels that the patch handler maps to 400 BadRequest.
export const badPrimitiveListFormat = (): ApiError => malformedPatch('invalid patch format of primitive list');
export const badRetainKeysFormat = (): ApiError => malformedPatch('invalid patch format of retainKeys');
export const badSetElementOrderFormat = (): ApiError => malformedPatch('invalid patch format of setElementOrder list');

// mergepatch.ErrNoListOfLists, which the handler maps to 422.
export const listOfLists = (): ApiError => unprocessablePatch();

// Plain Go errors: 500 without a reason.
export const noMergeKey = (element: unknown, mergeKey: string): ApiError =>
  unclassifiedPatchError(`map: ${goFormat(element)} does not contain declared merge key: ${mergeKey}`);
export const unexpectedType = (expected: string, actual: unknown): ApiError =>
  unclassifiedPatchError(`expected a ${expected}, but received a ${goTypeName(actual)}`);
export const unknownPatchType = (directive: unknown, element: JsonMap): ApiError =>
  unclassifiedPatchError(`unknown patch type: ${goFormat(directive)} in map: ${goFormat(element)}`);
export const mergeDirectiveInList = (): ApiError =>
  unclassifiedPatchError('merging lists cannot yet be specified in the patch');
export const mixedElementTypes = (lists: unknown[][]): ApiError =>
  unclassifiedPatchError(`list element types are not identical: ${goFormat(lists)}`);
export const notAMapAt = (index: number): ApiError =>
  unclassifiedPatchError(`value for key ${index} is not a map`);
export const noMergeKeyDeclared = (field: string): ApiError =>
  unclassifiedPatchError(`cannot merge lists without merge key for ${field}`);
export const orderMismatch = (patchList: unknown[], order: unknown[]): ApiError =>
  unclassifiedPatchError(`the order in patch list:\n${goFormat(patchList)}\n doesn't match ${setElementOrderPrefix} list:\n${goFormat(order)}`);
