// The resource metrics API (metrics.k8s.io/v1beta1), served inside the apiserver the way metrics-server serves it:
//   GET /apis/metrics.k8s.io/v1beta1/nodes[/{name}]
//   GET /apis/metrics.k8s.io/v1beta1/pods                          (all namespaces)
//   GET /apis/metrics.k8s.io/v1beta1/namespaces/{ns}/pods[/{name}]
// The nodes and pods come from storage (selected on their own labels and names), their usage from their kubelets'
// summaries (scraper.ts). Authentication and authorization already happened in the app's onRequest hook, on the
// same request attributes as any other read. Get and list only: anything else is 405, as for metrics-server.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import YAML from 'yaml';
import { ApiError, errors } from '../api/errors.ts';
import { metricsGroup, metricsGroupVersion, type MetricsList, type NodeMetrics, type PodMetrics } from '../api/metrics-types.ts';
import { resourceFor } from '../api/resources.ts';
import type { Node, Pod, StoredObject } from '../api/types.ts';
import type { Registry } from '../registry/registry.ts';
import { negotiate, partialObjectMetadata, type Rendering } from '../server/negotiate.ts';
import { parseResourcePath, watchRequested } from '../server/request-info.ts';
import { parseIncludeObject } from '../server/table.ts';
import { indexPodStats, nodeMetricsFrom, podMetricsFrom, podStatsFor } from './convert.ts';
import type { SummaryScraper } from './scraper.ts';
import { isRunning, metricsObjectFilter } from './select.ts';
import { metricsTable } from './table.ts';

export interface MetricsContext {
  registry: Registry;
  scraper: SummaryScraper;
  now?: () => Date;
}

type Query = Record<string, string | undefined>;

