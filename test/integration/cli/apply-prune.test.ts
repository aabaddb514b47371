// skiffctl apply --prune next to kubectl apply --prune (1.32, without an ApplySet): what -l and --all prune, the
// allowlist, dry runs, objects created without apply kept, namespaces not applied to left alone, cluster-scoped
// kinds, -o, and the errors. Each test has twin namespaces of its own; where the objects must name their namespaces,
// each tool gets files naming its own, and skiffctl's output is read as if it had run in kubectl's.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import type { RunResult } from './harness.ts';
import { assertSame, makeTwins, type Twins } from './twins.ts';

let api: TestApiserver;

before(async () => {
  api = await startApiserver();
});
after(async () => {
  await api.stop();
  api.cleanup();
});

type Labels = Record<string, string>;

function doc(apiVersion: string, kind: string, name: string, labels: Labels, extra = '', namespace?: string): string {
  const ns = namespace ? `  namespace: ${namespace}\n` : '';
  return `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${name}\n${ns}  labels: ${JSON.stringify(labels)}\n${extra}`;
}
const cm = (name: string, labels: Labels = {}, namespace?: string): string => doc('v1', 'ConfigMap', name, labels, 'data: {k: v}\n', namespace);
const secret = (name: string, labels: Labels = {}): string => doc('v1', 'Secret', name, labels, 'stringData: {k: v}\n');
const service = (name: string, labels: Labels): string => doc('v1', 'Service', name, labels, 'spec:\n  selector: {app: web}\n  ports: [{port: 80}]\n');
const deployment = (name: string, labels: Labels): string => doc('apps/v1', 'Deployment', name, labels,
  'spec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: main, image: nginx}]}\n');
const namespaceDoc = (name: string, labels: Labels): string => doc('v1', 'Namespace', name, labels);
const docs = (...d: string[]): string => d.join('---\n');

/** The objects of `types` left in each tool's namespace, by name; they must be the same. */
async function left(t: Twins, types: string, namespaces: [string, string] = [t.kns, t.sns]): Promise<string[]> {
  const [k, s] = await Promise.all([t.kubectl(['get', types, '-n', namespaces[0], '-o', 'name']), t.skiffctl(['get', types, '-n', namespaces[1], '-o', 'name'])]);
  assert.equal(k.code, 0, k.stderr);
  assert.equal(s.stdout, k.stdout, `${types} left`);
  return k.stdout.split('\n').filter((l) => l !== '');
}

/** An object created without apply (no last-applied annotation) in both namespaces. */
async function createPlain(t: Twins, name: string, labels: Labels): Promise<void> {
  for (const ns of [t.kns, t.sns]) {
    const res = await api.request('POST', `/api/v1/namespaces/${ns}/configmaps`, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels } } });
    assert.equal(res.status, 201, res.text);
  }
}

async function createNamespace(name: string): Promise<void> {
  const res = await api.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } });
  assert.equal(res.status, 201, res.text);
}

/**
 * Each tool with arguments (and files) of its own, built from its namespace name: for objects that name namespaces,
 * or cluster-scoped objects that must not meet the other tool's. skiffctl's output reads as if it were kubectl's.
 */
async function eachOwn(t: Twins, args: (ns: string) => string[]): Promise<[RunResult, RunResult]> {
  const k = await t.kubectl(args(t.kns));
  const s = await t.skiffctl(args(t.sns));
  const fix = (text: string): string => text.split(t.sns).join(t.kns).replace(/skiffctl/g, 'kubectl');
  return [k, { ...s, stdout: fix(s.stdout), stderr: fix(s.stderr) }];
}

const sortedLines = (text: string): string[] => text.split('\n').filter((l) => l !== '').sort();

/** kubectl's default allowlist without Ingress, which Skiff does not serve. */
const servedDefaults = [
  'core/v1/ConfigMap', 'core/v1/Endpoints', 'core/v1/PersistentVolumeClaim', 'core/v1/Pod', 'core/v1/ReplicationController',
  'core/v1/Secret', 'core/v1/Service', 'batch/v1/Job', 'batch/v1/CronJob', 'apps/v1/DaemonSet', 'apps/v1/Deployment',
  'apps/v1/ReplicaSet', 'apps/v1/StatefulSet', 'core/v1/Namespace', 'core/v1/PersistentVolume',
].map((k) => `--prune-allowlist=${k}`);

