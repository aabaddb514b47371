// Test scaffolding, not code under test: a small in-memory HTTP server speaking the slice of the Kubernetes API the
// client tests need. Objects live in a map, every change gets the next resourceVersion and goes to a history that
// watches replay from; history can be compacted so old resourceVersions answer 410 Expired (at connect, or as an
// ERROR event). Writes are CAS on metadata.resourceVersion, and a write carrying X-Skiff-Fence is checked against
// the Lease it names, the way the real apiserver is expected to.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { FENCE_HEADER, parseFenceToken } from '../../../apiserver/client/fence.ts';

export interface StoredObj {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string; namespace?: string; uid?: string; resourceVersion?: string; creationTimestamp?: string;
    labels?: Record<string, string>; [k: string]: unknown;
  };
  [field: string]: unknown;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** What an intercept hook decides for a request: answer normally, answer this, or never answer. */
export type Interception = 'pass' | 'hang' | { status: number; body?: unknown; headers?: Record<string, string> };

interface Route {
  group: string;
  version: string;
  plural: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

interface HistoryEntry {
  rv: number;
  resource: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  obj: StoredObj;
}

interface Watcher {
  resource: string;
  namespace?: string;
  labelSelector?: string;
  res: http.ServerResponse;
  bookmarks: boolean;
}

function resourceId(group: string, plural: string): string {
  return `${group}/${plural}`;
}

function keyOf(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

function status(code: number, reason: string, message: string): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

function matchesLabels(obj: StoredObj, selector: string | undefined): boolean {
  if (!selector) return true;
  const labels = obj.metadata.labels ?? {};
  return selector.split(',').every((term) => {
    const [k, v] = term.split('=');
    return labels[k] === v;
  });
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = typeof target === 'object' && target !== null && !Array.isArray(target)
    ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

export class FakeApiServer {
  readonly requests: RecordedRequest[] = [];
  /** How a watch from a compacted resourceVersion is refused. */
  expiredMode: 'http' | 'event' = 'http';
  /** While true, changes are recorded in history but not sent to open watches (a client that misses events). */
  suspendDelivery = false;
  intercept: ((req: RecordedRequest) => Interception) | undefined;
  private rv = 0;
  private compactedRv = 0;
  private readonly objects = new Map<string, Map<string, StoredObj>>();
  private readonly history: HistoryEntry[] = [];
  private readonly watchers = new Set<Watcher>();
  /** Server-local time of each Lease's last write: the fence's expiry is judged on this clock, never the holder's. */
  private readonly leaseWrittenAt = new Map<string, number>();
  private readonly server = http.createServer((req, res) => { void this.handle(req, res); });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async close(): Promise<void> {
    for (const w of this.watchers) w.res.end();
    this.watchers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get resourceVersion(): number {
    return this.rv;
  }

  get openWatches(): number {
    return this.watchers.size;
  }

  /** Requests that were watches, in order. */
  watchRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.query.get('watch') === 'true');
  }

  /** Forgets history up to now: watches from any older resourceVersion get 410. */
  compact(): void {
    this.compactedRv = this.rv;
    this.history.length = 0;
  }

  /** Ends every open watch stream (as an apiserver restart or timeout would). */
  closeWatches(): void {
    for (const w of this.watchers) w.res.end();
    this.watchers.clear();
  }

  /** Sends a BOOKMARK at the current resourceVersion to watches that asked for bookmarks. */
  bookmark(): void {
    for (const w of this.watchers) {
      if (!w.bookmarks) continue;
      w.res.write(`${JSON.stringify({ type: 'BOOKMARK', object: { metadata: { resourceVersion: String(this.rv) } } })}\n`);
    }
  }

  /** Bumps the resourceVersion with no visible change (other kinds being written). */
  advance(n = 1): void {
    this.rv += n;
  }

  get(group: string, plural: string, namespace: string | undefined, name: string): StoredObj | undefined {
    return this.objects.get(resourceId(group, plural))?.get(keyOf(namespace, name));
  }

  /** Creates or replaces an object server-side (no CAS), emitting the watch event. */
  put(group: string, plural: string, obj: StoredObj): StoredObj {
    const existing = this.get(group, plural, obj.metadata.namespace, obj.metadata.name);
    return this.store(group, plural, structuredClone(obj), existing ? 'MODIFIED' : 'ADDED', existing);
  }

  remove(group: string, plural: string, namespace: string | undefined, name: string): void {
    const coll = this.objects.get(resourceId(group, plural));
    const key = keyOf(namespace, name);
    const obj = coll?.get(key);
    if (!coll || !obj) throw new Error(`no ${plural} ${key}`);
    coll.delete(key);
    this.rv++;
    const gone = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(this.rv) } };
    this.emit(resourceId(group, plural), 'DELETED', gone);
  }

