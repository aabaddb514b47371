// A tiny HTTP server for checking the OpenAPI documents against real kubectl: minimal discovery built from the
// resources table, the /openapi/v2 and /openapi/v3 documents, and just enough of the deployments endpoints for
// `kubectl apply` to create and then patch one object. It records every request.
import Fastify, { type FastifyInstance } from 'fastify';
import { groupVersion, groupVersions, resources, subresourceKinds } from '../../../apiserver/api/resources.ts';
import { openApiV2Document, openApiV3Documents, openApiV3Root } from '../../../apiserver/api/openapi/documents.ts';

export interface RecordedRequest {
  method: string;
  url: string;
  accept: string;
  contentType: string;
  body: string;
}

export interface OpenApiTestServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

function resourceList(group: string, version: string) {
  const entries = resources.filter((r) => r.group === group && r.version === version).flatMap((r) => [
    {
      name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs,
      shortNames: r.shortNames, categories: r.categories,
    },
    ...r.subresources.map((s) => ({
      name: `${r.plural}/${s}`, singularName: '', namespaced: r.namespaced,
      kind: subresourceKinds[s]?.kind || r.kind, verbs: subresourceKinds[s]?.verbs ?? [],
    })),
  ]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion({ group, version }), resources: entries };
}

function notFound(name: string) {
  return {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404,
    message: `deployments.apps "${name}" not found`, details: { name, group: 'apps', kind: 'deployments' },
  };
}

export async function startOpenApiServer(): Promise<OpenApiTestServer> {
  const app: FastifyInstance = Fastify();
  const requests: RecordedRequest[] = [];
  const stored = new Map<string, Record<string, unknown>>();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.addHook('preHandler', async (req) => {
    requests.push({
      method: req.method, url: req.url, accept: req.headers.accept ?? '', contentType: req.headers['content-type'] ?? '',
      body: typeof req.body === 'string' ? req.body : '',
    });
  });

  app.get('/version', async () => ({
    major: '1', minor: '32', gitVersion: 'v1.32.0', gitCommit: '0', gitTreeState: 'clean',
    buildDate: '2025-01-01T00:00:00Z', goVersion: 'go1.23', compiler: 'gc', platform: 'linux/amd64',
  }));
  app.get('/api', async () => ({
    kind: 'APIVersions', versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }],
  }));
  app.get('/apis', async () => ({
    kind: 'APIGroupList', apiVersion: 'v1',
    groups: groupVersions().filter((g) => g.group).map((g) => ({
      name: g.group,
      versions: [{ groupVersion: groupVersion(g), version: g.version }],
      preferredVersion: { groupVersion: groupVersion(g), version: g.version },
    })),
  }));
  app.get('/api/v1', async () => resourceList('', 'v1'));
  app.get<{ Params: { group: string; version: string } }>('/apis/:group/:version', async (req) =>
    resourceList(req.params.group, req.params.version));

  app.get('/openapi/v3', async (_req, reply) => reply.type('application/json').send(JSON.stringify(openApiV3Root())));
  app.get<{ Params: { '*': string } }>('/openapi/v3/*', async (req, reply) => {
    const document = openApiV3Documents().get(req.params['*']);
    if (!document) return reply.code(404).send({});
    return reply.type('application/json').header('etag', `"${document.hash}"`).send(document.json);
  });
  app.get('/openapi/v2', async (req, reply) => {
    // kubectl asks for protobuf; an empty gnostic Document is a valid (empty) answer.
    if ((req.headers.accept ?? '').includes('protobuf')) return reply.type('application/octet-stream').send(Buffer.alloc(0));
    return reply.type('application/json').send(JSON.stringify(openApiV2Document()));
  });

  app.get<{ Params: { ns: string; name: string } }>('/apis/apps/v1/namespaces/:ns/deployments/:name', async (req, reply) => {
    const object = stored.get(req.params.name);
    return object ? reply.send(object) : reply.code(404).send(notFound(req.params.name));
  });
  app.post('/apis/apps/v1/namespaces/:ns/deployments', async (req, reply) => {
    const object = JSON.parse(req.body as string) as { metadata: { name: string } };
    const created = { ...object, metadata: { ...object.metadata, uid: 'u-1', resourceVersion: '1', creationTimestamp: '2025-01-01T00:00:00Z' } };
    stored.set(object.metadata.name, created);
    return reply.code(201).send(created);
  });
  app.patch<{ Params: { ns: string; name: string } }>('/apis/apps/v1/namespaces/:ns/deployments/:name', async (req, reply) => {
    const object = stored.get(req.params.name);
    return object ? reply.send(object) : reply.code(404).send(notFound(req.params.name));
  });

  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no TCP address');
  return { url: `http://127.0.0.1:${address.port}`, requests, close: () => app.close() };
}
