// /openapi/v2 and /openapi/v3: what kubectl reads before `apply` (validation support, strategic-merge keys)
// and for `explain`. Documents are built once and served byte for byte, since their hash names them.
import type { FastifyInstance } from 'fastify';
import { errors } from '../api/errors.ts';
import { openApiV2Json, openApiV3Documents, openApiV3Root } from '../api/openapi/documents.ts';

const protobufV2 = 'application/com.github.proto-openapi.spec.v2';

export function registerOpenAPIRoutes(app: FastifyInstance): void {
  app.get('/openapi/v3', async (_request, reply) => reply.type('application/json').send(JSON.stringify(openApiV3Root())));

  app.get('/openapi/v3/*', async (request, reply) => {
    const key = (request.params as { '*': string })['*'];
    const doc = openApiV3Documents().get(key);
    if (!doc) throw errors.pathNotFound(`/openapi/v3/${key}`);
    const accept = request.headers.accept;
    if (accept && !/application\/json|\*\/\*|application\/\*/.test(accept)) {
      throw errors.notAcceptable('only application/json is served for OpenAPI v3 documents');
    }
    const hash = (request.query as { hash?: string }).hash;
    if (hash !== undefined && hash !== doc.hash) {
      // As kube-apiserver: a stale hash is redirected to the current document.
      return reply.redirect(`/openapi/v3/${key}?hash=${doc.hash}`, 301);
    }
    reply.type('application/json').header('ETag', `"${doc.hash}"`);
    if (hash !== undefined) {
      reply.header('Cache-Control', 'public, immutable').header('Expires', new Date(Date.now() + 365 * 86400_000).toUTCString());
    }
    return reply.send(doc.json);
  });

  app.get('/openapi/v2', async (request, reply) => {
    // kubectl asks for protobuf; an empty gnostic Document is valid, and Go's media-type parser rejects the
    // canonical protobuf type, hence octet-stream. kubectl only falls back to v2 when v3 is missing anyway.
    if (request.headers.accept?.includes(protobufV2)) return reply.type('application/octet-stream').send(Buffer.alloc(0));
    return reply.type('application/json').send(openApiV2Json());
  });
}
