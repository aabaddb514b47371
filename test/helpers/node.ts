// Runs a real skiff-kubelet process against a test apiserver, on its own pod network and root directory, and
// removes everything it started (containers carrying its node label, volume dirs, the network) at cleanup.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { freePort, type TestApiserver } from './apiserver.ts';
import { startComponent, waitFor, type TestComponent } from './component.ts';
import { ensureTestImages, testRuntime } from './images.ts';

export interface TestNode {
  name: string;
  rootDir: string;
  kubelet: TestComponent;
  /** Starts the kubelet again (after stop or kill9) with the same node name and state. */
  restart(): void;
  cleanup(): Promise<void>;
}

/** `name` and `kubeconfig`: to run as a node identity (`system:node:<name>`) the apiserver knows. */
export async function startNode(api: TestApiserver, opts: { extraArgs?: string[]; name?: string; kubeconfig?: string } = {}): Promise<TestNode> {
  await ensureTestImages(testRuntime());
  const id = randomBytes(3).toString('hex');
  const name = opts.name ?? `e2e-node-${id}`;
  const rootDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-node-'));
  // A subnet of its own per test file, so files running side by side don't share pod networks.
  const subnet = `10.${200 + (parseInt(id.slice(0, 2), 16) % 50)}.${parseInt(id.slice(2, 4), 16)}.0/24`;
  const network = `skiff-e2e-${id}`;
  const args = [
    '--port', String(await freePort()), '--address', '127.0.0.1',
    '--hostname-override', name, '--node-ip', '127.0.0.1', '--root-dir', rootDir,
    '--pod-network', network, '--pod-network-subnet', subnet, '--pod-network-bridge', `skfe2e${id}`,
    // The Service proxy writes the host's iptables: only tests that ask for it (with their own chain prefix) run it.
    ...(opts.extraArgs?.includes('--proxy-mode') ? [] : ['--proxy-mode', 'none']),
    ...(opts.kubeconfig ? ['--kubeconfig', opts.kubeconfig] : []),
    ...(opts.extraArgs ?? []),
  ];
  const node: TestNode = {
    name, rootDir,
    kubelet: startComponent('kubelet/main.ts', api, args),
    restart() {
      node.kubelet = startComponent('kubelet/main.ts', api, args);
    },
    async cleanup() {
      await node.kubelet.stop();
      const docker = new Docker({ socketPath: '/var/run/docker.sock' });
      const leftovers = await docker.listContainers({ all: true, filters: { label: [`skiff.node=${name}`] } });
      await Promise.all(leftovers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined)));
      await docker.getNetwork(network).remove().catch(() => undefined);
      // tmpfs emptyDirs must be unmounted before the directory can go.
      const { execFileSync } = await import('node:child_process');
      try {
        execFileSync('sh', ['-c', `grep -o " ${rootDir}/[^ ]*" /proc/mounts | xargs -r -n1 umount`]);
      } catch { /* nothing mounted */ }
      rmSync(rootDir, { recursive: true, force: true });
    },
  };
  await waitFor('the node to be Ready', async () => {
    const res = await api.request('GET', `/api/v1/nodes/${name}`);
    return res.status === 200 && res.body.status?.conditions?.some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True') ? true : undefined;
  }, 30_000);
  return node;
}
