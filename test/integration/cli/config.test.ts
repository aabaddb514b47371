// skiffctl config against kubectl config: the same messages for the same edits, files that kubectl reads back the
// same way, and the same `config view` (secrets redacted) for the same files. No server is needed.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kubectl, skiffctl, type RunResult } from './harness.ts';

let dir: string;
let base: string;

const kubeconfig = `apiVersion: v1
kind: Config
current-context: skiff
clusters:
- name: skiff
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority-data: ${Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64')}
users:
- name: admin
  user:
    token: secret-token
- name: cert-user
  user:
    client-certificate-data: ${Buffer.from('cert').toString('base64')}
    client-key-data: ${Buffer.from('key').toString('base64')}
contexts:
- name: skiff
  context:
    cluster: skiff
    user: admin
    namespace: default
- name: other
  context:
    cluster: skiff
    user: cert-user
`;

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'skiffctl-config-'));
  base = path.join(dir, 'base');
  writeFileSync(base, kubeconfig, { mode: 0o600 });
});
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** A fresh copy of the base kubeconfig for each tool. */
function copies(): [string, string] {
  n++;
  const k = path.join(dir, `k${n}`);
  const s = path.join(dir, `s${n}`);
  copyFileSync(base, k);
  copyFileSync(base, s);
  return [k, s];
}

function assertSame(k: RunResult, s: RunResult, what: string): void {
  assert.equal(s.stdout, k.stdout, `stdout of ${what}`);
  assert.equal(s.stderr, k.stderr, `stderr of ${what}`);
  assert.equal(s.code, k.code, `exit code of ${what}`);
}

async function sameOn(kFile: string, sFile: string, args: string[]): Promise<void> {
  const [k, s] = await Promise.all([kubectl(['--kubeconfig', kFile, ...args]), skiffctl(['--kubeconfig', sFile, ...args])]);
  assertSame(k, s, args.join(' '));
}

describe('skiffctl config matches kubectl config', () => {
  it('view, --minify, --raw, -o json, jsonpath', async () => {
    for (const args of [['config', 'view'], ['config', 'view', '--minify'], ['config', 'view', '--raw'], ['config', 'view', '-o', 'json'],
      ['config', 'view', '--minify', '--context', 'other'], ['config', 'view', '-o', 'jsonpath={.users[*].name}']]) {
      await sameOn(base, base, args);
    }
    const s = await skiffctl(['--kubeconfig', base, 'config', 'view']);
    assert.match(s.stdout, /token: REDACTED/);
    assert.match(s.stdout, /certificate-authority-data: DATA\+OMITTED/);
    assert.doesNotMatch(s.stdout, /secret-token/);
  });

  it('get-contexts, current-context', async () => {
    for (const args of [['config', 'get-contexts'], ['config', 'get-contexts', 'other'], ['config', 'get-contexts', '-o', 'name'],
      ['config', 'current-context'], ['config', 'get-contexts', 'nope']]) {
      await sameOn(base, base, args);
    }
  });

  it('use-context, set-context (--current, --namespace), set-cluster, set-credentials: same messages, same result', async () => {
    const [k, s] = copies();
    const steps = [
      ['config', 'use-context', 'other'],
      ['config', 'current-context'],
      ['config', 'set-context', '--current', '--namespace=team-a'],
      ['config', 'set-context', 'dev', '--cluster=skiff', '--user=admin', '--namespace=dev'],
      ['config', 'set-context', 'dev', '--namespace=dev2'],
      ['config', 'set-cluster', 'edge', '--server=https://10.0.0.9:6443', '--insecure-skip-tls-verify=true'],
      ['config', 'set-cluster', 'skiff', '--server=https://127.0.0.1:7443'],
      ['config', 'set-credentials', 'bob', '--token=bobs-token'],
      ['config', 'set-credentials', 'carol', '--client-certificate=/etc/carol.crt', '--client-key=/etc/carol.key'],
      ['config', 'use-context', 'nope'],
      ['config', 'get-contexts'],
    ];
    for (const args of steps) await sameOn(k, s, args);
    // kubectl reads both files back to the same configuration.
    const [kv, sv] = await Promise.all([
      kubectl(['--kubeconfig', k, 'config', 'view', '--raw', '-o', 'json']),
      kubectl(['--kubeconfig', s, 'config', 'view', '--raw', '-o', 'json']),
    ]);
    assert.deepEqual(JSON.parse(sv.stdout), JSON.parse(kv.stdout));
    assert.equal(statSync(s).mode & 0o777, 0o600, 'a kubeconfig holds credentials: 0600');
  });

  it('$KUBECONFIG lists several files; edits go where kubectl puts them', async () => {
    const [k1, s1] = copies();
    const [k2, s2] = copies();
    writeFileSync(k2, 'apiVersion: v1\nkind: Config\ncontexts:\n- name: extra\n  context:\n    cluster: skiff\n    user: admin\n');
    writeFileSync(s2, 'apiVersion: v1\nkind: Config\ncontexts:\n- name: extra\n  context:\n    cluster: skiff\n    user: admin\n');
    const kEnv = { ...process.env, KUBECONFIG: `${k1}:${k2}` };
    const sEnv = { ...process.env, KUBECONFIG: `${s1}:${s2}` };
    for (const args of [['config', 'get-contexts'], ['config', 'set-context', 'extra', '--namespace=x'], ['config', 'use-context', 'extra'], ['config', 'view']]) {
      const [k, s] = await Promise.all([kubectl(args, { env: kEnv }), skiffctl(args, { env: sEnv })]);
      assertSame(k, s, args.join(' '));
    }
  });
});