  private store(group: string, plural: string, obj: StoredObj, type: 'ADDED' | 'MODIFIED',
    existing: StoredObj | undefined): StoredObj {
    const id = resourceId(group, plural);
    let coll = this.objects.get(id);
    if (!coll) this.objects.set(id, (coll = new Map()));
    this.rv++;
    obj.metadata.resourceVersion = String(this.rv);
    obj.metadata.uid = existing?.metadata.uid ?? obj.metadata.uid ?? randomUUID();
    obj.metadata.creationTimestamp = existing?.metadata.creationTimestamp ?? new Date().toISOString();
    const key = keyOf(obj.metadata.namespace, obj.metadata.name);
    coll.set(key, obj);
    if (id === 'coordination.k8s.io/leases') this.leaseWrittenAt.set(key, performance.now());
    this.emit(id, type, obj);
    return obj;
  }

  private emit(resource: string, type: HistoryEntry['type'], obj: StoredObj): void {
    this.history.push({ rv: this.rv, resource, type, obj: structuredClone(obj) });
    if (this.suspendDelivery) return;
    for (const w of this.watchers) {
      if (w.resource !== resource) continue;
      if (w.namespace && w.namespace !== obj.metadata.namespace) continue;
      if (!matchesLabels(obj, w.labelSelector)) continue;
      w.res.write(`${JSON.stringify({ type, object: obj })}\n`);
    }
  }

  private parseRoute(pathname: string): Route | undefined {
    const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
    let group: string;
    let version: string;
    let rest: string[];
    if (parts[0] === 'api') [group, version, rest] = ['', parts[1], parts.slice(2)];
    else if (parts[0] === 'apis') [group, version, rest] = [parts[1], parts[2], parts.slice(3)];
    else return undefined;
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const [plural, name, subresource] = rest;
    if (!plural) return undefined;
    return { group, version, plural, namespace, name, subresource };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    this.requests.push(recorded);
    const decision = this.intercept?.(recorded) ?? 'pass';
    if (decision === 'hang') return;
    if (decision !== 'pass') {
      res.writeHead(decision.status, { 'Content-Type': 'application/json', ...decision.headers });
      res.end(typeof decision.body === 'string' ? decision.body : JSON.stringify(decision.body ?? {}));
      return;
    }
    const route = this.parseRoute(url.pathname);
    if (!route) return this.reply(res, 404, status(404, 'NotFound', `no route ${url.pathname}`));
    const fenceError = this.checkFence(recorded);
    if (fenceError) return this.reply(res, 409, fenceError);
    switch (recorded.method) {
      case 'GET':
        if (route.name) return this.getOne(res, route);
        if (url.searchParams.get('watch') === 'true') return this.watch(res, route, url.searchParams);
        return this.list(res, route, url.searchParams);
      case 'POST': return this.create(res, route, recorded.body);
      case 'PUT': return this.update(res, route, recorded.body);
      case 'PATCH': return this.patch(res, route, recorded);
      case 'DELETE': return this.delete(res, route, recorded.body);
      default: return this.reply(res, 405, status(405, 'MethodNotAllowed', 'method not allowed'));
    }
  }

  /** A write with a fence must come from the current, unexpired term of the Lease the token names. */
  private checkFence(req: RecordedRequest): Record<string, unknown> | undefined {
    const token = req.headers[FENCE_HEADER.toLowerCase()];
    if (typeof token !== 'string') return undefined;
    const term = parseFenceToken(token);
    if (!term) return status(400, 'BadRequest', `malformed ${FENCE_HEADER} ${JSON.stringify(token)}`);
    const lease = this.get('coordination.k8s.io', 'leases', term.namespace, term.name);
    const spec = (lease?.spec ?? {}) as { holderIdentity?: string; leaseTransitions?: number; leaseDurationSeconds?: number };
    const writtenAt = this.leaseWrittenAt.get(keyOf(term.namespace, term.name)) ?? 0;
    const expired = performance.now() > writtenAt + (spec.leaseDurationSeconds ?? 0) * 1000;
    if (!lease || spec.holderIdentity !== term.holderIdentity || (spec.leaseTransitions ?? 0) !== term.leaseTransitions
      || expired) {
      return status(409, 'Conflict', `fence ${token} does not hold lease ${term.namespace}/${term.name}`);
    }
    return undefined;
  }

