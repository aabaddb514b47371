// skiffctl cordon, uncordon, taint and drain next to kubectl, each on a node of its own (no kubelet: the pods are
// bound to the nodes by hand, and drain runs with --grace-period=0 so evicted pods go at once).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import type { RunResult } from './harness.ts';
import { assertSame, makeTwins, type Twins } from './twins.ts';

let api: TestApiserver;
let t: Twins;
const knode = 'node-k';
const snode = 'node-s';

async function ok(method: string, path: string, body: unknown): Promise<Record<string, any>> {
  const res = await api.request(method, path, { body });
  assert.ok(res.status >= 200 && res.status < 300, `${method} ${path}: ${res.status} ${res.text}`);
  return res.body;
}

before(async () => {
  api = await startApiserver();
  t = await makeTwins(api, 'nodes');
  for (const name of [knode, snode]) await ok('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { pool: 'test' } } });
});
after(async () => {
  await api.stop();
  api.cleanup();
});

/** Both tools, `NODE` standing for each one's node; skiffctl's output worded as if it had run on kubectl's. */
async function onNodes(args: string[], opts: { namespaced?: boolean } = {}): Promise<[RunResult, RunResult]> {
  const ns = (n: string): string[] => (opts.namespaced ? ['-n', n] : []);
  const k = await t.kubectl([...ns(t.kns), ...args.map((a) => a.replace('NODE', knode))]);
  const s = await t.skiffctl([...ns(t.sns), ...args.map((a) => a.replace('NODE', snode))]);
  const fix = (text: string): string => text.split(snode).join(knode).split(t.sns).join(t.kns).replace(/skiffctl/g, 'kubectl');
  return [k, { ...s, stdout: fix(s.stdout), stderr: fix(s.stderr) }];
}

async function taintsOf(node: string): Promise<unknown> {
  return (await api.request('GET', `/api/v1/nodes/${node}`)).body.spec.taints;
}

describe('skiffctl cordon and uncordon', () => {
  it('cordon, already cordoned, uncordon, dry runs, failures', async () => {
    for (const args of [
      ['cordon', 'NODE', '--dry-run=client'],
      ['cordon', 'NODE'],
      ['cordon', 'NODE'],
      ['uncordon', 'NODE', '--dry-run=server'],
      ['uncordon', 'NODE'],
      ['uncordon', 'NODE'],
      ['cordon'],
      ['cordon', 'missing-node'],
    ]) {
      const [k, s] = await onNodes(args);
      assertSame(k, s, args.join(' '));
    }
    assert.equal((await api.request('GET', `/api/v1/nodes/${snode}`)).body.spec.unschedulable, undefined);
  });
});

describe('skiffctl taint', () => {
  it('adds, refuses duplicates, overwrites, removes by key and by key:effect', async () => {
    for (const args of [
      ['taint', 'nodes', 'NODE', 'dedicated=infra:NoSchedule'],
      ['taint', 'nodes', 'NODE', 'dedicated=other:NoSchedule'],
      ['taint', 'nodes', 'NODE', 'dedicated=other:NoSchedule', '--overwrite'],
      ['taint', 'node', 'NODE', 'gpu:PreferNoSchedule', 'spot=yes:NoExecute'],
      ['taint', 'nodes', 'NODE', 'gpu:PreferNoSchedule-'],
      ['taint', 'nodes', 'NODE', 'absent-'],
      ['taint', 'nodes', 'NODE', 'spot-', '-o', 'name'],
      ['taint', 'nodes', 'NODE', 'x=y:NoSchedule', '--dry-run=client'],
      ['taint', 'nodes', 'NODE', 'bad:Sometimes'],
      ['taint', 'nodes', 'NODE', 'novalue'],
      ['taint', 'pods', 'NODE', 'a=b:NoSchedule'],
      ['taint', 'nodes', 'a=b:NoSchedule'],
      ['taint', 'nodes', 'NODE', 'q=1:NoSchedule', 'q-'],
    ]) {
      const [k, s] = await onNodes(args);
      assertSame(k, s, args.join(' '));
      assert.deepEqual(await taintsOf(snode), await taintsOf(knode), `taints after ${args.join(' ')}`);
    }
  });
});

describe('skiffctl drain', () => {
  it('refuses unmanaged and DaemonSet pods without the flags, then evicts the rest', async () => {
    for (const [ns, node] of [[t.kns, knode], [t.sns, snode]]) {
      const ds = await ok('POST', `/apis/apps/v1/namespaces/${ns}/daemonsets`, {
        apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' },
        spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'busybox' }] } } },
      });
      const rs = await ok('POST', `/apis/apps/v1/namespaces/${ns}/replicasets`, {
        apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web' },
        spec: { replicas: 0, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'w', image: 'busybox' }] } } },
      });
      const owner = (kind: string, o: Record<string, any>): unknown => [{ apiVersion: 'apps/v1', kind, name: o.metadata.name, uid: o.metadata.uid, controller: true }];
      const pod = (name: string, extra: Record<string, unknown> = {}, spec: Record<string, unknown> = {}): Promise<unknown> => ok('POST', `/api/v1/namespaces/${ns}/pods`, {
        apiVersion: 'v1', kind: 'Pod', metadata: { name, ...extra }, spec: { nodeName: node, containers: [{ name: 'c', image: 'busybox' }], ...spec },
      });
      await pod('agent-1', { ownerReferences: owner('DaemonSet', ds) });
      await pod('web-1', { ownerReferences: owner('ReplicaSet', rs) });
      await pod('web-2', { ownerReferences: owner('ReplicaSet', rs) }, { volumes: [{ name: 'scratch', emptyDir: {} }] });
      await pod('bare');
    }
    for (const args of [
      ['drain', 'NODE'],
      ['drain', 'NODE', '--ignore-daemonsets', '--delete-emptydir-data'],
      ['drain', 'NODE', '--ignore-daemonsets', '--delete-emptydir-data', '--force', '--dry-run=client'],
    ]) {
      const [k, s] = await onNodes(args);
      assert.equal(s.code, k.code, args.join(' '));
      assert.equal(s.stdout, k.stdout, `stdout of ${args.join(' ')}`);
      // Several refusals come in Go's map order in kubectl's message: compare them as sets.
      const unordered = (text: string): string[] => text.replace(/\[(.*)\]/g, (_m, list: string) => `[${list.split(/, (?=cannot delete)/).sort().join(', ')}]`)
        .split('\n').sort();
      assert.deepEqual(unordered(s.stderr), unordered(k.stderr), `stderr of ${args.join(' ')}`);
    }
    const [k, s] = await onNodes(['drain', 'NODE', '--ignore-daemonsets', '--delete-emptydir-data', '--force', '--grace-period=0', '--timeout=60s']);
    assert.equal(s.code, 0, s.stderr);
    assert.equal(k.code, 0, k.stderr);
    const lines = (r: RunResult): string[] => r.stdout.trimEnd().split('\n').sort();
    assert.deepEqual(lines(s), lines(k));
    assert.match(s.stdout, /^evicting pod nodes-k\d+\/bare$/m);
    assert.match(s.stdout, /^pod\/web-2 evicted$/m);
    assert.match(s.stdout, /node\/node-k drained\n$/);
    // kubectl joins its warnings in Go map order, which varies from run to run.
    const warnings = (text: string): string[] => text.replace(/^Warning: /gm, '').trimEnd().split(/; |\n/).sort();
    assert.deepEqual(warnings(s.stderr), warnings(k.stderr));
    const left = (await api.request('GET', `/api/v1/namespaces/${t.sns}/pods`)).body.items.map((p: { metadata: { name: string } }) => p.metadata.name);
    assert.deepEqual(left, ['agent-1']);
  });
});
