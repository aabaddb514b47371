// deploy/cluster: a whole Skiff cluster on this machine as background processes (apiserver, scheduler,
// controller-manager, one kubelet per node), with its credentials, kubeconfigs and logs in one state directory.
// `up` is safe to run again: it reuses the state and starts only what is not running.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { RestClient, loadKubeconfig } from '../../apiserver/client/index.ts';
import { removeNodeContainers, removePodNetwork, unmountBelow } from './cleanup.ts';
import {
  clusterLayout, defaultStateDir, ensureKubeletClientCert, ensureTokens, identities, kubeconfigPath, writeKubeconfigs,
  type ClusterLayout,
} from './cluster-state.ts';
import { clusterHealth, describeHealth, isHealthy } from './health.ts';
import { knownComponents, runningPid, startComponent, stopComponent, type ComponentSpec } from './processes.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = (component: string): string => path.join(repoRoot, 'dist', component, 'main.js');

/** What `up` decided the first time; later commands read it instead of asking again. */
interface ClusterConfig {
  /** Extra flags per component (`controller-manager` -> ['--node-monitor-grace-period=10s']), kept across runs. */
  extraArgs?: Record<string, string[]>;
  nodes: string[];
  apiserverPort: number;
  firstKubeletPort: number;
  serviceCIDR: string;
  /** Prefix of the proxy's iptables chains: KUBE, or another for a second cluster on the same host. */
  proxyChainPrefix: string;
  /** The pods' addresses: one Docker bridge network shared by this host's kubelets. */
  podCIDR: string;
  podNetwork: string;
  podBridge: string;
}

function configFile(layout: ClusterLayout): string {
  return path.join(layout.stateDir, 'cluster.json');
}

/** What a state directory written by an older launcher lacks gets today's defaults. */
const configDefaults = {
  serviceCIDR: '10.96.0.0/16', proxyChainPrefix: 'KUBE', podCIDR: '10.244.0.0/16', podNetwork: 'skiff-pods', podBridge: 'skiff0',
};

function readConfig(layout: ClusterLayout): ClusterConfig | undefined {
  if (!existsSync(configFile(layout))) return undefined;
  return { ...configDefaults, ...JSON.parse(readFileSync(configFile(layout), 'utf8')) as Partial<ClusterConfig> } as ClusterConfig;
}

/** The first node is named after the host, as a kubelet would be; more nodes on one host get -2, -3, ... */
export function nodeNames(count: number, hostname = os.hostname()): string[] {
  const base = hostname.toLowerCase().replace(/[^a-z0-9.-]/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '') || 'skiff-node';
  return Array.from({ length: count }, (_, i) => (i === 0 ? base : `${base}-${i + 1}`));
}