const nodesResource = resourceFor('', 'v1', 'nodes')!;
const podsResource = resourceFor('', 'v1', 'pods')!;
const base = `/apis/${metricsGroupVersion}`;
const methods: ('GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE')[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

export function registerMetricsRoutes(app: FastifyInstance, ctx: MetricsContext): void {
  const now = ctx.now ?? (() => new Date());
  const route = (url: string, serve: (request: FastifyRequest, q: Query) => Promise<NodeMetrics | PodMetrics | MetricsList<NodeMetrics | PodMetrics>>) => {
    app.route({
      method: methods, url,
      handler: async (request, reply) => {
        const pathname = request.url.split('?')[0];
        const info = parseResourcePath(request.method, pathname, false);
        if (info) request.apiRequest = info;
        const q = request.query as Query;
        const resource = `${info?.resource ?? ''}.${metricsGroup}`;
        if (request.method !== 'GET' && request.method !== 'HEAD') {
          throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
        }
        if (info?.name === '' && watchRequested(q.watch)) {
          throw new ApiError(405, 'MethodNotAllowed', `watch is not supported on resources of kind "${resource}"`,
            { group: metricsGroup, kind: info.resource });
        }
        const rendering = negotiate(request.headers.accept);
        return render(reply, rendering, q, await serve(request, q));
      },
    });
  };

  route(`${base}/nodes`, async (_request, q) => listNodes(ctx, q, now()));
  route(`${base}/nodes/:name`, async (request) => getNode(ctx, (request.params as { name: string }).name, now()));
  route(`${base}/pods`, async (_request, q) => listPods(ctx, '', q, now()));
  route(`${base}/namespaces/:namespace/pods`, async (request, q) => listPods(ctx, (request.params as { namespace: string }).namespace, q, now()));
  route(`${base}/namespaces/:namespace/pods/:name`, async (request) => {
    const { namespace, name } = request.params as { namespace: string; name: string };
    return getPod(ctx, namespace, name, now());
  });
}

function list<T extends NodeMetrics | PodMetrics>(kind: 'NodeMetricsList' | 'PodMetricsList', items: T[]): MetricsList<T> {
  return { kind, apiVersion: metricsGroupVersion, metadata: {}, items };
}

async function listNodes(ctx: MetricsContext, q: Query, now: Date): Promise<MetricsList<NodeMetrics>> {
  const nodes = (await ctx.registry.list(nodesResource, '', { filter: metricsObjectFilter(q) })).items as (StoredObject & Node)[];
  const summaries = await ctx.scraper.summaries(nodes);
  const items = nodes.map((n) => nodeMetricsFrom(n, summaries.get(n.metadata.name), now)).filter((m) => m !== undefined);
  items.sort((a, b) => compare(a.metadata.name ?? '', b.metadata.name ?? ''));
  return list('NodeMetricsList', items);
}

async function getNode(ctx: MetricsContext, name: string, now: Date): Promise<NodeMetrics> {
  // metrics-server looks the node up in its node lister first, whose NotFound names the resource "node".
  const node = await ctx.registry.get(nodesResource, '', name).catch((err: unknown) => {
    if (err instanceof ApiError && err.code === 404) throw new ApiError(404, 'NotFound', `node "${name}" not found`, { name, kind: 'node' });
    throw err;
  }) as StoredObject & Node;
  const metrics = nodeMetricsFrom(node, (await ctx.scraper.summaries([node])).get(name), now);
  if (!metrics) throw errors.notFound(metricsGroup, 'nodemetrics', name);
  return { kind: 'NodeMetrics', apiVersion: metricsGroupVersion, ...metrics };
}

/** The nodes the pods run on, for their kubelets' addresses. */
async function nodesOf(ctx: MetricsContext, pods: Pod[]): Promise<Node[]> {
  const names = new Set(pods.map((p) => p.spec?.nodeName).filter((n) => n !== undefined && n !== ''));
  if (names.size === 0) return [];
  return (await ctx.registry.list(nodesResource, '', { filter: (n) => names.has(n.metadata.name) })).items as Node[];
}

async function listPods(ctx: MetricsContext, namespace: string, q: Query, now: Date): Promise<MetricsList<PodMetrics>> {
  const selected = metricsObjectFilter(q);
  const pods = (await ctx.registry.list(podsResource, namespace, { filter: (p) => isRunning(p as Pod) && selected(p) })).items as (StoredObject & Pod)[];
  const index = indexPodStats((await ctx.scraper.summaries(await nodesOf(ctx, pods))).values());
  const items = pods.map((p) => podMetricsFrom(p, podStatsFor(index, p), now)).filter((m) => m !== undefined);
  items.sort((a, b) => compare(a.metadata.namespace ?? '', b.metadata.namespace ?? '') || compare(a.metadata.name ?? '', b.metadata.name ?? ''));
  return list('PodMetricsList', items);
}

async function getPod(ctx: MetricsContext, namespace: string, name: string, now: Date): Promise<PodMetrics> {
  // Only running pods exist for metrics-server (it watches status.phase=Running); its lister's NotFound is "pods".
  const pod = await ctx.registry.find(podsResource, namespace, name) as (StoredObject & Pod) | undefined;
  if (!pod || !isRunning(pod)) throw errors.notFound('', 'pods', name);
  const index = indexPodStats((await ctx.scraper.summaries(await nodesOf(ctx, [pod]))).values());
  const metrics = podMetricsFrom(pod, podStatsFor(index, pod), now);
  // metrics-server names the object namespace/name in this NotFound.
  if (!metrics) throw errors.notFound(metricsGroup, 'podmetrics', `${namespace}/${name}`);
  return { kind: 'PodMetrics', apiVersion: metricsGroupVersion, ...metrics };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function render(reply: FastifyReply, rendering: Rendering, q: Query, body: NodeMetrics | PodMetrics | MetricsList<NodeMetrics | PodMetrics>): FastifyReply {
  const items = 'items' in body ? body.items : [body];
  switch (rendering.as) {
    case 'Table':
      return reply.send(metricsTable(items, rendering.version, parseIncludeObject(q.includeObject)));
    case 'PartialObjectMetadata':
      if (!('items' in body)) return reply.send(partialObjectMetadata(body, rendering.version));
      return reply.send({
        kind: 'PartialObjectMetadataList', apiVersion: `meta.k8s.io/${rendering.version}`, metadata: {},
        items: items.map((m) => partialObjectMetadata(m, rendering.version)),
      });
    case 'object':
      if (rendering.format === 'yaml') return reply.type('application/yaml').send(YAML.stringify(body));
      return reply.send(body);
  }
}
