// kube's WebSocket channel protocol for port-forward (v4.channel.k8s.io, its base64 form, no subprotocol) on the
// kubelet's /portForward endpoint, over real TLS with the fake runtime: the framing, the ports query as kube parses
// it, the port announcements, bytes both ways on several ports, the error channel, and when the WebSocket closes.
// The "pod" is TCP servers on 127.0.0.2, which stands for its IP.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import WebSocket from 'ws';
import { portPrefix } from '../../../../apiserver/client/port-forward-protocol.ts';
import { ensureCA, issueClientCert, issueServingCert } from '../../../../apiserver/server/certs.ts';
import { sandboxLabels } from '../../../../kubelet/runtime/naming.ts';
import { startKubeletServer, type KubeletServer } from '../../../../kubelet/server/kubelet-server.ts';
import {
  chooseChannelProtocol, decodeChannelMessage, encodeChannelMessage, parsePortsQuery,
} from '../../../../kubelet/server/port-forward-channels.ts';
import { FakeRuntime } from '../../../helpers/fake-runtime.ts';

describe('channel framing', () => {
  it('puts the channel byte in front, or a digit and base64 for v4.base64.channel.k8s.io', () => {
    assert.deepEqual(encodeChannelMessage('v4.channel.k8s.io', 2, Buffer.from('hi')), Buffer.from([2, 0x68, 0x69]));
    assert.deepEqual(encodeChannelMessage('', 0, Buffer.alloc(0)), Buffer.from([0]));
    assert.equal(encodeChannelMessage('v4.base64.channel.k8s.io', 1, Buffer.from('foo\n')), '1Zm9vCg==');
    assert.deepEqual(decodeChannelMessage('v4.channel.k8s.io', Buffer.from([4, 1, 2])), { channel: 4, data: Buffer.from([1, 2]) });
    assert.deepEqual(decodeChannelMessage('v4.base64.channel.k8s.io', Buffer.from('0Zm9vCg==')), { channel: 0, data: Buffer.from('foo\n') });
    assert.equal(decodeChannelMessage('v4.channel.k8s.io', Buffer.alloc(0)), undefined);
    assert.equal(decodeChannelMessage('v4.base64.channel.k8s.io', Buffer.from('0not base64!')), undefined);
  });

  it('announces a port as 2 bytes, little-endian', () => {
    assert.deepEqual(portPrefix(8080), Buffer.from([0x90, 0x1f]));
    assert.deepEqual(portPrefix(65535), Buffer.from([0xff, 0xff]));
  });

  it('picks the first offered subprotocol it speaks, and the binary default when none is offered', () => {
    assert.equal(chooseChannelProtocol([]), '');
    assert.equal(chooseChannelProtocol(['v4.base64.channel.k8s.io', 'v4.channel.k8s.io']), 'v4.base64.channel.k8s.io');
    assert.equal(chooseChannelProtocol(['v5.channel.k8s.io', 'v4.channel.k8s.io']), 'v4.channel.k8s.io');
    assert.equal(chooseChannelProtocol(['v5.channel.k8s.io']), undefined);
  });
});

describe('parsePortsQuery', () => {
  const q = (s: string): number[] | { error: string } => parsePortsQuery(new URLSearchParams(s));
  it('reads repeated and comma-separated ports in order', () => {
    assert.deepEqual(q('ports=8080&ports=9090'), [8080, 9090]);
    assert.deepEqual(q('ports=80,443&ports=8080'), [80, 443, 8080]);
  });
  it('refuses what the kubelet refuses, in its words', () => {
    assert.deepEqual(q(''), { error: 'query parameter "ports" is required' });
    assert.deepEqual(q('ports='), { error: 'query parameter "ports" cannot be empty' });
    assert.deepEqual(q('ports=http'), { error: 'unable to parse "http" as a port: strconv.ParseUint: parsing "http": invalid syntax' });
    assert.deepEqual(q('ports=80,'), { error: 'unable to parse "80," as a port: strconv.ParseUint: parsing "": invalid syntax' });
    assert.deepEqual(q('ports=70000'), { error: 'unable to parse "70000" as a port: strconv.ParseUint: parsing "70000": value out of range' });
    assert.deepEqual(q('ports=0'), { error: 'port "0" must be > 0' });
  });
});