function componentSpecs(layout: ClusterLayout, cfg: ClusterConfig, logLevel: string): ComponentSpec[] {
  const common = ['--log-level', logLevel];
  const specs: ComponentSpec[] = [
    {
      name: 'apiserver', entry: dist('apiserver'), args: [
        '--secure-port', String(cfg.apiserverPort), '--data-dir', layout.apiserverDataDir,
        '--service-cluster-ip-range', cfg.serviceCIDR,
        '--token-auth-file', layout.tokenFile,
        // As kubeadm: kubelets through the Node authorizer, every other component through its RBAC role.
        '--authorization-mode', 'Node,RBAC',
        '--kubelet-client-certificate', layout.kubeletClientCert, '--kubelet-client-key', layout.kubeletClientKey,
        ...common,
      ],
    },
    { name: 'scheduler', entry: dist('scheduler'), args: ['--kubeconfig', kubeconfigPath(layout, 'scheduler'), ...common] },
    {
      name: 'controller-manager', entry: dist('controllers'), args: [
        '--kubeconfig', kubeconfigPath(layout, 'controller-manager'), '--local-path-root', layout.localPathRoot,
        '--cluster-cidr', cfg.podCIDR, '--root-ca-file', layout.apiserverCAFile, ...common,
      ],
    },
    ...cfg.nodes.map((node, i) => ({
      name: `kubelet-${node}`, entry: dist('kubelet'), args: [
        '--kubeconfig', kubeconfigPath(layout, `kubelet-${node}`), '--hostname-override', node,
        '--root-dir', path.join(layout.stateDir, 'kubelet', node), '--port', String(cfg.firstKubeletPort + i),
        '--client-ca-file', path.join(layout.kubeletClientCADir, 'ca.crt'),
        '--pod-network', cfg.podNetwork, '--pod-network-subnet', cfg.podCIDR, '--pod-network-bridge', cfg.podBridge,
        '--cluster-dns', clusterDNS(cfg),
        ...proxyArgs(cfg),
        // One proxy and one DNS server per host: the kubelets of one host share its packet filter and its bridge.
        ...(i === 0 ? ['--cluster-dns-bind', clusterDNS(cfg)] : ['--proxy-mode', 'none']),
        ...common,
      ],
    })),
  ];
  // `kubelet` extra flags go to every kubelet.
  return specs.map((spec) => ({
    ...spec,
    args: [...spec.args, ...(cfg.extraArgs?.[spec.name.startsWith('kubelet-') ? 'kubelet' : spec.name] ?? [])],
  }));
}

const componentNames = ['apiserver', 'scheduler', 'controller-manager', 'kubelet'];

/** `controller-manager=--node-monitor-grace-period=10s` -> the component and its flag. */
export function parseExtraArgs(values: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    const component = v.slice(0, eq);
    if (eq <= 0 || !componentNames.includes(component) || !v.slice(eq + 1).startsWith('--')) {
      throw new Error(`--extra-arg ${JSON.stringify(v)}: want <${componentNames.join('|')}>=--flag[=value]`);
    }
    (out[component] ??= []).push(v.slice(eq + 1));
  }
  return out;
}

/** The cluster DNS answers on the pod bridge's own address (Docker gives the network's first address to the host). */
export function clusterDNS(cfg: Pick<ClusterConfig, 'podCIDR'>): string {
  const [base] = cfg.podCIDR.split('/');
  const octets = base.split('.').map(Number);
  octets[3] += 1;
  return octets.join('.');
}

function proxyArgs(cfg: ClusterConfig): string[] {
  return ['--service-cluster-ip-range', cfg.serviceCIDR, '--proxy-chain-prefix', cfg.proxyChainPrefix];
}

/** Removes the proxy's iptables chains and the service route (`skiff-kubelet --cleanup`). */
async function cleanupProxy(cfg: ClusterConfig): Promise<void> {
  await promisify(execFile)(process.execPath, [dist('kubelet'), '--cleanup', ...proxyArgs(cfg), '--log-level', 'warn']);
}

/** A component that died while the cluster comes up ends the wait at once, with the end of its log. */
class ComponentExited extends Error {}

function assertRunning(layout: ClusterLayout, specs: ComponentSpec[]): void {
  for (const spec of specs) {
    if (runningPid(layout, spec.name) !== undefined) continue;
    const logFile = path.join(layout.logsDir, `${spec.name}.log`);
    const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n') : '';
    throw new ComponentExited(`${spec.name} exited; the end of ${logFile}:\n${tail}`);
  }
}

