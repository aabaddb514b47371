// The credentials and flags half of deploy/install (the shell script does packages, the build and systemd):
//   control-plane: tokens, the apiserver's CA, the kubelet client CA and certificate, kubeconfigs, env files
//   worker:        the kubelet's kubeconfig (bootstrap token + apiserver CA), the kubelet client CA from the cluster
//   join-command:  once the apiserver answers, publish the kubelet client CA and print how workers join
// Tokens, keys and kubeconfigs are written 0600 under a 0700 /etc/skiff and never printed, except the bootstrap
// token inside the join command (as `kubeadm token create --print-join-command` does).
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { resourceFor } from '../../apiserver/api/resources.ts';
import type { ClusterRoleBinding, ConfigMap } from '../../apiserver/api/types.ts';
import { isDNS1123Subdomain } from '../../apiserver/api/validation/names.ts';
import { ApiStatusError, RestClient, isNotFound, loadKubeconfig, writeKubeconfig } from '../../apiserver/client/index.ts';
import { ensureCA } from '../../apiserver/server/certs.ts';
import { writePublicFile } from '../../apiserver/server/secret-file.ts';
import {
  ensureKubeletClientCert, ensureTokens, identities, kubeconfigFor, kubeconfigPath, writeKubeconfigs, type Identity,
} from '../launcher/cluster-state.ts';
import {
  apiserverFlags, controllerManagerFlags, kubeletFlags, renderEnvFile, schedulerFlags, type ControlPlaneSettings,
  type NodeSettings,
} from './component-flags.ts';
import { addressTowards, defaultHostAddress, firstNameserver } from './host-address.ts';
import { envFile, installLayout, type Component, type InstallLayout } from './install-layout.ts';

const configMaps = resourceFor('', 'v1', 'configmaps')!;
const kubeletClientCAConfigMap = { namespace: 'kube-system', name: 'skiff-kubelet-client-ca', key: 'ca.crt' };

/** Workers join with this identity; system:nodes is the group kubelets act in. */
const bootstrapIdentity: Identity = {
  id: 'bootstrap', user: 'system:bootstrap:skiff-workers', groups: ['system:bootstrappers', 'system:nodes'],
};

const clusterRoleBindings = resourceFor('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings')!;
/**
 * Workers share the bootstrap identity rather than each being system:node:<name>, so the Node authorizer does not
 * know them: they get the kubelet rules through RBAC instead (kube's system:node role, as clusters bound it before
 * the Node authorizer), made by join-command before any worker can join.
 */
const workerBinding: ClusterRoleBinding = {
  apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding',
  metadata: { name: 'skiff:bootstrap-workers' },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:node' },
  subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: bootstrapIdentity.user }],
};

const defaults = { podCIDR: '10.244.0.0/16', serviceCIDR: '10.96.0.0/16', apiserverPort: 6443 };

/** settings.json: what the first run decided. A flag given now wins; one left out keeps the earlier value. */
type Settings = Partial<ControlPlaneSettings> & { role?: 'control-plane' | 'worker'; server?: string };

function readSettings(layout: InstallLayout): Settings {
  return existsSync(layout.settingsFile) ? JSON.parse(readFileSync(layout.settingsFile, 'utf8')) as Settings : {};
}

async function writeSettings(layout: InstallLayout, s: Settings): Promise<void> {
  await writePublicFile(layout.settingsFile, `${JSON.stringify(s, null, 2)}\n`);
}

