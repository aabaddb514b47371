// A whole cluster for end-to-end tests, started by the launcher (deploy/cluster) in a temporary state directory,
// with its own node names, ports, iptables chain prefix and service range so that it can run beside other tests'
// clusters on the same host; `reset` removes everything it made.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, repoRoot } from './apiserver.ts';
import { kubectlFor, type Kubectl } from './kubectl.ts';

const run = promisify(execFile);

export interface TestCluster {
  stateDir: string;
  kubeconfig: string;
  nodeNames: string[];
  proxyChainPrefix: string;
  serviceCIDR: string;
  /** The launcher's CLI: up, status, down, reset. */
  launcher(...args: string[]): Promise<{ stdout: string; code: number }>;
  /** Real kubectl with the cluster's admin kubeconfig (`.fails`, `.apply` too). */
  kubectl: Kubectl;
  /** kubectl expected to fail: its stderr and stdout. */
  kubectlFails(...args: string[]): Promise<string>;
  reset(): Promise<void>;
}

/** `count` consecutive free ports. */
async function freePorts(count: number): Promise<number> {
  for (;;) {
    const first = await freePort();
    let ok = true;
    for (let p = first + 1; p < first + count && ok; p++) {
      ok = await new Promise<boolean>((resolve) => {
        const srv = net.createServer().once('error', () => resolve(false)).listen(p, '0.0.0.0', () => srv.close(() => resolve(true)));
      });
    }
    if (ok) return first;
  }
}

let clusters = 0;

/** Prepares a cluster's settings; `up` starts it (the launcher's output is returned for tests that read it). */
export async function testCluster(opts: { name: string; nodes?: number } = { name: 'e2e' }): Promise<TestCluster & { up(...extra: string[]): Promise<{ stdout: string; code: number }> }> {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), `skiff-${opts.name}-`));
  const n = opts.nodes ?? 1;
  const tag = (process.pid * 7 + clusters++) % 10000;
  const base = `${opts.name}-${tag}`;
  const nodeNames = Array.from({ length: n }, (_, i) => (i === 0 ? base : `${base}-${i + 1}`));
  const proxyChainPrefix = `SK${tag}`;
  const serviceCIDR = `10.96.${100 + (tag % 150)}.0/24`;
  // Its own pod network too (a /20 in 10.150-199, away from the /24s in 10.200+ that test/helpers/node.ts uses), so
  // that its cluster DNS has an address of its own.
  const podCIDR = `10.${150 + (tag % 50)}.${(Math.floor(tag / 50) % 16) * 16}.0/20`;
  const kubeconfig = path.join(stateDir, 'admin.kubeconfig');
  const launcher = async (...args: string[]): Promise<{ stdout: string; code: number }> => {
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'deploy/launcher/main.ts'), '--state-dir', stateDir, ...args],
        { cwd: repoRoot, timeout: 240_000 });
      return { stdout: stdout + stderr, code: 0 };
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string; code?: number };
      return { stdout: `${err.stdout ?? ''}${err.stderr ?? ''}`, code: typeof err.code === 'number' ? err.code : 1 };
    }
  };
  const kubectl = kubectlFor(kubeconfig);
  return {
    stateDir, kubeconfig, nodeNames, proxyChainPrefix, serviceCIDR, launcher,
    async up(...extra: string[]) {
      return launcher('up', '--nodes', String(n), '--node-name', base, '--proxy-chain-prefix', proxyChainPrefix,
        '--service-cidr', serviceCIDR, '--pod-cidr', podCIDR, '--pod-network', `skiff-pods-${tag}`, '--pod-bridge', `skp${tag}`,
        '--apiserver-port', String(await freePort()), '--kubelet-port', String(await freePorts(n)),
        '--log-level', 'warn', ...extra);
    },
    kubectl,
    kubectlFails: kubectl.fails,
    async reset() {
      await launcher('reset');
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
