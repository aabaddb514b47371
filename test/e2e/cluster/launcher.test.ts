// deploy/cluster as a user runs it (through its TypeScript entry point; the shell wrapper only installs and builds):
// up with two nodes in a temporary state directory, real kubectl against the printed kubeconfig, a pod of the
// locally built busybox image Running, a second `up` that reuses everything, then down and reset.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { testCluster } from '../../helpers/cluster.ts';
import { waitFor } from '../../helpers/component.ts';

const run = promisify(execFile);
let cluster: Awaited<ReturnType<typeof testCluster>>;
let first: string;

const mode = (file: string): number => statSync(file).mode & 0o777;

before(async () => {
  cluster = await testCluster({ name: 'launch', nodes: 2 });
  first = cluster.nodeNames[0];
});
after(async () => {
  await cluster.reset();
});

describe('deploy/cluster', () => {
  it('up starts a healthy two-node cluster and prints how to use it', async () => {
    const { stdout, code } = await cluster.up();
    assert.equal(code, 0, stdout);
    assert.match(stdout, /Skiff is up in [\d.]+ s/);
    assert.ok(stdout.includes(`export KUBECONFIG=${cluster.kubeconfig}`), stdout);
    const nodes = await cluster.kubectl('get', 'nodes');
    for (const n of cluster.nodeNames) assert.match(nodes, new RegExp(`^${n}\\s+Ready`, 'm'));
  });

  it('keeps keys, tokens and kubeconfigs private, and logs per component', () => {
    for (const f of ['tokens.csv', 'admin.kubeconfig', 'pki/apiserver-kubelet-client.key', 'pki/kubelet-client-ca/ca.key',
      `kubeconfigs/kubelet-${first}.kubeconfig`]) {
      assert.equal(mode(path.join(cluster.stateDir, f)), 0o600, f);
    }
    const logs = readdirSync(path.join(cluster.stateDir, 'logs')).sort();
    assert.deepEqual(logs, ['apiserver.log', 'controller-manager.log', ...cluster.nodeNames.map((n) => `kubelet-${n}.log`), 'scheduler.log'].sort());
  });

  it('runs a pod of the locally built busybox image, and a Deployment across the nodes', async () => {
    await cluster.kubectl('run', 'hello', '--image=skiff.local/busybox', '--', 'sleep', '3600');
    await waitFor('hello Running', async () => (/Running/.test(await cluster.kubectl('get', 'pod', 'hello', '--no-headers')) ? true : undefined), 90_000);
    await cluster.kubectl('create', 'deployment', 'spread', '--image=skiff.local/busybox', '--replicas=2', '--', 'sleep', '3600');
    await waitFor('spread 2/2', async () => (/^spread\s+2\/2/m.test(await cluster.kubectl('get', 'deploy', 'spread')) ? true : undefined), 90_000);
  });

  it('up again reuses what runs; status reports a healthy cluster', async () => {
    const { stdout, code } = await cluster.launcher('up');
    assert.equal(code, 0, stdout);
    assert.doesNotMatch(stdout, /^started /m);
    assert.match(stdout, /^running apiserver/m);
    const st = await cluster.launcher('status');
    assert.equal(st.code, 0, st.stdout);
    assert.match(st.stdout, new RegExp(`node ${first}: Ready`));
  });

  it('down stops every component, removes the pods\' containers and the proxy chains; reset removes the state', async () => {
    const { stdout, code } = await cluster.launcher('down');
    assert.equal(code, 0, stdout);
    assert.match(stdout, /stopped apiserver/);
    const docker = new Docker({ socketPath: '/var/run/docker.sock' });
    for (const n of cluster.nodeNames) {
      assert.equal((await docker.listContainers({ all: true, filters: { label: [`skiff.node=${n}`] } })).length, 0);
    }
    assert.deepEqual(readdirSync(path.join(cluster.stateDir, 'run')), []);
    const { stdout: nat } = await run('iptables-save', ['-t', 'nat']);
    assert.ok(!nat.includes(`${cluster.proxyChainPrefix}-`), 'the proxy\'s chains are removed');
    const st = await cluster.launcher('status');
    assert.equal(st.code, 1);
    assert.match(st.stdout, /apiserver: stopped/);
    await cluster.launcher('reset');
    assert.equal(existsSync(cluster.stateDir), false);
  });
});

