// skiffctl get -w against kubectl get -w: the list, then one row per change, aligned under the list as kubectl
// aligns it (column widths only grow), with the EVENT column on request, and names for -o name.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { skiffctlCommand, waitFor, withoutAges } from './harness.ts';

let api: TestApiserver;

before(async () => {
  api = await startApiserver();
  await api.request('POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: 'first' }, data: { a: '1' } } });
});
after(async () => {
  await api.stop();
  api.cleanup();
});

interface Watcher { child: ChildProcess; out: () => string }

function watcher(cmd: string[], args: string[]): Watcher {
  const child = spawn(cmd[0], [...cmd.slice(1), '--kubeconfig', api.kubeconfig, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
  return { child, out: () => out };
}

async function stop(w: Watcher): Promise<void> {
  if (w.child.exitCode !== null) return;
  const exited = new Promise((r) => w.child.once('exit', r));
  w.child.kill('SIGTERM');
  await exited;
}

/** Starts both, waits for both to list, runs `changes`, waits until both printed `lines` lines, compares. */
async function sameWatch(args: string[], changes: () => Promise<void>, lines: number): Promise<string> {
  const k = watcher(['kubectl'], args);
  const s = watcher(skiffctlCommand(), args);
  try {
    const count = (w: Watcher): number => w.out().split('\n').length - 1;
    await waitFor(() => count(k) >= 1 && count(s) >= 1, 20_000, () => `initial list: kubectl ${JSON.stringify(k.out())}, skiffctl ${JSON.stringify(s.out())}`);
    // The watches must be established before the changes: both have printed; give the requests a moment.
    await new Promise((r) => setTimeout(r, 500));
    await changes();
    await waitFor(() => count(k) >= lines && count(s) >= lines, 20_000, () => `kubectl ${JSON.stringify(k.out())}, skiffctl ${JSON.stringify(s.out())}`);
    await new Promise((r) => setTimeout(r, 300));
  } finally {
    await Promise.all([stop(k), stop(s)]);
  }
  // The two started a moment apart, so an AGE may differ by a second: compare without ages then.
  if (s.out() !== k.out()) assert.equal(withoutAges(s.out()), withoutAges(k.out()));
  return s.out();
}

let n = 0;
async function churn(): Promise<void> {
  n++;
  const name = `a-much-longer-configmap-name-${n}`;
  await api.request('POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name }, data: { x: 'y' } } });
  await api.request('PATCH', '/api/v1/namespaces/default/configmaps/first', {
    body: { metadata: { labels: { changed: String(n) } } }, contentType: 'application/merge-patch+json',
  });
  await api.request('DELETE', `/api/v1/namespaces/default/configmaps/${name}`);
}

describe('skiffctl get -w matches kubectl', () => {
  it('a list, then rows for ADDED, MODIFIED and DELETED, widths remembered', async () => {
    const out = await sameWatch(['get', 'configmaps', '-w'], churn, 4);
    assert.match(out, /^first +1 +\d+s\na-much-longer-configmap-name-1 +1 +\d+s\n/m);
  });

  it('--output-watch-events', async () => {
    const out = await sameWatch(['get', 'configmaps', '-w', '--output-watch-events'], churn, 5);
    assert.match(out, /^EVENT +NAME +DATA +AGE\nADDED +first/);
    assert.match(out, /^DELETED +a-much-longer-configmap-name-\d+ /m);
  });

  it('one object by name, -o name', async () => {
    await sameWatch(['get', 'configmap', 'first', '-w', '-o', 'name'], churn, 2);
  });

  it('-A adds the namespace column', async () => {
    await sameWatch(['get', 'configmaps', '-A', '-w'], churn, 4);
  });
});