let dir: string;
let server: KubeletServer;
let client: { certPem: string; keyPem: string };
let echo: net.Server;
let echoPort: number;
let greetPort: number;
let greeter: net.Server;
let closedPort: number;
const runtime = new FakeRuntime(['pause']);
let sandboxId: string;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-port-forward-channels-'));
  const ca = await ensureCA(dir);
  client = await issueClientCert(ca, { commonName: 'kube-apiserver-kubelet-client', organizations: [] });
  const tls = await issueServingCert(ca, { commonName: 'n1@kubelet', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  const pod = { name: 'web', namespace: 'ns', uid: 'uid-web' };
  sandboxId = (await runtime.createSandbox({
    name: 'k8s_POD_web_ns_uid-web_0', image: 'pause', hostname: 'web', portMappings: [],
    network: { mode: 'network', network: 'pods', ip: '127.0.0.2' }, labels: sandboxLabels({ pod, attempt: 0, nodeName: 'n1' }),
  })).id;
  echo = net.createServer({ allowHalfOpen: true }, (socket) => {
    socket.on('data', (d: Buffer) => socket.write(d));
    socket.on('end', () => socket.end());
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.2', resolve));
  echoPort = (echo.address() as net.AddressInfo).port;
  // Says one line and hangs up, as a short-lived server does.
  greeter = net.createServer((socket) => socket.end('hello\n'));
  await new Promise<void>((resolve) => greeter.listen(0, '127.0.0.2', resolve));
  greetPort = (greeter.address() as net.AddressInfo).port;
  const spare = net.createServer();
  await new Promise<void>((resolve) => spare.listen(0, '127.0.0.2', resolve));
  closedPort = (spare.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => spare.close(() => resolve()));
  server = await startKubeletServer({
    host: '127.0.0.1', port: 0, tls, clientCaPem: ca.certPem, runtime, nodeName: 'n1', logger: pino({ level: 'silent' }),
  });
});

after(async () => {
  await server?.close();
  for (const s of [echo, greeter]) await new Promise<void>((resolve) => (s ? s.close(() => resolve()) : resolve()));
  rmSync(dir, { recursive: true, force: true });
});

interface Session {
  ws: WebSocket;
  /** Messages per channel, decoded, in order (the port announcement first). */
  channels: Map<number, Buffer[]>;
  closed: Promise<number>;
  send(channel: number, data: Buffer): void;
  until(what: string, cond: () => boolean, ms?: number): Promise<void>;
  /** Everything after the port announcement on a channel. */
  bytes(channel: number): Buffer;
}

function open(query: string, protocols: string[]): Promise<Session> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`wss://127.0.0.1:${server.port}/portForward/ns/web?${query}`, protocols, {
      cert: client.certPem, key: client.keyPem, rejectUnauthorized: false, perMessageDeflate: false,
    });
    const channels = new Map<number, Buffer[]>();
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.on('message', (raw: Buffer) => {
      const msg = decodeChannelMessage(ws.protocol, raw);
      if (!msg) return;
      channels.set(msg.channel, [...(channels.get(msg.channel) ?? []), msg.data]);
    });
    ws.on('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (d: Buffer) => { text += d.toString(); });
      res.on('end', () => reject(new Error(`${res.statusCode}: ${text.trim()}`)));
    });
    ws.on('error', reject);
    ws.on('open', () => resolve({
      ws, channels, closed,
      send: (channel, data) => {
        const m = encodeChannelMessage(ws.protocol, channel, data);
        ws.send(m, { binary: typeof m !== 'string' });
      },
      until: async (what, cond, ms = 5000) => {
        const end = Date.now() + ms;
        while (!cond()) {
          if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
          await new Promise((r) => setTimeout(r, 10));
        }
      },
      bytes: (channel) => Buffer.concat((channels.get(channel) ?? []).slice(1)),
    }));
  });
}

