// The REST endpoints of one group-version, as Kubernetes' OpenAPI documents describe them: every path, its
// operations, their action, group-version-kind, parameters, bodies and responses. Both the v2 and v3 documents are
// rendered from this one model.
import { subresourceKinds, type ResourceInfo, type Subresource } from '../resources.ts';
import type { GroupVersionKind } from './build-definitions.ts';
import { definitionName, metaV1Prefix, moduleForGroupVersion } from './definition-names.ts';
import {
  attachParams, deleteCollectionParams, deleteParams, execParams, listParams, logParams, nameParam, namespaceParam,
  params, patchParams, portForwardParams, proxyPathParam, writeParams, type Parameter,
} from './parameters.ts';

export type Method = 'get' | 'put' | 'post' | 'patch' | 'delete' | 'head' | 'options';
export type Action = 'get' | 'list' | 'watch' | 'watchlist' | 'post' | 'put' | 'patch' | 'delete' | 'deletecollection' | 'connect';

/** A response or body schema: a definition by name, or a plain string (logs, streams). */
export type Payload = { definition: string } | { string: true };

export interface Operation {
  method: Method;
  action: Action;
  gvk: GroupVersionKind;
  operationId: string;
  description: string;
  parameters: Parameter[];
  body?: { payload: Payload; contentTypes: string[]; required: boolean };
  responses: { code: string; description: string; payload?: Payload }[];
  produces: string[];
}

export interface Endpoint {
  path: string;
  /** Parameters shared by every operation of the path: path parameters and `pretty`. */
  parameters: Parameter[];
  operations: Operation[];
}

const json = ['application/json', 'application/yaml'];
const watchable = ['application/json', 'application/yaml', 'application/json;stream=watch'];
export const patchContentTypes = [
  'application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json',
  'application/strategic-merge-patch+json',
];
const status = `${metaV1Prefix}Status`;
const deleteOptions = `${metaV1Prefix}DeleteOptions`;
const watchEvent = `${metaV1Prefix}WatchEvent`;
const patch = `${metaV1Prefix}Patch`;

/** The URL prefix of a group-version: `/api/v1`, `/apis/apps/v1`. */
export function groupVersionPrefix(group: string, version: string): string {
  return group ? `/apis/${group}/${version}` : `/api/${version}`;
}

/** The tag and operationId stem Kubernetes uses: `core_v1`/`CoreV1`, `coordination_v1`/`CoordinationV1`. */
function groupWords(group: string): string[] {
  return group === '' ? ['core'] : group.replace(/\.k8s\.io$/, '').split('.');
}
export function groupVersionTag(group: string, version: string): string {
  const [first, ...rest] = groupWords(group);
  return `${first}${rest.map(capitalize).join('')}_${version}`;
}
function operationStem(group: string, version: string): string {
  return `${groupWords(group).map(capitalize).join('')}${capitalize(version)}`;
}

