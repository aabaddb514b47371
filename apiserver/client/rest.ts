// The typed REST client every Skiff program talks to the apiserver through. JSON in, JSON out; every non-2xx answer
// is thrown as an ApiStatusError carrying the Status. A client may be fenced: then each write carries the leader's
// fencing token, and a write is refused locally when there is no token to send.
import type http from 'node:http';
import type { Status } from '../api/types.ts';
import { sleep } from './backoff.ts';
import { FENCE_HEADER } from './fence.ts';
import type { ResolvedKubeconfig } from './kubeconfig.ts';
import { defaultLogger, type Logger } from './logger.ts';
import type { ApiObject, ObjectList } from './object.ts';
import { queryString, resourcePath, type Query, type ResourceRef } from './paths.ts';
import { ApiStatusError, NotLeaderError, statusFromResponse } from './status-error.ts';
import { Transport, type RawResponse, type TransportOptions } from './transport.ts';

/** Returns the fencing token to send with a write, or undefined when this process must not write. */
export type FenceProvider = () => string | undefined;

export interface RestClientOptions extends TransportOptions {
  /** When set, every POST/PUT/PATCH/DELETE carries `X-Skiff-Fence: <token>`, and is not sent without a token. */
  fence?: FenceProvider;
  /** Limit for one non-streaming request, in ms. Default 60 s; 0 disables. */
  timeoutMs?: number;
  /** How often a request answered 429 (or 5xx) with Retry-After is sent again, as client-go does. Default 10. */
  maxRetries?: number;
  logger?: Logger;
}

export interface RequestOptions {
  query?: Query;
  /** Objects are sent as JSON; strings and Buffers as they are. */
  body?: unknown;
  contentType?: string;
  accept?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

export const patchContentTypes: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
  signal?: AbortSignal;
}

export interface WriteOptions {
  fieldManager?: string;
  dryRun?: boolean;
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  signal?: AbortSignal;
}

export interface PatchOptions extends WriteOptions {
  /** e.g. 'status' or 'scale'. */
  subresource?: string;
  /** Server-side apply: take ownership of conflicting fields. */
  force?: boolean;
}

export interface DeleteOptions {
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  gracePeriodSeconds?: number;
  /** Delete only if the object still has this uid / resourceVersion (409 otherwise). */
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
  signal?: AbortSignal;
}

export interface DeleteCollectionOptions extends DeleteOptions {
  labelSelector?: string;
  fieldSelector?: string;
}

const mutatingMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const maxRetryAfterMs = 30_000;

function writeQuery(opts: WriteOptions | undefined): Query {
  return {
    fieldManager: opts?.fieldManager,
    dryRun: opts?.dryRun ? 'All' : undefined,
    fieldValidation: opts?.fieldValidation,
  };
}

