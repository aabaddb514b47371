// One handler for every resource path (/api/v1/..., /apis/{group}/{version}/...): parse what the request
// addresses, then hand it to the generic registry. No handler is written per kind.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import YAML from 'yaml';
import { errors } from '../api/errors.ts';
import { fieldValidationMode, parseBody } from '../api/decode.ts';
import { parseFieldSelector, fieldsOf, matchesFields } from '../api/fields.ts';
import { matchesSelector, parseSelector } from '../api/labels.ts';
import { fromStorage, listFromStorage, toStorage } from '../api/conversion/converters.ts';
import { decodeProtobufObject, protobufReadable } from '../api/decode-protobuf.ts';
import { groupVersion, resourceFor, storageResourceFor, type ResourceInfo } from '../api/resources.ts';
import type { Binding, DeleteOptions, Eviction, KubeList, KubeObject, Scale, StoredObject, TokenRequest } from '../api/types.ts';
import { admitDefaultStorageClass } from '../admission/default-storage-class.ts';
import { fenceHeader, type LeaseFreshness } from '../admission/fencing.ts';
import { admitLimitRanger } from '../admission/limit-ranger.ts';
import { admitNamespaceLifecycle } from '../admission/namespace-lifecycle.ts';
import { admitNodeRestriction, storeLookup } from '../admission/node-restriction.ts';
import { admitResourceQuota } from '../admission/resource-quota.ts';
import { admitServiceAccount } from '../admission/service-account.ts';
import { admitRBACWrite, type EscalationCheck } from '../rbac/escalation.ts';
import type { DeleteRequest, PropagationPolicy } from '../registry/deletion.ts';
import { decodeObject, kindOf } from '../registry/object-decoder.ts';
import type { AdmissionAttributes, PatchType, Registry, UpdateSubresource, WriteOptions } from '../registry/registry.ts';
import { bindPod, evictPod, patchScale, scaleOf, updateScale } from '../registry/subresources.ts';
import { createToken, type TokenIssuerConfig } from '../registry/token-request.ts';
import type { Store } from '../storage/store.ts';
import { isRawBody, type RawBody } from './body.ts';
import { proxyPodLog, type KubeletClientConfig } from './kubelet-proxy.ts';
import { proxyPodStream } from './stream-proxy.ts';
import { claimUpgrade } from './upgrade-routing.ts';
import { negotiate, partialObjectMetadata, type Rendering } from './negotiate.ts';
import { parseResourcePath, watchRequested, type ResourceRequest } from './request-info.ts';
import { parseIncludeObject, toTable } from './table.ts';
import { serveWatch, type WatchSet } from './watch-stream.ts';

export interface ResourceContext {
  registry: Registry;
  store: Store;
  watches: WatchSet;
  leases: LeaseFreshness;
  kubelet: KubeletClientConfig;
  /** How serviceaccounts/token issues tokens; absent, the subresource is not served. */
  tokens?: TokenIssuerConfig;
  /** RBAC privilege-escalation prevention; absent, RBAC objects are written unchecked. */
  escalation?: EscalationCheck;
}

type Query = Record<string, string | undefined>;

declare module 'fastify' {
  interface FastifyRequest {
    /** What the request addressed, for the request log line. */
    apiRequest?: ResourceRequest;
  }
}

// Kinds whose DELETE answers with the deleted object rather than a Success Status (kube's ReturnDeletedObject).
const returnsDeletedObject = new Set(['pods', 'services']);