/** `dir` 0700; its parents (/etc, /var/lib below --root) the usual 0755. */
function makePrivateDir(dir: string): void {
  mkdirSync(path.dirname(dir), { recursive: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** /etc/skiff, its kubeconfigs/ and pki/ are 0700 even when an earlier, looser run made them. */
function makeEtcDirs(layout: InstallLayout): void {
  for (const dir of [layout.etcDir, path.join(layout.etcDir, 'kubeconfigs'), path.join(layout.etcDir, 'pki')]) {
    makePrivateDir(dir);
    chmodSync(dir, 0o700);
  }
}

async function writeEnv(layout: InstallLayout, component: Component, flags: string[]): Promise<void> {
  await writePublicFile(envFile(layout, component), renderEnvFile(component, flags));
  say(`wrote ${envFile(layout, component)}`);
}

function nodeNameOf(given: string | undefined): string {
  const name = (given ?? os.hostname()).toLowerCase();
  const errors = isDNS1123Subdomain(name);
  if (errors.length > 0) throw new Error(`node name ${JSON.stringify(name)} is invalid (${errors.join('; ')}); pass --node-name`);
  return name;
}

function dnsUpstreamOf(given: string | undefined, layout: InstallLayout): string {
  if (given === 'none') return '';
  return given ?? firstNameserver(path.join(layout.root, 'etc/resolv.conf'));
}

/** Addresses and ranges go into flags and routes: catch a typo here rather than in a crash-looping unit. */
function checkSettings(s: NodeSettings & { advertiseAddress?: string }): void {
  for (const [flag, ip] of [['--advertise-address', s.advertiseAddress], ['--node-ip', s.nodeIP]] as const) {
    if (ip !== undefined && !net.isIPv4(ip)) throw new Error(`${flag} ${JSON.stringify(ip)}: want an IPv4 address`);
  }
  for (const [flag, cidr] of [['--pod-cidr', s.podCIDR], ['--service-cidr', s.serviceCIDR]] as const) {
    const [ip, bits] = cidr.split('/');
    if (!net.isIPv4(ip) || !/^\d{1,2}$/.test(bits ?? '') || Number(bits) > 30) throw new Error(`${flag} ${JSON.stringify(cidr)}: want an IPv4 CIDR`);
  }
}

function say(line: string): void {
  console.log(`[skiff] ${line}`);
}

interface ControlPlaneOptions {
  root: string;
  advertiseAddress?: string;
  apiserverPort?: number;
  podCidr?: string;
  serviceCidr?: string;
  nodeName?: string;
  dnsUpstream?: string;
}

async function controlPlane(o: ControlPlaneOptions): Promise<void> {
  const layout = installLayout(o.root);
  makeEtcDirs(layout);
  const previous = readSettings(layout);
  if (previous.role === 'worker') throw new Error(`${layout.etcDir} belongs to a worker; remove it to make this host a control plane`);
  const advertiseAddress = o.advertiseAddress ?? previous.advertiseAddress ?? defaultHostAddress();
  const s: ControlPlaneSettings = {
    advertiseAddress,
    apiserverPort: o.apiserverPort ?? previous.apiserverPort ?? defaults.apiserverPort,
    podCIDR: o.podCidr ?? previous.podCIDR ?? defaults.podCIDR,
    serviceCIDR: o.serviceCidr ?? previous.serviceCIDR ?? defaults.serviceCIDR,
    nodeName: nodeNameOf(o.nodeName ?? previous.nodeName),
    nodeIP: advertiseAddress,
    dnsUpstream: dnsUpstreamOf(o.dnsUpstream ?? previous.dnsUpstream, layout),
  };
  checkSettings(s);
  await writeSettings(layout, { role: 'control-plane', ...s });

  const nodeIds = identities([s.nodeName]);
  const tokens = await ensureTokens(layout.tokenFile, [...nodeIds, bootstrapIdentity]);
  say(`tokens in ${layout.tokenFile}`);
  // Made here rather than by the apiserver's first start, so the kubeconfigs can name it before anything runs.
  await ensureCA(layout.apiserverCertDir);
  await ensureKubeletClientCert(layout);
  say(`certificate authorities in ${path.join(layout.etcDir, 'pki')}`);
  // Components on this host go through loopback (it survives an address change); the admin kubeconfig is for
  // copying to other machines, so it names the advertised address.
  const isAdmin = (id: Identity): boolean => id.id === 'admin';
  writeKubeconfigs(layout, `https://127.0.0.1:${s.apiserverPort}`, nodeIds.filter((id) => !isAdmin(id)), tokens);
  writeKubeconfigs(layout, `https://${s.advertiseAddress}:${s.apiserverPort}`, nodeIds.filter(isAdmin), tokens);
  say(`kubeconfigs in ${path.join(layout.etcDir, 'kubeconfigs')}, admin: ${layout.adminKubeconfig}`);

  await writeEnv(layout, 'apiserver', apiserverFlags(s));
  await writeEnv(layout, 'scheduler', schedulerFlags());
  await writeEnv(layout, 'controller-manager', controllerManagerFlags(s));
  await writeEnv(layout, 'kubelet', kubeletFlags(s));
  for (const dir of [layout.apiserverDataDir, layout.kubeletRootDir, layout.localPathRoot]) makePrivateDir(dir);
}

interface WorkerOptions {
  root: string;
  server: string;
  token: string;
  caData: string;
  nodeName?: string;
  nodeIp?: string;
  podCidr?: string;
  serviceCidr?: string;
  dnsUpstream?: string;
  timeout: number;
}

/** --ca-data: base64 of the apiserver CA's PEM, as in a kubeconfig's certificate-authority-data. */
function decodeCAData(b64: string): string {
  const pem = Buffer.from(b64, 'base64').toString('utf8');
  if (!/^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\s*$/.test(pem)) {
    throw new Error('--ca-data is not a base64-encoded PEM certificate (copy it from the join command)');
  }
  return pem;
}

/** Why the apiserver could not be asked, in words that point at the flag to fix. */
function explainFetchError(err: unknown, server: string): Error {
  if (err instanceof ApiStatusError) {
    if (err.code === 401) return new Error(`${server} refused the token (--token): create a new join command on the control plane`);
    if (isNotFound(err)) {
      return new Error(`ConfigMap ${kubeletClientCAConfigMap.namespace}/${kubeletClientCAConfigMap.name} does not exist yet: run \`deploy/install join-command\` on the control plane`);
    }
    return new Error(`${server}: ${err.message}`);
  }
  const e = err as NodeJS.ErrnoException;
  if (/certificate|self.signed|CERT|SSL/i.test(`${e.code ?? ''} ${e.message}`)) {
    return new Error(`${server} does not present a certificate from --ca-data (${e.code ?? e.message}); is it the right control plane?`);
  }
  return new Error(`could not reach ${server}: ${e.message}`);
}

async function worker(o: WorkerOptions): Promise<void> {
  const layout = installLayout(o.root);
  const url = new URL(o.server);
  if (url.protocol !== 'https:') throw new Error(`--server ${JSON.stringify(o.server)}: want https://HOST:PORT`);
  const caPem = decodeCAData(o.caData);
  makeEtcDirs(layout);
  const previous = readSettings(layout);
  if (previous.role === 'control-plane') throw new Error(`${layout.etcDir} belongs to a control plane; it already runs a kubelet`);
  const s: NodeSettings = {
    nodeName: nodeNameOf(o.nodeName ?? previous.nodeName),
    nodeIP: o.nodeIp ?? previous.nodeIP ?? addressTowards(url.hostname),
    podCIDR: o.podCidr ?? previous.podCIDR ?? defaults.podCIDR,
    serviceCIDR: o.serviceCidr ?? previous.serviceCIDR ?? defaults.serviceCIDR,
    dnsUpstream: dnsUpstreamOf(o.dnsUpstream ?? previous.dnsUpstream, layout),
  };
  checkSettings(s);
  const kubeconfig = kubeconfigPath(layout, `kubelet-${s.nodeName}`);
  writeKubeconfig(kubeconfig, kubeconfigFor(url.origin, caPem, bootstrapIdentity, o.token));
  say(`wrote ${kubeconfig}`);

  // The apiserver connects to this kubelet for logs and exec with a certificate from the kubelet client CA; the
  // kubelet serves only clients with one.
  const client = RestClient.fromKubeconfig(loadKubeconfig({ path: kubeconfig }), { userAgent: 'skiff-install' });
  let cm: ConfigMap;
  try {
    cm = await client.get<ConfigMap>(configMaps, kubeletClientCAConfigMap.namespace, kubeletClientCAConfigMap.name,
      { signal: AbortSignal.timeout(o.timeout * 1000) });
  } catch (err) {
    throw explainFetchError(err, url.origin);
  } finally {
    client.close();
  }
  const clientCA = cm.data?.[kubeletClientCAConfigMap.key];
  if (!clientCA) throw new Error(`ConfigMap ${kubeletClientCAConfigMap.name} has no ${kubeletClientCAConfigMap.key}`);
  makePrivateDir(layout.kubeletClientCADir);
  await writePublicFile(path.join(layout.kubeletClientCADir, 'ca.crt'), clientCA);
  say(`wrote ${path.join(layout.kubeletClientCADir, 'ca.crt')} (from ConfigMap ${kubeletClientCAConfigMap.namespace}/${kubeletClientCAConfigMap.name})`);

  await writeEnv(layout, 'kubelet', kubeletFlags(s));
  makePrivateDir(layout.kubeletRootDir);
  await writeSettings(layout, { role: 'worker', server: url.origin, ...s });
}

interface JoinOptions {
  root: string;
  timeout: number;
}

/** The kubelet client CA as a ConfigMap, created or brought up to date. */
async function publishKubeletClientCA(client: RestClient, caPem: string): Promise<void> {
  const { namespace, name, key } = kubeletClientCAConfigMap;
  try {
    const existing = await client.get<ConfigMap>(configMaps, namespace, name);
    if (existing.data?.[key] === caPem) return;
    await client.update<ConfigMap>(configMaps, namespace, { ...existing, data: { ...existing.data, [key]: caPem } });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await client.create<ConfigMap>(configMaps, namespace, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { [key]: caPem } });
  }
}

async function ensureWorkerBinding(client: RestClient): Promise<void> {
  try {
    await client.get<ClusterRoleBinding>(clusterRoleBindings, undefined, workerBinding.metadata!.name!);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await client.create<ClusterRoleBinding>(clusterRoleBindings, undefined, workerBinding);
    say(`bound ClusterRole system:node to ${bootstrapIdentity.user} (ClusterRoleBinding ${workerBinding.metadata!.name})`);
  }
}

function joinCommand(server: string, token: string, caPem: string, s: Pick<NodeSettings, 'podCIDR' | 'serviceCIDR'>): string {
  const extra = [
    ...(s.podCIDR === defaults.podCIDR ? [] : ['--pod-cidr', s.podCIDR]),
    ...(s.serviceCIDR === defaults.serviceCIDR ? [] : ['--service-cidr', s.serviceCIDR]),
  ];
  return ['deploy/install', 'worker', '--server', server, '--token', token, '--ca-data', Buffer.from(caPem).toString('base64'), ...extra].join(' ');
}

async function printJoinCommand(o: JoinOptions): Promise<void> {
  const layout = installLayout(o.root);
  const s = readSettings(layout);
  if (s.role !== 'control-plane' || !s.advertiseAddress || !s.apiserverPort || !s.podCIDR || !s.serviceCIDR) {
    throw new Error(`no control plane in ${layout.etcDir}: run \`deploy/install control-plane\` first`);
  }
  const client = RestClient.fromKubeconfig(loadKubeconfig({ path: layout.adminKubeconfig }), { userAgent: 'skiff-install' });
  try {
    const deadline = Date.now() + o.timeout * 1000;
    for (;;) {
      const ready = await client.requestText('GET', '/readyz').then((t) => t.trim() === 'ok', () => false);
      if (ready) break;
      if (Date.now() > deadline) throw new Error(`the apiserver did not answer within ${o.timeout} s (journalctl -u skiff-apiserver)`);
      await new Promise((r) => setTimeout(r, 500));
    }
    await publishKubeletClientCA(client, readFileSync(path.join(layout.kubeletClientCADir, 'ca.crt'), 'utf8'));
    await ensureWorkerBinding(client);
  } finally {
    client.close();
  }
  say(`stored the kubelet client CA in ConfigMap ${kubeletClientCAConfigMap.namespace}/${kubeletClientCAConfigMap.name}`);
  const tokens = await ensureTokens(layout.tokenFile, [bootstrapIdentity]);
  const token = tokens.get(bootstrapIdentity.user) ?? '';
  const caPem = readFileSync(layout.apiserverCAFile, 'utf8');
  console.log(`\nTo add a worker, run this in a Skiff checkout on it (the token is a credential: share it only with your workers):\n\n  ${joinCommand(`https://${s.advertiseAddress}:${s.apiserverPort}`, token, caPem, { podCIDR: s.podCIDR, serviceCIDR: s.serviceCIDR })}\n`);
}

const int = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${JSON.stringify(v)} is not a positive whole number`);
  return n;
};

const program = new Command('install-state').description('credentials and flags for deploy/install (run through deploy/install)');
program.command('control-plane')
  .requiredOption('--root <dir>', 'write below this directory as if it were /')
  .option('--advertise-address <ip>', 'the address workers reach the apiserver at (default: this host\'s default-route address)')
  .option('--apiserver-port <port>', 'the apiserver\'s HTTPS port (default 6443)', int)
  .option('--pod-cidr <cidr>', 'pod addresses; each node gets a /24 of it (default 10.244.0.0/16)')
  .option('--service-cidr <cidr>', 'Service ClusterIP range (default 10.96.0.0/16)')
  .option('--node-name <name>', 'this host\'s node name (default: the host name)')
  .option('--dns-upstream <ip[:port]|none>', 'where the cluster DNS forwards other names (default: the first nameserver of /etc/resolv.conf)')
  .action(async (o: ControlPlaneOptions) => controlPlane(o));
program.command('worker')
  .requiredOption('--root <dir>', 'write below this directory as if it were /')
  .requiredOption('--server <url>', 'the apiserver, https://IP:6443')
  .requiredOption('--token <token>', 'the bootstrap token from the join command')
  .requiredOption('--ca-data <base64>', 'the apiserver\'s CA from the join command')
  .option('--node-name <name>', 'this host\'s node name (default: the host name)')
  .option('--node-ip <ip>', 'this node\'s InternalIP (default: the address it reaches the server from)')
  .option('--pod-cidr <cidr>', 'the cluster\'s pod addresses (default 10.244.0.0/16)')
  .option('--service-cidr <cidr>', 'Service ClusterIP range (default 10.96.0.0/16)')
  .option('--dns-upstream <ip[:port]|none>', 'where the cluster DNS forwards other names (default: the first nameserver of /etc/resolv.conf)')
  .option('--timeout <seconds>', 'how long to wait for the apiserver', int, 20)
  .action(async (o: WorkerOptions) => worker(o));
program.command('join-command')
  .requiredOption('--root <dir>', 'the installation\'s root')
  .option('--timeout <seconds>', 'how long to wait for the apiserver', int, 120)
  .action(async (o: JoinOptions) => printJoinCommand(o));

program.parseAsync().catch((err: Error) => {
  console.error(`[skiff] error: ${err.message}`);
  process.exit(1);
});
