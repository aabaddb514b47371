import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  buildKubeconfig, loadKubeconfig, mergeKubeconfigs, parseKubeconfig, readKubeconfigFile, writeKubeconfig,
} from '../../../apiserver/client/kubeconfig.ts';
import { KubeconfigEditor } from '../../../apiserver/client/kubeconfig-edit.ts';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-kubeconfig-')); });
afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

function write(rel: string, text: string): string {
  const file = path.join(dir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

const fileA = `
apiVersion: v1
kind: Config
current-context: ctx-a
clusters:
- name: shared
  cluster:
    server: https://a.example:6443
    certificate-authority-data: ${b64('CA-FROM-A')}
- name: only-a
  cluster:
    server: https://only-a:6443
users:
- name: alice
  user:
    token: token-a
contexts:
- name: ctx-a
  context:
    cluster: shared
    user: alice
    namespace: team-a
`;

const fileB = `
apiVersion: v1
kind: Config
current-context: ctx-b
clusters:
- name: shared
  cluster:
    server: https://b.example:6443
    tls-server-name: from-b
- name: only-b
  cluster:
    server: https://only-b:6443
    insecure-skip-tls-verify: true
users:
- name: bob
  user:
    token: token-b
contexts:
- name: ctx-b
  context:
    cluster: only-b
    user: bob
`;

describe('which files are read', () => {
  test('$KUBECONFIG lists files merged first-wins; missing entries are skipped', () => {
    const a = write('a/config', fileA);
    const b = write('b/config', fileB);
    const env = { KUBECONFIG: [path.join(dir, 'missing'), a, '', b].join(path.delimiter), HOME: dir };
    const merged = mergeKubeconfigs({ env });
    assert.deepEqual(merged.files, [path.join(dir, 'missing'), a, b]);
    // current-context: the first file that sets it.
    assert.equal(merged.config['current-context'], 'ctx-a');
    // A name defined twice comes whole from the first file: nothing of b's "shared" (tls-server-name) leaks in.
    const shared = merged.config.clusters.filter((c) => c.name === 'shared');
    assert.equal(shared.length, 1);
    assert.equal(shared[0].cluster.server, 'https://a.example:6443');
    assert.equal(shared[0].cluster['tls-server-name'], undefined);
    assert.deepEqual(merged.config.clusters.map((c) => c.name).sort(), ['only-a', 'only-b', 'shared']);
    assert.equal(merged.origins.clusters.get('shared'), a);
    assert.equal(merged.origins.clusters.get('only-b'), b);

    const resolved = loadKubeconfig({ env });
    assert.equal(resolved.contextName, 'ctx-a');
    assert.equal(resolved.server, 'https://a.example:6443');
    assert.equal(resolved.namespace, 'team-a');
    assert.equal(resolved.caData, 'CA-FROM-A');
    assert.equal(resolved.token, 'token-a');

    const other = loadKubeconfig({ env, context: 'ctx-b' });
    assert.equal(other.server, 'https://only-b:6443');
    assert.equal(other.namespace, 'default');
    assert.equal(other.insecureSkipTLSVerify, true);
    assert.equal(other.token, 'token-b');
  });

  test('the order of $KUBECONFIG decides who wins', () => {
    const a = write('a/config', fileA);
    const b = write('b/config', fileB);
    const resolved = loadKubeconfig({ env: { KUBECONFIG: [b, a].join(path.delimiter), HOME: dir } });
    assert.equal(resolved.contextName, 'ctx-b');
    const merged = mergeKubeconfigs({ env: { KUBECONFIG: [b, a].join(path.delimiter) } });
    assert.equal(merged.config.clusters.find((c) => c.name === 'shared')?.cluster.server, 'https://b.example:6443');
  });

  test('an explicit path is used alone, ignoring $KUBECONFIG, and must exist', () => {
    const a = write('a/config', fileA);
    const b = write('b/config', fileB);
    const resolved = loadKubeconfig({ path: b, env: { KUBECONFIG: a, HOME: dir } });
    assert.equal(resolved.contextName, 'ctx-b');
    assert.throws(() => loadKubeconfig({ path: b, env: { KUBECONFIG: a }, context: 'ctx-a' }), /context "ctx-a" does not exist/);
    assert.throws(() => loadKubeconfig({ path: path.join(dir, 'nope') }), /does not exist/);
  });

  test('without --kubeconfig or $KUBECONFIG, ~/.kube/config is read', () => {
    write('home/.kube/config', fileB);
    const resolved = loadKubeconfig({ env: { HOME: path.join(dir, 'home') } });
    assert.equal(resolved.contextName, 'ctx-b');
    assert.throws(() => loadKubeconfig({ env: { HOME: path.join(dir, 'empty-home') } }), /no kubeconfig found/);
  });
});

describe('resolving a context', () => {
  test('relative file references resolve against the directory of the file that defined the entry', () => {
    write('certs/ca.crt', 'CA-PEM');
    write('certs/client.crt', 'CERT-PEM');
    write('certs/client.key', 'KEY-PEM');
    write('secrets/token', 'file-token\n');
    const nested = write('nested/deeper/config', `
clusters:
- name: c
  cluster: { server: "https://x:6443", certificate-authority: ../../certs/ca.crt }
users:
- name: u
  user: { client-certificate: ../../certs/client.crt, client-key: ${path.join(dir, 'certs/client.key')} }
- name: t
  user: { tokenFile: ../../secrets/token }
contexts:
- name: cert
  context: { cluster: c, user: u }
- name: tok
  context: { cluster: c, user: t, namespace: ns1 }
current-context: cert
`);
    // Loaded from another working directory, so relative-to-cwd would break.
    const resolved = loadKubeconfig({ env: { KUBECONFIG: nested } });
    assert.equal(resolved.caData, 'CA-PEM');
    assert.equal(resolved.clientCertData, 'CERT-PEM');
    assert.equal(resolved.clientKeyData, 'KEY-PEM');
    assert.equal(resolved.token, undefined);
    const tok = loadKubeconfig({ env: { KUBECONFIG: nested }, context: 'tok' });
    assert.equal(tok.token, 'file-token');
    assert.equal(tok.namespace, 'ns1');
  });

  test('inline data is base64-decoded; an inline token beats tokenFile', () => {
    const file = write('config', `
clusters:
- name: c
  cluster: { server: "https://x", certificate-authority-data: ${b64('CA')} }
users:
- name: u
  user: { token: inline, tokenFile: /does/not/exist, client-certificate-data: ${b64('CERT')}, client-key-data: ${b64('KEY')} }
contexts:
- name: x
  context: { cluster: c, user: u }
current-context: x
`);
    const r = loadKubeconfig({ path: file });
    assert.deepEqual([r.caData, r.clientCertData, r.clientKeyData, r.token], ['CA', 'CERT', 'KEY', 'inline']);
  });

  test('invalid configurations are refused with a clear message', () => {
    const both = write('both', `
clusters: [{ name: c, cluster: { server: "https://x", certificate-authority-data: ${b64('CA')}, certificate-authority: ca.crt } }]
contexts: [{ name: x, context: { cluster: c } }]
current-context: x
`);
    assert.throws(() => loadKubeconfig({ path: both }), /certificate-authority-data and certificate-authority are both specified/);
    const noCtx = write('noctx', `clusters: [{ name: c, cluster: { server: "https://x" } }]\ncontexts: [{ name: x, context: { cluster: c } }]\n`);
    assert.throws(() => loadKubeconfig({ path: noCtx }), /current-context is not set/);
    assert.equal(loadKubeconfig({ path: noCtx, context: 'x' }).server, 'https://x');
    const noCluster = write('nocluster', `contexts: [{ name: x, context: { cluster: gone } }]\ncurrent-context: x\n`);
    assert.throws(() => loadKubeconfig({ path: noCluster }), /cluster "gone" of context "x" does not exist/);
    const certNoKey = write('certnokey', `
clusters: [{ name: c, cluster: { server: "https://x" } }]
users: [{ name: u, user: { client-certificate-data: ${b64('CERT')} } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`);
    assert.throws(() => loadKubeconfig({ path: certNoKey }), /no client-key/);
    const exec = write('exec', `
clusters: [{ name: c, cluster: { server: "https://x" } }]
users: [{ name: u, user: { exec: { command: aws } } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`);
    assert.throws(() => loadKubeconfig({ path: exec }), /"exec".*not support/);
    assert.throws(() => parseKubeconfig('clusters: {a: 1}', 'f'), /"clusters" must be a list/);
    assert.throws(() => parseKubeconfig('clusters: [{cluster: {}}]', 'f'), /needs a non-empty "name"/);
  });
});

describe('writing', () => {
  test('buildKubeconfig + writeKubeconfig: mode 0600, inline data, round-trips through loadKubeconfig', () => {
    const config = buildKubeconfig({
      server: 'https://10.0.0.1:6443', caData: '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n',
      clientCertData: 'CERT', clientKeyData: 'KEY', userName: 'kubelet-n1', clusterName: 'skiff', namespace: 'kube-system',
    });
    const file = path.join(dir, 'out', 'kubelet.conf');
    writeKubeconfig(file, config);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    const text = fs.readFileSync(file, 'utf8');
    assert.match(text, /certificate-authority-data: /);
    assert.doesNotMatch(text, /BEGIN CERTIFICATE/, 'PEM is stored base64-encoded');
    const r = loadKubeconfig({ path: file });
    assert.equal(r.contextName, 'kubelet-n1@skiff');
    assert.equal(r.server, 'https://10.0.0.1:6443');
    assert.equal(r.caData, '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n');
    assert.equal(r.clientCertData, 'CERT');
    assert.equal(r.namespace, 'kube-system');
    // Overwriting a world-readable file still leaves it 0600.
    fs.chmodSync(file, 0o644);
    writeKubeconfig(file, config);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['kubelet.conf'], 'no temp files left behind');
  });
});

describe('KubeconfigEditor (skiffctl config)', () => {
  test('changes go to the file defining the entry; new entries and current-context to the default file', () => {
    const a = write('a/config', fileA);
    const b = write('b/config', fileB);
    const env = { KUBECONFIG: [a, b].join(path.delimiter) };
    const editor = new KubeconfigEditor({ env });
    assert.equal(editor.defaultFile(), a);
    assert.equal(editor.currentContext(), 'ctx-a');
    assert.deepEqual(editor.contexts().map((c) => c.name).sort(), ['ctx-a', 'ctx-b']);

    editor.setContext('ctx-b', { namespace: 'team-b' });
    assert.equal(readKubeconfigFile(b)?.contexts.find((c) => c.name === 'ctx-b')?.context.namespace, 'team-b');
    assert.equal(readKubeconfigFile(a)?.contexts.some((c) => c.name === 'ctx-b'), false);

    editor.setCluster('new', { server: 'https://new:6443', 'certificate-authority': '/etc/ca.crt' });
    assert.equal(readKubeconfigFile(a)?.clusters.find((c) => c.name === 'new')?.cluster.server, 'https://new:6443');
    // Setting the inline form drops the file form, so the entry stays valid.
    editor.setCluster('new', { 'certificate-authority-data': b64('CA') });
    const updated = readKubeconfigFile(a)?.clusters.find((c) => c.name === 'new')?.cluster;
    assert.equal(updated?.['certificate-authority'], undefined);
    assert.equal(updated?.server, 'https://new:6443');

    editor.useContext('ctx-b');
    assert.equal(readKubeconfigFile(a)?.['current-context'], 'ctx-b');
    assert.equal(loadKubeconfig({ env }).namespace, 'team-b');
    assert.throws(() => editor.useContext('nope'), /no context exists/);

    editor.deleteUser('bob');
    assert.equal(readKubeconfigFile(b)?.users.length, 0);
    assert.throws(() => editor.deleteCluster('ghost'), /does not exist/);

    editor.unsetCurrentContext();
    assert.equal(readKubeconfigFile(a)?.['current-context'], undefined);
    // b still sets one, so the merged view now falls through to it.
    assert.equal(editor.currentContext(), 'ctx-b');
  });

  test('creates the default file when none exists', () => {
    const home = path.join(dir, 'home');
    const editor = new KubeconfigEditor({ env: { HOME: home } });
    editor.setCluster('c', { server: 'https://c' });
    editor.setUser('u', { token: 't' });
    editor.setContext('x', { cluster: 'c', user: 'u' });
    editor.useContext('x');
    const file = path.join(home, '.kube', 'config');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    const r = loadKubeconfig({ env: { HOME: home } });
    assert.deepEqual([r.server, r.token, r.contextName], ['https://c', 't', 'x']);
    editor.renameContext('x', 'y');
    assert.equal(editor.currentContext(), 'y');
  });
});
