// The OpenAPI documents Skiff serves, built from the resources table and the definitions:
//   /openapi/v3            -> openApiV3Root()       {"paths":{"api/v1":{"serverRelativeURL":"/openapi/v3/api/v1?hash=..."}}}
//   /openapi/v3/api/v1 ... -> openApiV3Document()   one OpenAPI 3.0 document per group-version
//   /openapi/v2            -> openApiV2Json()       Swagger 2.0, every path and definition
// kubectl reads the v3 documents: a kind's PATCH operation listing `fieldValidation` makes it leave unknown-field
// checks to the server, its patch content types and the schemas' merge keys drive `kubectl apply`, and the
// operations' group-version-kinds lead `kubectl explain` to the kind's schema.
import { createHash } from 'node:crypto';
import { groupVersion, groupVersions, servedResources, type ResourceInfo } from '../resources.ts';
import { definitions, refName } from './definitions.ts';
import { endpointsFor, groupVersionTag, openApiV3PathKey, type Endpoint, type Operation, type Payload } from './endpoints.ts';
import type { Parameter } from './parameters.ts';
import { refPrefix, type Definitions, type Schema } from './schema.ts';

type Json = Record<string, unknown>;

export interface OpenApiInputs {
  resources: readonly ResourceInfo[];
  definitions: Definitions;
}

const info = { title: 'Kubernetes', version: 'unversioned' };
const bearerToken = {
  type: 'apiKey', in: 'header', name: 'authorization', description: 'Bearer Token authentication',
};

function defaults(inputs?: Partial<OpenApiInputs>): OpenApiInputs {
  return { resources: inputs?.resources ?? servedResources, definitions: inputs?.definitions ?? definitions() };
}

/** The OpenAPI v3 document of one group-version (`('apps', 'v1')`), with the schemas its operations reach. */
export function openApiV3Document(group: string, version: string, inputs?: Partial<OpenApiInputs>): Json {
  const { resources: served, definitions: defs } = defaults(inputs);
  const endpoints = endpointsFor(group, version, served);
  const paths: Json = {};
  for (const endpoint of endpoints) paths[endpoint.path] = v3PathItem(endpoint, groupVersionTag(group, version));
  return {
    openapi: '3.0.0',
    info,
    paths,
    components: {
      schemas: closure(endpoints, defs),
      securitySchemes: { BearerToken: bearerToken },
    },
    security: [{ BearerToken: [] }],
  };
}

/** The body of `GET /openapi/v3/<api/v1>` and its hash, computed once per process. */
export interface ServedDocument {
  /** The JSON text to send (`Content-Type: application/json`). */
  json: string;
  /** Uppercase hex SHA-512 of `json`: the `hash` query parameter and, quoted, the ETag. */
  hash: string;
}

let served: Map<string, ServedDocument> | undefined;

/** Every group-version's v3 document by its root path key (`api/v1`, `apis/apps/v1`), serialised and hashed. */
export function openApiV3Documents(inputs?: Partial<OpenApiInputs>): Map<string, ServedDocument> {
  const build = () => {
    const documents = new Map<string, ServedDocument>();
    for (const { group, version } of servedGroupVersions(defaults(inputs).resources)) {
      const json = JSON.stringify(openApiV3Document(group, version, inputs));
      documents.set(openApiV3PathKey(group, version), { json, hash: hashOf(json) });
    }
    return documents;
  };
  if (inputs) return build();
  served ??= build();
  return served;
}

/** The hash (ETag) of each group-version's v3 document, by root path key. */
export function openApiV3Hashes(inputs?: Partial<OpenApiInputs>): Record<string, string> {
  return Object.fromEntries([...openApiV3Documents(inputs)].map(([key, doc]) => [key, doc.hash]));
}

