// The `kubectl.kubernetes.io/last-applied-configuration` annotation client-side apply keeps on every object it
// manages: the manifest as last applied, as Go's json.Encoder writes it (compact, keys sorted, HTML-safe escapes,
// a final newline), without the annotation itself. `create --save-config` and `replace --save-config` write it
// too, so a later apply computes its three-way patch from it.
import type { ApiObject } from '../apiserver/client/object.ts';
import { goJson } from './output/go-values.ts';

export const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * A copy of `obj` without the annotation. As kubectl's unstructured SetAnnotations does, the annotations map stays,
 * empty if need be: a recorded configuration reads `"metadata":{"annotations":{},...}`.
 */
export function withoutLastApplied(obj: ApiObject): ApiObject {
  const { [lastAppliedAnnotation]: _dropped, ...rest } = obj.metadata?.annotations ?? {};
  return { ...obj, metadata: { ...obj.metadata, annotations: rest } };
}

/** The annotation's value for `obj`: kubectl's GetModifiedConfiguration. */
export function lastAppliedValue(obj: ApiObject): string {
  return `${goJson(withoutLastApplied(obj))}\n`;
}

/** `obj` carrying the annotation with its own configuration (what apply sends and compares). */
export function withLastApplied(obj: ApiObject): ApiObject {
  const value = lastAppliedValue(obj);
  const base = withoutLastApplied(obj);
  return { ...base, metadata: { ...base.metadata, annotations: { ...base.metadata?.annotations, [lastAppliedAnnotation]: value } } };
}

/** The last-applied configuration recorded on a live object, parsed; undefined when there is none. */
export function readLastApplied(obj: ApiObject): Record<string, unknown> | undefined {
  const value = obj.metadata?.annotations?.[lastAppliedAnnotation];
  if (!value) return undefined;
  return JSON.parse(value) as Record<string, unknown>;
}

/**
 * What `apply set-last-applied` and `apply edit-last-applied` record: the object exactly as given, as kubectl's
 * encodeToJSON writes it (Go's json.Encoder: keys sorted, a final newline). Unlike apply, the annotations map is left
 * as it is, so an object without annotations records none.
 */
export function recordedConfiguration(obj: ApiObject): string {
  return `${goJson(obj)}\n`;
}

/** The merge patch that sets the annotation to `value` and changes nothing else (kubectl's GetApplyPatch). */
export function lastAppliedPatch(value: string): Record<string, unknown> {
  return { metadata: { annotations: { [lastAppliedAnnotation]: value } } };
}