describe('/portForward over the channel protocol', () => {
  it('announces each port on both its channels, then carries bytes both ways on several ports at once', async () => {
    const s = await open(`ports=${echoPort}&ports=${greetPort}`, ['v4.channel.k8s.io']);
    try {
      assert.equal(s.ws.protocol, 'v4.channel.k8s.io');
      await s.until('the announcements', () => [0, 1, 2, 3].every((c) => s.channels.get(c)?.length));
      for (const [channel, port] of [[0, echoPort], [1, echoPort], [2, greetPort], [3, greetPort]]) {
        assert.deepEqual(s.channels.get(channel)![0], portPrefix(port), `channel ${channel}`);
      }
      const big = randomBytes(1 << 20);
      for (let at = 0; at < big.length; at += 64 << 10) s.send(0, big.subarray(at, at + (64 << 10)));
      await s.until('the echo', () => s.bytes(0).length >= big.length, 10_000);
      assert.ok(s.bytes(0).equals(big));
      await s.until('the greeting', () => s.bytes(2).toString() === 'hello\n');
      // Data sent on an error channel or past the last port is dropped; the connection stays.
      s.send(1, Buffer.from('ignored'));
      s.send(9, Buffer.from('ignored'));
      s.send(0, Buffer.from('still here'));
      await s.until('the second echo', () => s.bytes(0).length === big.length + 10);
      assert.equal(s.bytes(1).length + s.bytes(3).length, 0, 'no errors');
    } finally {
      s.ws.close();
    }
  });

  it('closes the WebSocket once every port\'s connection has ended', async () => {
    const s = await open(`ports=${greetPort}`, ['v4.channel.k8s.io']);
    assert.equal(await s.closed, 1000);
    assert.equal(s.bytes(0).toString(), 'hello\n');
    assert.equal(s.bytes(1).length, 0);
  });

  it('writes a refused connection on the port\'s error channel, as the kubelet words it, then closes', async () => {
    const s = await open(`ports=${closedPort}`, ['v4.channel.k8s.io']);
    assert.equal(await s.closed, 1000);
    assert.equal(s.bytes(1).toString(),
      `error forwarding port ${closedPort} to pod ${sandboxId}, uid : dial tcp4 127.0.0.2:${closedPort}: connect: connection refused`);
  });

  it('speaks base64 text for v4.base64.channel.k8s.io, and the binary framing without a subprotocol', async () => {
    const b64 = await open(`ports=${echoPort}`, ['v4.base64.channel.k8s.io']);
    try {
      assert.equal(b64.ws.protocol, 'v4.base64.channel.k8s.io');
      b64.send(0, Buffer.from('over base64'));
      await b64.until('the echo', () => b64.bytes(0).toString() === 'over base64');
      assert.deepEqual(b64.channels.get(0)![0], portPrefix(echoPort));
    } finally {
      b64.ws.close();
    }
    const plain = await open(`ports=${echoPort}`, []);
    try {
      assert.equal(plain.ws.protocol, '');
      plain.send(0, Buffer.from('plain'));
      await plain.until('the echo', () => plain.bytes(0).toString() === 'plain');
    } finally {
      plain.ws.close();
    }
  });

  it('takes comma-separated ports, and refuses a missing or bad ports query before switching protocols', async () => {
    const s = await open(`ports=${echoPort},${greetPort}`, ['v4.channel.k8s.io']);
    await s.until('both announcements', () => (s.channels.get(0)?.length ?? 0) >= 1 && (s.channels.get(2)?.length ?? 0) >= 1);
    assert.deepEqual(s.channels.get(2)![0], portPrefix(greetPort));
    s.ws.close();
    await assert.rejects(open('', ['v4.channel.k8s.io']), /^Error: 400: query parameter "ports" is required$/);
    await assert.rejects(open('ports=x', ['v4.channel.k8s.io']), /400: unable to parse "x" as a port/);
    await assert.rejects(open('ports=80', ['v5.channel.k8s.io']), /400: .*none of the offered subprotocols \[v5.channel.k8s.io\]/);
  });
});