export function registerResourceRoutes(app: FastifyInstance, ctx: ResourceContext): void {
  const handler = (request: FastifyRequest, reply: FastifyReply) => handle(ctx, request, reply);
  app.route({ method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'], url: '/api/*', handler });
  app.route({ method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'], url: '/apis/*', handler });
}

async function handle(ctx: ResourceContext, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const q = request.query as Query;
  const pathname = request.url.split('?')[0];
  const info = parseResourcePath(request.method, pathname, watchRequested(q.watch));
  // Proxying to pods, services and nodes is not served (yet): those paths are 404 like any unknown path.
  if (!info || info.verb === 'proxy') throw errors.pathNotFound(pathname);
  const ri = resourceFor(info.group, info.version, info.resource);
  if (!ri) throw errors.pathNotFound(pathname);
  // The registry works on the storage version; bodies are converted from `ri`'s version and answers back to it.
  const stored = storageResourceFor(ri);
  request.apiRequest = info;

  const namespace = ri.namespaced ? info.namespace : '';
  if (!ri.namespaced && info.namespace && ri.plural !== 'namespaces') throw errors.pathNotFound(pathname);
  if (ri.namespaced && !namespace && (info.name !== '' || info.verb === 'create')) throw errors.pathNotFound(pathname);
  const sub = info.subresource;
  if (sub && !(ri.subresources as string[]).includes(sub) && !(sub === 'finalize' && ri.plural === 'namespaces')) {
    throw errors.pathNotFound(pathname);
  }

  const opts: WriteOptions = {
    dryRun: dryRun(q.dryRun),
    admit: async (a: AdmissionAttributes) => {
      await admitNamespaceLifecycle(ctx.store, a);
      if (ctx.escalation) admitRBACWrite(ctx.escalation, request.user, a);
      await admitLimitRanger(ctx.store, a);
      await admitDefaultStorageClass(ctx.store, a);
      await admitServiceAccount(ctx.store, a);
      await admitNodeRestriction(request.user, a, storeLookup(ctx.store));
      const fence = request.headers[fenceHeader];
      // A lease's own writes are guarded by its resourceVersion; fencing them would stop a leader from renewing.
      if (typeof fence === 'string' && !(a.ri.plural === 'leases' && a.ri.group === 'coordination.k8s.io')) {
        await ctx.leases.check(ctx.store, fence);
      }
      // Last, as in kube: it charges the quotas, so nothing after it may still refuse the write.
      await admitResourceQuota(ctx.store, a);
    },
  };
  const name = info.name;

  switch (sub) {
    case 'scale': return handleScale(ctx, request, reply, ri, namespace, name, opts);
    case 'binding': {
      if (info.verb !== 'create') throw errors.methodNotAllowed(`${request.method} is not supported on pods/binding`);
      const binding = decodeSubresourceBody(request, { group: '', version: 'v1', kind: 'Binding' }) as unknown as Binding;
      await bindPod(ctx.registry, ri, namespace, name, binding, opts);
      return reply.code(201).send(successStatus(201));
    }
    case 'eviction': {
      if (info.verb !== 'create') throw errors.methodNotAllowed(`${request.method} is not supported on pods/eviction`);
      const body = decodeSubresourceBody(request, { group: 'policy', version: 'v1', kind: 'Eviction' });
      // Admitted as kube does, as a create of pods/eviction; the delete it makes then passes through admission again.
      await admitNodeRestriction(request.user, { operation: 'CREATE', ri, namespace, name, subresource: sub, object: body }, storeLookup(ctx.store));
      await evictPod(ctx.registry, ri, namespace, name, body as unknown as Eviction, opts);
      return reply.code(201).send(successStatus(201));
    }
    case 'token': {
      if (!ctx.tokens) throw errors.pathNotFound(pathname);
      if (info.verb !== 'create') throw errors.methodNotAllowed(`${request.method} is not supported on serviceaccounts/token`);
      const body = decodeSubresourceBody(request, { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' });
      // No object is stored, so the registry's admission never sees a token request: NodeRestriction is asked here.
      await admitNodeRestriction(request.user, { operation: 'CREATE', ri, namespace, name, subresource: sub, object: body }, storeLookup(ctx.store));
      return reply.code(201).send(await createToken(ctx.registry, ctx.tokens, namespace, name, body as unknown as TokenRequest));
    }
    case 'log': {
      if (info.verb !== 'get') throw errors.methodNotAllowed(`${request.method} is not supported on pods/log`);
      const abort = new AbortController();
      request.raw.on('close', () => abort.abort());
      reply.hijack();
      try {
        await proxyPodLog((plural, ns, n) => ctx.registry.get(resourceFor('', 'v1', plural)!, ns, n),
          ctx.kubelet, namespace, name, q, reply.raw, abort.signal);
      } catch (e) {
        if (reply.raw.headersSent) { reply.raw.end(); return; }
        const status = e instanceof Error && 'status' in e ? (e as { status: { code: number } }).status : errors.internal(String(e)).status;
        reply.raw.writeHead(status.code, { 'Content-Type': 'application/json' });
        reply.raw.end(JSON.stringify(status));
      }
      return;
    }
    case 'exec':
    case 'attach':
    case 'portforward': {
      if (request.method !== 'GET' && request.method !== 'POST') {
        throw errors.methodNotAllowed(`${request.method} is not supported on pods/${sub}`);
      }
      // Errors before the kubelet switches protocols are ordinary Status answers; after, the connection is spliced.
      await proxyPodStream((plural, ns, n) => ctx.registry.get(resourceFor('', 'v1', plural)!, ns, n),
        ctx.kubelet, sub, namespace, name, new URLSearchParams(request.url.split('?')[1] ?? ''), request.raw, () => {
          const upgrade = claimUpgrade(request.raw);
          if (upgrade) reply.hijack();
          return upgrade;
        });
      return;
    }
    default: break;
  }

  const rendering = negotiate(request.headers.accept);
  switch (info.verb) {
    case 'get':
      return send(reply, rendering, ri, q, await ctx.registry.get(stored, namespace, name));
    case 'list': {
      const list = await ctx.registry.list(stored, namespace, {
        filter: selectorFilter(ri, q, ''), limit: q.limit ? positiveInt(q.limit, 'limit') : undefined, continueToken: q.continue || undefined,
      });
      return sendList(reply, rendering, ri, q, list);
    }
    case 'watch': {
      reply.hijack();
      try {
        await serveWatch(ctx.store, request.raw, reply.raw, {
          ri, namespace, filter: selectorFilter(ri, q, name) ?? (() => true),
          resourceVersion: q.resourceVersion,
          allowWatchBookmarks: watchRequested(q.allowWatchBookmarks),
          sendInitialEvents: q.sendInitialEvents === undefined ? undefined : q.sendInitialEvents === 'true',
          timeoutSeconds: q.timeoutSeconds ? positiveInt(q.timeoutSeconds, 'timeoutSeconds') : undefined,
          rendering, includeObject: parseIncludeObject(q.includeObject),
        }, ctx.watches, request.log);
      } catch (e) {
        if (reply.raw.headersSent) { reply.raw.end(); return; }
        throw e;
      }
      return;
    }
    case 'create': {
      const decoded = decodeRequestObject(request, ri, q, 'CreateOptions');
      warn(reply, decoded.warnings);
      const created = await ctx.registry.create(stored, namespace, decoded.object, opts);
      return send(reply.code(201), rendering, ri, q, created);
    }
    case 'update': {
      const decoded = decodeRequestObject(request, ri, q, 'UpdateOptions');
      warn(reply, decoded.warnings);
      const updated = await ctx.registry.update(stored, namespace, name, decoded.object, updateSubresource(sub), opts);
      return send(reply, rendering, ri, q, updated);
    }
    case 'patch': {
      const { patch, type } = decodePatch(request);
      const warnings: string[] = [];
      const patched = await ctx.registry.patch(stored, namespace, name, patch, type, updateSubresource(sub), {
        ...opts, served: ri, fieldValidation: fieldValidationMode(q.fieldValidation, 'PatchOptions'), warnings,
      });
      warn(reply, warnings);
      return send(reply, rendering, ri, q, patched);
    }
    case 'delete': {
      const req = deleteRequest(request, q);
      const { object, deleted } = await ctx.registry.delete(stored, namespace, name, req, req.dryRun ? { ...opts, dryRun: true } : opts);
      if (deleted && !returnsDeletedObject.has(ri.plural)) {
        return reply.send({
          kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success',
          details: { name, group: ri.group || undefined, kind: ri.plural, uid: object.metadata.uid },
        });
      }
      return send(reply, rendering, ri, q, object);
    }
    case 'deletecollection': {
      const req = deleteRequest(request, q);
      const list = await ctx.registry.deleteCollection(stored, namespace, selectorFilter(ri, q, ''), req, req.dryRun ? { ...opts, dryRun: true } : opts);
      return sendList(reply, rendering, ri, q, list);
    }
  }
}

async function handleScale(
  ctx: ResourceContext, request: FastifyRequest, reply: FastifyReply, ri: ResourceInfo, namespace: string, name: string,
  opts: WriteOptions,
): Promise<unknown> {
  switch (request.method) {
    case 'GET': return reply.send(scaleOf(ri, await ctx.registry.get(ri, namespace, name)));
    case 'PUT': {
      const scale = decodeSubresourceBody(request, { group: 'autoscaling', version: 'v1', kind: 'Scale' }) as unknown as Scale;
      return reply.send(await updateScale(ctx.registry, ri, namespace, name, scale, opts));
    }
    case 'PATCH': {
      const { patch, type } = decodePatch(request);
      return reply.send(await patchScale(ctx.registry, ri, namespace, name, patch, type, opts));
    }
    default: throw errors.methodNotAllowed(`${request.method} is not supported on ${ri.plural}/scale`);
  }
}

function rawBody(request: FastifyRequest): RawBody {
  if (!isRawBody(request.body)) throw errors.badRequest('the request has no body');
  return request.body;
}

function decodeRequestObject(request: FastifyRequest, ri: ResourceInfo, q: Query, options: 'CreateOptions' | 'UpdateOptions') {
  const fieldValidation = fieldValidationMode(q.fieldValidation, options);
  const body = rawBody(request);
  // Typed clientsets (kubectl create rolebinding) send some kinds as protobuf.
  if (body.format === 'protobuf' && body.bytes && protobufReadable(groupVersion(ri), ri.kind)) {
    return decodeObject(kindOf(ri), decodeProtobufObject(body.bytes, { apiVersion: groupVersion(ri), kind: ri.kind }), { fieldValidation });
  }
  if (body.format !== 'json' && body.format !== 'yaml') throw errors.unsupportedMediaType(String(request.headers['content-type']));
  const parsed = parseBody(body.text, body.format, ri.kind);
  const decoded = decodeObject(kindOf(ri), parsed.value, { fieldValidation, duplicates: parsed.duplicates });
  return { ...decoded, object: toStorage(ri, decoded.object) };
}

function decodeSubresourceBody(request: FastifyRequest, kind: { group: string; version: string; kind: string }): KubeObject {
  const body = rawBody(request);
  if (body.format !== 'json' && body.format !== 'yaml') throw errors.unsupportedMediaType(String(request.headers['content-type']));
  const parsed = parseBody(body.text, body.format, kind.kind);
  return decodeObject(kind, parsed.value, { fieldValidation: 'Warn', duplicates: parsed.duplicates }).object;
}

function decodePatch(request: FastifyRequest): { patch: unknown; type: PatchType } {
  const body = rawBody(request);
  const type: PatchType | undefined = body.format === 'json-patch' ? 'json'
    : body.format === 'merge-patch' ? 'merge'
      : body.format === 'strategic-merge-patch' ? 'strategic' : undefined;
  if (!type) throw errors.unsupportedMediaType(String(request.headers['content-type']));
  return { patch: parseBody(body.text, 'json').value, type };
}

function updateSubresource(sub: string): UpdateSubresource {
  return sub === 'status' || sub === 'finalize' ? sub : '';
}

/**
 * The delete's options from the query and the DeleteOptions body; `dryRun` is the body's (kubectl sends
 * `delete --dry-run=server` there, not in the query).
 */
function deleteRequest(request: FastifyRequest, q: Query): DeleteRequest & { preconditions?: DeleteOptions['preconditions']; dryRun: boolean } {
  let options: DeleteOptions = {};
  if (isRawBody(request.body) && request.body.text.trim() !== '') {
    options = decodeObject({ group: '', version: 'v1', kind: 'DeleteOptions' },
      withKind(parseBody(request.body.text, request.body.format === 'yaml' ? 'yaml' : 'json').value),
      { fieldValidation: 'Ignore' }).object as DeleteOptions;
  }
  const grace = q.gracePeriodSeconds !== undefined ? Number(q.gracePeriodSeconds) : options.gracePeriodSeconds;
  if (grace !== undefined && (!Number.isInteger(grace) || grace < 0)) throw errors.badRequest(`invalid gracePeriodSeconds: ${grace}`);
  const policy = q.propagationPolicy ?? options.propagationPolicy;
  if (policy !== undefined && policy !== 'Orphan' && policy !== 'Background' && policy !== 'Foreground') {
    throw errors.badRequest(`propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  const orphan = q.orphanDependents !== undefined ? q.orphanDependents === 'true' : options.orphanDependents;
  if (orphan !== undefined && policy !== undefined) {
    throw errors.badRequest('orphanDependents and propagationPolicy cannot be both set');
  }
  const bodyDryRun = (options.dryRun ?? []).map((v) => dryRun(v)).some(Boolean);
  return {
    gracePeriodSeconds: grace, propagationPolicy: policy as PropagationPolicy | undefined, orphanDependents: orphan,
    preconditions: options.preconditions, dryRun: bodyDryRun,
  };
}

// DeleteOptions bodies often come without apiVersion/kind (kubectl sends them; older clients may not).
function withKind(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const o = value as Record<string, unknown>;
  if (o.apiVersion !== undefined && o.apiVersion !== 'v1') return { ...o, apiVersion: 'v1' };
  return o;
}

function selectorFilter(ri: ResourceInfo, q: Query, name: string): ((obj: StoredObject) => boolean) | undefined {
  const labels = q.labelSelector ? parseSelector(q.labelSelector) : undefined;
  const fields = q.fieldSelector ? parseFieldSelector(q.fieldSelector, ri.plural) : [];
  if (name) fields.push({ field: 'metadata.name', operator: '=', value: name });
  if (!labels && fields.length === 0) return undefined;
  return (obj) => (!labels || matchesSelector(labels, obj.metadata.labels))
    && (fields.length === 0 || matchesFields(fields, fieldsOf(ri.plural, obj)));
}

function dryRun(value: string | undefined): boolean {
  if (value === undefined || value === '') return false;
  if (value === 'All') return true;
  throw errors.badRequest(`dryRun: Unsupported value: "${value}": supported values: "All"`);
}

function positiveInt(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw errors.badRequest(`invalid ${name}: ${JSON.stringify(value)}`);
  return n;
}

function warn(reply: FastifyReply, warnings: string[]): void {
  if (warnings.length === 0) return;
  reply.header('Warning', warnings.map((w) => `299 - ${JSON.stringify(w)}`));
}

function successStatus(code: number): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code };
}

function send(reply: FastifyReply, rendering: Rendering, ri: ResourceInfo, q: Query, obj: StoredObject): FastifyReply {
  switch (rendering.as) {
    case 'Table':
      return reply.send(toTable(ri, [obj], { version: rendering.version, includeObject: parseIncludeObject(q.includeObject), now: Date.now() }));
    case 'PartialObjectMetadata':
      return reply.send(partialObjectMetadata(obj, rendering.version));
    case 'object':
      if (rendering.format === 'yaml') return reply.type('application/yaml').send(YAML.stringify(fromStorage(ri, obj)));
      return reply.send(fromStorage(ri, obj));
  }
}

function sendList(
  reply: FastifyReply, rendering: Rendering, ri: ResourceInfo, q: Query, list: KubeList<StoredObject>,
): FastifyReply {
  switch (rendering.as) {
    case 'Table':
      return reply.send(toTable(ri, list.items, {
        version: rendering.version, includeObject: parseIncludeObject(q.includeObject), now: Date.now(), listMeta: list.metadata,
      }));
    case 'PartialObjectMetadata':
      return reply.send({
        kind: 'PartialObjectMetadataList', apiVersion: `meta.k8s.io/${rendering.version}`, metadata: list.metadata,
        items: list.items.map((o) => partialObjectMetadata(o, rendering.version)),
      });
    case 'object':
      if (rendering.format === 'yaml') return reply.type('application/yaml').send(YAML.stringify(listFromStorage(ri, list)));
      return reply.send(listFromStorage(ri, list));
  }
}
