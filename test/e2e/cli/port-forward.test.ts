// skiffctl port-forward against a real apiserver and the kubelet server (in-process, real Docker, as in
// test/e2e/kubelet/port-forward.test.ts): pod/, svc/ (the target port by name) and deploy/ targets, busybox httpd
// fetched with http.get through the forwarded port, an echo server for bytes both ways, concurrent connections, a
// closed pod port (kubectl's error line, and the forwarder keeps serving), a pod not running (kubectl's output,
// compared), SIGINT and SIGTERM ending with 0; and the kubelet's v4.channel.k8s.io protocol spoken directly with
// ws through the apiserver's upgrade proxy.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { freePort, repoRoot, type TestApiserver } from '../../helpers/apiserver.ts';
import { kubectl, skiffctl, skiffctlCommand } from '../../integration/cli/harness.ts';
import { httpGet, servedPage, startKubeletServerFixture, startServingPod, type KubeletServerFixture } from '../kubelet/kubelet-server-fixture.ts';
import { waitFor, type Fixture } from '../runtime/runtime-fixture.ts';

let fx: Fixture;
let api: TestApiserver;
let k: KubeletServerFixture;

const argv = skiffctlCommand();

interface Forward {
  child: ChildProcess;
  /** The local port of each spec, in order, as printed. */
  ports: number[];
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

/** Starts `skiffctl port-forward target specs...` and waits until every spec has its `Forwarding from` line. */
async function portForward(target: string, specs: string[]): Promise<Forward> {
  const child = spawn(argv[0], [...argv.slice(1), '--kubeconfig', api.kubeconfig, 'port-forward', target, ...specs],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const ports = await waitFor(`skiffctl port-forward ${target} to listen`, async () => {
    if (child.exitCode !== null) throw new Error(`skiffctl exited ${child.exitCode}: ${stderr}`);
    const found = [...stdout.matchAll(/^Forwarding from 127\.0\.0\.1:(\d+) -> \d+$/gm)].map((m) => Number(m[1]));
    return found.length === specs.length ? found : undefined;
  }, 30_000);
  return { child, ports, stdout: () => stdout, stderr: () => stderr, exited };
}

async function stop(fwd: Forward, signal: NodeJS.Signals = 'SIGINT'): Promise<number | null> {
  if (fwd.child.exitCode === null) fwd.child.kill(signal);
  return fwd.exited;
}

/** Sends `payload` to the echo server and reads until `payload.length` bytes came back, then closes. */
function echo(port: number, payload: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let got = 0;
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      got += d.length;
      if (got >= payload.length) {
        socket.destroy();
        resolve(Buffer.concat(chunks));
      }
    });
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
    socket.on('connect', () => socket.write(payload));
  });
}

before(async () => {
  k = await startKubeletServerFixture('cli-port-forward');
  ({ fx, api } = k);
  await startServingPod(k, 'web', { labels: { app: 'web' } });
  for (const body of [
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } },
  ]) {
    const r = await api.request('POST', '/api/v1/namespaces/default/services', { body });
    assert.equal(r.status, 201, r.text);
  }
  const deploy = await api.request('POST', '/apis/apps/v1/namespaces/default/deployments', { body: {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: fx.busyboxImage }] } },
    },
  } });
  assert.equal(deploy.status, 201, deploy.text);
});

after(async () => {
  await k?.cleanup();
});

