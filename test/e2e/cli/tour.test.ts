// The tour, typed with skiffctl against a real two-node cluster (the launcher's): create a deployment,
// watch it roll out, scale it, expose it (and reach it), read its logs, exec into a pod (output, stdin, exit
// code), attach to one, run a throw-away pod with --rm -i, change the image and roll back, drain a node and watch
// the pods come back on the other one.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { testCluster } from '../../helpers/cluster.ts';
import { waitFor } from '../../helpers/component.ts';
import { skiffctlCommand, type RunResult } from '../../integration/cli/harness.ts';

let cluster: Awaited<ReturnType<typeof testCluster>>;
const argv = skiffctlCommand();

/** skiffctl with the cluster's kubeconfig; `input` goes to its stdin (closed at once otherwise). */
function sk(args: string[], input?: string, timeoutMs = 180_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], [...argv.slice(1), '--kubeconfig', cluster.kubeconfig, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code: code ?? -1 });
    });
    child.stdin.end(input ?? '');
  });
}

/** Runs and insists on success; answers stdout. */
async function ok(...args: string[]): Promise<string> {
  const r = await sk(args);
  assert.equal(r.code, 0, `skiffctl ${args.join(' ')}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
  });
}

interface PodView { name: string; node: string; image: string }

async function pods(selector: string): Promise<PodView[]> {
  const out = await ok('get', 'pods', '-l', selector, '-o',
    'jsonpath={range .items[*]}{.metadata.name} {.spec.nodeName} {.spec.containers[0].image} {.metadata.deletionTimestamp}{"\\n"}{end}');
  return out.split('\n').filter(Boolean).map((l) => l.split(' ')).filter((f) => !f[3])
    .map(([name, node, image]) => ({ name, node, image }));
}

before(async () => {
  cluster = await testCluster({ name: 'sk', nodes: 2 });
  const up = await cluster.up();
  assert.equal(up.code, 0, up.stdout);
});
after(async () => {
  await cluster.reset();
});

describe('the skiffctl tour on a real cluster', () => {
  it('create, rollout status, scale, expose, logs', async () => {
    assert.equal(await ok('create', 'deployment', 'web', '--image=skiff.local/busybox:v1', '--replicas=2', '--',
      'sh', '-c', 'echo hello from $(hostname); exec httpd -f -p 8080 -h /etc'), 'deployment.apps/web created\n');
    // Progress lines until the pods are available (none when they already are), then the verdict.
    const status = await ok('rollout', 'status', 'deployment/web', '--timeout=120s');
    assert.match(status, /^(Waiting for deployment "web" rollout to finish: .*\n|Waiting for deployment spec update to be observed\.\.\.\n)*deployment "web" successfully rolled out\n$/);
    assert.equal(await ok('scale', 'deployment/web', '--replicas=3'), 'deployment.apps/web scaled\n');
    assert.match(await ok('rollout', 'status', 'deployment/web', '--timeout=120s'), /successfully rolled out\n$/);
    assert.equal((await pods('app=web')).length, 3);
    assert.equal(await ok('expose', 'deployment', 'web', '--port=80', '--target-port=8080'), 'service/web exposed\n');
    const ip = (await ok('get', 'service', 'web', '-o', 'jsonpath={.spec.clusterIP}')).trim();
    const names = new Set((await pods('app=web')).map((p) => p.name));
    const answered = await waitFor('the service to answer', async () => {
      try {
        const who = (await get(`http://${ip}/hostname`)).trim();
        return names.has(who) ? who : undefined;
      } catch {
        return undefined;
      }
    }, 60_000);
    assert.ok(names.has(answered));
    const logs = await sk(['logs', 'deploy/web']);
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /^hello from web-/);
    assert.match(logs.stderr, /^Found 3 pods, using pod\/web-/);
  });

  it('exec: output, stdin, the remote exit code; attach; run --rm -i', async () => {
    const [pod] = await pods('app=web');
    assert.equal(await ok('exec', pod.name, '--', 'cat', '/etc/hostname'), `${pod.name}\n`);
    const piped = await sk(['exec', '-i', 'deploy/web', '--', 'sh', '-c', 'tr a-z A-Z'], 'shout\n');
    assert.equal(piped.stdout, 'SHOUT\n', piped.stderr);
    const failed = await sk(['exec', pod.name, '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.deepEqual([failed.code, failed.stdout, failed.stderr], [3, 'out\n', 'err\ncommand terminated with exit code 3\n']);

    // A pod whose main process reads its stdin once: attach -i hands it a line.
    const applied = await sk(['apply', '-f', '-'], `apiVersion: v1
kind: Pod
metadata: {name: echoer}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  containers: [{name: main, image: skiff.local/busybox:v1, command: [sh, -c, 'read line; echo got $line'], stdin: true, stdinOnce: true}]
`);
    assert.equal(applied.stdout, 'pod/echoer created\n', applied.stderr);
    await waitFor('echoer running', async () => ((await ok('get', 'pod', 'echoer', '-o', 'jsonpath={.status.phase}')) === 'Running' ? true : undefined), 60_000);
    const attached = await sk(['attach', '-i', 'echoer'], 'ping\n');
    assert.equal(attached.code, 0, attached.stderr);
    assert.equal(attached.stdout, 'got ping\n');
    assert.match(attached.stderr, /If you don't see a command prompt, try pressing enter\./);

    const once = await sk(['run', 'once', '--image=skiff.local/busybox:v1', '--rm', '-i', '--restart=Never', '--', 'sh', '-c', 'cat; echo bye'], 'hi\n');
    assert.equal(once.code, 0, once.stderr);
    assert.match(once.stdout, /^hi\nbye\n(.*\n)*pod "once" deleted\n$/);
    const failing = await sk(['run', 'failing', '--image=skiff.local/busybox:v1', '--rm', '-i', '--restart=Never', '--', 'sh', '-c', 'exit 4']);
    assert.equal(failing.code, 4, failing.stderr);
    assert.match(failing.stdout, /pod "failing" deleted\n$/);
    await waitFor('the throw-away pods gone', async () => ((await pods('run')).length === 0 ? true : undefined), 60_000);
  });

  it('set image, history, undo', async () => {
    assert.equal(await ok('set', 'image', 'deployment/web', 'busybox=skiff.local/busybox:v2'), 'deployment.apps/web image updated\n');
    assert.match(await ok('rollout', 'status', 'deployment/web', '--timeout=120s'), /successfully rolled out\n$/);
    assert.ok((await pods('app=web')).every((p) => p.image === 'skiff.local/busybox:v2'));
    assert.equal(await ok('rollout', 'history', 'deployment/web'), 'deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');
    assert.equal(await ok('rollout', 'undo', 'deployment/web'), 'deployment.apps/web rolled back\n');
    assert.match(await ok('rollout', 'status', 'deployment/web', '--timeout=120s'), /successfully rolled out\n$/);
    const back = await waitFor('only v1 pods', async () => {
      const p = await pods('app=web');
      return p.length === 3 && p.every((x) => x.image === 'skiff.local/busybox:v1') ? p : undefined;
    }, 60_000);
    assert.equal(back.length, 3);
    assert.match(await ok('rollout', 'history', 'deployment/web'), /^2\s+<none>\n3\s+<none>\n\n$/m);
  });

  it('drain a node: its pods are evicted and come back on the other node', async () => {
    const [first, second] = cluster.nodeNames;
    const before = await pods('app=web');
    const onSecond = before.filter((p) => p.node === second);
    const drained = await sk(['drain', second, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=120s']);
    assert.equal(drained.code, 0, drained.stderr);
    assert.match(drained.stdout, new RegExp(`^node/${second} cordoned\n`));
    for (const p of onSecond) {
      assert.match(drained.stdout, new RegExp(`^evicting pod default/${p.name}$`, 'm'));
      assert.match(drained.stdout, new RegExp(`^pod/${p.name} evicted$`, 'm'));
    }
    assert.match(drained.stdout, new RegExp(`node/${second} drained\n$`));
    assert.match(await ok('rollout', 'status', 'deployment/web', '--timeout=120s'), /successfully rolled out\n$/);
    const after = await waitFor('three web pods, all on the first node', async () => {
      const p = await pods('app=web');
      return p.length === 3 && p.every((x) => x.node === first) ? p : undefined;
    }, 120_000);
    assert.equal(after.length, 3);
    assert.match(await ok('get', 'node', second), /SchedulingDisabled/);
    assert.equal(await ok('uncordon', second), `node/${second} uncordoned\n`);
  });
});
