// skiffctl run -i when the attach cannot be made (a short-lived container ends between Ready and the attach), next to
// real kubectl: a warning, the log instead, and the exit code taken from how the pod ended; and when the log cannot be
// read either, that error is the command's, and --rm still deletes the pod. No kubelet runs: a fake one on loopback
// refuses every attach and serves the logs, and the test plays the rest (binding, Ready, the container's end).
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { registerNodeAt, startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { startFakeKubelet, type FakeKubelet } from '../../helpers/fake-kubelet.ts';
import type { RunResult } from './harness.ts';
import { makeTwins, withoutKlog, type Twins } from './twins.ts';

let api: TestApiserver;
let t: Twins;
let kubelet: FakeKubelet;

/** What the fake kubelet has been asked, as `verb ns/pod` (verb: log or attach). */
const requests: string[] = [];
/** A line the container printed before anyone asked, and one it prints as the attach is tried. */
const earlyLine = 'printed before the attach';
const lateLine = 'printed as the attach failed';
const attachTried = new Map<string, number>();
/** Pods whose logs the kubelet cannot read. */
const unreadable = new Set<string>();

function fakeKubelet(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'https://kubelet');
  const m = /^\/containerLogs\/([^/]+)\/([^/]+)\/[^/]+$/.exec(url.pathname);
  if (!m) {
    res.writeHead(404).end();
    return;
  }
  const pod = `${m[1]}/${m[2]}`;
  requests.push(`log ${pod}`);
  if (unreadable.has(pod)) {
    res.writeHead(500).end('failed to read the container log: log file is gone');
    return;
  }
  // A real kubelet's lines carry times; sinceTime (whole seconds) leaves out the older ones, as kubectl relies on.
  const since = url.searchParams.get('sinceTime');
  const lines: [number, string][] = [[Date.now() - 60_000, earlyLine]];
  const tried = attachTried.get(pod);
  if (tried !== undefined) lines.push([tried, lateLine]);
  const shown = lines.filter(([at]) => since === null || at >= Date.parse(since)).map(([, line]) => `${line}\n`);
  res.writeHead(200, { 'Content-Type': 'text/plain' }).end(shown.join(''));
}

before(async () => {
  api = await startApiserver();
  t = await makeTwins(api, 'run-attach');
  kubelet = await startFakeKubelet(fakeKubelet);
  // Every attach is refused, as a kubelet refuses one for a container that has just ended.
  kubelet.server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    const m = /^\/attach\/([^/]+)\/([^/?]+)\//.exec(req.url ?? '');
    const pod = m ? `${m[1]}/${m[2]}` : '?';
    requests.push(`attach ${pod}`);
    attachTried.set(pod, Date.now());
    const body = `container ${m?.[2] ?? ''} not found in pod ${m?.[2] ?? ''}_${m?.[1] ?? ''}`;
    socket.end(`HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
  });
  await registerNodeAt(api, 'n1', kubelet.port);
});

after(async () => {
  await api.stop();
  api.cleanup();
  kubelet.close();
});

const rfc3339 = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the kubelet saw ${requests.join(', ')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function setStatus(ns: string, name: string, status: Record<string, unknown>): Promise<void> {
  const pod = (await api.request('GET', `/api/v1/namespaces/${ns}/pods/${name}`)).body;
  const res = await api.request('PUT', `/api/v1/namespaces/${ns}/pods/${name}/status`, { body: { ...pod, status } });
  assert.equal(res.status, 200, res.text);
}

/** Plays scheduler and kubelet up to a Running, Ready container. */
async function startPod(ns: string, name: string): Promise<void> {
  await until(`pod ${ns}/${name}`, async () => (await api.request('GET', `/api/v1/namespaces/${ns}/pods/${name}`)).status === 200);
  const bound = await api.request('POST', `/api/v1/namespaces/${ns}/pods/${name}/binding`, {
    body: { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: 'n1' } },
  });
  assert.equal(bound.status, 201, bound.text);
  const now = rfc3339();
  await setStatus(ns, name, {
    phase: 'Running', startTime: now,
    conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }],
    containerStatuses: [{ name, image: 'busybox', imageID: '', ready: true, restartCount: 0, state: { running: { startedAt: now } } }],
  });
}

/** Runs `run NAME ... -i` with one tool while the test plays the pod's life; `end` decides what happens after. */
async function runAttached(tool: 'kubectl' | 'skiffctl', ns: string, name: string, extra: string[],
  end: (pod: string) => Promise<void>): Promise<RunResult> {
  const running = t[tool](['-n', ns, 'run', name, '--image=busybox', '-i', '--restart=Never', ...extra, '--', 'sh', '-c', 'exit 4']);
  await startPod(ns, name);
  const [result] = await Promise.all([running, end(`${ns}/${name}`)]);
  return result;
}

describe('run -i when the attach fails', () => {
  it('shows the log instead and exits with the pod\'s code, as kubectl does', async () => {
    const results: RunResult[] = [];
    for (const [tool, ns] of [['kubectl', t.kns], ['skiffctl', t.sns]] as const) {
      results.push(await runAttached(tool, ns, 'quick', [], async (pod) => {
        // The log fetched after the refused attach (the pre-attach fetch comes first) is the fallback.
        await until(`the fallback log of ${pod}`, () => {
          const attach = requests.indexOf(`attach ${pod}`);
          return attach >= 0 && requests.indexOf(`log ${pod}`, attach) > attach;
        });
        const now = rfc3339();
        await setStatus(pod.split('/')[0], 'quick', {
          phase: 'Failed', startTime: now,
          containerStatuses: [{
            name: 'quick', image: 'busybox', imageID: '', ready: false, restartCount: 0,
            state: { terminated: { exitCode: 4, reason: 'Error', startedAt: now, finishedAt: now } },
          }],
        });
      }));
    }
    const [k, s] = results;
    assert.equal(s.stdout, k.stdout);
    assert.equal(s.stdout, `${earlyLine}\n${lateLine}\n`);
    for (const r of [k, s]) assert.match(r.stderr, /^warning: couldn't attach to pod\/quick, falling back to streaming logs: .*container quick not found/m, r.stderr);
    assert.equal(s.code, 4, s.stderr);
    assert.equal(k.code, 4, k.stderr);
  });

  it('fails with the log\'s error when the log cannot be read either, and --rm still deletes the pod', async () => {
    const results: RunResult[] = [];
    for (const [tool, ns] of [['kubectl', t.kns], ['skiffctl', t.sns]] as const) {
      unreadable.add(`${ns}/gone`);
      results.push(await runAttached(tool, ns, 'gone', ['--rm'], async () => {}));
      // Bound to a node, the pod goes gracefully: the kubelet (played by nobody here) would finish the deletion.
      const left = await api.request('GET', `/api/v1/namespaces/${ns}/pods/gone`);
      assert.ok(left.status === 404 || left.body.metadata.deletionTimestamp, `${tool} removed the pod: ${left.text}`);
    }
    const [k, s] = results;
    const lastLine = (r: RunResult): string => withoutKlog(r.stderr).trimEnd().split('\n').at(-1) ?? '';
    assert.match(lastLine(k), /log file is gone/, k.stderr);
    assert.equal(lastLine(s), lastLine(k));
    assert.equal(s.stdout.replace(t.sns, t.kns), k.stdout);
    assert.equal(s.code, k.code, s.stderr);
    assert.notEqual(s.code, 0);
  });
});
