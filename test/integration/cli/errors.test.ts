// Failures read like kubectl's: one line on stderr, exit code 1, for server errors and bad configurations alike.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { kubectl, skiffctl, type RunResult } from './harness.ts';

let api: TestApiserver;
let dir: string;

before(async () => {
  api = await startApiserver();
  dir = mkdtempSync(path.join(os.tmpdir(), 'skiffctl-errors-'));
});
after(async () => {
  await api.stop();
  api.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

async function bothRaw(args: string[]): Promise<[RunResult, RunResult]> {
  return Promise.all([kubectl(args), skiffctl(args)]);
}

/** kubectl's last stderr line (it may log retries above it) against skiffctl's only line. */
function assertSameFailure(k: RunResult, s: RunResult): void {
  assert.equal(s.code, 1);
  assert.equal(k.code, 1);
  assert.equal(s.stdout, '');
  const kLast = k.stderr.trimEnd().split('\n').at(-1);
  assert.equal(s.stderr, `${kLast}\n`);
}

describe('skiffctl errors', () => {
  it('NotFound from the server, for core and grouped kinds', async () => {
    for (const args of [['get', 'pods', 'missing'], ['get', 'deployments', 'missing'], ['describe', 'configmap', 'missing'], ['get', 'nodes', 'missing', '-o', 'yaml']]) {
      const [k, s] = await bothRaw(['--kubeconfig', api.kubeconfig, ...args]);
      assertSameFailure(k, s);
      assert.match(s.stderr, /^Error from server \(NotFound\): /);
    }
  });

  it('a kubeconfig that does not exist', async () => {
    const [k, s] = await bothRaw(['--kubeconfig', path.join(dir, 'nope'), 'get', 'pods']);
    assertSameFailure(k, s);
  });

  it('a kubeconfig that is not YAML: the file is named, one line', async () => {
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: Config\nclusters: [\n');
    const [k, s] = await bothRaw(['--kubeconfig', file, 'get', 'pods']);
    assert.equal(k.code, 1);
    assert.equal(s.code, 1);
    assert.match(s.stderr, new RegExp(`^error: error loading config file "${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}": [^\n]+\n$`));
  });

  it('a context that does not exist', async () => {
    const [k, s] = await bothRaw(['--kubeconfig', api.kubeconfig, '--context', 'nope', 'get', 'pods']);
    assertSameFailure(k, s);
  });

  it('a server that refuses connections', async () => {
    const [k, s] = await bothRaw(['--kubeconfig', api.kubeconfig, '--server', 'https://127.0.0.1:1', 'get', 'pods']);
    assertSameFailure(k, s);
  });

  it('a token the server does not know', async () => {
    const [k, s] = await bothRaw(['--kubeconfig', api.kubeconfig, '--token', 'wrong', 'get', 'pods']);
    assertSameFailure(k, s);
  });

  it('--server and --token without any kubeconfig', async () => {
    const env = { ...process.env, KUBECONFIG: path.join(dir, 'absent') };
    const s = await skiffctl(['--server', api.url, '--token', api.token, '--insecure-skip-tls-verify', 'get', 'ns', '-o', 'name'], { env });
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stdout, /^namespace\/default$/m);
  });

  it('-v=6 logs each request on stderr, like kubectl', async () => {
    const s = await skiffctl(['--kubeconfig', api.kubeconfig, 'get', 'ns', '-v=6']);
    assert.equal(s.code, 0);
    assert.match(s.stderr, /^I\d{4} [\d:.]+ +\d+ round_trippers\.go\] GET https:\/\/127\.0\.0\.1:\d+\/api\/v1\/namespaces\?limit=500 200 OK in \d+ milliseconds$/m);
    assert.match(s.stdout, /^default +Active/m);
  });

  it('--request-timeout that is not a duration', async () => {
    const s = await skiffctl(['--kubeconfig', api.kubeconfig, 'get', 'ns', '--request-timeout', 'soon']);
    assert.equal(s.code, 1);
    assert.equal(s.stderr, 'error: invalid argument "soon" for "--request-timeout" flag: time: invalid duration "soon"\n');
  });

  it('no resource type given', async () => {
    const s = await skiffctl(['--kubeconfig', api.kubeconfig, 'get']);
    assert.equal(s.code, 1);
    assert.match(s.stderr, /^You must specify the type of resource to get/);
  });
});