/** The `/openapi/v3` discovery document: where each group-version's document is, with its hash for caching. */
export function openApiV3Root(inputs?: Partial<OpenApiInputs>): { paths: Record<string, { serverRelativeURL: string }> } {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [key, doc] of openApiV3Documents(inputs)) {
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${doc.hash}` };
  }
  return { paths };
}

/** The Swagger 2.0 document: every served path and every definition, with `#/definitions/` references. */
export function openApiV2Document(inputs?: Partial<OpenApiInputs>): Json {
  const { resources: served, definitions: defs } = defaults(inputs);
  const paths: Json = {};
  for (const { group, version } of servedGroupVersions(served)) {
    for (const endpoint of endpointsFor(group, version, served)) {
      paths[endpoint.path] = v2PathItem(endpoint, groupVersionTag(group, version));
    }
  }
  const v2Definitions: Json = {};
  for (const name of Object.keys(defs).sort()) v2Definitions[name] = toV2Schema(defs[name]);
  return {
    swagger: '2.0',
    info,
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    definitions: v2Definitions,
    securityDefinitions: { BearerToken: bearerToken },
    security: [{ BearerToken: [] }],
  };
}

let servedV2: string | undefined;

/** The v2 document serialised once per process (about 1 MB): the body of `GET /openapi/v2` as JSON. */
export function openApiV2Json(): string {
  servedV2 ??= JSON.stringify(openApiV2Document());
  return servedV2;
}

function servedGroupVersions(served: readonly ResourceInfo[]): { group: string; version: string }[] {
  if (served === servedResources) return groupVersions();
  const seen = new Map(served.map((ri) => [groupVersion(ri), { group: ri.group, version: ri.version }]));
  return [...seen.values()];
}

function hashOf(json: string): string {
  return createHash('sha512').update(json).digest('hex').toUpperCase();
}

function v3PathItem(endpoint: Endpoint, tag: string): Json {
  const item: Json = {};
  if (endpoint.parameters.length > 0) item.parameters = endpoint.parameters.map(v3Parameter);
  for (const operation of endpoint.operations) item[operation.method] = v3Operation(operation, tag);
  return item;
}

function v3Operation(operation: Operation, tag: string): Json {
  const out: Json = {
    description: operation.description,
    operationId: operation.operationId,
    tags: [tag],
    'x-kubernetes-action': operation.action,
    'x-kubernetes-group-version-kind': operation.gvk,
  };
  if (operation.parameters.length > 0) out.parameters = operation.parameters.map(v3Parameter);
  if (operation.body) {
    const schema = v3Payload(operation.body.payload);
    out.requestBody = {
      content: Object.fromEntries(operation.body.contentTypes.map((type) => [type, { schema }])),
      required: operation.body.required,
    };
  }
  const responses: Json = {};
  for (const response of operation.responses) {
    const schema = response.payload ? v3Payload(response.payload) : undefined;
    responses[response.code] = schema
      ? { description: response.description, content: Object.fromEntries(operation.produces.map((type) => [type, { schema }])) }
      : { description: response.description };
  }
  responses['401'] = { description: 'Unauthorized' };
  out.responses = responses;
  return out;
}

function v3Parameter(parameter: Parameter): Json {
  const out: Json = { name: parameter.name, in: parameter.in, description: parameter.description };
  if (parameter.required) out.required = true;
  out.schema = { type: parameter.type, uniqueItems: true };
  return out;
}

function v3Payload(payload: Payload): Json {
  return 'definition' in payload ? { $ref: `${refPrefix}${payload.definition}` } : { type: 'string' };
}

function v2PathItem(endpoint: Endpoint, tag: string): Json {
  const item: Json = {};
  if (endpoint.parameters.length > 0) item.parameters = endpoint.parameters.map(v2Parameter);
  for (const operation of endpoint.operations) {
    const parameters = operation.parameters.map(v2Parameter);
    if (operation.body) {
      parameters.unshift({ name: 'body', in: 'body', required: operation.body.required, schema: v2Payload(operation.body.payload) });
    }
    const responses: Json = {};
    for (const response of operation.responses) {
      responses[response.code] = response.payload
        ? { description: response.description, schema: v2Payload(response.payload) }
        : { description: response.description };
    }
    responses['401'] = { description: 'Unauthorized' };
    const out: Json = {
      consumes: operation.body?.contentTypes ?? ['*/*'],
      description: operation.description,
      operationId: operation.operationId,
      produces: operation.produces,
      responses,
      schemes: ['https'],
      tags: [tag],
      'x-kubernetes-action': operation.action,
      'x-kubernetes-group-version-kind': operation.gvk,
    };
    if (parameters.length > 0) out.parameters = parameters;
    item[operation.method] = out;
  }
  return item;
}

function v2Parameter(parameter: Parameter): Json {
  const out: Json = { name: parameter.name, in: parameter.in, type: parameter.type, uniqueItems: true, description: parameter.description };
  if (parameter.required) out.required = true;
  return out;
}

function v2Payload(payload: Payload): Json {
  return 'definition' in payload ? { $ref: `#/definitions/${payload.definition}` } : { type: 'string' };
}

/** Swagger 2.0 form of a schema: `#/definitions/` refs, and a described ref as `$ref` plus siblings (as Kubernetes' v2). */
function toV2Schema(schema: Schema): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$ref') out.$ref = `#/definitions/${refName(value as string)}`;
    else if (key === 'allOf' && schema.allOf?.length === 1 && schema.allOf[0].$ref) out.$ref = `#/definitions/${refName(schema.allOf[0].$ref)}`;
    else if (key === 'allOf') out.allOf = schema.allOf?.map(toV2Schema);
    else if (key === 'properties') out.properties = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, toV2Schema(v)]));
    else if (key === 'items' && schema.items) out.items = toV2Schema(schema.items);
    else if (key === 'additionalProperties' && typeof schema.additionalProperties === 'object') out.additionalProperties = toV2Schema(schema.additionalProperties);
    else out[key] = value;
  }
  return out;
}

/** Every definition the endpoints' bodies and responses reach, following $refs transitively, sorted by name. */
function closure(endpoints: Endpoint[], defs: Definitions): Record<string, Schema> {
  const reached = new Set<string>();
  const pending: string[] = [];
  const reach = (name: string) => {
    if (reached.has(name)) return;
    if (!defs[name]) throw new Error(`OpenAPI: no definition ${name}`);
    reached.add(name);
    pending.push(name);
  };
  for (const endpoint of endpoints) {
    for (const operation of endpoint.operations) {
      for (const payload of [operation.body?.payload, ...operation.responses.map((r) => r.payload)]) {
        if (payload && 'definition' in payload) reach(payload.definition);
      }
    }
  }
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    forEachRef(defs[name], (ref) => reach(refName(ref)));
  }
  return Object.fromEntries([...reached].sort().map((name) => [name, defs[name]]));
}

function forEachRef(schema: Schema, visit: (ref: string) => void): void {
  if (schema.$ref) visit(schema.$ref);
  for (const sub of schema.allOf ?? []) forEachRef(sub, visit);
  for (const sub of Object.values(schema.properties ?? {})) forEachRef(sub, visit);
  if (schema.items) forEachRef(schema.items, visit);
  if (typeof schema.additionalProperties === 'object') forEachRef(schema.additionalProperties, visit);
}
