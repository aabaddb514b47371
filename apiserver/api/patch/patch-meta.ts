// Where strategic merge patch learns how to treat a field: the OpenAPI schema's
// x-kubernetes-patch-strategy and x-kubernetes-patch-merge-key, as Kubernetes reads them from its Go
// struct tags (`patchStrategy:"merge,retainKeys" patchMergeKey:"name"`). A field with no schema (an
// unknown kind, free-form data) gets no strategy: maps merge, lists are replaced.
import type { Schema } from '../openapi/schema.ts';
import { unclassifiedPatchError } from './patch-errors.ts';

/** Follows `$ref` and `allOf` to the schema that describes a value. */
export type ResolveSchema = (schema: Schema) => Schema;

export interface FieldPatchMeta {
  /** For a map field the field's schema, for a list field its items' schema; undefined when unknown. */
  schema: Schema | undefined;
  /** `merge`, `replace`, or '' (the default: replace lists, merge maps). */
  strategy: string;
  /** The field also has the `retainKeys` strategy. */
  retainKeys: boolean;
  /** The key that identifies an element of a merging list of objects ('' for primitive lists). */
  mergeKey: string;
}

const unknownField: FieldPatchMeta = { schema: undefined, strategy: '', retainKeys: false, mergeKey: '' };

/** Patch metadata of `key` inside an object described by `parent`; `key` names a map field. */
export function lookupMapField(parent: Schema | undefined, key: string, resolve: ResolveSchema): FieldPatchMeta {
  const field = propertySchema(parent, key, resolve);
  if (!field) return unknownField;
  return { ...readStrategy(field, resolve), schema: field };
}

/** Patch metadata of `key` inside an object described by `parent`; `key` names a list field. */
export function lookupListField(parent: Schema | undefined, key: string, resolve: ResolveSchema): FieldPatchMeta {
  const field = propertySchema(parent, key, resolve);
  if (!field) return unknownField;
  return { ...readStrategy(field, resolve), schema: resolve(field).items };
}

function propertySchema(parent: Schema | undefined, key: string, resolve: ResolveSchema): Schema | undefined {
  if (!parent) return undefined;
  const resolved = resolve(parent);
  const property = resolved.properties?.[key];
  if (property) return property;
  // A map with free keys (labels, data, resources.limits): every value has the same schema.
  return typeof resolved.additionalProperties === 'object' ? resolved.additionalProperties : undefined;
}

/**
 * The extensions sit on the property itself, next to the `allOf: [{$ref}]` wrapper OpenAPI v3 uses for
 * described references; a bare definition may carry them too, so look there second.
 */
function readStrategy(field: Schema, resolve: ResolveSchema): Omit<FieldPatchMeta, 'schema'> {
  const resolved = resolve(field);
  const strategyText = field['x-kubernetes-patch-strategy'] ?? resolved['x-kubernetes-patch-strategy'] ?? '';
  const mergeKey = field['x-kubernetes-patch-merge-key'] ?? resolved['x-kubernetes-patch-merge-key'] ?? '';
  const strategies = strategyText === '' ? [] : strategyText.split(',');
  return { ...splitRetainKeys(strategies), mergeKey };
}

/** Kubernetes' extractRetainKeysPatchStrategy: at most one strategy besides `retainKeys`. */
function splitRetainKeys(strategies: string[]): { strategy: string; retainKeys: boolean } {
  if (strategies.length === 0) return { strategy: '', retainKeys: false };
  if (strategies.length === 1) {
    return strategies[0] === 'retainKeys' ? { strategy: '', retainKeys: true } : { strategy: strategies[0], retainKeys: false };
  }
  if (strategies.length === 2 && strategies[0] === 'retainKeys') return { strategy: strategies[1], retainKeys: true };
  if (strategies.length === 2 && strategies[1] === 'retainKeys') return { strategy: strategies[0], retainKeys: true };
  throw unclassifiedPatchError(`unexpected patch strategy: [${strategies.join(' ')}]`);
}
