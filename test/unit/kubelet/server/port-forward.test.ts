// The kubelet's /portForward endpoint over real TLS with the fake runtime, both upgrades kubectl makes: the
// WebSocket tunnel (`SPDY/3.1+portforward.k8s.io`, SPDY bytes in binary messages) and plain `Upgrade: SPDY/3.1`.
// The "pod" is a TCP echo server on a loopback address that stands for its IP; its refusals read as the kubelet's.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { ensureCA, issueClientCert, issueServingCert } from '../../../../apiserver/server/certs.ts';
import { sandboxLabels } from '../../../../kubelet/runtime/naming.ts';
import type { SandboxNetwork } from '../../../../kubelet/runtime/runtime.ts';
import { startKubeletServer, type KubeletServer } from '../../../../kubelet/server/kubelet-server.ts';
import { parsePortForwardPath } from '../../../../kubelet/server/port-forward.ts';
import { FakeRuntime } from '../../../helpers/fake-runtime.ts';
import { SpdyTestClient } from '../../../helpers/spdy-client.ts';

let dir: string;
let server: KubeletServer;
let client: { certPem: string; keyPem: string };
let echo: net.Server;
let echoPort: number;
let stoppedId: string;
const runtime = new FakeRuntime(['pause']);

async function sandbox(name: string, network: SandboxNetwork): Promise<string> {
  const pod = { name, namespace: 'ns', uid: `uid-${name}` };
  return (await runtime.createSandbox({
    name: `k8s_POD_${name}_ns_${pod.uid}_0`, image: 'pause', hostname: name, portMappings: [], network,
    labels: sandboxLabels({ pod, attempt: 0, nodeName: 'n1' }),
  })).id;
}

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-port-forward-unit-'));
  const ca = await ensureCA(dir);
  client = await issueClientCert(ca, { commonName: 'kube-apiserver-kubelet-client', organizations: [] });
  const tls = await issueServingCert(ca, { commonName: 'n1@kubelet', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  // The pod "web" has its own address (127.0.0.2 stands for it); "host" is on the node's network (127.0.0.1).
  await sandbox('web', { mode: 'network', network: 'pods', ip: '127.0.0.2' });
  await sandbox('host', { mode: 'host' });
  stoppedId = await sandbox('stopped', { mode: 'network', network: 'pods', ip: '127.0.0.2' });
  await runtime.stopContainer(stoppedId, 0);
  echo = net.createServer({ allowHalfOpen: true }, (socket) => {
    socket.on('data', (d: Buffer) => socket.write(d));
    socket.on('end', () => socket.end());
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.2', resolve));
  echoPort = (echo.address() as net.AddressInfo).port;
  server = await startKubeletServer({
    host: '127.0.0.1', port: 0, tls, clientCaPem: ca.certPem, runtime, nodeName: 'n1', logger: pino({ level: 'silent' }),
  });
});

after(async () => {
  await server?.close();
  await new Promise<void>((resolve) => (echo ? echo.close(() => resolve()) : resolve()));
  rmSync(dir, { recursive: true, force: true });
});

type Upgraded = { socket: Duplex; res: IncomingMessage } | { status: number; text: string };

function upgrade(pod: string, headers: Record<string, string>, withCert = true): Promise<Upgraded> {
  return new Promise((resolve, reject) => {
    const req = https.request({
      // WebSocket handshakes are GETs (RFC 6455); kubectl's SPDY upgrade is a POST.
      host: '127.0.0.1', port: server.port, path: `/portForward/ns/${pod}`, method: headers.Upgrade === 'websocket' ? 'GET' : 'POST',
      rejectUnauthorized: false,
      headers: { Connection: 'Upgrade', ...headers }, ...(withCert ? { cert: client.certPem, key: client.keyPem } : {}),
    });
    req.on('upgrade', (res, socket, head) => {
      if (head.length > 0) socket.unshift(head);
      resolve({ socket, res });
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d: Buffer) => { text += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

const spdyHeaders = { Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'portforward.k8s.io' };
const wsHeaders = {
  Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
  'Sec-WebSocket-Protocol': 'SPDY/3.1+portforward.k8s.io',
};

/** A SPDY client on a raw upgraded socket. */
function spdyOver(socket: Duplex): SpdyTestClient {
  const c = new SpdyTestClient((bytes) => socket.write(bytes));
  socket.on('data', (d: Buffer) => c.receive(d));
  return c;
}

/**
 * A SPDY client inside a WebSocket, framed by hand: Node 20 has no WebSocket client, and ws refuses a subprotocol
 * with '/' in it. Client frames are masked binary messages; server frames come unmasked.
 */
function spdyOverWebSocket(socket: Duplex): { spdy: SpdyTestClient; closeCode: Promise<number> } {
  const spdy = new SpdyTestClient((payload) => {
    const mask = randomBytes(4);
    const head = payload.length < 126 ? Buffer.from([0x82, 0x80 | payload.length])
      : payload.length < 65536 ? Buffer.from([0x82, 0x80 | 126, payload.length >> 8, payload.length & 0xff])
        : Buffer.concat([Buffer.from([0x82, 0x80 | 127]), (() => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(payload.length)); return b; })()]);
    socket.write(Buffer.concat([head, mask, payload.map((b, i) => b ^ mask[i % 4])]));
  });
  let pending = Buffer.alloc(0);
  let resolveClose!: (code: number) => void;
  const closeCode = new Promise<number>((resolve) => { resolveClose = resolve; });
  socket.on('data', (d: Buffer) => {
    pending = Buffer.concat([pending, d]);
    for (;;) {
      if (pending.length < 2) return;
      let length = pending[1] & 0x7f;
      let at = 2;
      if (length === 126) { if (pending.length < 4) return; length = pending.readUInt16BE(2); at = 4; }
      if (length === 127) { if (pending.length < 10) return; length = Number(pending.readBigUInt64BE(2)); at = 10; }
      if (pending.length < at + length) return;
      const opcode = pending[0] & 0x0f;
      const payload = pending.subarray(at, at + length);
      pending = pending.subarray(at + length);
      if (opcode === 0x2) spdy.receive(payload);
      else if (opcode === 0x8) resolveClose(payload.readUInt16BE(0));
    }
  });
  socket.on('close', () => resolveClose(-1));
  return { spdy, closeCode };
}

async function roundTrip(spdy: SpdyTestClient, port: number, requestId: number, payload: Buffer): Promise<Buffer> {
  const { error, data } = spdy.forward(port, requestId);
  await spdy.until('both replies', () => spdy.stream(error).replied && spdy.stream(data).replied);
  spdy.data(data, payload, true);
  await spdy.until('the echo to end', () => spdy.stream(data).fin, 10_000);
  assert.equal(spdy.stream(error).data.toString(), '');
  return spdy.stream(data).data;
}

describe('parsePortForwardPath', () => {
  it('takes /portForward/{namespace}/{pod} with or without the pod uid', () => {
    assert.deepEqual(parsePortForwardPath('/portForward/ns/web'), { namespace: 'ns', pod: 'web' });
    assert.deepEqual(parsePortForwardPath('/portForward/ns/web/uid-1'), { namespace: 'ns', pod: 'web' });
    assert.equal(parsePortForwardPath('/portForward/ns'), undefined);
    assert.equal(parsePortForwardPath('/portForward/ns//x'), undefined);
    assert.equal(parsePortForwardPath('/exec/ns/web/c'), undefined);
  });
});

describe('/portForward', () => {
  it('tunnels SPDY through a WebSocket to the pod\'s address: bytes both ways, several requests', async () => {
    const up = await upgrade('web', wsHeaders);
    assert.ok('socket' in up, JSON.stringify(up));
    assert.equal(up.res.headers['sec-websocket-protocol'], 'SPDY/3.1+portforward.k8s.io');
    const { spdy, closeCode } = spdyOverWebSocket(up.socket);
    try {
      const big = randomBytes(1 << 20);
      const [a, b] = await Promise.all([roundTrip(spdy, echoPort, 0, big), roundTrip(spdy, echoPort, 1, Buffer.from('small'))]);
      assert.ok(a.equals(big), `echoed ${a.length} of ${big.length} bytes`);
      assert.equal(b.toString(), 'small');
      spdy.ping(1);
      await spdy.until('the pong', () => spdy.events.some((e) => e.type === 'ping'));
      spdy.goAway();
      assert.equal(await closeCode, 1000, 'GOAWAY with nothing open ends the tunnel with a normal close');
    } finally {
      spdy.close();
      up.socket.destroy();
    }
  });

  it('serves a plain SPDY/3.1 upgrade, answering with the protocol it speaks', async () => {
    const up = await upgrade('web', spdyHeaders);
    assert.ok('socket' in up, JSON.stringify(up));
    assert.equal(up.res.headers['x-stream-protocol-version'], 'portforward.k8s.io');
    const spdy = spdyOver(up.socket);
    try {
      assert.equal((await roundTrip(spdy, echoPort, 0, Buffer.from('plain'))).toString(), 'plain');
    } finally {
      spdy.close();
      up.socket.destroy();
    }
  });

  it('dials the node\'s loopback for a pod on the host\'s network', async () => {
    const local = net.createServer((s) => s.end('from the host\n'));
    await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve));
    const up = await upgrade('host', spdyHeaders);
    assert.ok('socket' in up);
    const spdy = spdyOver(up.socket);
    try {
      const { data } = spdy.forward((local.address() as net.AddressInfo).port, 0);
      await spdy.until('the answer', () => spdy.stream(data).fin);
      assert.equal(spdy.stream(data).data.toString(), 'from the host\n');
    } finally {
      spdy.close();
      up.socket.destroy();
      local.close();
    }
  });

  it('reports a stopped sandbox on the error stream', async () => {
    const up = await upgrade('stopped', spdyHeaders);
    assert.ok('socket' in up);
    const spdy = spdyOver(up.socket);
    try {
      const { error } = spdy.forward(echoPort, 0);
      await spdy.until('the error', () => spdy.stream(error).fin);
      assert.equal(spdy.stream(error).data.toString(), `error forwarding port ${echoPort} to pod , uid : container not running (${stoppedId})`);
    } finally {
      spdy.close();
      up.socket.destroy();
    }
  });

  it('refuses what the kubelet refuses, before switching protocols', async () => {
    assert.deepEqual(await upgrade('nope', spdyHeaders), { status: 404, text: 'pod does not exist\n' });
    assert.deepEqual(await upgrade('web', spdyHeaders, false), { status: 401, text: 'Unauthorized\n' });
    const noVersion = await upgrade('web', { Upgrade: 'SPDY/3.1' });
    assert.ok('status' in noVersion && noVersion.status === 400 && /X-Stream-Protocol-Version is required/.test(noVersion.text));
    const otherVersion = await upgrade('web', { ...spdyHeaders, 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' });
    assert.ok('status' in otherVersion && otherVersion.status === 403, JSON.stringify(otherVersion));
    assert.match((otherVersion as { text: string }).text, /client supports \[v4.channel.k8s.io\], server accepts \[portforward.k8s.io\]/);
    const exec = await upgrade('web', { ...wsHeaders, 'Sec-WebSocket-Protocol': 'v5.channel.k8s.io' });
    assert.ok('status' in exec && exec.status === 400 && /SPDY\/3.1\+portforward.k8s.io/.test(exec.text), JSON.stringify(exec));
    const plain = await new Promise<number>((resolve, reject) => {
      https.get({ host: '127.0.0.1', port: server.port, path: '/portForward/ns/web', rejectUnauthorized: false, cert: client.certPem, key: client.keyPem },
        (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on('error', reject);
    });
    assert.equal(plain, 400);
  });
});
