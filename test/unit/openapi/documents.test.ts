import './ensure-definitions.ts';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { groupVersions, resources, type ResourceInfo } from '../../../apiserver/api/resources.ts';
import {
  openApiV2Document, openApiV2Json, openApiV3Document, openApiV3Documents, openApiV3Hashes, openApiV3Root,
} from '../../../apiserver/api/openapi/documents.ts';

type Json = Record<string, unknown>;
type Gvk = { group: string; version: string; kind: string };

const methods = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options'];
const pathKey = (group: string, version: string) => (group ? `apis/${group}/${version}` : `api/${version}`);

function v3(group: string, version: string): { paths: Record<string, Json>; components: { schemas: Record<string, Json> } } {
  const served = openApiV3Documents().get(pathKey(group, version));
  assert.ok(served, `${group}/${version} is served`);
  return JSON.parse(served.json);
}

function operations(doc: { paths: Record<string, Json> }): { path: string; method: string; op: Json }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    methods.filter((m) => item[m]).map((method) => ({ path, method, op: item[method] as Json })));
}

const sameGvk = (a: unknown, b: Gvk) => {
  const g = a as Gvk;
  return g.group === b.group && g.version === b.version && g.kind === b.kind;
};
const paramNames = (op: Json) => ((op.parameters ?? []) as { name: string }[]).map((p) => p.name);

describe('/openapi/v3 root', () => {
  it('lists every served group-version with its hash', () => {
    const root = openApiV3Root();
    const hashes = openApiV3Hashes();
    assert.deepEqual(Object.keys(root.paths).sort(), groupVersions().map((gv) => pathKey(gv.group, gv.version)).sort());
    for (const [key, { serverRelativeURL }] of Object.entries(root.paths)) {
      assert.equal(serverRelativeURL, `/openapi/v3/${key}?hash=${hashes[key]}`);
      const served = openApiV3Documents().get(key);
      assert.equal(hashes[key], createHash('sha512').update(served?.json ?? '').digest('hex').toUpperCase());
    }
  });

  it('serves the same bytes every time', () => {
    for (const { group, version } of groupVersions()) {
      assert.equal(JSON.stringify(openApiV3Document(group, version)), openApiV3Documents().get(pathKey(group, version))?.json);
    }
  });
});

