// The apiserver's HTTP surface: TLS, authentication, in-flight limits, one log line per request, Status errors,
// impersonation, authorization, and the route groups (health, discovery, OpenAPI, access reviews, resources, the
// resource metrics API).
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ApiError, errors, isApiError } from '../api/errors.ts';
import type { LeaseFreshness } from '../admission/fencing.ts';
import type { Registry } from '../registry/registry.ts';
import type { TokenIssuerConfig } from '../registry/token-request.ts';
import { registerMetricsRoutes } from '../metrics/routes.ts';
import { kubeletSummaryScraper } from '../metrics/scraper.ts';
import type { EscalationCheck } from '../rbac/escalation.ts';
import type { Store } from '../storage/store.ts';
import { registerAccessReviewRoutes } from './access-review-routes.ts';
import { authenticateRequest, type AsyncTokenAuthenticator, type TokenAuthenticator, type UserInfo } from './authn.ts';
import { forbidden, requestAttributesFrom, type Authorizer, type RuleResolver } from './authz.ts';
import { lingerIfBodyUnread, maxBodyBytes, registerBodyParsers } from './body.ts';
import { registerDiscoveryRoutes } from './discovery-routes.ts';
import { dropImpersonationHeaders, impersonatedUser, wantsImpersonation } from './impersonation.ts';
import type { KubeletClientConfig } from './kubelet-proxy.ts';
import { registerOpenAPIRoutes } from './openapi-routes.ts';
import { watchRequested } from './request-info.ts';
import { registerResourceRoutes } from './resource-routes.ts';
import { registerSelfSubjectReviewRoutes } from './selfsubjectreview-routes.ts';
import { registerUpgradeRouting } from './upgrade-routing.ts';
import { WatchSet } from './watch-stream.ts';

export interface AppOptions {
  logger: Logger;
  registry: Registry;
  store: Store;
  leases: LeaseFreshness;
  kubelet: KubeletClientConfig;
  /** TLS material for the secure port; absent only in tests that exercise plain HTTP on loopback. */
  https?: { key: Buffer; cert: Buffer; ca?: Buffer; requestCert: boolean; rejectUnauthorized: false; minVersion: 'TLSv1.2' };
  tokens?: TokenAuthenticator;
  /** ServiceAccount JWTs: authenticates them (serviceAccountTokens) and issues them (tokenIssuer). */
  serviceAccountTokens?: AsyncTokenAuthenticator;
  tokenIssuer?: TokenIssuerConfig;
  clientCA: boolean;
  /** The --authorization-mode union; also answers SelfSubjectRulesReviews. */
  authorizer: Authorizer & RuleResolver;
  /** Privilege-escalation prevention on RBAC writes; absent, RBAC objects are written unchecked. */
  escalation?: EscalationCheck;
  /** The address clients reach the apiserver at (discovery's serverAddressByClientCIDRs). */
  advertiseAddress: string;
  maxRequestsInflight: number;
  maxMutatingRequestsInflight: number;
  /** Set once bootstrap has finished; /readyz answers 200 only then. */
  ready: () => boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    user?: UserInfo;
    startedAt?: bigint;
  }
}

/** Paths anyone may read, as kube's system:public-info-viewer role allows. */
const publicPaths = new Set(['/healthz', '/livez', '/readyz', '/version', '/version/']);

export interface ApiServerApp {
  app: FastifyInstance;
  watches: WatchSet;
}

