// Real kubectl against a real apiserver and the kubelet server (in-process, real Docker): logs (tail, timestamps,
// follow), exec (output, exit codes, stdin, errors), attach, a TTY with resize, and the kubelet's client-certificate
// check. The pod's containers are made directly through the runtime with the kubelet's names and labels, so
// this needs no pod workers.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import https from 'node:https';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { issueClientCert } from '../../../apiserver/server/certs.ts';
import { containerLabels, containerName, sandboxLabels, sandboxName, type PodRef } from '../../../kubelet/runtime/naming.ts';
import type { KubeletServer } from '../../../kubelet/server/kubelet-server.ts';
import type { TestApiserver } from '../../helpers/apiserver.ts';
import { waitFor, type Fixture } from '../runtime/runtime-fixture.ts';
import { startKubeletServerFixture, type KubeletServerFixture } from './kubelet-server-fixture.ts';

let fx: Fixture;
let api: TestApiserver;
let kubelet: KubeletServer;
let k: KubeletServerFixture;
let clientCa: { certPem: string; keyPem: string };

interface Run { code: number | null; stdout: string; stderr: string }

/** kubectl 1.30+ streams exec/attach over WebSocket; with this set to false it speaks SPDY/3.1, as older ones do. */
type Transport = 'WebSocket' | 'SPDY';
const transportEnv = (t: Transport): NodeJS.ProcessEnv => ({ ...process.env, KUBECTL_REMOTE_COMMAND_WEBSOCKETS: t === 'WebSocket' ? 'true' : 'false' });

function kubectl(args: string[], input?: string, timeoutMs = 30_000, transport: Transport = 'WebSocket'): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', ['--kubeconfig', api.kubeconfig, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: transportEnv(transport) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

async function startContainer(pod: PodRef, sandboxId: string, name: string, script: string, stdin = false): Promise<string> {
  const id = await fx.runtime.createContainer({
    name: containerName(pod, name, 0), image: fx.busyboxImage, sandboxId, pidNamespace: 'container', env: [], mounts: [],
    command: ['sh', '-c', script], stdin, stdinOnce: false,
    labels: { ...containerLabels({ pod, containerName: name, restartCount: 0, nodeName: fx.nodeName, sandboxId, specHash: 'test' }), ...fx.label },
  });
  await fx.runtime.startContainer(id);
  return id;
}

before(async () => {
  k = await startKubeletServerFixture('kubelet-exec-logs');
  ({ fx, api, kubelet, clientCa } = k);
  const created = await api.request('POST', '/api/v1/namespaces/default/pods', { body: {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'shell' },
    spec: {
      nodeName: fx.nodeName,
      containers: [
        { name: 'app', image: fx.busyboxImage },
        { name: 'ticker', image: fx.busyboxImage },
        { name: 'echoer', image: fx.busyboxImage, stdin: true },
      ],
    },
  } });
  assert.equal(created.status, 201, created.text);
  const pod: PodRef = { name: 'shell', namespace: 'default', uid: created.body.metadata.uid };
  const sandbox = await fx.runtime.createSandbox({
    name: sandboxName(pod, 0), image: fx.pauseImage, hostname: 'shell', portMappings: [],
    network: { mode: 'network', network: 'bridge' },
    labels: { ...sandboxLabels({ pod, attempt: 0, nodeName: fx.nodeName }), ...fx.label },
  });
  const app = await startContainer(pod, sandbox.id, 'app', 'echo one; sleep 0.05; echo two; sleep 0.05; echo three; exec sleep 3600');
  await startContainer(pod, sandbox.id, 'ticker', 'i=0; while :; do i=$((i+1)); echo tick $i; sleep 0.2; done');
  await startContainer(pod, sandbox.id, 'echoer', 'while read line; do echo "got $line"; done; exec sleep 3600', true);
  await waitFor('the app container to run commands', async () => ((await fx.runtime.execSync(app, ['true'], 5000)).exitCode === 0 ? true : undefined));
});

after(async () => {
  await k?.cleanup();
});

