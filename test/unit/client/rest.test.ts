import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { resourceFor } from '../../../apiserver/api/resources.ts';
import type { Pod } from '../../../apiserver/api/types.ts';
import { resourcePath } from '../../../apiserver/client/paths.ts';
import { RestClient } from '../../../apiserver/client/rest.ts';
import {
  ApiStatusError, NotLeaderError, isAlreadyExists, isConflict, isNotFound, statusFromResponse,
} from '../../../apiserver/client/status-error.ts';
import { FakeApiServer } from './fake-apiserver.ts';

const pods = resourceFor('', 'v1', 'pods')!;
const nodes = resourceFor('', 'v1', 'nodes')!;
const deployments = resourceFor('apps', 'v1', 'deployments')!;
const leases = resourceFor('coordination.k8s.io', 'v1', 'leases')!;
const quiet = pino({ level: 'silent' });

describe('resource paths', () => {
  test('namespaced, all-namespaces, named groups, cluster-scoped and subresources', () => {
    assert.equal(resourcePath(pods, 'default'), '/api/v1/namespaces/default/pods');
    assert.equal(resourcePath(pods, undefined), '/api/v1/pods');
    assert.equal(resourcePath(pods, 'kube-system', 'web-0'), '/api/v1/namespaces/kube-system/pods/web-0');
    assert.equal(resourcePath(pods, 'ns', 'web-0', 'binding'), '/api/v1/namespaces/ns/pods/web-0/binding');
    assert.equal(resourcePath(deployments, 'ns', 'web', 'scale'), '/apis/apps/v1/namespaces/ns/deployments/web/scale');
    assert.equal(resourcePath(deployments, undefined), '/apis/apps/v1/deployments');
    assert.equal(resourcePath(leases, 'kube-system', 'cm'), '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/cm');
    // Cluster-scoped kinds never get a namespace segment, even when one is passed (kubectl -n does the same).
    assert.equal(resourcePath(nodes, 'default', 'n1'), '/api/v1/nodes/n1');
    assert.equal(resourcePath(nodes, undefined, 'n1', 'status'), '/api/v1/nodes/n1/status');
    assert.equal(resourcePath(pods, 'a b', 'x/y'), '/api/v1/namespaces/a%20b/pods/x%2Fy');
    assert.throws(() => resourcePath(pods, undefined, 'web-0'), /namespaced/);
    assert.throws(() => resourcePath(pods, 'ns', ''), /empty name/);
  });
});

describe('Status errors', () => {
  test('a Status body is kept; anything else becomes a synthesized Status', () => {
    const s = statusFromResponse(404, JSON.stringify({
      kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', message: 'pods "x" not found', code: 404,
      details: { name: 'x', kind: 'pods' },
    }));
    assert.deepEqual([s.code, s.reason, s.message, s.details?.name], [404, 'NotFound', 'pods "x" not found', 'x']);
    const synthesized = statusFromResponse(502, '<html>bad gateway</html>');
    assert.deepEqual([synthesized.kind, synthesized.code, synthesized.reason], ['Status', 502, 'InternalError']);
    assert.match(synthesized.message ?? '', /HTTP 502: <html>bad gateway<\/html>/);
    assert.equal(statusFromResponse(409, '', 'POST').reason, 'AlreadyExists');
    assert.equal(statusFromResponse(409, '', 'PUT').reason, 'Conflict');
    assert.equal(statusFromResponse(410, 'gone').reason, 'Expired');
  });
});