export function buildApp(opts: AppOptions): ApiServerApp {
  const app = Fastify({
    loggerInstance: opts.logger,
    // Fastify's own per-request lines are replaced by one line of ours (user, verb, resource, code, latency).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: maxBodyBytes,
    https: opts.https ?? null,
    // Keys like __proto__ in bodies are refused by our decoder; query strings stay plain.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1000 },
    forceCloseConnections: true,
    return503OnClosing: true,
  }) as unknown as FastifyInstance;
  const watches = new WatchSet();
  let inflight = 0;
  let inflightMutating = 0;

  registerBodyParsers(app);
  registerUpgradeRouting(app);

  app.addHook('onRequest', async (request, reply) => {
    request.startedAt = process.hrtime.bigint();
    const path = request.url.split('?')[0];
    const user = await authenticateRequest(request.raw as Parameters<typeof authenticateRequest>[0], {
      tokens: opts.tokens, serviceAccountTokens: opts.serviceAccountTokens, clientCA: opts.clientCA,
    });
    if (user === 'invalid' || (user === null && !publicPaths.has(path))) {
      throw errors.unauthorized();
    }
    // Credentials go no further than authentication (nothing downstream may forward them).
    delete request.headers.authorization;
    delete request.raw.headers.authorization;
    if (user) {
      // --as / --as-group: authorized for the real user, then the request goes on as the one impersonated.
      let actingAs = user;
      if (wantsImpersonation(request.headers)) {
        actingAs = impersonatedUser(request.raw.headersDistinct, user, opts.authorizer);
        dropImpersonationHeaders(request.headers);
        dropImpersonationHeaders(request.raw.headers);
      }
      request.user = actingAs;
      const attrs = requestAttributesFrom(request.method, request.url, actingAs);
      const decision = opts.authorizer.authorize(attrs);
      if (!decision.allowed) throw forbidden(attrs, decision.reason);
      // A WebSocket exec/attach/port-forward arrives as a GET, yet opens a stream into the pod: kube (1.31+) also
      // requires `create` on it, what the SPDY form's POST needs.
      if (attrs.verb === 'get' && ['exec', 'attach', 'portforward'].includes(attrs.subresource)) {
        const create = { ...attrs, verb: 'create' };
        const again = opts.authorizer.authorize(create);
        if (!again.allowed) throw forbidden(create, again.reason);
      }
    }
    // Long-running requests (watches, log follows) don't count against the in-flight limits, as in kube.
    if (isLongRunning(request)) return;
    const mutating = request.method !== 'GET' && request.method !== 'HEAD';
    if (mutating ? inflightMutating >= opts.maxMutatingRequestsInflight : inflight >= opts.maxRequestsInflight) {
      reply.header('Retry-After', '1');
      throw errors.tooManyRequests('Too many requests, please try again later.', 1);
    }
    if (mutating) inflightMutating++;
    else inflight++;
    reply.raw.once('close', () => {
      if (mutating) inflightMutating--;
      else inflight--;
    });
  });

  app.addHook('onResponse', async (request, reply) => logRequest(request, reply));

  app.setErrorHandler((err: FastifyError | ApiError, request, reply) => {
    const apiError = toApiError(err);
    if (apiError.code >= 500) request.log.error({ err }, 'request failed');
    if (apiError.code === 429) reply.header('Retry-After', '1');
    lingerIfBodyUnread(request, reply);
    return reply.code(apiError.code).type('application/json').send(apiError.status);
  });
  app.setNotFoundHandler((request, reply) => {
    const apiError = errors.pathNotFound(request.url.split('?')[0]);
    return reply.code(404).send(apiError.status);
  });

  for (const path of ['/healthz', '/livez']) {
    app.get(path, async (_req, reply) => reply.type('text/plain').send('ok'));
  }
  app.get('/readyz', async (_req, reply) => {
    if (!opts.ready()) return reply.code(503).type('text/plain').send('[-]bootstrap not finished\nreadyz check failed');
    return reply.type('text/plain').send('ok');
  });

  registerDiscoveryRoutes(app, { advertiseAddress: opts.advertiseAddress });
  registerOpenAPIRoutes(app);
  registerSelfSubjectReviewRoutes(app);
  registerAccessReviewRoutes(app, opts.authorizer);
  registerResourceRoutes(app, {
    registry: opts.registry, store: opts.store, watches, leases: opts.leases, kubelet: opts.kubelet,
    tokens: opts.tokenIssuer, escalation: opts.escalation,
  });
  registerMetricsRoutes(app, {
    registry: opts.registry, scraper: kubeletSummaryScraper(opts.kubelet, opts.logger.child({ component: 'metrics' })),
  });

  app.addHook('preClose', async () => watches.closeAll());
  return { app, watches };
}

function isLongRunning(request: FastifyRequest): boolean {
  const q = request.query as Record<string, string | undefined> | undefined;
  if (watchRequested(q?.watch) || request.url.includes('/watch/')) return true;
  // exec/attach/port-forward sessions last as long as the user keeps them open.
  if (/\/pods\/[^/]+\/(exec|attach|portforward)(\?|$)/.test(request.url)) return true;
  return /\/log(\?|$)/.test(request.url) && watchRequested(q?.follow);
}

function toApiError(err: unknown): ApiError {
  if (isApiError(err)) return err;
  const e = err as FastifyError;
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return errors.tooLarge(maxBodyBytes);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return errors.unsupportedMediaType(String(e.message.match(/: (.*)$/)?.[1] ?? ''));
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return errors.badRequest(e.message);
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const err4xx = errors.badRequest(e.message);
    err4xx.status.code = e.statusCode;
    return err4xx;
  }
  return errors.internal(e instanceof Error ? e.message : String(err));
}

function logRequest(request: FastifyRequest, reply: FastifyReply): void {
  const started = request.startedAt ?? process.hrtime.bigint();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const api = request.apiRequest;
  request.log.info({
    user: request.user?.name ?? 'system:anonymous',
    verb: api?.verb ?? request.method.toLowerCase(),
    resource: api ? [api.group, api.resource, api.subresource].filter(Boolean).join('/') : undefined,
    namespace: api?.namespace || undefined,
    name: api?.name || undefined,
    path: api ? undefined : request.url.split('?')[0],
    code: reply.statusCode,
    ms: Math.round(ms * 10) / 10,
  }, 'request');
}
