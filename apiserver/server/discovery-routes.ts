// Discovery and version routes. Aggregated discovery is served when the client asks for it by Accept header;
// everyone else gets the legacy documents as plain application/json (kubectl falls back on that type).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../api/errors.ts';
import {
  aggregatedDiscovery, apiGroupDocument, apiGroupList, apiResourceList, apiVersions, wantsAggregatedDiscovery,
} from './discovery.ts';
import { versionInfo } from './version.ts';

export function registerDiscoveryRoutes(app: FastifyInstance, opts: { advertiseAddress: string }): void {
  const sendAggregated = (request: FastifyRequest, reply: FastifyReply, core: boolean): boolean => {
    const version = wantsAggregatedDiscovery(request.headers.accept);
    if (!version) return false;
    // client-go compares these parameters (Fastify re-quotes them, which mime.ParseMediaType accepts).
    reply.header('Content-Type', `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`)
      .header('Vary', 'Accept')
      .send(JSON.stringify(aggregatedDiscovery(core, version)));
    return true;
  };

  app.get('/version', async () => versionInfo());
  app.get('/api', async (request, reply) => {
    if (sendAggregated(request, reply, true)) return reply;
    return reply.header('Vary', 'Accept').send(apiVersions(opts.advertiseAddress));
  });
  app.get('/apis', async (request, reply) => {
    if (sendAggregated(request, reply, false)) return reply;
    return reply.header('Vary', 'Accept').send(apiGroupList());
  });
  app.get('/api/:version', async (request) => {
    const { version } = request.params as { version: string };
    const list = apiResourceList('', version);
    if (!list) throw errors.pathNotFound(`/api/${version}`);
    return list;
  });
  app.get('/apis/:group', async (request) => {
    const { group } = request.params as { group: string };
    const doc = apiGroupDocument(group);
    if (!doc) throw errors.pathNotFound(`/apis/${group}`);
    return doc;
  });
  app.get('/apis/:group/:version', async (request) => {
    const { group, version } = request.params as { group: string; version: string };
    const list = apiResourceList(group, version);
    if (!list) throw errors.pathNotFound(`/apis/${group}/${version}`);
    return list;
  });
}