function deleteBody(opts: DeleteOptions | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
  if (opts?.propagationPolicy) body.propagationPolicy = opts.propagationPolicy;
  if (opts?.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = opts.gracePeriodSeconds;
  if (opts?.preconditions) body.preconditions = opts.preconditions;
  if (opts?.dryRun) body.dryRun = ['All'];
  return body;
}

function nameOf(obj: ApiObject, verb: string): string {
  const name = obj.metadata?.name;
  if (!name) throw new Error(`${verb} needs metadata.name on the object`);
  return name;
}

/** Seconds from a Retry-After header (delta-seconds or HTTP date), or undefined. */
function retryAfterMs(res: RawResponse): number | undefined {
  const header = res.headers['retry-after'];
  if (typeof header !== 'string' || !header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export class RestClient {
  readonly transport: Transport;
  private readonly options: RestClientOptions;
  private readonly fence: FenceProvider | undefined;
  private readonly logger: Logger;

  /** `transport` lets clients derived with withFence() share one connection pool. */
  constructor(options: RestClientOptions, transport?: Transport) {
    this.options = options;
    this.transport = transport ?? new Transport(options);
    this.fence = options.fence;
    this.logger = options.logger ?? defaultLogger();
  }

  static fromKubeconfig(config: ResolvedKubeconfig, extra: Partial<RestClientOptions> = {}): RestClient {
    return new RestClient({
      server: config.server,
      token: config.token,
      ca: config.caData,
      cert: config.clientCertData,
      key: config.clientKeyData,
      insecureSkipTLSVerify: config.insecureSkipTLSVerify,
      tlsServerName: config.tlsServerName,
      ...extra,
    });
  }

  get server(): string {
    return this.options.server;
  }

  /** The same connection with a different fence (undefined: writes go out unfenced, as the lease itself must). */
  withFence(fence: FenceProvider | undefined): RestClient {
    return new RestClient({ ...this.options, fence }, this.transport);
  }

  /** Any request; answers with the parsed JSON body (undefined when empty, text when not JSON). */
  async request<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.send(method, path, opts);
    return parseBody(res) as T;
  }

  /** Any request, answered as text (e.g. pods/log). */
  async requestText(method: string, path: string, opts: RequestOptions = {}): Promise<string> {
    const res = await this.send(method, path, { accept: '*/*', ...opts });
    return res.body.toString('utf8');
  }

  /**
   * Opens a streaming request (watch, log -f). Resolves with the response once a 2xx status line arrived; a non-2xx
   * answer is read and thrown as ApiStatusError. Abort `signal` to close the stream.
   */
  async stream(method: string, path: string, opts: RequestOptions = {}): Promise<http.IncomingMessage> {
    const raw = this.buildRequest(method, path, opts);
    const res = await this.transport.open({ ...raw, signal: opts.signal });
    const code = res.statusCode ?? 0;
    if (code >= 200 && code < 300) return res;
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    throw new ApiStatusError(statusFromResponse(code, Buffer.concat(chunks).toString('utf8'), method));
  }

  get<T = ApiObject>(ri: ResourceRef, namespace: string | undefined, name: string,
    opts: { signal?: AbortSignal } = {}): Promise<T> {
    return this.request<T>('GET', resourcePath(ri, namespace, name), { signal: opts.signal });
  }

  list<T = ApiObject>(ri: ResourceRef, namespace?: string, opts: ListOptions = {}): Promise<ObjectList<T>> {
    return this.request<ObjectList<T>>('GET', resourcePath(ri, namespace), {
      signal: opts.signal,
      query: {
        labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector, limit: opts.limit,
        continue: opts.continue, resourceVersion: opts.resourceVersion,
        resourceVersionMatch: opts.resourceVersionMatch,
      },
    });
  }

  create<T extends ApiObject>(ri: ResourceRef, namespace: string | undefined, obj: T, opts?: WriteOptions): Promise<T> {
    const ns = namespace ?? obj.metadata?.namespace;
    return this.request<T>('POST', resourcePath(ri, ns), { body: obj, query: writeQuery(opts), signal: opts?.signal });
  }

  /** PUT: a compare-and-swap when obj.metadata.resourceVersion is set (stale: 409 Conflict). */
  update<T extends ApiObject>(ri: ResourceRef, namespace: string | undefined, obj: T, opts?: WriteOptions): Promise<T> {
    const ns = namespace ?? obj.metadata?.namespace;
    return this.request<T>('PUT', resourcePath(ri, ns, nameOf(obj, 'update')),
      { body: obj, query: writeQuery(opts), signal: opts?.signal });
  }

  updateStatus<T extends ApiObject>(ri: ResourceRef, namespace: string | undefined, obj: T,
    opts?: WriteOptions): Promise<T> {
    const ns = namespace ?? obj.metadata?.namespace;
    return this.request<T>('PUT', resourcePath(ri, ns, nameOf(obj, 'updateStatus'), 'status'),
      { body: obj, query: writeQuery(opts), signal: opts?.signal });
  }

  patch<T = ApiObject>(ri: ResourceRef, namespace: string | undefined, name: string, patch: unknown,
    type: PatchType, opts: PatchOptions = {}): Promise<T> {
    if (type === 'apply' && !opts.fieldManager) throw new Error('an apply patch needs a fieldManager');
    return this.request<T>('PATCH', resourcePath(ri, namespace, name, opts.subresource), {
      body: patch, contentType: patchContentTypes[type], signal: opts.signal,
      query: { ...writeQuery(opts), force: opts.force },
    });
  }

  /** Answers with the object (when deletion is deferred by finalizers or grace) or a Success Status. */
  delete<T = ApiObject | Status>(ri: ResourceRef, namespace: string | undefined, name: string,
    opts?: DeleteOptions): Promise<T> {
    return this.request<T>('DELETE', resourcePath(ri, namespace, name), { body: deleteBody(opts), signal: opts?.signal });
  }

  deleteCollection<T = ObjectList<ApiObject> | Status>(ri: ResourceRef, namespace: string | undefined,
    opts?: DeleteCollectionOptions): Promise<T> {
    return this.request<T>('DELETE', resourcePath(ri, namespace), {
      body: deleteBody(opts), signal: opts?.signal,
      query: { labelSelector: opts?.labelSelector, fieldSelector: opts?.fieldSelector },
    });
  }

  getSubresource<T = unknown>(ri: ResourceRef, namespace: string | undefined, name: string, subresource: string,
    opts: { query?: Query; signal?: AbortSignal } = {}): Promise<T> {
    return this.request<T>('GET', resourcePath(ri, namespace, name, subresource), opts);
  }

  /** POST to a subresource: pods/binding, pods/eviction. */
  createSubresource<T = unknown>(ri: ResourceRef, namespace: string | undefined, name: string, subresource: string,
    body: unknown, opts?: WriteOptions): Promise<T> {
    return this.request<T>('POST', resourcePath(ri, namespace, name, subresource),
      { body, query: writeQuery(opts), signal: opts?.signal });
  }

  /** PUT to a subresource: deployments/scale, pods/status. */
  updateSubresource<T = unknown>(ri: ResourceRef, namespace: string | undefined, name: string, subresource: string,
    body: unknown, opts?: WriteOptions): Promise<T> {
    return this.request<T>('PUT', resourcePath(ri, namespace, name, subresource),
      { body, query: writeQuery(opts), signal: opts?.signal });
  }

  /** Closes idle sockets. Clients derived with withFence() share them. */
  close(): void {
    this.transport.close();
  }

  /** Sends with retries on Retry-After answers; throws ApiStatusError on anything but 2xx. */
  private async send(method: string, path: string, opts: RequestOptions): Promise<RawResponse> {
    const maxRetries = this.options.maxRetries ?? 10;
    for (let attempt = 0; ; attempt++) {
      const res = await this.sendOnce(method, path, opts);
      if (res.statusCode >= 200 && res.statusCode < 300) return res;
      const wait = retryAfterMs(res);
      const retryable = res.statusCode === 429 || res.statusCode >= 500;
      if (retryable && wait !== undefined && attempt < maxRetries && !opts.signal?.aborted) {
        this.logger.debug({ method, path, code: res.statusCode, waitMs: wait, attempt }, 'retrying after Retry-After');
        await sleep(Math.min(wait, maxRetryAfterMs), opts.signal);
        continue;
      }
      throw new ApiStatusError(statusFromResponse(res.statusCode, res.body.toString('utf8'), method));
    }
  }

  private async sendOnce(method: string, path: string, opts: RequestOptions): Promise<RawResponse> {
    // Built per attempt: the fence token may have changed (or vanished) while waiting to retry.
    const raw = this.buildRequest(method, path, opts);
    const timeoutMs = opts.timeoutMs ?? this.options.timeoutMs ?? 60_000;
    const timeout = timeoutMs > 0 ? AbortSignal.timeout(Math.ceil(timeoutMs)) : undefined;
    const signals = [opts.signal, timeout].filter((s): s is AbortSignal => s !== undefined);
    try {
      return await this.transport.send({ ...raw, signal: signals.length ? AbortSignal.any(signals) : undefined });
    } catch (e) {
      if (timeout?.aborted && !opts.signal?.aborted) {
        throw new Error(`${method} ${path}: no answer within ${timeoutMs} ms`, { cause: e });
      }
      throw e;
    }
  }

  private buildRequest(method: string, path: string, opts: RequestOptions): {
    method: string; path: string; headers: Record<string, string>; body?: Buffer;
  } {
    const headers: Record<string, string> = { Accept: opts.accept ?? 'application/json', ...opts.headers };
    if (this.fence && mutatingMethods.has(method)) {
      const token = this.fence();
      if (token === undefined) throw new NotLeaderError(method, path);
      headers[FENCE_HEADER] = token;
    }
    let body: Buffer | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === 'string' ? Buffer.from(opts.body, 'utf8')
        : Buffer.isBuffer(opts.body) ? opts.body
          : Buffer.from(JSON.stringify(opts.body), 'utf8');
      headers['Content-Type'] = opts.contentType ?? 'application/json';
    }
    return { method, path: `${path}${queryString(opts.query)}`, headers, body };
  }
}

function parseBody(res: RawResponse): unknown {
  if (res.body.length === 0) return undefined;
  const text = res.body.toString('utf8');
  const type = String(res.headers['content-type'] ?? '');
  if (type.includes('json') || /^\s*[{[]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch (e) {
      if (type.includes('json')) throw new Error(`the server sent malformed JSON (${res.statusCode})`, { cause: e });
    }
  }
  return text;
}