async function waitUntil(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let done = false;
    try {
      done = await check();
    } catch (err) {
      if (err instanceof ComponentExited) throw err;
    }
    if (done) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function adminClient(layout: ClusterLayout): RestClient {
  return RestClient.fromKubeconfig(loadKubeconfig({ path: layout.adminKubeconfig }));
}

interface UpOptions {
  nodes?: number;
  nodeName?: string;
  serviceCidr: string;
  proxyChainPrefix: string;
  podCidr: string;
  podNetwork: string;
  podBridge: string;
  apiserverPort: number;
  kubeletPort: number;
  logLevel: string;
  timeout: number;
  extraArg: string[];
}

async function up(layout: ClusterLayout, opts: UpOptions): Promise<void> {
  const started = Date.now();
  mkdirSync(layout.stateDir, { recursive: true, mode: 0o700 });
  const previous = readConfig(layout);
  // What the state directory already has wins: a cluster keeps its ports and ranges across runs.
  const cfg: ClusterConfig = {
    nodes: previous && opts.nodes === undefined && opts.nodeName === undefined
      ? previous.nodes
      : nodeNames(opts.nodes ?? previous?.nodes.length ?? 1, opts.nodeName),
    apiserverPort: previous?.apiserverPort ?? opts.apiserverPort,
    firstKubeletPort: previous?.firstKubeletPort ?? opts.kubeletPort,
    serviceCIDR: previous?.serviceCIDR ?? opts.serviceCidr,
    proxyChainPrefix: previous?.proxyChainPrefix ?? opts.proxyChainPrefix,
    podCIDR: previous?.podCIDR ?? opts.podCidr,
    podNetwork: previous?.podNetwork ?? opts.podNetwork,
    podBridge: previous?.podBridge ?? opts.podBridge,
    extraArgs: opts.extraArg.length > 0 ? parseExtraArgs(opts.extraArg) : previous?.extraArgs,
  };
  writeFileSync(configFile(layout), `${JSON.stringify(cfg, null, 2)}\n`);

  const ids = identities(cfg.nodes);
  const tokens = await ensureTokens(layout.tokenFile, ids);
  await ensureKubeletClientCert(layout);
  const [apiserver, ...others] = componentSpecs(layout, cfg, opts.logLevel);
  report(apiserver.name, startComponent(layout, apiserver));
  await waitUntil('the apiserver\'s CA', 30_000, async () => {
    assertRunning(layout, [apiserver]);
    return existsSync(layout.apiserverCAFile);
  });
  writeKubeconfigs(layout, `https://127.0.0.1:${cfg.apiserverPort}`, ids, tokens);
  const client = adminClient(layout);
  try {
    await waitUntil('the apiserver to be ready', 60_000, async () => {
      assertRunning(layout, [apiserver]);
      return (await client.requestText('GET', '/readyz')).trim() === 'ok';
    });
    for (const spec of others) report(spec.name, startComponent(layout, spec));
    await waitUntil('every node Ready and kube-system\'s leaders elected', opts.timeout * 1000, async () => {
      assertRunning(layout, [apiserver, ...others]);
      return isHealthy(await clusterHealth(client, started), cfg.nodes);
    });
    for (const line of describeHealth(await clusterHealth(client, started))) console.log(`  ${line}`);
  } finally {
    client.close();
  }
  console.log(`
Skiff is up in ${((Date.now() - started) / 1000).toFixed(1)} s; state, logs and credentials are in ${layout.stateDir}.

  export KUBECONFIG=${layout.adminKubeconfig}
  kubectl get nodes
  kubectl create deployment web --image=skiff.local/busybox:latest -- httpd -f -p 8080

Logs: ${layout.logsDir}/   Stop: deploy/cluster down   Start again: deploy/cluster up   Remove everything: deploy/cluster reset`);
}

function report(name: string, r: { pid: number; started: boolean }): void {
  console.log(`${r.started ? 'started' : 'running'} ${name} (pid ${r.pid})`);
}

async function down(layout: ClusterLayout): Promise<void> {
  const cfg = readConfig(layout);
  for (const name of knownComponents(layout)) {
    if (await stopComponent(layout, name)) console.log(`stopped ${name}`);
  }
  // The kubelets leave their pods' containers running when stopped (as kube's do); down means the cluster is gone.
  const removed = await removeNodeContainers(cfg?.nodes ?? []);
  if (removed > 0) console.log(`removed ${removed} pod containers`);
  if (cfg) {
    await cleanupProxy(cfg);
    console.log(`removed the ${cfg.proxyChainPrefix}-* iptables chains and the route for ${cfg.serviceCIDR}`);
  }
}

async function status(layout: ClusterLayout): Promise<number> {
  const cfg = readConfig(layout);
  if (!cfg) {
    console.log(`no cluster in ${layout.stateDir}`);
    return 1;
  }
  const names = componentSpecs(layout, cfg, 'info').map((s) => s.name);
  for (const name of names) {
    const pid = runningPid(layout, name);
    console.log(`${name}: ${pid ? `running (pid ${pid})` : 'stopped'}`);
  }
  if (!existsSync(layout.adminKubeconfig)) return 1;
  const client = adminClient(layout);
  try {
    const health = await clusterHealth(client);
    for (const line of describeHealth(health)) console.log(line);
    return isHealthy(health, cfg.nodes) ? 0 : 1;
  } finally {
    client.close();
  }
}

const program = new Command('cluster')
  .description('A Skiff cluster on this machine: apiserver, scheduler, controller-manager and kubelets as background processes.')
  .option('--state-dir <dir>', 'where credentials, kubeconfigs, data and logs live', defaultStateDir());

const layoutOf = (): ClusterLayout => clusterLayout(program.opts<{ stateDir: string }>().stateDir);

program.command('up')
  .description('start the cluster (reusing the state directory) and wait until it is healthy')
  .option('--nodes <n>', 'kubelets to run on this host (default: 1, or what the state directory has)', (v) => Number.parseInt(v, 10))
  .option('--node-name <name>', 'the first node\'s name (default: the host name); others get -2, -3, ...')
  .option('--service-cidr <cidr>', 'Service ClusterIP range', '10.96.0.0/16')
  .option('--proxy-chain-prefix <prefix>', 'prefix of the proxy\'s iptables chains (another for a second cluster on this host)', 'KUBE')
  .option('--pod-cidr <cidr>', 'pod addresses (the Docker network\'s subnet); the cluster DNS is its first address', '10.244.0.0/16')
  .option('--pod-network <name>', 'the Docker network pods attach to', 'skiff-pods')
  .option('--pod-bridge <dev>', 'that network\'s Linux bridge', 'skiff0')
  .option('--apiserver-port <port>', 'the apiserver\'s HTTPS port', (v) => Number.parseInt(v, 10), 6443)
  .option('--kubelet-port <port>', 'the first kubelet\'s HTTPS port; the next kubelets take the ports after it', (v) => Number.parseInt(v, 10), 10250)
  .option('--extra-arg <component=--flag>', 'an extra flag for apiserver, scheduler, controller-manager or kubelet (repeatable)',
    (v: string, all: string[]) => [...all, v], [] as string[])
  .option('--log-level <level>', 'components\' log level', 'info')
  .option('--timeout <seconds>', 'how long to wait for the cluster to be healthy', (v) => Number.parseInt(v, 10), 180)
  .action(async (o: UpOptions) => up(layoutOf(), o));
program.command('down').description('stop every component and remove the pods\' containers (state is kept)')
  .action(async () => down(layoutOf()));
program.command('status').description('what runs, and whether the cluster is healthy (exit 1 if not)')
  .action(async () => { process.exitCode = await status(layoutOf()); });
program.command('reset').description('down, then delete the state directory')
  .action(async () => {
    const layout = layoutOf();
    const cfg = readConfig(layout);
    await down(layout);
    if (cfg) await removePodNetwork(cfg.podNetwork);
    unmountBelow(layout.stateDir);
    rmSync(layout.stateDir, { recursive: true, force: true });
    console.log(`removed ${layout.stateDir}`);
  });

program.parseAsync().catch((err: Error) => {
  console.error(`error: ${err.message}`);
  process.exit(1);
});