describe('skiffctl apply --prune', () => {
  it('-l: prunes the selected objects the files dropped; unselected ones and ones created without apply stay', async () => {
    const t = await makeTwins(api, 'prune');
    const v1 = t.file('v1.yaml', docs(cm('a', { app: 'web' }), cm('b', { app: 'web' }), secret('s', { app: 'web' }), cm('other', { app: 'db' })));
    const v2 = t.file('v2.yaml', docs(cm('a', { app: 'web' })));
    let [k, s] = await t.both(['apply', '-f', v1]);
    assertSame(k, s, 'apply v1');
    await createPlain(t, 'plain', { app: 'web' });
    [k, s] = await t.both(['apply', '-f', v2, '--prune', '-l', 'app=web', '--prune-allowlist=core/v1/ConfigMap', '--prune-allowlist=core/v1/Secret']);
    assertSame(k, s, 'apply v2 --prune -l');
    assert.equal(s.stdout, 'configmap/a unchanged\nconfigmap/b pruned\nsecret/s pruned\n');
    assert.deepEqual((await left(t, 'configmaps')).filter((n) => n !== 'configmap/kube-root-ca.crt'), ['configmap/a', 'configmap/other', 'configmap/plain']);
    assert.deepEqual(await left(t, 'secrets'), []);
  });

  it('the default allowlist: kubectl stops at Ingress, which Skiff does not serve; skiffctl prunes the kinds it has', async () => {
    const t = await makeTwins(api, 'prune');
    const site = { app: 'site' };
    const v1 = t.file('v1.yaml', docs(deployment('web', site), service('web', site), cm('cfg', site), secret('key', site)));
    const v2 = t.file('v2.yaml', docs(deployment('web', site)));
    let [k, s] = await t.both(['apply', '-f', v1]);
    assertSame(k, s, 'apply v1');
    // What kubectl 1.32 does against this server with its defaults: apply, then fail to map Ingress.
    const refused = await t.kubectl(['apply', '-n', t.kns, '-f', v2, '--prune', '-l', 'app=site']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /error: error retrieving RESTMappings to prune: invalid resource networking.k8s.io\/v1, Kind=Ingress, Namespaced=true: no matches for kind "Ingress" in version "networking.k8s.io\/v1"/);
    // The same defaults without Ingress, spelled out for kubectl.
    k = await t.kubectl(['-n', t.kns, 'apply', '-f', v2, '--prune', '-l', 'app=site', ...servedDefaults]);
    s = (await t.both(['apply', '-f', v2, '--prune', '-l', 'app=site']))[1];
    assertSame(k, s, 'apply v2 --prune with the defaults');
    assert.equal(s.stdout, 'deployment.apps/web unchanged\nconfigmap/cfg pruned\nsecret/key pruned\nservice/web pruned\n');
    // kubectl's deprecation warning whenever the defaults are used (it always has a namespace).
    assert.match(s.stderr, /^W\d{4} [\d:.]+ +\d+ prune.go:71\] Deprecated: kubectl apply will no longer prune non-namespaced resources by default when used with the --namespace flag in a future release\. To preserve the current behaviour, list the resources you want to target explicitly in the --prune-allowlist flag\.\n$/);
    assert.deepEqual(await left(t, 'deployments,services,secrets'), ['deployment.apps/web']);
  });

  it('--all: every applied object of the kinds in the namespaces applied to; other namespaces are left alone', async () => {
    const t = await makeTwins(api, 'prune');
    await createNamespace(`${t.kns}-x`);
    await createNamespace(`${t.sns}-x`);
    const v1 = t.file('v1.yaml', docs(cm('a'), cm('b', { any: 'thing' })));
    const v2 = t.file('v2.yaml', docs(cm('a')));
    const elsewhere = t.file('elsewhere.yaml', cm('elsewhere'));
    let [k, s] = await t.both(['apply', '-f', v1]);
    assertSame(k, s, 'apply v1');
    assert.equal((await t.kubectl(['apply', '-n', `${t.kns}-x`, '-f', elsewhere])).code, 0);
    assert.equal((await t.kubectl(['apply', '-n', `${t.sns}-x`, '-f', elsewhere])).code, 0);
    [k, s] = await t.both(['apply', '-f', v2, '--prune', '--all', '--prune-allowlist=core/v1/ConfigMap']);
    assertSame(k, s, 'apply v2 --prune --all');
    assert.equal(s.stdout, 'configmap/a unchanged\nconfigmap/b pruned\n');
    assert.deepEqual(await left(t, 'configmaps', [`${t.kns}-x`, `${t.sns}-x`]), ['configmap/elsewhere']);
  });

  it('dry runs say what would be pruned; a client dry run deletes nothing; -o name names the pruned objects', async () => {
    const t = await makeTwins(api, 'prune');
    const v1 = t.file('v1.yaml', docs(cm('a', { app: 'dry' }), cm('b', { app: 'dry' })));
    const v2 = t.file('v2.yaml', docs(cm('a', { app: 'dry' })));
    const prune = ['--prune', '-l', 'app=dry', '--prune-allowlist=core/v1/ConfigMap'];
    const applied = async (): Promise<string[]> => (await left(t, 'configmaps')).filter((n) => n !== 'configmap/kube-root-ca.crt');
    let [k, s] = await t.both(['apply', '-f', v1]);
    assertSame(k, s, 'apply v1');
    [k, s] = await t.both(['apply', '-f', v2, ...prune, '--dry-run=client']);
    assertSame(k, s, '--dry-run=client');
    assert.equal(s.stdout, 'configmap/a configured (dry run)\nconfigmap/b pruned (dry run)\n');
    assert.deepEqual(await applied(), ['configmap/a', 'configmap/b']);
    [k, s] = await t.both(['apply', '-f', v2, ...prune, '-o', 'name']);
    assertSame(k, s, '-o name');
    assert.equal(s.stdout, 'configmap/a\nconfigmap/b\n');
    assert.deepEqual(await applied(), ['configmap/a']);
    [k, s] = await t.both(['apply', '-f', v1]);
    assertSame(k, s, 'apply v1 again');
    [k, s] = await t.both(['apply', '-f', v2, ...prune, '--dry-run=server']);
    assertSame(k, s, '--dry-run=server');
    assert.equal(s.stdout, 'configmap/a unchanged (server dry run)\nconfigmap/b pruned (server dry run)\n');
    await applied();
  });

  // Skiff's apiserver reads dryRun for DELETE only from the query, not from the DeleteOptions body kubectl (and
  // skiffctl) send, so a server dry run deletes for real, with kubectl delete --dry-run=server as well.
  it('a server dry run deletes nothing', async () => {
    const t = await makeTwins(api, 'prune');
    const v1 = t.file('v1.yaml', docs(cm('a', { app: 'dry' }), cm('b', { app: 'dry' })));
    const v2 = t.file('v2.yaml', docs(cm('a', { app: 'dry' })));
    let [k, s] = await t.both(['apply', '-f', v1]);
    assertSame(k, s, 'apply v1');
    [k, s] = await t.both(['apply', '-f', v2, '--prune', '-l', 'app=dry', '--prune-allowlist=core/v1/ConfigMap', '--dry-run=server']);
    assertSame(k, s, '--dry-run=server');
    assert.deepEqual((await left(t, 'configmaps')).filter((n) => n !== 'configmap/kube-root-ca.crt'), ['configmap/a', 'configmap/b']);
  });

  it('-o yaml: the applied objects, then each pruned one', async () => {
    const t = await makeTwins(api, 'prune');
    const v1 = t.file('v1.yaml', docs(cm('a', { app: 'y' }), cm('b', { app: 'y' }), cm('c', { app: 'y' })));
    const v2 = t.file('v2.yaml', docs(cm('a', { app: 'y' }), cm('b', { app: 'y' })));
    let [k, s] = await t.both(['apply', '-f', v1]);
    assertSame(k, s, 'apply v1');
    [k, s] = await t.both(['apply', '-f', v2, '--prune', '-l', 'app=y', '--prune-allowlist=core/v1/ConfigMap', '-o', 'yaml']);
    const masked = (text: string): string => text.replace(/(creationTimestamp|resourceVersion|uid): .*/g, '$1: -');
    assert.equal(masked(s.stdout), masked(k.stdout));
    assert.equal(s.code, 0);
    assert.match(s.stdout, /^apiVersion: v1\nitems:\n[^]*kind: List\nmetadata: \{\}\napiVersion: v1\ndata:\n  k: v\nkind: ConfigMap\n[^]*  name: c\n/);
  });

  it('objects in several namespaces: each namespace applied to is pruned, and cluster-scoped kinds once', async () => {
    const t = await makeTwins(api, 'prune');
    for (const ns of [t.kns, t.sns]) for (const n of ['n1', 'n2', 'n3']) await createNamespace(`${ns}-${n}`);
    const grp = (ns: string): Labels => ({ grp: ns });
    const v1 = (ns: string): string => t.file(`${ns}-v1.yaml`, docs(
      namespaceDoc(`${ns}-gone`, grp(ns)), namespaceDoc(`${ns}-kept`, grp(ns)),
      cm('a', grp(ns), `${ns}-n1`), cm('b', grp(ns), `${ns}-n1`), cm('c', grp(ns), `${ns}-n2`), cm('d', grp(ns), `${ns}-n2`), cm('e', grp(ns), `${ns}-n3`)));
    const v2 = (ns: string): string => t.file(`${ns}-v2.yaml`, docs(namespaceDoc(`${ns}-kept`, grp(ns)), cm('a', grp(ns), `${ns}-n1`), cm('c', grp(ns), `${ns}-n2`)));
    let [k, s] = await eachOwn(t, (ns) => ['apply', '-f', v1(ns)]);
    assertSame(k, s, 'apply v1');
    [k, s] = await eachOwn(t, (ns) => ['apply', '-f', v2(ns), '--prune', '-l', `grp=${ns}`, '--prune-allowlist=core/v1/ConfigMap', '--prune-allowlist=core/v1/Namespace']);
    assert.equal(s.stderr, k.stderr);
    assert.equal(s.code, k.code);
    // kubectl walks the namespaces in Go's map order, which varies from run to run.
    assert.deepEqual(sortedLines(s.stdout), sortedLines(k.stdout));
    assert.deepEqual(sortedLines(s.stdout), sortedLines(`namespace/${t.kns}-kept unchanged\nconfigmap/a unchanged\nconfigmap/c unchanged\nconfigmap/b pruned\nconfigmap/d pruned\nnamespace/${t.kns}-gone pruned\n`));
    assert.match(s.stdout, /pruned\nnamespace\/[\w-]+-gone pruned\n$/, 'cluster-scoped kinds come last');
    // n3 was not applied to this time: its object stays although the files dropped it.
    assert.deepEqual(await left(t, 'configmaps', [`${t.kns}-n3`, `${t.sns}-n3`]), ['configmap/e']);
  });

  it('nothing is pruned when an apply fails; -n is a namespace applied to even when only cluster-scoped objects were', async () => {
    const t = await makeTwins(api, 'prune');
    const v1 = t.file('v1.yaml', docs(cm('a', { app: 'f' }), cm('b', { app: 'f' })));
    const bad = t.file('bad.yaml', docs(cm('a', { app: 'f' }), cm('Bad_Name', { app: 'f' })));
    let [k, s] = await t.both(['apply', '-f', v1]);
    assertSame(k, s, 'apply v1');
    [k, s] = await t.both(['apply', '-f', bad, '--prune', '-l', 'app=f', '--prune-allowlist=core/v1/ConfigMap']);
    assertSame(k, s, 'a failing apply with --prune');
    assert.equal(s.code, 1);
    assert.deepEqual((await left(t, 'configmaps')).filter((n) => n !== 'configmap/kube-root-ca.crt'), ['configmap/a', 'configmap/b']);
    const only = (ns: string): string => t.file(`${ns}-only.yaml`, namespaceDoc(`${ns}-only`, { app: 'f' }));
    [k, s] = await eachOwn(t, (ns) => ['apply', '-n', ns, '-f', only(ns), '--prune', '-l', 'app=f', '--prune-allowlist=core/v1/ConfigMap']);
    assertSame(k, s, 'a Namespace applied with -n');
    assert.equal(s.stdout, `namespace/${t.kns}-only created\nconfigmap/a pruned\nconfigmap/b pruned\n`);
  });

  it('fails as kubectl does: no -l or --all, both, --server-side, bad allowlists', async () => {
    const t = await makeTwins(api, 'prune');
    const f = t.file('one.yaml', cm('one', { app: 'x' }));
    for (const extra of [
      [],
      ['--all', '-l', 'app=x'],
      ['--all', '--server-side'],
      ['-l', 'app=x', '--prune-allowlist=v1/ConfigMap'],
      ['-l', 'app=x', '--prune-allowlist=core/v1/ConfigMap,core/v1/Secret'],
      ['-l', 'app=x', '--prune-allowlist=core/v1/Foo'],
      ['-l', 'app=x', '--prune-allowlist=apps/v2/Deployment'],
      ['-l', 'app=x', '--prune-allowlist=networking.k8s.io/v1/Ingress'],
    ]) {
      const args = ['apply', '-f', f, '--prune', ...extra];
      const [k, s] = await t.both(args);
      assertSame(k, s, args.join(' '));
      assert.equal(s.code, 1);
    }
    assert.deepEqual(await left(t, 'configmaps').then((l) => l.filter((n) => n !== 'configmap/kube-root-ca.crt')), [], 'nothing was applied');
  });
});