  private reply(res: http.ServerResponse, code: number, body: unknown): void {
    res.writeHead(code, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private collection(route: Route): Map<string, StoredObj> {
    const id = resourceId(route.group, route.plural);
    let coll = this.objects.get(id);
    if (!coll) this.objects.set(id, (coll = new Map()));
    return coll;
  }

  private getOne(res: http.ServerResponse, route: Route): void {
    const obj = this.collection(route).get(keyOf(route.namespace, route.name!));
    if (!obj) return this.reply(res, 404, status(404, 'NotFound', `${route.plural} "${route.name}" not found`));
    this.reply(res, 200, obj);
  }

  private list(res: http.ServerResponse, route: Route, q: URLSearchParams): void {
    const all = [...this.collection(route).entries()]
      .filter(([, o]) => !route.namespace || o.metadata.namespace === route.namespace)
      .filter(([, o]) => matchesLabels(o, q.get('labelSelector') ?? undefined))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, o]) => o);
    let offset = 0;
    let snapshotRv = this.rv;
    const cont = q.get('continue');
    if (cont) {
      const token = JSON.parse(Buffer.from(cont, 'base64').toString('utf8')) as { rv: number; offset: number };
      if (token.rv < this.compactedRv) {
        return this.reply(res, 410, status(410, 'Expired', 'The provided continue parameter is too old'));
      }
      offset = token.offset;
      snapshotRv = token.rv;
    }
    const limit = Number(q.get('limit') ?? 0);
    const items = limit > 0 ? all.slice(offset, offset + limit) : all.slice(offset);
    const next = limit > 0 && offset + limit < all.length
      ? Buffer.from(JSON.stringify({ rv: snapshotRv, offset: offset + limit })).toString('base64') : undefined;
    this.reply(res, 200, {
      kind: 'List', apiVersion: 'v1',
      metadata: { resourceVersion: String(snapshotRv), ...(next ? { continue: next } : {}) },
      items,
    });
  }

  private watch(res: http.ServerResponse, route: Route, q: URLSearchParams): void {
    const from = q.get('resourceVersion') ?? '';
    const id = resourceId(route.group, route.plural);
    const fromRv = from === '' || from === '0' ? undefined : Number(from);
    if (fromRv !== undefined && fromRv < this.compactedRv) {
      const expired = status(410, 'Expired', `too old resource version: ${fromRv} (${this.compactedRv})`);
      if (this.expiredMode === 'http') return this.reply(res, 410, expired);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(`${JSON.stringify({ type: 'ERROR', object: expired })}\n`);
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    const watcher: Watcher = {
      resource: id, namespace: route.namespace, res,
      labelSelector: q.get('labelSelector') ?? undefined,
      bookmarks: q.get('allowWatchBookmarks') === 'true',
    };
    const visible = (o: StoredObj): boolean =>
      (!route.namespace || o.metadata.namespace === route.namespace) && matchesLabels(o, watcher.labelSelector);
    if (fromRv === undefined) {
      for (const o of this.collection(route).values()) {
        if (visible(o)) res.write(`${JSON.stringify({ type: 'ADDED', object: o })}\n`);
      }
    } else {
      for (const h of this.history) {
        if (h.rv > fromRv && h.resource === id && visible(h.obj)) res.write(`${JSON.stringify({ type: h.type, object: h.obj })}\n`);
      }
    }
    this.watchers.add(watcher);
    const timeout = Number(q.get('timeoutSeconds') ?? 0);
    const timer = timeout > 0 ? setTimeout(() => res.end(), timeout * 1000) : undefined;
    res.on('close', () => {
      clearTimeout(timer);
      this.watchers.delete(watcher);
    });
  }

  private parseBody(res: http.ServerResponse, body: string): StoredObj | undefined {
    try {
      return JSON.parse(body) as StoredObj;
    } catch {
      this.reply(res, 400, status(400, 'BadRequest', 'body is not JSON'));
      return undefined;
    }
  }

  private create(res: http.ServerResponse, route: Route, body: string): void {
    if (route.subresource === 'binding') {
      const pod = this.collection(route).get(keyOf(route.namespace, route.name!));
      if (!pod) return this.reply(res, 404, status(404, 'NotFound', `pods "${route.name}" not found`));
      const binding = this.parseBody(res, body);
      if (!binding) return;
      const target = (binding as { target?: { name?: string } }).target?.name;
      const spec = (pod.spec ?? {}) as { nodeName?: string };
      if (spec.nodeName) {
        return this.reply(res, 409, status(409, 'Conflict', `pod ${route.name} is already assigned to node ${spec.nodeName}`));
      }
      this.store(route.group, route.plural, { ...structuredClone(pod), spec: { ...spec, nodeName: target } }, 'MODIFIED', pod);
      return this.reply(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
    }
    const obj = this.parseBody(res, body);
    if (!obj) return;
    obj.metadata = { ...obj.metadata, namespace: route.namespace };
    if (!obj.metadata.namespace) delete obj.metadata.namespace;
    const existing = this.collection(route).get(keyOf(route.namespace, obj.metadata.name));
    if (existing) {
      return this.reply(res, 409, status(409, 'AlreadyExists', `${route.plural} "${obj.metadata.name}" already exists`));
    }
    delete obj.metadata.resourceVersion;
    this.reply(res, 201, this.store(route.group, route.plural, obj, 'ADDED', undefined));
  }

  private update(res: http.ServerResponse, route: Route, body: string): void {
    const existing = this.collection(route).get(keyOf(route.namespace, route.name!));
    if (!existing) return this.reply(res, 404, status(404, 'NotFound', `${route.plural} "${route.name}" not found`));
    const obj = this.parseBody(res, body);
    if (!obj) return;
    const sent = obj.metadata?.resourceVersion;
    if (sent && sent !== existing.metadata.resourceVersion) {
      return this.reply(res, 409, status(409, 'Conflict',
        `Operation cannot be fulfilled on ${route.plural} "${route.name}": the object has been modified; please apply your changes to the latest version and try again`));
    }
    const next = route.subresource === 'status'
      ? { ...structuredClone(existing), status: obj.status }
      : { ...obj, metadata: { ...obj.metadata, name: route.name!, namespace: route.namespace } };
    if (!next.metadata.namespace) delete next.metadata.namespace;
    this.reply(res, 200, this.store(route.group, route.plural, next, 'MODIFIED', existing));
  }

  private patch(res: http.ServerResponse, route: Route, req: RecordedRequest): void {
    const existing = this.collection(route).get(keyOf(route.namespace, route.name!));
    if (!existing) return this.reply(res, 404, status(404, 'NotFound', `${route.plural} "${route.name}" not found`));
    if (req.headers['content-type'] !== 'application/merge-patch+json') {
      return this.reply(res, 415, status(415, 'UnsupportedMediaType', `fake supports merge patches only`));
    }
    const patched = mergePatch(existing, JSON.parse(req.body)) as StoredObj;
    this.reply(res, 200, this.store(route.group, route.plural, patched, 'MODIFIED', existing));
  }

  private delete(res: http.ServerResponse, route: Route, body: string): void {
    const existing = this.collection(route).get(keyOf(route.namespace, route.name!));
    if (!existing) return this.reply(res, 404, status(404, 'NotFound', `${route.plural} "${route.name}" not found`));
    const opts = body ? (JSON.parse(body) as { preconditions?: { uid?: string; resourceVersion?: string } }) : {};
    const pre = opts.preconditions;
    if ((pre?.uid && pre.uid !== existing.metadata.uid)
      || (pre?.resourceVersion && pre.resourceVersion !== existing.metadata.resourceVersion)) {
      return this.reply(res, 409, status(409, 'Conflict', `Precondition failed for ${route.plural} "${route.name}"`));
    }
    this.remove(route.group, route.plural, route.namespace, route.name!);
    this.reply(res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: route.name } });
  }
}
