// Strategic merge patch, `application/strategic-merge-patch+json`: what `kubectl apply` (client side),
// `kubectl set image`, `cordon`, `rollout pause|resume|restart` and `patch` (by default) send. It is a
// JSON merge patch that knows, from the kind's schema, which lists merge element by element (containers
// by name, ports by containerPort, ...) and which are replaced, plus the directives kubectl uses:
// `$patch: replace|delete`, `$retainKeys`, `$deleteFromPrimitiveList/<list>`, `$setElementOrder/<list>`.
// The walk itself is in smp-merge-map.ts and its neighbours, following Kubernetes' strategicpatch package.
import type { Schema } from '../openapi/schema.ts';
import { cloneJson, isJsonMap } from './json-value.ts';
import { malformedPatch } from './patch-errors.ts';
import type { ResolveSchema } from './patch-meta.ts';
import { mergeMap } from './smp-merge-map.ts';

/**
 * Applies a strategic merge patch to `original` (a stored object). `schema` describes the object (the
 * kind's definition, or undefined for a kind without one: then maps merge and lists are replaced, as in
 * a JSON merge patch); `resolve` follows `$ref`/`allOf`. Neither input is modified, and the result shares
 * no structure with them. Errors are ApiErrors with kube-apiserver's code, reason and message.
 */
export function applyStrategicMergePatch(original: unknown, patch: unknown, schema: Schema | undefined, resolve: ResolveSchema): unknown {
  // kube-apiserver decodes the body into a map: `null` leaves it empty, anything else but an object fails.
  if (patch === null || patch === undefined) return cloneJson(original);
  if (!isJsonMap(patch)) {
    throw malformedPatch(`json: cannot unmarshal ${Array.isArray(patch) ? 'array' : goScalarName(patch)} into Go value of type map[string]interface {}`);
  }
  const target = isJsonMap(original) ? cloneJson(original) : {};
  return mergeMap(target, cloneJson(patch), schema, { resolve, mergeParallelList: true, ignoreUnmatchedNulls: true });
}

function goScalarName(value: unknown): string {
  return typeof value === 'boolean' ? 'bool' : typeof value;
}