describe('RestClient against a fake apiserver', () => {
  const fake = new FakeApiServer();
  let client: RestClient;
  before(async () => {
    client = new RestClient({ server: await fake.start(), token: 'sekret', logger: quiet, maxRetries: 2 });
  });
  after(async () => {
    client.close();
    await fake.close();
  });

  test('CRUD on a namespaced kind, with the bearer token and JSON content type', async () => {
    const created = await client.create<Pod>(pods, 'default', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', labels: { app: 'web' } },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });
    assert.ok(created.metadata?.uid);
    const post = fake.requests.at(-1)!;
    assert.deepEqual([post.method, post.path], ['POST', '/api/v1/namespaces/default/pods']);
    assert.equal(post.headers.authorization, 'Bearer sekret');
    assert.equal(post.headers['content-type'], 'application/json');
    assert.equal(post.headers['x-skiff-fence'], undefined, 'an unfenced client sends no fence');

    const got = await client.get<Pod>(pods, 'default', 'web-0');
    assert.equal(got.spec?.containers[0].image, 'busybox');

    await client.create<Pod>(pods, 'default', { metadata: { name: 'web-1', labels: { app: 'other' } } });
    const list = await client.list<Pod>(pods, 'default', { labelSelector: 'app=web', limit: 10 });
    assert.deepEqual(list.items.map((p) => p.metadata?.name), ['web-0']);
    const listReq = fake.requests.at(-1)!;
    assert.equal(listReq.query.get('labelSelector'), 'app=web');
    assert.equal(listReq.query.get('limit'), '10');

    const patched = await client.patch<Pod>(pods, 'default', 'web-0', { metadata: { labels: { tier: 'front' } } }, 'merge');
    assert.deepEqual(patched.metadata?.labels, { app: 'web', tier: 'front' });
    assert.equal(fake.requests.at(-1)!.headers['content-type'], 'application/merge-patch+json');

    await client.delete(pods, 'default', 'web-1', { propagationPolicy: 'Background', gracePeriodSeconds: 0 });
    const del = fake.requests.at(-1)!;
    assert.deepEqual(JSON.parse(del.body), {
      kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background', gracePeriodSeconds: 0,
    });
    await assert.rejects(client.get(pods, 'default', 'web-1'), (e) => isNotFound(e));
  });

  test('update is a compare-and-swap on resourceVersion; status and subresources have their own paths', async () => {
    const pod = await client.create<Pod>(pods, 'cas', { metadata: { name: 'p' }, spec: { containers: [] } });
    const updated = await client.update<Pod>(pods, 'cas', { ...pod, metadata: { ...pod.metadata, labels: { v: '2' } } });
    assert.notEqual(updated.metadata?.resourceVersion, pod.metadata?.resourceVersion);
    // The stale copy loses.
    const stale = client.update<Pod>(pods, 'cas', { ...pod, metadata: { ...pod.metadata, labels: { v: 'stale' } } });
    await assert.rejects(stale, (e: unknown) => {
      assert.ok(e instanceof ApiStatusError);
      assert.equal(e.code, 409);
      assert.equal(e.reason, 'Conflict');
      assert.match(e.message, /has been modified/);
      return isConflict(e);
    });
    await assert.rejects(client.create<Pod>(pods, 'cas', { metadata: { name: 'p' } }), (e) => isAlreadyExists(e));

    await client.updateStatus<Pod>(pods, 'cas', { ...updated, status: { phase: 'Running' } });
    assert.equal(fake.requests.at(-1)!.path, '/api/v1/namespaces/cas/pods/p/status');
    assert.equal((await client.get<Pod>(pods, 'cas', 'p')).status?.phase, 'Running');

    await client.createSubresource(pods, 'cas', 'p', 'binding', {
      apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p' }, target: { kind: 'Node', name: 'n1' },
    });
    assert.equal((await client.get<Pod>(pods, 'cas', 'p')).spec?.nodeName, 'n1');
    await assert.rejects(client.createSubresource(pods, 'cas', 'p', 'binding', { target: { name: 'n2' } }),
      /already assigned to node n1/);
    await assert.rejects(client.delete(pods, 'cas', 'p', { preconditions: { uid: 'not-the-uid' } }), (e) => isConflict(e));
  });

  test('cluster-scoped kinds and named groups', async () => {
    await client.create(nodes, undefined, { metadata: { name: 'n1' } });
    assert.equal(fake.requests.at(-1)!.path, '/api/v1/nodes');
    assert.equal((await client.get(nodes, undefined, 'n1')).metadata?.name, 'n1');
    await client.create(deployments, 'apps-ns', { metadata: { name: 'd' } });
    assert.equal(fake.requests.at(-1)!.path, '/apis/apps/v1/namespaces/apps-ns/deployments');
  });

  test('non-Status error bodies still give an ApiStatusError', async () => {
    fake.intercept = (req) => (req.path.endsWith('/broken') ? { status: 502, body: 'upstream went away' } : 'pass');
    try {
      await assert.rejects(client.get(nodes, undefined, 'broken'), (e: unknown) => {
        assert.ok(e instanceof ApiStatusError);
        assert.deepEqual([e.code, e.reason, e.status.kind], [502, 'InternalError', 'Status']);
        assert.match(e.message, /upstream went away/);
        return true;
      });
    } finally {
      fake.intercept = undefined;
    }
  });

  test('429 with Retry-After is retried; without it, it is thrown', async () => {
    let refusals = 0;
    fake.intercept = (req) => {
      if (!req.path.endsWith('/n1')) return 'pass';
      refusals++;
      return refusals <= 2 ? { status: 429, body: { kind: 'Status', code: 429, reason: 'TooManyRequests' }, headers: { 'Retry-After': '0' } } : 'pass';
    };
    try {
      assert.equal((await client.get(nodes, undefined, 'n1')).metadata?.name, 'n1');
      assert.equal(refusals, 3);
      fake.intercept = () => ({ status: 429, body: { kind: 'Status', code: 429, reason: 'TooManyRequests', message: 'slow down' } });
      await assert.rejects(client.get(nodes, undefined, 'n1'), /slow down/);
    } finally {
      fake.intercept = undefined;
    }
  });

  test('a fenced client sends X-Skiff-Fence on writes only, and sends nothing without a token', async () => {
    let token: string | undefined = 'kube-system/cm/me/3';
    const fenced = client.withFence(() => token);
    const before = fake.requests.length;
    // The fake checks fences against leases; make the named lease current.
    fake.put('coordination.k8s.io', 'leases', {
      metadata: { name: 'cm', namespace: 'kube-system' },
      spec: { holderIdentity: 'me', leaseTransitions: 3, leaseDurationSeconds: 60 },
    });
    await fenced.create(nodes, undefined, { metadata: { name: 'fenced-node' } });
    await fenced.get(nodes, undefined, 'fenced-node');
    await fenced.patch(nodes, undefined, 'fenced-node', { metadata: { labels: { a: 'b' } } }, 'merge');
    await fenced.delete(nodes, undefined, 'fenced-node');
    const sent = fake.requests.slice(before).map((r) => [r.method, r.headers['x-skiff-fence']]);
    assert.deepEqual(sent, [
      ['POST', 'kube-system/cm/me/3'], ['GET', undefined], ['PATCH', 'kube-system/cm/me/3'], ['DELETE', 'kube-system/cm/me/3'],
    ]);

    token = 'kube-system/cm/me/2';
    await assert.rejects(fenced.create(nodes, undefined, { metadata: { name: 'old-term' } }), (e) => isConflict(e));

    token = undefined;
    const count = fake.requests.length;
    await assert.rejects(fenced.create(nodes, undefined, { metadata: { name: 'x' } }), NotLeaderError);
    assert.equal(fake.requests.length, count, 'the refused write never reached the server');
    assert.equal((await fenced.get(nodes, undefined, 'n1')).metadata?.name, 'n1', 'reads need no token');
  });

  test('a request the server never answers times out', async () => {
    fake.intercept = (req) => (req.path.endsWith('/slow') ? 'hang' : 'pass');
    try {
      await assert.rejects(client.request('GET', '/api/v1/nodes/slow', { timeoutMs: 100 }), /no answer within 100 ms/);
    } finally {
      fake.intercept = undefined;
    }
  });
});

describe('TLS', () => {
  let dir: string;
  let server: https.Server;
  let url: string;
  const seen: { cn?: string; auth?: string }[] = [];

  function openssl(...args: string[]): void {
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  }

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-tls-'));
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=test-ca');
    fs.writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:apiserver.test\n');
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=apiserver');
    openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '1', '-extfile', 'san.ext');
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=system:kube-scheduler');
    openssl('x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.crt', '-days', '1');
    const read = (f: string): string => fs.readFileSync(path.join(dir, f), 'utf8');
    server = https.createServer({
      key: read('server.key'), cert: read('server.crt'), ca: read('ca.crt'), requestCert: true, rejectUnauthorized: false,
    }, (req, res) => {
      const cert = (req.socket as import('node:tls').TLSSocket).getPeerCertificate();
      seen.push({ cn: cert?.subject?.CN ? String(cert.subject.CN) : undefined, auth: req.headers.authorization });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Node', metadata: { name: 'n1' } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('trusts only its own CA, presents its client certificate, and honours tls-server-name', async () => {
    const read = (f: string): string => fs.readFileSync(path.join(dir, f), 'utf8');
    const client = new RestClient({ server: url, ca: read('ca.crt'), cert: read('client.crt'), key: read('client.key'), logger: quiet });
    assert.equal((await client.get(nodes, undefined, 'n1')).metadata?.name, 'n1');
    assert.equal(seen.at(-1)?.cn, 'system:kube-scheduler');
    client.close();

    const byName = new RestClient({ server: url, ca: read('ca.crt'), tlsServerName: 'apiserver.test', token: 't', logger: quiet });
    await byName.get(nodes, undefined, 'n1');
    assert.deepEqual(seen.at(-1), { cn: undefined, auth: 'Bearer t' });
    byName.close();

    const untrusting = new RestClient({ server: url, logger: quiet });
    await assert.rejects(untrusting.get(nodes, undefined, 'n1'), /self[- ]signed|unable to verify|certificate/i);
    untrusting.close();

    const insecure = new RestClient({ server: url, insecureSkipTLSVerify: true, logger: quiet });
    assert.equal((await insecure.get(nodes, undefined, 'n1')).metadata?.name, 'n1');
    insecure.close();
  });

  test('plain http servers work too (local development)', async () => {
    let url = '';
    const plain = http.createServer((req, res) => { url = req.url ?? ''; res.end('{"ok":true}'); });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    const client = new RestClient({ server: `http://127.0.0.1:${(plain.address() as AddressInfo).port}/prefix/`, logger: quiet });
    assert.deepEqual(await client.request('GET', '/healthz'), { ok: true });
    assert.equal(url, '/prefix/healthz', 'a path prefix in the server URL is kept');
    client.close();
    plain.closeAllConnections();
    await new Promise<void>((resolve) => plain.close(() => resolve()));
  });
});