describe('kubectl logs', () => {
  it('prints the container output, with --tail and --timestamps', async () => {
    const all = await waitFor('three lines', async () => {
      const r = await kubectl(['logs', 'shell', '-c', 'app']);
      return r.stdout === 'one\ntwo\nthree\n' ? r : undefined;
    });
    assert.equal(all.code, 0, all.stderr);
    const tail = await kubectl(['logs', 'shell', '-c', 'app', '--tail=1']);
    assert.equal(tail.stdout, 'three\n', tail.stderr);
    const stamped = await kubectl(['logs', 'shell', '-c', 'app', '--timestamps', '--tail=2']);
    assert.match(stamped.stdout, /^\d{4}-\d\d-\d\dT[\d:.]+Z two\n\d{4}-\d\d-\d\dT[\d:.]+Z three\n$/);
    const limited = await kubectl(['logs', 'shell', '-c', 'app', '--limit-bytes=5']);
    assert.equal(limited.stdout, 'one\nt');
  });

  it('follows with -f until kubectl goes away', async () => {
    const child = spawn('kubectl', ['--kubeconfig', api.kubeconfig, 'logs', '-f', 'shell', '-c', 'ticker'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = '';
    child.stdout.on('data', (d: Buffer) => { seen += d.toString(); });
    const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
    try {
      // Ticks written after kubectl started arrive while it keeps running: the stream is followed, not read once.
      const start = (await kubectl(['logs', 'shell', '-c', 'ticker'])).stdout.split('\n').filter(Boolean).length;
      await waitFor('three ticks written since', async () => ((seen.match(/tick/g) ?? []).length >= start + 3 ? true : undefined), 15_000);
      assert.equal(child.exitCode, null);
    } finally {
      child.kill('SIGTERM');
      await closed;
    }
    assert.match(seen, /^tick 1\ntick 2\ntick 3\n/);
  });

  it('names a missing container as the kubelet does', async () => {
    const r = await kubectl(['logs', 'shell', '-c', 'nope']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /container nope is not valid for pod shell/);
  });
});

for (const transport of ['WebSocket', 'SPDY'] as const) {
  const run = (args: string[], input?: string, timeoutMs?: number): Promise<Run> => kubectl(args, input, timeoutMs, transport);

describe(`kubectl exec over ${transport}`, () => {
  it('runs a command and prints its output', async () => {
    const r = await run(['exec', 'shell', '-c', 'app', '--', 'echo', 'hi']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hi\n');
  });

  it('keeps stderr apart from stdout', async () => {
    const r = await run(['exec', 'shell', '-c', 'app', '--', 'sh', '-c', 'echo out; echo err >&2']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
  });

  it('exits with the command\'s exit code', async () => {
    const r = await run(['exec', 'shell', '-c', 'app', '--', 'sh', '-c', 'exit 3']);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /command terminated with exit code 3/);
  });

  it('pipes stdin with -i and ends it with the input', async () => {
    const r = await run(['exec', '-i', 'shell', '-c', 'app', '--', 'sh', '-c', 'tr a-z A-Z; echo done'], 'hello\nworld\n');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'HELLO\nWORLD\ndone\n');
  });

  it('answers as kube-apiserver for a missing pod, an unknown container, an unscheduled pod and a command that cannot start', async () => {
    const missing = await run(['exec', 'nope', '--', 'true']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /pods "nope" not found/);
    const container = await run(['exec', 'shell', '-c', 'nope', '--', 'true']);
    assert.notEqual(container.code, 0);
    assert.match(container.stderr, /container nope is not valid for pod shell/);
    const notFound = await run(['exec', 'shell', '-c', 'app', '--', '/no/such/binary']);
    // Docker reports a command that cannot start as exit code 126, with its reason on the output (as dockershim did).
    assert.equal(notFound.code, 126, notFound.stderr);
    assert.match(notFound.stdout, /no such file or directory/);
    const unscheduled = await api.request('POST', '/api/v1/namespaces/default/pods', { body: {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: `unscheduled-${transport.toLowerCase()}` }, spec: { containers: [{ name: 'c', image: fx.busyboxImage }] },
    } });
    assert.equal(unscheduled.status, 201, unscheduled.text);
    const noHost = await run(['exec', `unscheduled-${transport.toLowerCase()}`, '--', 'true']);
    assert.notEqual(noHost.code, 0);
    assert.match(noHost.stderr, /pod unscheduled-\w+ does not have a host assigned/);
  });

  it('runs with a TTY under a pseudo-terminal (script)', async () => {
    const child = spawn('script', ['-qec', `kubectl --kubeconfig ${api.kubeconfig} exec -it shell -c app -- sh -c 'stty size; tty; exit 4'`, '/dev/null'],
      { stdio: ['pipe', 'pipe', 'pipe'], env: { ...transportEnv(transport), COLUMNS: '100', LINES: '30' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.match(out, /\/dev\/pts\/\d+/);
    assert.equal(code, 4, out);
  });
});

describe(`kubectl attach over ${transport}`, () => {
  it('connects stdin and stdout to the running container, and stays attached after the input ends', async () => {
    // The container was not created with stdinOnce, so the end of kubectl's input neither closes the container's
    // stdin nor the attach: kubectl keeps printing until it is stopped (here: killed after 4 s), as with CRI runtimes.
    const r = await run(['attach', '-i', 'shell', '-c', 'echoer', '--quiet'], 'ping\n', 4000);
    assert.match(r.stdout, /got ping/, JSON.stringify(r));
    assert.equal(r.code, null, JSON.stringify(r));
  });
});
}

describe('WebSocket through the apiserver', () => {
  function open(query: string, token: string | null = api.token): WebSocket {
    return new WebSocket(`wss://127.0.0.1:${api.port}/api/v1/namespaces/default/pods/shell/exec?${query}`, ['v5.channel.k8s.io'], {
      ca: api.caPem, headers: token ? { Authorization: `Bearer ${token}` } : {},
    });
  }

  it('resizes the terminal and reports the exit as a Status on channel 3', async () => {
    const ws = open('command=sh&command=-c&command=sleep%200.3%3B%20stty%20size&container=app&stdout=true&stdin=true&tty=true');
    const frames: Buffer[] = [];
    ws.on('message', (d: Buffer) => frames.push(d));
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    assert.equal(ws.protocol, 'v5.channel.k8s.io');
    ws.send(Buffer.concat([Buffer.from([4]), Buffer.from(JSON.stringify({ Width: 123, Height: 45 }))]));
    await new Promise((resolve) => ws.once('close', resolve));
    const stdout = frames.filter((f) => f[0] === 1).map((f) => f.subarray(1).toString()).join('');
    assert.match(stdout, /45 123/);
    const status = frames.find((f) => f[0] === 3);
    assert.deepEqual(JSON.parse(status!.subarray(1).toString()), { metadata: {}, status: 'Success' });
  });

  it('refuses an unauthenticated upgrade with 401', async () => {
    const ws = open('command=true&container=app&stdout=true', null);
    const code = await new Promise<number>((resolve) => ws.once('unexpected-response', (req, res) => { resolve(res.statusCode ?? 0); req.destroy(); }));
    assert.equal(code, 401);
  });
});

describe('the kubelet\'s own authentication', () => {
  it('refuses a client without a certificate from its client CA', async () => {
    const ws = new WebSocket(`wss://127.0.0.1:${kubelet.port}/exec/default/shell/app?command=true&output=1`, ['v5.channel.k8s.io'], { rejectUnauthorized: false });
    const code = await new Promise<number>((resolve) => ws.once('unexpected-response', (req, res) => { resolve(res.statusCode ?? 0); req.destroy(); }));
    assert.equal(code, 401);
  });

  it('serves /stats/summary with the pod\'s containers', async () => {
    const client = await issueClientCert(clientCa, { commonName: 'test', organizations: [] });
    const body = await new Promise<string>((resolve, reject) => {
      https.get({ host: '127.0.0.1', port: kubelet.port, path: '/stats/summary', cert: client.certPem, key: client.keyPem, rejectUnauthorized: false }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => { text += d.toString(); });
        res.on('end', () => resolve(text));
      }).on('error', reject);
    });
    const summary = JSON.parse(body) as { node: { nodeName: string }; pods: { podRef: { name: string }; containers: { name: string; memory: { workingSetBytes: number } }[] }[] };
    assert.equal(summary.node.nodeName, fx.nodeName);
    const pod = summary.pods.find((p) => p.podRef.name === 'shell');
    assert.deepEqual(pod?.containers.map((c) => c.name), ['app', 'echoer', 'ticker']);
    assert.ok(pod!.containers.every((c) => c.memory.workingSetBytes > 0));
  });
});
