// skiffctl apply (client-side, three-way) next to kubectl apply: the same result lines (created, configured,
// unchanged, dry runs), the same objects afterwards (fields others set kept, fields dropped from the manifest
// removed, lists merged by key), the same last-applied annotation, and the same failures.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { assertSame, comparable, makeTwins, type Twins } from './twins.ts';

let api: TestApiserver;
let t: Twins;

const v1 = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: tw
  labels: {a: "1", b: "2"}
spec:
  replicas: 1
  selector: {matchLabels: {app: tw}}
  template:
    metadata: {labels: {app: tw}}
    spec:
      containers:
      - name: main
        image: busybox:1
        command: [sleep, "3600"]
        env: [{name: A, value: "1"}, {name: B, value: "2"}]
        ports: [{containerPort: 80}, {containerPort: 81, protocol: UDP}]
      - name: side
        image: busybox:1
        command: [sleep, "3600"]
`;

const v2 = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: tw
  labels: {a: "1", c: "3"}
spec:
  selector: {matchLabels: {app: tw}}
  template:
    metadata: {labels: {app: tw}}
    spec:
      containers:
      - name: main
        image: busybox:2
        command: [sleep, "3601"]
        env: [{name: B, value: "2"}, {name: C, value: "3"}]
        ports: [{containerPort: 80}]
      - name: third
        image: busybox:1
`;

before(async () => {
  api = await startApiserver();
  t = await makeTwins(api, 'apply');
});
after(async () => {
  await api.stop();
  api.cleanup();
});

async function sameObject(type: string, name: string): Promise<void> {
  const [k, s] = await Promise.all([t.kubectl(['get', type, name, '-n', t.kns, '-o', 'json']), t.skiffctl(['get', type, name, '-n', t.sns, '-o', 'json'])]);
  assert.equal(k.code, 0, k.stderr);
  assert.deepEqual(comparable(s.stdout), comparable(k.stdout), `${type}/${name} after apply`);
}

describe('skiffctl apply', () => {
  it('created, unchanged, configured, with the same objects and annotation as kubectl', async () => {
    const first = t.file('v1.yaml', v1);
    const second = t.file('v2.yaml', v2);
    let [k, s] = await t.both(['apply', '-f', first]);
    assertSame(k, s, 'apply v1');
    assert.equal(s.stdout, 'deployment.apps/tw created\n');
    await sameObject('deploy', 'tw');
    [k, s] = await t.both(['apply', '-f', first]);
    assertSame(k, s, 'apply v1 again');
    assert.equal(s.stdout, 'deployment.apps/tw unchanged\n');
    // Another writer changes what the manifest does not manage, and what it does.
    for (const ns of [t.kns, t.sns]) {
      assert.equal((await t.kubectl(['label', 'deploy', 'tw', 'other=x', '-n', ns])).code, 0);
      assert.equal((await t.kubectl(['scale', 'deploy', 'tw', '--replicas=3', '-n', ns])).code, 0);
    }
    [k, s] = await t.both(['apply', '-f', second, '--dry-run=client']);
    assertSame(k, s, 'apply v2 --dry-run=client');
    [k, s] = await t.both(['apply', '-f', second, '--dry-run=server']);
    assertSame(k, s, 'apply v2 --dry-run=server');
    assert.equal(s.stdout, 'deployment.apps/tw configured (server dry run)\n');
    [k, s] = await t.both(['apply', '-f', second]);
    assertSame(k, s, 'apply v2');
    assert.equal(s.stdout, 'deployment.apps/tw configured\n');
    await sameObject('deploy', 'tw');
    const [obj] = await Promise.all([t.skiffctl(['get', 'deploy', 'tw', '-n', t.sns, '-o', 'json'])]);
    const live = JSON.parse(obj.stdout) as { metadata: { labels: Record<string, string> }; spec: { replicas: number; template: { spec: { containers: { name: string }[] } } } };
    assert.deepEqual(live.metadata.labels, { a: '1', c: '3', other: 'x' }, 'labels: b dropped, c added, the other writer\'s kept');
    assert.equal(live.spec.replicas, 1, 'replicas left the manifest, so the default comes back');
    assert.deepEqual(live.spec.template.spec.containers.map((c) => c.name), ['main', 'third']);
  });

  it('warns about objects created without the annotation, and patches it in', async () => {
    for (const ns of [t.kns, t.sns]) {
      assert.equal((await t.kubectl(['create', 'configmap', 'plain', '--from-literal=a=1', '-n', ns])).code, 0);
    }
    const file = t.file('plain.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\ndata:\n  a: "2"\n');
    const [k, s] = await t.both(['apply', '-f', file]);
    assertSame(k, s, 'apply over create');
    assert.match(s.stderr, /^Warning: resource configmaps\/plain is missing the kubectl.kubernetes.io\/last-applied-configuration annotation/);
    await sameObject('cm', 'plain');
  });

  it('several documents from stdin, -o name, -l', async () => {
    const input = ['a', 'b', 'c'].map((n) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: s-${n}\n  labels: {pick: "${n === 'b' ? 'no' : 'yes'}"}\n`).join('---\n');
    let [k, s] = await t.both(['apply', '-f', '-', '-l', 'pick=yes'], { input });
    assertSame(k, s, 'apply -f - -l');
    assert.equal(s.stdout, 'configmap/s-a created\nconfigmap/s-c created\n');
    [k, s] = await t.both(['apply', '-f', '-', '-o', 'name'], { input });
    assertSame(k, s, 'apply -f - -o name');
  });

  it('fails as kubectl does: invalid changes, unknown kinds, bad YAML, no input', async () => {
    const immutable = t.file('immutable.yaml', v1.replace(/app: tw}/g, 'app: other}'));
    for (const args of [
      ['apply', '-f', immutable],
      ['apply', '-f', t.file('widget.yaml', 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n')],
      ['apply'],
      ['apply', '-f', t.file('empty.yaml', '')],
    ]) {
      const [k, s] = await t.both(args);
      assertSame(k, s, args.join(' '));
      assert.equal(s.code, 1);
    }
    const bad = t.file('bad.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: [\n');
    const [k, s] = await t.both(['apply', '-f', bad]);
    assert.equal(k.code, 1);
    assert.equal(s.code, 1);
    assert.match(s.stderr, new RegExp(`^error: error parsing ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: error converting YAML to JSON: yaml: line \\d+: `));
  });
});
