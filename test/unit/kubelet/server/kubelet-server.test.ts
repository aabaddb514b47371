// The kubelet server over real TLS and WebSocket with the fake runtime: authentication, logs options, and the
// exec protocol (stdin, v5 half-close, resize, exit status) without Docker.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Transform } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import WebSocket from 'ws';
import { ensureCA, issueClientCert, issueServingCert } from '../../../../apiserver/server/certs.ts';
import { containerLabels } from '../../../../kubelet/runtime/naming.ts';
import type { ExecSession } from '../../../../kubelet/runtime/runtime.ts';
import { parseTarget, startKubeletServer, type KubeletServer } from '../../../../kubelet/server/kubelet-server.ts';
import { FakeRuntime } from '../../../helpers/fake-runtime.ts';

let dir: string;
let server: KubeletServer;
let client: { certPem: string; keyPem: string };
let appId: string;
const runtime = new FakeRuntime(['pause', 'busybox']);
const resizes: { cols: number; rows: number }[] = [];

/** An exec whose process upper-cases its stdin and exits with `code` once stdin ends. */
function upperCaseSession(code: number): ExecSession {
  const stdin = new PassThrough();
  const stdout = stdin.pipe(new Transform({ transform: (c: Buffer, _e, done) => done(null, c.toString().toUpperCase()) }));
  const stderr = new PassThrough();
  const exited = new Promise<number>((resolve) => stdout.on('end', () => { stderr.end(); resolve(code); }));
  return {
    stdin, stdout, stderr,
    resize: async (size) => { resizes.push(size); },
    wait: () => exited,
    close: () => { stdin.destroy(); },
  };
}

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-kubelet-server-unit-'));
  const ca = await ensureCA(dir);
  client = await issueClientCert(ca, { commonName: 'kube-apiserver-kubelet-client', organizations: [] });
  const tls = await issueServingCert(ca, { commonName: 'n1@kubelet', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  const pod = { name: 'p', namespace: 'ns', uid: 'u' };
  const sandbox = await runtime.createSandbox({ name: 'k8s_POD_p_ns_u_0', image: 'pause', hostname: 'p', portMappings: [], network: { mode: 'host' }, labels: {} });
  appId = await runtime.createContainer({
    name: 'k8s_app_p_ns_u_0', image: 'busybox', sandboxId: sandbox.id, pidNamespace: 'container', env: [], mounts: [],
    labels: containerLabels({ pod, containerName: 'app', restartCount: 0, nodeName: 'n1', sandboxId: sandbox.id, specHash: 'h' }),
  });
  await runtime.startContainer(appId);
  for (const line of ['one', 'two', 'three']) runtime.log(appId, line);
  runtime.execInContainer = async (_id, cmd) => upperCaseSession(Number(cmd[cmd.length - 1]));
  server = await startKubeletServer({
    host: '127.0.0.1', port: 0, tls, clientCaPem: ca.certPem, runtime, nodeName: 'n1', logger: pino({ level: 'silent' }),
  });
});

after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

function get(urlPath: string, withCert = true): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    https.get({
      host: '127.0.0.1', port: server.port, path: urlPath, rejectUnauthorized: false,
      ...(withCert ? { cert: client.certPem, key: client.keyPem } : {}),
    }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => { text += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    }).on('error', reject);
  });
}

interface Session { protocol: string; frames: Buffer[]; ws: WebSocket; closed: Promise<void> }

async function exec(query: string, protocols = ['v5.channel.k8s.io']): Promise<Session> {
  const ws = new WebSocket(`wss://127.0.0.1:${server.port}/exec/ns/p/app?${query}`, protocols, {
    rejectUnauthorized: false, cert: client.certPem, key: client.keyPem,
  });
  const frames: Buffer[] = [];
  ws.on('message', (d: Buffer) => frames.push(d));
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  return { protocol: ws.protocol, frames, ws, closed };
}

const channelText = (frames: Buffer[], ch: number): string => frames.filter((f) => f[0] === ch).map((f) => f.subarray(1).toString()).join('');

describe('paths', () => {
  it('take namespace, pod and container, with or without the pod UID', () => {
    assert.deepEqual(parseTarget('/exec/ns/p/app', 'exec'), { namespace: 'ns', pod: 'p', container: 'app' });
    assert.deepEqual(parseTarget('/exec/ns/p/uid-1/app', 'exec'), { namespace: 'ns', pod: 'p', container: 'app' });
    assert.equal(parseTarget('/exec/ns/p', 'exec'), undefined);
    assert.equal(parseTarget('/attach/ns/p/app', 'exec'), undefined);
  });
});

