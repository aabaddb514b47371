// Turns a parsed request value into an object of the endpoint's kind, as decoding into Go structs does in
// kube-apiserver: wrong types are a 400, unknown and duplicate fields follow `fieldValidation`, and the kind
// and apiVersion must be the endpoint's.
import { errors } from '../api/errors.ts';
import { checkAgainstSchema, applyFieldValidation, type FieldValidationMode } from '../api/decode.ts';
import { schemaForKind } from '../api/openapi/definitions.ts';
import { groupVersion, type ResourceInfo } from '../api/resources.ts';
import type { KubeObject } from '../api/types.ts';

export type FieldValidation = FieldValidationMode;

export interface DecodedObject {
  object: KubeObject;
  warnings: string[];
}

/** The kind an endpoint takes: the resource's own kind, or that of its subresource (scale, binding, ...). */
export interface KindRef {
  group: string;
  version: string;
  kind: string;
}

export function kindOf(ri: ResourceInfo): KindRef {
  return { group: ri.group, version: ri.version, kind: ri.kind };
}

export function decodeObject(
  target: KindRef, value: unknown, opts: { fieldValidation: FieldValidation; duplicates?: string[] },
): DecodedObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw errors.badRequest(`Object 'Kind' is missing in '${truncate(JSON.stringify(value))}'`);
  }
  const expectedApiVersion = groupVersion(target);
  const raw = value as Record<string, unknown>;
  if (raw.apiVersion !== undefined && raw.apiVersion !== expectedApiVersion) {
    throw errors.badRequest(
      `the API version in the data (${String(raw.apiVersion)}) does not match the expected API version (${expectedApiVersion})`);
  }
  if (raw.kind !== undefined && raw.kind !== target.kind) {
    throw errors.badRequest(
      `${String(raw.kind)} in version "${expectedApiVersion}" cannot be handled as a ${target.kind}: the object provided is unrecognized (must be of type ${target.kind})`);
  }
  const schema = schemaForKind(target.group, target.version, target.kind);
  if (!schema) throw errors.internal(`no schema for ${expectedApiVersion}/${target.kind}`);
  const checked = checkAgainstSchema(raw, schema);
  // Go's decoder stops at its first error, so Kubernetes reports exactly one.
  if (checked.typeErrors.length > 0) {
    throw errors.badRequest(`${target.kind} in version "${target.version}" cannot be handled as a ${target.kind}: ${checked.typeErrors[0]}`);
  }
  const warnings = applyFieldValidation(opts.fieldValidation, checked.unknownFields, opts.duplicates ?? [],
    { kind: target.kind, version: target.version });
  const object = checked.pruned as KubeObject;
  object.apiVersion = expectedApiVersion;
  object.kind = target.kind;
  return { object, warnings };
}


function truncate(s: string | undefined): string {
  if (s === undefined) return '';
  return s.length > 100 ? `${s.slice(0, 100)}...` : s;
}