export function endpointsFor(group: string, version: string, served: readonly ResourceInfo[]): Endpoint[] {
  const prefix = groupVersionPrefix(group, version);
  const stem = operationStem(group, version);
  const endpoints: Endpoint[] = [{
    path: `${prefix}/`,
    parameters: [],
    operations: [{
      method: 'get', action: 'get', gvk: { group: '', version: 'v1', kind: 'APIResourceList' },
      operationId: `get${stem}APIResources`, description: 'get available resources', parameters: [],
      responses: [ok({ definition: `${metaV1Prefix}APIResourceList` })], produces: json,
    }],
  }];
  for (const ri of served.filter((r) => r.group === group && r.version === version)) {
    endpoints.push(...resourceEndpoints(ri, prefix, stem));
  }
  return endpoints.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function resourceEndpoints(ri: ResourceInfo, prefix: string, stem: string): Endpoint[] {
  const gvk = { group: ri.group, version: ri.version, kind: ri.kind };
  const kindDefinition = definitionName(moduleForGroupVersion(ri.group, ri.version), ri.kind);
  const listDefinition = `${kindDefinition}List`;
  const scope = ri.namespaced ? 'Namespaced' : '';
  const base = ri.namespaced ? `${prefix}/namespaces/{namespace}/${ri.plural}` : `${prefix}/${ri.plural}`;
  const scopeParams = ri.namespaced ? [namespaceParam] : [];
  const has = (verb: string) => ri.verbs.includes(verb);
  const op = (o: Omit<Operation, 'gvk' | 'produces'> & Partial<Pick<Operation, 'gvk' | 'produces'>>): Operation =>
    ({ gvk, produces: json, ...o });
  const item = { definition: kindDefinition };
  const endpoints: Endpoint[] = [];

  const collection: Operation[] = [];
  if (has('list')) {
    collection.push(op({
      method: 'get', action: 'list', operationId: `list${stem}${scope}${ri.kind}`,
      description: `list or watch objects of kind ${ri.kind}`, parameters: listParams,
      responses: [ok({ definition: listDefinition })], produces: watchable,
    }));
  }
  if (has('create')) collection.push(op(createOperation(`create${stem}${scope}${ri.kind}`, `create a ${ri.kind}`, item)));
  if (has('deletecollection')) {
    collection.push(op({
      method: 'delete', action: 'deletecollection', operationId: `delete${stem}Collection${scope}${ri.kind}`,
      description: `delete collection of ${ri.kind}`, parameters: deleteCollectionParams,
      body: { payload: { definition: deleteOptions }, contentTypes: ['application/json'], required: false },
      responses: [ok({ definition: status })],
    }));
  }
  if (collection.length > 0) endpoints.push({ path: base, parameters: [...scopeParams, params.pretty], operations: collection });

  const single: Operation[] = [];
  if (has('get')) {
    single.push(op({
      method: 'get', action: 'get', operationId: `read${stem}${scope}${ri.kind}`,
      description: `read the specified ${ri.kind}`, parameters: [], responses: [ok(item)],
    }));
  }
  if (has('update')) single.push(op(replaceOperation(`replace${stem}${scope}${ri.kind}`, `replace the specified ${ri.kind}`, item)));
  if (has('patch')) single.push(op(patchOperation(`patch${stem}${scope}${ri.kind}`, `partially update the specified ${ri.kind}`, item)));
  if (has('delete')) {
    single.push(op({
      method: 'delete', action: 'delete', operationId: `delete${stem}${scope}${ri.kind}`,
      description: `delete a ${ri.kind}`, parameters: deleteParams,
      body: { payload: { definition: deleteOptions }, contentTypes: ['application/json'], required: false },
      responses: [ok({ definition: status }), { code: '202', description: 'Accepted', payload: { definition: status } }],
    }));
  }
  const singleParams = [nameParam(ri.kind), ...scopeParams, params.pretty];
  if (single.length > 0) endpoints.push({ path: `${base}/{name}`, parameters: singleParams, operations: single });

  if (has('list') && ri.namespaced) {
    endpoints.push({
      path: `${prefix}/${ri.plural}`, parameters: [params.pretty],
      operations: [op({
        method: 'get', action: 'list', operationId: `list${stem}${ri.kind}ForAllNamespaces`,
        description: `list or watch objects of kind ${ri.kind}`, parameters: listParams,
        responses: [ok({ definition: listDefinition })], produces: watchable,
      })],
    });
  }
  if (has('watch')) endpoints.push(...watchEndpoints(ri, prefix, stem, gvk));
  for (const subresource of ri.subresources) {
    endpoints.push(...subresourceEndpoints(ri, subresource, `${base}/{name}`, singleParams, stem, item));
  }
  return endpoints;
}

/** The deprecated /watch/ paths, still served and still listed by Kubernetes. */
function watchEndpoints(ri: ResourceInfo, prefix: string, stem: string, gvk: GroupVersionKind): Endpoint[] {
  const scope = ri.namespaced ? 'Namespaced' : '';
  const watchBase = ri.namespaced ? `${prefix}/watch/namespaces/{namespace}/${ri.plural}` : `${prefix}/watch/${ri.plural}`;
  const scopeParams = ri.namespaced ? [namespaceParam] : [];
  const event = { definition: watchEvent };
  const watchOp = (action: Action, operationId: string, description: string): Operation => ({
    method: 'get', action, gvk, operationId, description, parameters: [], responses: [ok(event)], produces: watchable,
  });
  const endpoints: Endpoint[] = [
    {
      path: watchBase, parameters: [...listParams, ...scopeParams, params.pretty],
      operations: [watchOp('watchlist', `watch${stem}${scope}${ri.kind}List`,
        `watch individual changes to a list of ${ri.kind}. deprecated: use the 'watch' parameter with a list operation instead.`)],
    },
    {
      path: `${watchBase}/{name}`, parameters: [...listParams, nameParam(ri.kind), ...scopeParams, params.pretty],
      operations: [watchOp('watch', `watch${stem}${scope}${ri.kind}`,
        `watch changes to an object of kind ${ri.kind}. deprecated: use the 'watch' parameter with a list operation `
        + "instead, filtered to a single item with the 'fieldSelector' parameter.")],
    },
  ];
  if (ri.namespaced) {
    endpoints.push({
      path: `${prefix}/watch/${ri.plural}`, parameters: [...listParams, params.pretty],
      operations: [watchOp('watchlist', `watch${stem}${ri.kind}ListForAllNamespaces`,
        `watch individual changes to a list of ${ri.kind}. deprecated: use the 'watch' parameter with a list operation instead.`)],
    });
  }
  return endpoints;
}

function subresourceEndpoints(
  ri: ResourceInfo, subresource: Subresource, itemPath: string, itemParams: Parameter[], stem: string,
  item: Payload,
): Endpoint[] {
  const scope = ri.namespaced ? 'Namespaced' : '';
  const sub = capitalize(subresource === 'portforward' ? 'portForward' : subresource);
  const id = `${stem}${scope}${ri.kind}${sub}`;
  // Kubernetes puts the HTTP method after the group-version: connectCoreV1GetNamespacedPodExec.
  const connectId = (method: Method, suffix = '') => `connect${stem}${capitalize(method)}${scope}${ri.kind}${sub}${suffix}`;
  const path = `${itemPath}/${subresource}`;
  const parentGvk = { group: ri.group, version: ri.version, kind: ri.kind };
  const table = subresourceKinds[subresource];
  const bodyGvk = table?.kind ? { group: table.group, version: table.version, kind: table.kind } : parentGvk;
  const body = { definition: definitionName(moduleForGroupVersion(bodyGvk.group, bodyGvk.version), bodyGvk.kind) };
  const withGvk = (operations: Omit<Operation, 'gvk' | 'produces'>[], gvk: GroupVersionKind, produces = json): Operation[] =>
    operations.map((o) => ({ ...o, gvk, produces }));

  switch (subresource) {
    case 'status':
    case 'scale': {
      const payload = subresource === 'status' ? item : body;
      return [{
        path, parameters: itemParams,
        operations: withGvk([
          { method: 'get', action: 'get', operationId: `read${id}`, description: `read ${subresource} of the specified ${ri.kind}`, parameters: [], responses: [ok(payload)] },
          replaceOperation(`replace${id}`, `replace ${subresource} of the specified ${ri.kind}`, payload),
          patchOperation(`patch${id}`, `partially update ${subresource} of the specified ${ri.kind}`, payload),
        ], bodyGvk),
      }];
    }
    case 'binding':
    case 'eviction':
    case 'token':
      return [{
        path, parameters: [nameParam(bodyGvk.kind), ...itemParams.slice(1)],
        operations: withGvk([createOperation(`create${id}`, `create ${subresource} of a ${ri.kind}`, body)], bodyGvk),
      }];
    case 'log':
      return [{
        path, parameters: itemParams,
        operations: withGvk([{
          method: 'get', action: 'get', operationId: `read${id}`, description: `read log of the specified ${ri.kind}`,
          parameters: logParams, responses: [ok({ string: true })],
        }], bodyGvk, ['text/plain', 'application/json', 'application/yaml']),
      }];
    case 'exec':
    case 'attach':
    case 'portforward': {
      const optionsGvk = { group: '', version: 'v1', kind: table?.kind ?? `${ri.kind}Options` };
      const query = subresource === 'exec' ? execParams : subresource === 'attach' ? attachParams : portForwardParams;
      return [{ path, parameters: [nameParam(optionsGvk.kind), ...itemParams.slice(1), ...query], operations: connectOperations(['get', 'post'], connectId, subresource, ri.kind, optionsGvk) }];
    }
    case 'proxy': {
      const optionsGvk = { group: '', version: 'v1', kind: `${ri.kind}ProxyOptions` };
      const methods: Method[] = ['delete', 'get', 'head', 'options', 'patch', 'post', 'put'];
      const named = [nameParam(optionsGvk.kind), ...itemParams.slice(1)];
      return [
        { path, parameters: [...named, params.proxyPath], operations: connectOperations(methods, connectId, 'proxy', ri.kind, optionsGvk) },
        {
          path: `${path}/{path}`, parameters: [...named, proxyPathParam, params.proxyPath],
          operations: connectOperations(methods, (m) => connectId(m, 'WithPath'), 'proxy', ri.kind, optionsGvk),
        },
      ];
    }
  }
}

function connectOperations(
  methods: Method[], operationId: (method: Method) => string, subresource: string, kind: string, gvk: GroupVersionKind,
): Operation[] {
  return methods.map((method) => ({
    method, action: 'connect', gvk, operationId: operationId(method),
    description: `connect ${method.toUpperCase()} requests to ${subresource} of ${kind}`, parameters: [],
    responses: [ok({ string: true })], produces: ['*/*'],
  }));
}

function createOperation(operationId: string, description: string, payload: Payload): Omit<Operation, 'gvk' | 'produces'> {
  return {
    method: 'post', action: 'post', operationId, description, parameters: writeParams,
    body: { payload, contentTypes: json, required: true },
    responses: [ok(payload), { code: '201', description: 'Created', payload }, { code: '202', description: 'Accepted', payload }],
  };
}

function replaceOperation(operationId: string, description: string, payload: Payload): Omit<Operation, 'gvk' | 'produces'> {
  return {
    method: 'put', action: 'put', operationId, description, parameters: writeParams,
    body: { payload, contentTypes: json, required: true },
    responses: [ok(payload), { code: '201', description: 'Created', payload }],
  };
}

function patchOperation(operationId: string, description: string, payload: Payload): Omit<Operation, 'gvk' | 'produces'> {
  return {
    method: 'patch', action: 'patch', operationId, description, parameters: patchParams,
    body: { payload: { definition: patch }, contentTypes: patchContentTypes, required: true },
    responses: [ok(payload), { code: '201', description: 'Created', payload }],
  };
}

function ok(payload: Payload): Operation['responses'][number] {
  return { code: '200', description: 'OK', payload };
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** `apps/v1` style name of a group-version, as the v3 root lists it (`api/v1`, `apis/apps/v1`). */
export function openApiV3PathKey(group: string, version: string): string {
  return groupVersionPrefix(group, version).slice(1);
}