describe('HTTP endpoints', () => {
  it('refuse clients without a certificate from the client CA', async () => {
    assert.equal((await get('/healthz', false)).status, 401);
    assert.deepEqual(await get('/healthz'), { status: 200, text: 'ok\n' });
  });

  it('serve logs with tailLines and limitBytes, and 404 for an unknown container', async () => {
    assert.deepEqual(await get('/containerLogs/ns/p/app'), { status: 200, text: 'one\ntwo\nthree\n' });
    assert.deepEqual(await get('/containerLogs/ns/p/app?tailLines=1'), { status: 200, text: 'three\n' });
    assert.deepEqual(await get('/containerLogs/ns/p/app?limitBytes=6'), { status: 200, text: 'one\ntw' });
    const missing = await get('/containerLogs/ns/p/nope');
    assert.equal(missing.status, 404);
    assert.equal((await get('/containerLogs/ns/p/app?previous=true')).status, 400);
  });

  it('answer exec without an upgrade with 400', async () => {
    assert.deepEqual(await get('/exec/ns/p/app?command=ls&output=1'), { status: 400, text: 'Upgrade request required\n' });
  });
});

describe('exec over WebSocket', () => {
  it('v5: stdin in, output out, half-close ends stdin, exit code as NonZeroExitCode', async () => {
    const s = await exec('command=upper&command=2&input=1&output=1&error=1');
    assert.equal(s.protocol, 'v5.channel.k8s.io');
    s.ws.send(Buffer.from([0, ...Buffer.from('hello ')]));
    s.ws.send(Buffer.from([0, ...Buffer.from('world')]));
    s.ws.send(Buffer.from([255, 0]));
    await s.closed;
    assert.equal(channelText(s.frames, 1), 'HELLO WORLD');
    const status = JSON.parse(channelText(s.frames, 3));
    assert.equal(status.reason, 'NonZeroExitCode');
    assert.deepEqual(status.details.causes, [{ reason: 'ExitCode', message: '2' }]);
  });

  it('v4 is spoken too, and a zero exit is a Success status', async () => {
    const s = await exec('command=upper&command=0&input=1&output=1', ['v4.channel.k8s.io']);
    assert.equal(s.protocol, 'v4.channel.k8s.io');
    s.ws.send(Buffer.from([0, ...Buffer.from('x')]));
    // v4 has no half-close frame; the client ends the session by closing.
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(channelText(s.frames, 1), 'X');
    s.ws.close();
    await s.closed;
  });

  it('passes terminal resizes with a TTY', async () => {
    resizes.length = 0;
    const s = await exec('command=upper&command=0&input=1&output=1&tty=1');
    s.ws.send(Buffer.concat([Buffer.from([4]), Buffer.from('{"Width":120,"Height":40}')]));
    s.ws.send(Buffer.from([255, 0]));
    await s.closed;
    assert.deepEqual(resizes, [{ cols: 120, rows: 40 }]);
    assert.deepEqual(JSON.parse(channelText(s.frames, 3)), { metadata: {}, status: 'Success' });
  });

  it('reports a session that cannot start on the error channel', async () => {
    const saved = runtime.execInContainer;
    runtime.execInContainer = async () => { throw new Error('container not running'); };
    try {
      const s = await exec('command=ls&output=1');
      await s.closed;
      const status = JSON.parse(channelText(s.frames, 3));
      assert.equal(status.status, 'Failure');
      assert.match(status.message, /container not running/);
    } finally {
      runtime.execInContainer = saved;
    }
  });

  it('refuses an unknown container, a missing command and unknown subprotocols before upgrading', async () => {
    const refused = (url: string, protocols: string[]): Promise<number> => new Promise((resolve, reject) => {
      const ws = new WebSocket(`wss://127.0.0.1:${server.port}${url}`, protocols, { rejectUnauthorized: false, cert: client.certPem, key: client.keyPem });
      ws.once('unexpected-response', (req, res) => { resolve(res.statusCode ?? 0); req.destroy(); });
      ws.once('open', () => { ws.close(); reject(new Error('upgraded')); });
    });
    assert.equal(await refused('/exec/ns/p/nope?command=ls&output=1', ['v5.channel.k8s.io']), 404);
    assert.equal(await refused('/exec/ns/p/app?output=1', ['v5.channel.k8s.io']), 400);
    assert.equal(await refused('/exec/ns/p/app?command=ls', ['v5.channel.k8s.io']), 400);
    assert.equal(await refused('/exec/ns/p/app?command=ls&output=1', ['channel.k8s.io']), 400);
  });
});
