// deploy/cluster as a user runs it (through its TypeScript entry point; the shell wrapper only installs and builds):
// up with two nodes in a temporary state directory, real kubectl against the printed kubeconfig, a pod of the
// locally built busybox image Running, a second `up` that reuses everything, then down and reset.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { freePort, repoRoot } from '../../helpers/apiserver.ts';
import { waitFor } from '../../helpers/component.ts';

const run = promisify(execFile);
let stateDir: string;
let nodeName: string;
let kubeconfig: string;

async function cluster(...args: string[]): Promise<{ stdout: string; code: number }> {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'deploy/launcher/main.ts'), '--state-dir', stateDir, ...args],
      { cwd: repoRoot, timeout: 240_000 });
    return { stdout, code: 0 };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; code?: number };
    return { stdout: `${err.stdout ?? ''}${err.stderr ?? ''}`, code: err.code ?? 1 };
  }
}

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run('kubectl', ['--kubeconfig', kubeconfig, ...args], { timeout: 60_000 });
  return stdout;
}

/** Two consecutive free ports, for two kubelets. */
async function freePortPair(): Promise<number> {
  for (;;) {
    const p = await freePort();
    const ok = await new Promise<boolean>((resolve) => {
      const srv = net.createServer().once('error', () => resolve(false)).listen(p + 1, '0.0.0.0', () => srv.close(() => resolve(true)));
    });
    if (ok) return p;
  }
}

const mode = (file: string): number => statSync(file).mode & 0o777;

before(async () => {
  stateDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-cluster-'));
  nodeName = `e2e-launch-${process.pid}`;
  kubeconfig = path.join(stateDir, 'admin.kubeconfig');
});
after(async () => {
  await cluster('reset');
  rmSync(stateDir, { recursive: true, force: true });
});

describe('deploy/cluster', () => {
  it('up starts a healthy two-node cluster and prints how to use it', async () => {
    const { stdout, code } = await cluster('up', '--nodes', '2', '--node-name', nodeName,
      '--apiserver-port', String(await freePort()), '--kubelet-port', String(await freePortPair()), '--log-level', 'warn');
    assert.equal(code, 0, stdout);
    assert.match(stdout, /Skiff is up in [\d.]+ s/);
    assert.match(stdout, new RegExp(`export KUBECONFIG=${kubeconfig}`));
    const nodes = await kubectl('get', 'nodes');
    assert.match(nodes, new RegExp(`^${nodeName}\\s+Ready`, 'm'));
    assert.match(nodes, new RegExp(`^${nodeName}-2\\s+Ready`, 'm'));
  });

  it('keeps keys, tokens and kubeconfigs private, and logs per component', () => {
    for (const f of ['tokens.csv', 'admin.kubeconfig', 'pki/apiserver-kubelet-client.key', 'pki/kubelet-client-ca/ca.key',
      `kubeconfigs/kubelet-${nodeName}.kubeconfig`]) {
      assert.equal(mode(path.join(stateDir, f)), 0o600, f);
    }
    const logs = readdirSync(path.join(stateDir, 'logs')).sort();
    assert.deepEqual(logs, ['apiserver.log', 'controller-manager.log', `kubelet-${nodeName}-2.log`, `kubelet-${nodeName}.log`, 'scheduler.log'].sort());
  });

  it('runs a pod of the locally built busybox image, and a Deployment across the nodes', async () => {
    await kubectl('run', 'hello', '--image=skiff.local/busybox', '--', 'sleep', '3600');
    await waitFor('hello Running', async () => (/Running/.test(await kubectl('get', 'pod', 'hello', '--no-headers')) ? true : undefined), 90_000);
    await kubectl('create', 'deployment', 'spread', '--image=skiff.local/busybox', '--replicas=2', '--', 'sleep', '3600');
    await waitFor('spread 2/2', async () => (/^spread\s+2\/2/m.test(await kubectl('get', 'deploy', 'spread')) ? true : undefined), 90_000);
  });

  it('up again reuses what runs; status reports a healthy cluster', async () => {
    const { stdout, code } = await cluster('up');
    assert.equal(code, 0, stdout);
    assert.doesNotMatch(stdout, /^started /m);
    assert.match(stdout, /^running apiserver/m);
    const st = await cluster('status');
    assert.equal(st.code, 0, st.stdout);
    assert.match(st.stdout, new RegExp(`node ${nodeName}: Ready`));
  });

  it('down stops every component and removes the pods\' containers; reset removes the state', async () => {
    const { stdout, code } = await cluster('down');
    assert.equal(code, 0, stdout);
    assert.match(stdout, /stopped apiserver/);
    const docker = new Docker({ socketPath: '/var/run/docker.sock' });
    const left = await docker.listContainers({ all: true, filters: { label: [`skiff.node=${nodeName}`] } });
    assert.equal(left.length, 0);
    assert.deepEqual(readdirSync(path.join(stateDir, 'run')), []);
    const st = await cluster('status');
    assert.equal(st.code, 1);
    assert.match(st.stdout, /apiserver: stopped/);
    await cluster('reset');
    assert.equal(existsSync(stateDir), false);
  });
});
