// Real kubectl port-forward against a real apiserver and the kubelet server (in-process, real Docker): pod/, svc/
// and deploy/ targets, HTTP through busybox httpd, an echo server for bytes both ways (large, concurrent), a closed
// port, Ctrl-C, a pod on the host's network, and the plain-SPDY upgrade kubectl falls back to. The pod's containers
// are made directly through the runtime with the kubelet's names and labels, so this needs no pod workers.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { freePort, type TestApiserver } from '../../helpers/apiserver.ts';
import { kubectlFor, type Kubectl } from '../../helpers/kubectl.ts';
import { waitFor, type Fixture } from '../runtime/runtime-fixture.ts';
import { httpGet, servedPage, startKubeletServerFixture, startServingPod, type KubeletServerFixture } from './kubelet-server-fixture.ts';

let fx: Fixture;
let api: TestApiserver;
let k: KubeletServerFixture;
let kubectl: Kubectl;
let hostPort: number;


interface Forward {
  child: ChildProcess;
  /** The local ports, in the order asked for. */
  ports: number[];
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

/** Starts `kubectl port-forward` and waits until it listens on every local port it was given. */
async function portForward(target: string, remotePorts: number[], env: Record<string, string> = {}): Promise<Forward> {
  const ports = await Promise.all(remotePorts.map(() => freePort()));
  const child = spawn('kubectl', ['--kubeconfig', api.kubeconfig, 'port-forward', target, ...ports.map((p, i) => `${p}:${remotePorts[i]}`)],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const fwd = { child, ports, stdout: () => stdout, stderr: () => stderr, exited };
  await waitFor(`kubectl port-forward ${target} to listen`, async () => {
    if (child.exitCode !== null) throw new Error(`kubectl exited ${child.exitCode}: ${stderr}`);
    return ports.every((p) => stdout.includes(`Forwarding from 127.0.0.1:${p} ->`)) ? true : undefined;
  }, 20_000);
  return fwd;
}

async function stop(fwd: Forward): Promise<number | null> {
  if (fwd.child.exitCode === null) fwd.child.kill('SIGINT');
  return fwd.exited;
}

/** Sends `payload` to the echo server, half-closes, and answers everything that comes back. */
function echo(port: number, payload: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('end', () => { socket.end(); resolve(Buffer.concat(chunks)); });
    socket.on('error', reject);
    socket.on('connect', () => socket.end(payload));
  });
}

before(async () => {
  k = await startKubeletServerFixture('kubelet-port-forward');
  ({ fx, api } = k);
  kubectl = kubectlFor(api.kubeconfig, { timeoutMs: 30_000 });
  await startServingPod(k, 'web', { labels: { app: 'web' } });
  // On the host's network the pod's ports are the host's: free ones, reached at the node's loopback.
  hostPort = await freePort();
  await startServingPod(k, 'hostweb', { network: { mode: 'host' }, httpPort: hostPort, echoPort: await freePort() });
});

after(async () => {
  await k?.cleanup();
});

describe('kubectl port-forward', () => {
  it('forwards pod/<name>: HTTP answers, one connection after another', async () => {
    const fwd = await portForward('pod/web', [8080]);
    try {
      for (let i = 0; i < 3; i++) assert.deepEqual(await httpGet(fwd.ports[0]), { status: 200, body: servedPage });
      assert.match(fwd.stdout(), /Handling connection for \d+/);
    } finally {
      assert.equal(await stop(fwd), 0, fwd.stderr());
    }
  });

  it('carries bytes both ways on several connections at once, large ones too', async () => {
    const fwd = await portForward('web', [8080, 9000]);
    try {
      const big = randomBytes(3 << 20);
      const small = [Buffer.from('one\n'), Buffer.from('two\n'), Buffer.from('three\n')];
      const [bigBack, ...rest] = await Promise.all([
        echo(fwd.ports[1], big), ...small.map((s) => echo(fwd.ports[1], s)), httpGet(fwd.ports[0]), httpGet(fwd.ports[0]),
      ]);
      assert.ok((bigBack as Buffer).equals(big), `echoed ${(bigBack as Buffer).length} of ${big.length} bytes`);
      assert.deepEqual(rest.slice(0, 3).map((b) => (b as Buffer).toString()), small.map((s) => s.toString()));
      assert.deepEqual(rest.slice(3), [{ status: 200, body: servedPage }, { status: 200, body: servedPage }]);
    } finally {
      assert.equal(await stop(fwd), 0, fwd.stderr());
    }
  });

  it('resolves svc/<name> (its target port by name) and deploy/<name> to a pod itself', async () => {
    await kubectl.apply(`
apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  selector: { app: web }
  ports: [{ name: http, port: 80, targetPort: http }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: app, image: ${fx.busyboxImage} }] }
`);
    for (const [target, port] of [['svc/web', 80], ['deploy/web', 8080]] as const) {
      const fwd = await portForward(target, [port]);
      try {
        assert.deepEqual(await httpGet(fwd.ports[0]), { status: 200, body: servedPage });
        assert.match(fwd.stdout(), new RegExp(`Forwarding from 127\\.0\\.0\\.1:${fwd.ports[0]} -> 8080`));
      } finally {
        assert.equal(await stop(fwd), 0, fwd.stderr());
      }
    }
  });

  it('reaches a pod on the host\'s network at the node\'s loopback', async () => {
    const fwd = await portForward('pod/hostweb', [hostPort]);
    try {
      assert.deepEqual(await httpGet(fwd.ports[0]), { status: 200, body: servedPage });
    } finally {
      assert.equal(await stop(fwd), 0, fwd.stderr());
    }
  });

  it('reports a closed port as kubectl does, and loses the connection', async () => {
    const fwd = await portForward('pod/web', [9999]);
    await assert.rejects(httpGet(fwd.ports[0]));
    const code = await Promise.race([fwd.exited, new Promise<'running'>((r) => setTimeout(() => r('running'), 10_000))]);
    if (code === 'running') fwd.child.kill('SIGKILL');
    assert.match(fwd.stderr(), /error forwarding port 9999 to pod [0-9a-f]{64}, uid : dial tcp4 [\d.]+:9999: connect: connection refused/);
    assert.match(fwd.stderr(), /lost connection to pod/);
    assert.equal(code, 1);
  });

  it('works over plain SPDY as well (kubectl\'s fallback and older clients)', async () => {
    const fwd = await portForward('pod/web', [8080, 9000], { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' });
    try {
      assert.deepEqual(await httpGet(fwd.ports[0]), { status: 200, body: servedPage });
      const payload = randomBytes(1 << 20);
      assert.ok((await echo(fwd.ports[1], payload)).equals(payload));
    } finally {
      assert.equal(await stop(fwd), 0, fwd.stderr());
    }
  });

  it('answers as kube-apiserver for a missing pod and one not yet running', async () => {
    assert.match(await kubectl.fails('port-forward', 'pod/nope', '1234:80'), /pods "nope" not found/);
    const pending = await api.request('POST', '/api/v1/namespaces/default/pods', { body: {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pending' }, spec: { containers: [{ name: 'c', image: fx.busyboxImage }] },
    } });
    assert.equal(pending.status, 201, pending.text);
    assert.match(await kubectl.fails('port-forward', 'pod/pending', '1234:80'), /unable to forward port because pod is not running. Current status=Pending/);
  });
});