describe('/openapi/v3 group-version documents', () => {
  it('are OpenAPI 3.0 documents whose every $ref resolves in components.schemas', () => {
    for (const { group, version } of groupVersions()) {
      const doc = v3(group, version);
      assert.equal((doc as unknown as Json).openapi, '3.0.0');
      const text = JSON.stringify(doc);
      assert.ok(!text.includes('#/definitions/'));
      for (const [, ref] of text.matchAll(/"\$ref":"([^"]+)"/g)) {
        assert.ok(ref.startsWith('#/components/schemas/'), ref);
        assert.ok(doc.components.schemas[ref.slice('#/components/schemas/'.length)], `${group}/${version}: ${ref}`);
      }
    }
  });

  it('have paths for every resource, scope and subresource', () => {
    const core = v3('', 'v1');
    for (const path of ['/api/v1/', '/api/v1/namespaces/{namespace}/pods', '/api/v1/namespaces/{namespace}/pods/{name}',
      '/api/v1/pods', '/api/v1/namespaces/{namespace}/pods/{name}/status', '/api/v1/namespaces/{namespace}/pods/{name}/log',
      '/api/v1/namespaces/{namespace}/pods/{name}/binding', '/api/v1/namespaces/{namespace}/pods/{name}/eviction',
      '/api/v1/nodes', '/api/v1/nodes/{name}', '/api/v1/watch/namespaces/{namespace}/pods/{name}']) {
      assert.ok(core.paths[path], path);
    }
    assert.equal(core.paths['/api/v1/nodes/{name}/status'] !== undefined, true);
    assert.equal(core.paths['/api/v1/namespaces/{namespace}/nodes'], undefined, 'nodes are cluster-scoped');
    const apps = v3('apps', 'v1');
    const scale = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'];
    assert.deepEqual((scale.patch as Json)['x-kubernetes-group-version-kind'], { group: 'autoscaling', version: 'v1', kind: 'Scale' });
    assert.ok(apps.components.schemas['io.k8s.api.autoscaling.v1.Scale']);
    const eviction = core.paths['/api/v1/namespaces/{namespace}/pods/{name}/eviction'].post as Json;
    assert.deepEqual(eviction['x-kubernetes-group-version-kind'], { group: 'policy', version: 'v1', kind: 'Eviction' });
    // Namespaces are served without deletecollection.
    assert.equal(core.paths['/api/v1/namespaces'].delete, undefined);
  });

  it('describe connect subresources (exec, attach, port-forward, proxy) when the table lists them', () => {
    const streaming = resources.map((ri) => (ri.kind === 'Pod'
      ? { ...ri, subresources: [...ri.subresources, 'exec', 'attach', 'portforward', 'proxy'] as ResourceInfo['subresources'] }
      : ri));
    const doc = openApiV3Document('', 'v1', { resources: streaming }) as { paths: Record<string, Json> };
    const exec = doc.paths['/api/v1/namespaces/{namespace}/pods/{name}/exec'];
    assert.deepEqual(Object.keys(exec).sort(), ['get', 'parameters', 'post']);
    assert.equal((exec.post as Json)['x-kubernetes-action'], 'connect');
    assert.equal((exec.post as Json).operationId, 'connectCoreV1PostNamespacedPodExec');
    assert.deepEqual((exec.get as Json)['x-kubernetes-group-version-kind'], { group: '', version: 'v1', kind: 'PodExecOptions' });
    assert.ok(paramNames(exec).includes('command'));
    const proxy = doc.paths['/api/v1/namespaces/{namespace}/pods/{name}/proxy/{path}'];
    assert.deepEqual(Object.keys(proxy).sort(), ['delete', 'get', 'head', 'options', 'parameters', 'patch', 'post', 'put']);
    assert.deepEqual((proxy.patch as Json)['x-kubernetes-group-version-kind'], { group: '', version: 'v1', kind: 'PodProxyOptions' });
    assert.ok(doc.paths['/api/v1/namespaces/{namespace}/pods/{name}/portforward']);
    assert.ok(doc.paths['/api/v1/namespaces/{namespace}/pods/{name}/attach']);
  });

  it('give every operation an action, a group-version-kind and a unique operationId', () => {
    const actions = new Set(['get', 'list', 'watch', 'watchlist', 'post', 'put', 'patch', 'delete', 'deletecollection', 'connect']);
    for (const { group, version } of groupVersions()) {
      const ids = new Set<string>();
      for (const { path, method, op } of operations(v3(group, version))) {
        assert.ok(actions.has(op['x-kubernetes-action'] as string), `${method} ${path}`);
        const gvk = op['x-kubernetes-group-version-kind'] as Gvk;
        assert.deepEqual(Object.keys(gvk).sort(), ['group', 'kind', 'version'], `${method} ${path}`);
        assert.ok(!ids.has(op.operationId as string), `duplicate operationId ${String(op.operationId)}`);
        ids.add(op.operationId as string);
      }
    }
  });

  it('list the write and list parameters, and path parameters on the path', () => {
    const apps = v3('apps', 'v1');
    const collection = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments'];
    assert.deepEqual(paramNames(collection), ['namespace', 'pretty']);
    for (const name of ['labelSelector', 'fieldSelector', 'limit', 'continue', 'resourceVersion', 'watch', 'timeoutSeconds']) {
      assert.ok(paramNames(collection.get as Json).includes(name), name);
    }
    assert.deepEqual(paramNames(collection.post as Json), ['dryRun', 'fieldManager', 'fieldValidation']);
    const item = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'];
    assert.deepEqual(paramNames(item), ['name', 'namespace', 'pretty']);
    assert.deepEqual(paramNames(item.patch as Json), ['dryRun', 'fieldManager', 'fieldValidation', 'force']);
    assert.deepEqual(paramNames(item.put as Json), ['dryRun', 'fieldManager', 'fieldValidation']);
    const namespaceParam = (item.parameters as Json[])[1];
    assert.deepEqual(namespaceParam, {
      name: 'namespace', in: 'path', description: 'object name and auth scope, such as for teams and projects',
      required: true, schema: { type: 'string', uniqueItems: true },
    });
  });

  it('describe bodies and responses by reference', () => {
    const item = v3('apps', 'v1').paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'];
    const patch = item.patch as { requestBody: { content: Record<string, unknown> }; responses: Record<string, Json> };
    assert.deepEqual(Object.keys(patch.requestBody.content).sort(), ['application/apply-patch+yaml',
      'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json']);
    assert.deepEqual(patch.requestBody.content['application/strategic-merge-patch+json'],
      { schema: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' } });
    assert.deepEqual((patch.responses['200'].content as Json)['application/json'],
      { schema: { $ref: '#/components/schemas/io.k8s.api.apps.v1.Deployment' } });
    const list = v3('apps', 'v1').paths['/apis/apps/v1/namespaces/{namespace}/deployments'].get as { responses: Record<string, Json> };
    assert.deepEqual((list.responses['200'].content as Json)['application/json;stream=watch'],
      { schema: { $ref: '#/components/schemas/io.k8s.api.apps.v1.DeploymentList' } });
  });

  // kubectl's QueryParamVerifierV3 looks at the first PATCH operation (in random map order) whose group-version-kind
  // is the kind's, and trusts the server with fieldValidation if that operation lists it: so every one must.
  it('let kubectl find fieldValidation on every PATCH of every kind (QueryParamVerifierV3)', () => {
    for (const ri of resources) {
      const gvk = { group: ri.group, version: ri.version, kind: ri.kind };
      const patches = operations(v3(ri.group, ri.version)).filter(({ method, op }) =>
        method === 'patch' && sameGvk(op['x-kubernetes-group-version-kind'], gvk));
      if (!ri.verbs.includes('patch')) continue;
      assert.ok(patches.length > 0, `${ri.kind} has a PATCH operation`);
      for (const { path, op } of patches) assert.ok(paramNames(op).includes('fieldValidation'), path);
    }
  });

  // kubectl apply computes its strategic merge patch from the v3 document when the kind's PATCH operation accepts
  // application/strategic-merge-patch+json, using the component schema carrying the kind's group-version-kind.
  it('let kubectl apply build strategic merge patches from the document', () => {
    for (const ri of resources) {
      const doc = v3(ri.group, ri.version);
      const gvk = { group: ri.group, version: ri.version, kind: ri.kind };
      for (const { op } of operations(doc).filter(({ method, op }) => method === 'patch' && sameGvk(op['x-kubernetes-group-version-kind'], gvk))) {
        const body = op.requestBody as { content: Json };
        assert.ok(body.content['application/strategic-merge-patch+json'], ri.kind);
      }
      const schemas = Object.values(doc.components.schemas).filter((s) =>
        ((s['x-kubernetes-group-version-kind'] ?? []) as Gvk[]).some((g) => sameGvk(g, gvk)));
      assert.equal(schemas.length, 1, `${ri.kind} has exactly one schema`);
    }
  });

  // kubectl explain finds the kind from an operation on the resource's paths, then the schema with that kind.
  it('let kubectl explain find each resource\'s kind and schema', () => {
    const explainable = (ri: ResourceInfo) => {
      const doc = v3(ri.group, ri.version);
      const prefix = ri.group ? `/apis/${ri.group}/${ri.version}` : `/api/${ri.version}`;
      const candidates = [`${prefix}/${ri.plural}`, `${prefix}/${ri.plural}/{name}`,
        `${prefix}/namespaces/{namespace}/${ri.plural}`, `${prefix}/namespaces/{namespace}/${ri.plural}/{name}`];
      for (const path of candidates) {
        const item = doc.paths[path];
        for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
          const gvk = (item?.[method] as Json | undefined)?.['x-kubernetes-group-version-kind'];
          if (gvk) return Object.values(doc.components.schemas).some((s) =>
            ((s['x-kubernetes-group-version-kind'] ?? []) as Gvk[]).some((g) => sameGvk(g, gvk as Gvk)));
        }
      }
      return false;
    };
    for (const ri of resources) assert.ok(explainable(ri), ri.plural);
  });

  it('keep components to what the group-version uses', () => {
    const lease = v3('coordination.k8s.io', 'v1');
    assert.ok(lease.components.schemas['io.k8s.api.coordination.v1.Lease']);
    assert.ok(lease.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']);
    assert.equal(lease.components.schemas['io.k8s.api.core.v1.Pod'], undefined);
    const names = Object.keys(lease.components.schemas);
    assert.deepEqual(names, [...names].sort());
  });
});

describe('/openapi/v2', () => {
  it('is Swagger 2.0 with every definition and #/definitions/ references that resolve', () => {
    const doc = openApiV2Document() as { swagger: string; paths: Record<string, Json>; definitions: Record<string, Json> };
    assert.equal(doc.swagger, '2.0');
    const text = JSON.stringify(doc);
    assert.ok(!text.includes('#/components/'));
    for (const [, ref] of text.matchAll(/"\$ref":"([^"]+)"/g)) {
      assert.ok(ref.startsWith('#/definitions/'), ref);
      assert.ok(doc.definitions[ref.slice('#/definitions/'.length)], ref);
    }
    const patch = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch as Json;
    assert.equal(patch['x-kubernetes-action'], 'patch');
    assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'apps', version: 'v1', kind: 'Deployment' });
    assert.ok((patch.consumes as string[]).includes('application/strategic-merge-patch+json'));
    assert.deepEqual((patch.parameters as Json[])[0], {
      name: 'body', in: 'body', required: true, schema: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' },
    });
    assert.ok(paramNames(patch).includes('fieldValidation'));
    // Described references are $ref plus siblings in v2, as Kubernetes writes them.
    const spec = (doc.definitions['io.k8s.api.apps.v1.Deployment'].properties as Record<string, Json>).spec;
    assert.equal(spec.$ref, '#/definitions/io.k8s.api.apps.v1.DeploymentSpec');
    assert.equal(spec.allOf, undefined);
    for (const { group, version } of groupVersions()) assert.ok(doc.paths[`/${pathKey(group, version)}/`]);
    assert.equal(openApiV2Json(), JSON.stringify(doc));
  });
});