describe('skiffctl port-forward', () => {
  it('forwards pod/<name>: kubectl\'s lines, HTTP answers one connection after another, SIGINT exits 0', async () => {
    const local = await freePort();
    const fwd = await portForward('pod/web', [`${local}:8080`]);
    try {
      for (let i = 0; i < 3; i++) assert.deepEqual(await httpGet(local), { status: 200, body: servedPage });
      await waitFor('three connection lines', async () => (fwd.stdout().match(/Handling connection/g)?.length === 3 ? true : undefined));
      // Where the host has no IPv6 loopback, kubectl (and skiffctl) skip ::1 quietly.
      const v6 = fwd.stdout().includes('[::1]') ? `Forwarding from [::1]:${local} -> 8080\n` : '';
      assert.equal(fwd.stdout(), `Forwarding from 127.0.0.1:${local} -> 8080\n${v6}${`Handling connection for ${local}\n`.repeat(3)}`);
    } finally {
      assert.equal(await stop(fwd), 0, fwd.stderr());
    }
    assert.equal(fwd.stderr(), '');
  });

  it('carries bytes both ways on several connections at once, large ones too', async () => {
    const fwd = await portForward('web', [':8080', ':9000']);
    try {
      const [httpPort, echoPort] = fwd.ports;
      const big = randomBytes(2 << 20);
      const [bigBack, one, two, a, b] = await Promise.all([
        echo(echoPort, big), echo(echoPort, Buffer.from('one\n')), echo(echoPort, Buffer.from('two\n')), httpGet(httpPort), httpGet(httpPort),
      ]);
      assert.ok(bigBack.equals(big), `echoed ${bigBack.length} of ${big.length} bytes`);
      assert.deepEqual([one.toString(), two.toString()], ['one\n', 'two\n']);
      assert.deepEqual([a, b], [{ status: 200, body: servedPage }, { status: 200, body: servedPage }]);
    } finally {
      assert.equal(await stop(fwd), 0, fwd.stderr());
    }
  });

  it('resolves svc/<name> through its target port by name, and deploy/<name>, to the pod', async () => {
    for (const [target, spec] of [['svc/web', ':80'], ['svc/web', ':http'], ['deploy/web', ':8080'], ['deployment.apps/web', ':http']] as const) {
      const fwd = await portForward(target, [spec]);
      try {
        assert.deepEqual(await httpGet(fwd.ports[0]), { status: 200, body: servedPage }, target);
        assert.match(fwd.stdout(), new RegExp(`^Forwarding from 127\\.0\\.0\\.1:${fwd.ports[0]} -> 8080$`, 'm'));
      } finally {
        assert.equal(await stop(fwd, 'SIGTERM'), 0, fwd.stderr());
      }
    }
  });

  it('reports a closed pod port as kubectl logs it, closes that connection, and keeps serving', async () => {
    const fwd = await portForward('pod/web', [':9999', ':8080']);
    try {
      const [closed, open] = fwd.ports;
      await assert.rejects(httpGet(closed));
      await waitFor('the error line', async () => (fwd.stderr() !== '' ? true : undefined));
      assert.match(fwd.stderr(), new RegExp(`^E\\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d{6} {1,7}${fwd.child.pid} portforward\\.go:413\\] "Unhandled Error" `
        + `err="an error occurred forwarding ${closed} -> 9999: error forwarding port 9999 to pod [0-9a-f]{64}, uid : `
        + 'dial tcp4 [\\d.]+:9999: connect: connection refused"\\n$'));
      assert.deepEqual(await httpGet(open), { status: 200, body: servedPage });
      await assert.rejects(httpGet(closed));
      assert.equal(fwd.child.exitCode, null, 'still forwarding');
    } finally {
      assert.equal(await stop(fwd), 0, fwd.stderr());
    }
  });

  it('refuses as kubectl does: a pod not running, a missing pod, a missing port name, no ports', async () => {
    const pending = await api.request('POST', '/api/v1/namespaces/default/pods', { body: {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pending' }, spec: { containers: [{ name: 'c', image: fx.busyboxImage }] },
    } });
    assert.equal(pending.status, 201, pending.text);
    for (const args of [['pod/pending', '1234:80'], ['pod/nope', '1234:80'], ['pod/web', '1234:nope'], ['svc/web', '1234:99']]) {
      const [ours, theirs] = await Promise.all([
        skiffctl(['--kubeconfig', api.kubeconfig, 'port-forward', ...args]), kubectl(['--kubeconfig', api.kubeconfig, 'port-forward', ...args]),
      ]);
      assert.deepEqual({ code: ours.code, stderr: ours.stderr, stdout: ours.stdout }, { code: theirs.code, stderr: theirs.stderr, stdout: theirs.stdout }, args.join(' '));
    }
    const usage = await skiffctl(['--kubeconfig', api.kubeconfig, 'port-forward', 'pod/web']);
    assert.deepEqual(usage, { code: 1, stdout: '', stderr: "error: TYPE/NAME and list of ports are required for port-forward\nSee 'skiffctl port-forward -h' for help and examples\n" });
  });
});

describe('the kubelet\'s v4.channel.k8s.io port-forward, through the apiserver', () => {
  it('announces the ports, carries bytes both ways on two ports, reports a closed one, and closes when the pod does', async () => {
    const messages = new Map<number, Buffer[]>();
    const ws = new WebSocket(`wss://127.0.0.1:${api.port}/api/v1/namespaces/default/pods/web/portforward?ports=9000&ports=8080,9999`,
      ['v4.channel.k8s.io'], { headers: { Authorization: `Bearer ${api.token}` }, ca: api.caPem, perMessageDeflate: false });
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.on('message', (raw: Buffer) => messages.set(raw[0], [...(messages.get(raw[0]) ?? []), raw.subarray(1)]));
    await new Promise<void>((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); });
    assert.equal(ws.protocol, 'v4.channel.k8s.io');
    const after = (ch: number): Buffer => Buffer.concat((messages.get(ch) ?? []).slice(1));
    await waitFor('the announcements', async () => ([0, 1, 2, 3, 4, 5].every((c) => messages.get(c)?.length) ? true : undefined));
    const le = (p: number): Buffer => Buffer.from([p & 0xff, p >> 8]);
    assert.deepEqual([0, 1, 2, 3, 4, 5].map((c) => messages.get(c)![0]), [le(9000), le(9000), le(8080), le(8080), le(9999), le(9999)]);

    ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('echo me\n')]));
    ws.send(Buffer.concat([Buffer.from([2]), Buffer.from('GET / HTTP/1.0\r\n\r\n')]));
    await waitFor('the echo', async () => (after(0).toString() === 'echo me\n' ? true : undefined));
    await waitFor('the HTTP answer', async () => (after(2).toString().endsWith(servedPage) ? true : undefined));
    assert.match(after(2).toString(), /^HTTP\/1\.[01] 200 OK\r\n/);
    await waitFor('the closed port\'s error', async () => (after(5).length > 0 ? true : undefined));
    assert.match(after(5).toString(), /^error forwarding port 9999 to pod [0-9a-f]{64}, uid : dial tcp4 [\d.]+:9999: connect: connection refused$/);
    assert.equal(after(1).length + after(3).length, 0);
    // The echo server holds its connection; the WebSocket stays until the client closes it.
    ws.close(1000);
    assert.equal(await closed, 1000);
  });
});
