// skiffctl create, next to kubectl create on the same apiserver (each in a namespace of its own): -f with files,
// directories, -R, stdin, lists and several documents; the generators; and the failures (already exists, unknown
// kinds, bad YAML with file and line, missing paths, wrong arguments).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { assertSame, comparable, makeTwins, type Twins } from './twins.ts';

let api: TestApiserver;
let t: Twins;

const cm = (name: string, extra = ''): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${extra}`;

before(async () => {
  api = await startApiserver();
  t = await makeTwins(api, 'create');
});
after(async () => {
  await api.stop();
  api.cleanup();
});

describe('skiffctl create -f', () => {
  it('creates every document of a file; an existing object and an unknown kind fail after the rest', async () => {
    const file = t.file('multi.yaml', `${cm('a')}---\n${cm('b', 'data:\n  k: v\n')}---\napiVersion: v1\nkind: Widget\nmetadata:\n  name: w\n`);
    let [k, s] = await t.both(['create', '-f', file]);
    assertSame(k, s, 'create -f multi.yaml');
    assert.equal(s.stdout, 'configmap/a created\nconfigmap/b created\n');
    assert.match(s.stderr, /no matches for kind "Widget" in version "v1"\nensure CRDs are installed first\n$/);
    [k, s] = await t.both(['create', '-f', file]);
    assertSame(k, s, 'create -f multi.yaml again');
    assert.match(s.stderr, /^Error from server \(AlreadyExists\): error when creating ".*multi.yaml": configmaps "a" already exists$/m);
    assert.equal(s.code, 1);
  });

  it('directories (only .yaml/.json/.yml, subdirectories with -R), lists and -o name', async () => {
    const dir = path.join(t.dir, 'tree');
    mkdirSync(path.join(dir, 'sub'), { recursive: true });
    t.file('tree/one.yaml', cm('one'));
    t.file('tree/two.json', JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'two' } }));
    t.file('tree/notes.txt', 'not a manifest');
    t.file('tree/sub/three.yml', `apiVersion: v1\nkind: List\nitems:\n- ${cm('three').replace(/\n/g, '\n  ')}\n- ${cm('four').replace(/\n/g, '\n  ')}\n`);
    let [k, s] = await t.both(['create', '-f', dir]);
    assertSame(k, s, 'create -f dir');
    assert.equal(s.stdout, 'configmap/one created\nconfigmap/two created\n');
    [k, s] = await t.both(['create', '-f', dir, '-R', '-o', 'name']);
    assertSame(k, s, 'create -f dir -R');
    assert.match(s.stdout, /configmap\/three\nconfigmap\/four\n$/);
  });

  it('reads stdin with -f -, names it STDIN in errors, and --save-config records the configuration', async () => {
    const input = cm('piped', 'data:\n  mode: "0644"\n');
    let [k, s] = await t.both(['create', '-f', '-', '--save-config'], { input });
    assertSame(k, s, 'create -f -');
    const [kg, sg] = await Promise.all([t.kubectl(['get', 'cm', 'piped', '-n', t.kns, '-o', 'json']), t.skiffctl(['get', 'cm', 'piped', '-n', t.sns, '-o', 'json'])]);
    assert.deepEqual(comparable(sg.stdout), comparable(kg.stdout));
    [k, s] = await t.both(['create', '-f', '-'], { input });
    assertSame(k, s, 'create -f - again');
    assert.match(s.stderr, /error when creating "STDIN"/);
  });

  it('YAML syntax errors name the file and the line', async () => {
    const file = t.file('bad.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\n data: 1\n');
    const [k, s] = await t.both(['create', '-f', file]);
    assert.equal(s.code, 1);
    assert.equal(k.code, 1);
    const prefix = `error: error parsing ${file}: error converting YAML to JSON: yaml: line `;
    assert.ok(k.stderr.startsWith(prefix), k.stderr);
    assert.ok(s.stderr.startsWith(`${prefix}5: `), s.stderr);
  });

  it('fails as kubectl does: missing path, no -f, nothing in the file, no apiVersion, --dry-run', async () => {
    const empty = t.file('empty.yaml', '---\n');
    const nokind = t.file('nokind.yaml', 'kind: ConfigMap\nmetadata:\n  name: x\n');
    const cases = [
      ['create', '-f', path.join(t.dir, 'missing.yaml')],
      ['create'],
      ['create', '-f', empty],
      ['create', '-f', nokind],
      ['create', '-f', t.file('dry.yaml', cm('dry')), '--dry-run=client'],
      ['create', '-f', t.file('dry2.yaml', cm('dry2')), '--dry-run=server'],
      ['create', '-f', t.file('dry3.yaml', cm('dry3')), '--dry-run=bogus'],
      ['create', '-f', t.file('wide.yaml', cm('wide')), '-o', 'wide'],
    ];
    for (const args of cases) {
      const [k, s] = await t.both(args);
      assertSame(k, s, args.join(' '));
    }
  });
});

describe('skiffctl create generators', () => {
  it('deployment, namespace, configmap, secret generic, service clusterip|nodeport', async () => {
    const data = t.file('data.txt', 'hello\n');
    const cases = [
      ['create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=2', '--port=80'],
      ['create', 'deploy', 'sleeper', '--image=busybox', '--', 'sleep', '3600'],
      ['create', 'configmap', 'cfg', '--from-literal=a=1', `--from-file=${data}`, `--from-file=renamed=${data}`],
      ['create', 'secret', 'generic', 'creds', '--from-literal=user=admin', '--type=Opaque'],
      ['create', 'service', 'clusterip', 'web', '--tcp=80:8080', '--tcp=443'],
      ['create', 'service', 'nodeport', 'np', '--tcp=80:http'],
      ['create', 'service', 'clusterip', 'headless', '--clusterip=None', '-o', 'name'],
    ];
    for (const args of cases) {
      const [k, s] = await t.both(args);
      assertSame(k, s, args.join(' '));
      assert.equal(s.code, 0, s.stderr);
    }
    for (const [type, name] of [['deploy', 'web'], ['deploy', 'sleeper'], ['cm', 'cfg'], ['secret', 'creds'], ['svc', 'np']]) {
      const [k, s] = await Promise.all([t.kubectl(['get', type, name, '-n', t.kns, '-o', 'json']), t.skiffctl(['get', type, name, '-n', t.sns, '-o', 'json'])]);
      const strip = (o: unknown): unknown => {
        const obj = o as { spec?: { clusterIP?: string; clusterIPs?: string[]; ports?: { nodePort?: number }[] } };
        delete obj.spec?.clusterIP;
        delete obj.spec?.clusterIPs;
        for (const p of obj.spec?.ports ?? []) delete p.nodePort;
        return obj;
      };
      assert.deepEqual(strip(comparable(s.stdout)), strip(comparable(k.stdout)), `${type}/${name}`);
    }
    const [k, s] = await Promise.all([t.kubectl(['create', 'namespace', `${t.kns}-extra`]), t.skiffctl(['create', 'namespace', `${t.sns}-extra`])]);
    assert.equal(k.stdout, `namespace/${t.kns}-extra created\n`, k.stderr);
    assert.equal(s.stdout, `namespace/${t.sns}-extra created\n`, s.stderr);
  });

  it('--dry-run=client -o yaml prints what would be sent', async () => {
    for (const args of [
      ['create', 'deployment', 'dry', '--image=nginx:1.25', '--replicas=3', '--port=8080', '--dry-run=client', '-o', 'yaml'],
      ['create', 'service', 'nodeport', 'dry', '--tcp=80:8080', '--dry-run=client', '-o', 'yaml'],
      ['create', 'configmap', 'dry', '--from-literal=x=y', '--dry-run=client', '-o', 'yaml'],
      ['create', 'namespace', 'dry', '--dry-run=client', '-o', 'yaml'],
    ]) {
      const [k, s] = await t.both(args);
      assertSame(k, s, args.join(' '));
    }
  });

  it('fails as kubectl does: no name, two names, existing objects, bad literals', async () => {
    for (const args of [
      ['create', 'configmap'],
      ['create', 'namespace', 'a', 'b'],
      ['create', 'deployment', 'web', '--image=nginx'],
      ['create', 'configmap', 'x', '--from-literal=novalue'],
      ['create', 'configmap', 'x', '--from-literal=a=1', '--from-literal=a=2'],
      ['create', 'configmap', 'x', `--from-file=${path.join(t.dir, 'absent')}`],
      ['create', 'service', 'clusterip', 'noports'],
      ['create', 'secret', 'generic', 'creds', '--from-literal=user=admin'],
    ]) {
      const [k, s] = await t.both(args);
      assertSame(k, s, args.join(' '));
      assert.equal(s.code, 1, args.join(' '));
    }
  });
});
