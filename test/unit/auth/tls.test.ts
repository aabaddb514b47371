// Real TLS on 127.0.0.1: fastify serving with the issued certificate and tlsServerOptions, clients trusting the
// CA, and client certificates turned into users by authenticateRequest.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import Fastify, { type FastifyInstance } from 'fastify';
import { authenticateRequest, TokenAuthenticator, tlsServerOptions } from '../../../apiserver/server/authn.ts';
import {
  ensureCA, ensureServingCert, issueClientCert, issueServingCert, type CertKeyPair, type LoadedCA,
} from '../../../apiserver/server/certs.ts';
import { tempDir } from './helpers.ts';

interface Reply {
  status: number;
  body: string;
  protocol: string | null;
}

function get(port: number, opts: { ca: string; client?: CertKeyPair; token?: string; servername?: string; host?: string }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: opts.host ?? '127.0.0.1', port, path: '/whoami', method: 'GET', agent: false, ca: opts.ca,
      cert: opts.client?.certPem, key: opts.client?.keyPem, servername: opts.servername,
      headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({
        status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(),
        protocol: (res.socket as import('node:tls').TLSSocket).getProtocol?.() ?? null,
      }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function listen(app: FastifyInstance): Promise<number> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return (app.server.address() as AddressInfo).port;
}

describe('TLS with the issued serving certificate', () => {
  let ca: LoadedCA;
  let app: FastifyInstance;
  let port: number;

  before(async () => {
    const dir = tempDir();
    ca = await ensureCA(dir);
    const serving = await ensureServingCert(dir, ca);
    app = Fastify({ https: tlsServerOptions(serving) });
    app.get('/whoami', async () => 'hello');
    port = await listen(app);
  });
  after(() => app.close());

  it('completes a verified handshake by IP and by name, over TLS 1.2 or newer', async () => {
    const byIP = await get(port, { ca: ca.certPem });
    assert.equal(byIP.status, 200);
    assert.equal(byIP.body, 'hello');
    assert.ok(byIP.protocol === 'TLSv1.3' || byIP.protocol === 'TLSv1.2', String(byIP.protocol));
    const byName = await get(port, { ca: ca.certPem, host: 'localhost' });
    assert.equal(byName.status, 200);
    const byServiceName = await get(port, { ca: ca.certPem, servername: 'kubernetes.default.svc.cluster.local' });
    assert.equal(byServiceName.status, 200);
  });

  it('fails verification for a name the certificate does not cover', async () => {
    await assert.rejects(get(port, { ca: ca.certPem, servername: 'evil.example.test' }), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });

  it('fails verification for a client that trusts another CA', async () => {
    const other = await ensureCA(tempDir());
    await assert.rejects(get(port, { ca: other.certPem }), /self[- ]signed|unable to verify|UNABLE_TO_VERIFY_LEAF_SIGNATURE/i);
  });

  it('does not ask for client certificates when no client CA is configured', () => {
    const opts = tlsServerOptions({ certPath: ca.certPath, keyPath: ca.keyPath });
    assert.equal(opts.requestCert, false);
    assert.equal(opts.ca, undefined);
    assert.equal(opts.rejectUnauthorized, false);
    assert.equal(opts.minVersion, 'TLSv1.2');
  });
});

describe('client certificate authentication', () => {
  let dir: string;
  let ca: LoadedCA;
  let app: FastifyInstance;
  let port: number;
  let tokenFile: string;

  before(async () => {
    dir = tempDir();
    ca = await ensureCA(dir);
    const serving = await ensureServingCert(dir, ca);
    tokenFile = path.join(dir, 'tokens.csv');
    writeFileSync(tokenFile, 'good-token,token-user,uid-7,"team-a"\n', { mode: 0o600 });
    const tokens = new TokenAuthenticator(tokenFile);
    app = Fastify({ https: tlsServerOptions({ ...serving, clientCAPath: ca.certPath }) });
    app.get('/whoami', async (request) => {
      const result = await authenticateRequest(request.raw, { tokens, clientCA: true });
      return { result };
    });
    port = await listen(app);
  });
  after(() => app.close());

  const whoami = async (opts: { client?: CertKeyPair; token?: string }): Promise<unknown> => {
    const reply = await get(port, { ca: ca.certPem, ...opts });
    assert.equal(reply.status, 200, reply.body);
    return (JSON.parse(reply.body) as { result: unknown }).result;
  };

  it('maps the CN to the user and each O to a group, plus system:authenticated', async () => {
    const client = await issueClientCert(ca, { commonName: 'system:node:worker-1', organizations: ['system:nodes', 'ops'] });
    assert.deepEqual(await whoami({ client }), {
      name: 'system:node:worker-1', groups: ['system:nodes', 'ops', 'system:authenticated'],
    });
  });

  it('keeps commas and equals signs inside a name as they are', async () => {
    const client = await issueClientCert(ca, { commonName: 'we+ird, CN=admin', organizations: ['a,b=c', 'O=system:masters'] });
    assert.deepEqual(await whoami({ client }), {
      name: 'we+ird, CN=admin', groups: ['a,b=c', 'O=system:masters', 'system:authenticated'],
    });
  });

  it('lets a client without a certificate connect: anonymous, or a token user', async () => {
    assert.equal(await whoami({}), null);
    assert.deepEqual(await whoami({ token: 'good-token' }), { name: 'token-user', uid: 'uid-7', groups: ['team-a', 'system:authenticated'] });
  });

  it('rejects a certificate from another CA as invalid, not as anonymous', async () => {
    const other = await ensureCA(tempDir());
    const client = await issueClientCert(other, { commonName: 'admin', organizations: ['system:masters'] });
    assert.equal(await whoami({ client }), 'invalid');
  });

  it('rejects a serving certificate used as a client certificate (no clientAuth usage)', async () => {
    const serverOnly = await issueServingCert(ca, { commonName: 'admin', dnsNames: ['admin'], ipAddresses: [] });
    assert.equal(await whoami({ client: serverOnly }), 'invalid');
  });

  it('tries the certificate first, then the token, as kube-apiserver does', async () => {
    const client = await issueClientCert(ca, { commonName: 'cert-user', organizations: [] });
    assert.deepEqual(await whoami({ client, token: 'not-a-token' }), { name: 'cert-user', groups: ['system:authenticated'] });
    const other = await ensureCA(tempDir());
    const foreign = await issueClientCert(other, { commonName: 'x', organizations: [] });
    assert.deepEqual(await whoami({ client: foreign, token: 'good-token' }),
      { name: 'token-user', uid: 'uid-7', groups: ['team-a', 'system:authenticated'] });
    assert.equal(await whoami({ client: foreign, token: 'bad-token' }), 'invalid');
  });

  it('ignores client certificates when client-certificate authentication is off', async () => {
    const client = await issueClientCert(ca, { commonName: 'cert-user', organizations: [] });
    const local = Fastify({ https: tlsServerOptions({ certPath: path.join(dir, 'apiserver.crt'), keyPath: path.join(dir, 'apiserver.key'), clientCAPath: ca.certPath }) });
    local.get('/whoami', async (request) => ({ result: await authenticateRequest(request.raw, { clientCA: false }) }));
    const localPort = await listen(local);
    try {
      const reply = await get(localPort, { ca: ca.certPem, client });
      assert.deepEqual(JSON.parse(reply.body), { result: null });
    } finally {
      await local.close();
    }
  });
});

const hasKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

// Go's TLS and x509 code is stricter than Node's and OpenSSL's in places (issuer names are matched byte for byte,
// serial numbers must be positive, keys must parse as PKCS#8/SEC1); kubectl is the client that matters.
describe('kubectl (Go) against the issued certificates', { skip: !hasKubectl && 'kubectl is not installed' }, () => {
  let dir: string;
  let ca: LoadedCA;
  let app: FastifyInstance;
  let port: number;

  before(async () => {
    dir = tempDir();
    ca = await ensureCA(dir);
    const serving = await ensureServingCert(dir, ca);
    const tokenFile = path.join(dir, 'tokens.csv');
    writeFileSync(tokenFile, 'kubectl-token,token-admin,1,system:masters\n', { mode: 0o600 });
    const tokens = new TokenAuthenticator(tokenFile);
    app = Fastify({ https: tlsServerOptions({ ...serving, clientCAPath: ca.certPath }) });
    app.get('/whoami', async (request) => ({ result: await authenticateRequest(request.raw, { tokens, clientCA: true }) }));
    port = await listen(app);
  });
  after(() => app.close());

  // Asynchronous on purpose: a synchronous child would block the event loop the server answers on.
  async function kubectlWhoami(server: string, user: Record<string, string>): Promise<unknown> {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const kubeconfig = path.join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}`);
    writeFileSync(kubeconfig, JSON.stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'c',
      clusters: [{ name: 'c', cluster: { server, 'certificate-authority-data': b64(ca.certPem) } }],
      users: [{ name: 'u', user }],
      contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
    }), { mode: 0o600 });
    const { stdout } = await promisify(execFile)('kubectl', ['--kubeconfig', kubeconfig, 'get', '--raw', '/whoami'], { encoding: 'utf8' });
    return (JSON.parse(stdout) as { result: unknown }).result;
  }

  it('verifies the serving certificate by name and by IP, and authenticates with a client certificate', async () => {
    const client = await issueClientCert(ca, { commonName: 'kube-admin', organizations: ['system:masters'] });
    const user = {
      'client-certificate-data': Buffer.from(client.certPem).toString('base64'),
      'client-key-data': Buffer.from(client.keyPem).toString('base64'),
    };
    const want = { name: 'kube-admin', groups: ['system:masters', 'system:authenticated'] };
    assert.deepEqual(await kubectlWhoami(`https://localhost:${port}`, user), want);
    assert.deepEqual(await kubectlWhoami(`https://127.0.0.1:${port}`, user), want);
  });

  it('authenticates with a bearer token', async () => {
    assert.deepEqual(await kubectlWhoami(`https://127.0.0.1:${port}`, { token: 'kubectl-token' }),
      { name: 'token-admin', uid: '1', groups: ['system:masters', 'system:authenticated'] });
  });
});
