#!/usr/bin/env node
// skiff-kubelet: the node agent. Registers its Node, heartbeats a Lease in kube-node-lease, reports node status,
// and runs the pods bound to it as Docker containers. Flags follow the kubelet's names.
import { setMaxListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import os from 'node:os';
import { Command } from 'commander';
import pino from 'pino';
import { RestClient, SharedInformerFactory, loadKubeconfig } from '../apiserver/client/index.ts';
import { parseDuration } from '../apiserver/api/duration.ts';
import { forbiddenNodeLabels, kubeletLabelNamespaces, kubeletLabels } from '../apiserver/api/kubelet-labels.ts';
import { isDNS1123Subdomain } from '../apiserver/api/validation/names.ts';
import { versionInfo } from '../apiserver/server/version.ts';
import { defaultNodeIP } from './node/host-info.ts';
import { NodeAgent } from './node/node-agent.ts';
import { parseResourceList } from './node/node-object.ts';
import { DockerRuntime } from './runtime/docker-runtime.ts';
import { startPodRunner } from './pods/pod-runner.ts';
import { HostIptables, removeProxyRules } from './proxy/iptables.ts';
import { Proxier } from './proxy/proxier.ts';
import { ensureServiceRoute, removeServiceRoute } from './proxy/service-network.ts';
import { startKubeletServer } from './server/kubelet-server.ts';
import { runtimeSummaryProvider, startSummarySampler } from './server/stats-summary.ts';
import { startClusterDns } from './dns/cluster-dns.ts';
import { parseUpstream } from './dns/dns-server.ts';
import { kubeletServingCert } from './server/serving-cert.ts';
import { startHostGw } from './network/host-gw.ts';

interface Flags {
  kubeconfig?: string;
  hostnameOverride?: string;
  nodeIp?: string;
  port: string;
  nodeLeaseDurationSeconds: string;
  maxPods: string;
  systemReserved: string;
  kubeReserved: string;
  nodeLabels: string;
  rootDir: string;
  containerRuntimeEndpoint: string;
  podInfraContainerImage: string;
  clusterDns: string;
  clusterDomain: string;
  resolvConf: string;
  podNetwork: string;
  podNetworkSubnet: string;
  podNetworkBridge: string;
  address: string;
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  clientCaFile?: string;
  podManifestPath?: string;
  fileCheckFrequency: string;
  proxyMode: string;
  serviceClusterIpRange: string;
  clusterCidr?: string;
  proxyChainPrefix: string;
  serviceBridge: string;
  iptablesMinSyncPeriod: string;
  iptablesSyncPeriod: string;
  cleanup?: boolean;
  clusterDnsBind: string;
  dnsUpstream?: string;
  hostGwRoutes?: boolean;
  logLevel: string;
}

const program = new Command('skiff-kubelet')
  .description('Skiff node agent: registers the node and keeps its Lease and status current.')
  .option('--kubeconfig <file>', 'kubeconfig with the apiserver address and this node\'s credentials')
  .option('--hostname-override <name>', 'node name (default: the host name); must be a DNS-1123 subdomain')
  .option('--node-ip <ip>', 'the node\'s InternalIP (default: the first non-loopback IPv4 address)')
  .option('--port <port>', 'the kubelet\'s port, advertised in the Node status', '10250')
  .option('--node-lease-duration-seconds <n>', 'the node Lease\'s duration; the kubelet renews it every quarter of this', '40')
  .option('--max-pods <n>', 'pods this node can run', '110')
  .option('--system-reserved <list>', 'resources kept for the OS, e.g. cpu=100m,memory=256Mi', '')
  .option('--kube-reserved <list>', 'resources kept for Kubernetes daemons, e.g. cpu=100m,memory=256Mi', '')
  .option('--node-labels <list>', 'extra labels for the Node, key=value,...', '')
  .option('--root-dir <dir>', 'the kubelet\'s state directory', '/var/lib/skiff/kubelet')
  .option('--container-runtime-endpoint <endpoint>', 'the Docker socket', 'unix:///var/run/docker.sock')
  .option('--pod-infra-container-image <image>', 'the pause image holding each pod\'s namespaces (built locally when it is Skiff\'s own)', 'skiff.local/pause:3.9')
  .option('--cluster-dns <ips>', 'DNS server address(es) for pods with dnsPolicy ClusterFirst, comma-separated', '')
  .option('--cluster-domain <domain>', 'the cluster\'s DNS domain', 'cluster.local')
  .option('--resolv-conf <file>', 'resolver configuration pods with dnsPolicy Default inherit', '/etc/resolv.conf')
  .option('--pod-network <name>', 'the Docker bridge network pods attach to', 'skiff-pods')
  .option('--pod-network-subnet <cidr>', 'that network\'s subnet (the node\'s pod CIDR; shared by kubelets on one host)', '10.244.0.0/16')
  .option('--pod-network-bridge <dev>', 'the Linux bridge device of the pod network', 'skiff0')
  .option('--address <ip>', 'address the kubelet\'s HTTPS server (logs) listens on', '0.0.0.0')
  .option('--tls-cert-file <file>', 'serving certificate (default: issued by a kubelet-local CA under --root-dir/pki)')
  .option('--tls-private-key-file <file>', 'key of --tls-cert-file')
  .option('--client-ca-file <file>', 'only clients with a certificate from this CA (the apiserver) are served')
  .option('--pod-manifest-path <dir>', 'static pod manifests run on this node without the apiserver (mirrored into it)')
  .option('--file-check-frequency <duration>', 'how often --pod-manifest-path is read', '20s')
  .option('--proxy-mode <mode>', 'the Service proxy: iptables (kube-proxy\'s iptables mode) or none', 'iptables')
  .option('--service-cluster-ip-range <cidrs>', 'Service addresses, comma-separated: routed to --service-bridge and never sent off the host', '10.96.0.0/16')
  .option('--cluster-cidr <cidr>', 'pod addresses; traffic to a ClusterIP from elsewhere is masqueraded (default: --pod-network-subnet)')
  .option('--proxy-chain-prefix <prefix>', 'prefix of the proxy\'s iptables chains (KUBE-SERVICES, KUBE-SVC-...)', 'KUBE')
  .option('--service-bridge <dev>', 'the empty bridge the service CIDR is routed to', 'skiff-svc')
  .option('--iptables-min-sync-period <duration>', 'least time between two syncs of the proxy rules', '1s')
  .option('--iptables-sync-period <duration>', 'longest time between two syncs of the proxy rules', '30s')
  .option('--cleanup', 'remove the proxy\'s iptables rules and the service route, then exit')
  .option('--cluster-dns-bind <ip>', 'serve the cluster DNS (as CoreDNS\'s kubernetes plugin) on this address, UDP and TCP port 53; empty: not served', '')
  .option('--dns-upstream <ip:port>', 'where the cluster DNS forwards names outside --cluster-domain (over UDP); without it they are REFUSED')
  .option('--host-gw-routes', 'pods take addresses from this node\'s spec.podCIDR (--pod-network-subnet is ignored), and other nodes\' pod CIDRs are routed via their InternalIPs (host-gw; hosts on one L2 segment)')
  .option('--log-level <level>', 'pino log level', 'info')
  .parse();

const flags = program.opts<Flags>();
const logger = pino({ name: 'skiff-kubelet', level: flags.logLevel });

function labelsFrom(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`invalid --node-labels entry ${JSON.stringify(part)}: want key=value`);
    out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  // NodeRestriction would refuse the Node with these; kube's kubelet refuses them here, before registering.
  const unknown = forbiddenNodeLabels(Object.keys(out));
  if (unknown.length > 0) {
    throw new Error(`unknown 'kubernetes.io' or 'k8s.io' labels specified with --node-labels: [${unknown.join(' ')}]; `
      + `--node-labels in the 'kubernetes.io' namespace must begin with an allowed prefix (${kubeletLabelNamespaces.join(', ')}) `
      + `or be in the specifically allowed set (${[...kubeletLabels].join(', ')})`);
  }
  return out;
}

function systemUUID(): string {
  try {
    return readFileSync('/sys/class/dmi/id/product_uuid', 'utf8').trim();
  } catch {
    return '';
  }
}

function proxyRuleOptions() {
  const prefix = flags.proxyChainPrefix;
  if (!/^[A-Z][A-Z0-9]{0,6}$/.test(prefix)) throw new Error(`--proxy-chain-prefix ${JSON.stringify(prefix)}: want 1-7 upper-case letters or digits`);
  return {
    prefix,
    clusterCIDR: flags.clusterCidr ?? flags.podNetworkSubnet,
    serviceCIDRs: flags.serviceClusterIpRange.split(',').map((s) => s.trim()).filter(Boolean),
    serviceBridge: flags.serviceBridge,
  };
}

async function cleanup(): Promise<void> {
  const o = proxyRuleOptions();
  await removeProxyRules(new HostIptables(), o.prefix);
  await removeServiceRoute(o.serviceBridge, o.serviceCIDRs);
  logger.info({ prefix: o.prefix }, 'removed the service proxy rules');
}

async function main(): Promise<void> {
  if (flags.cleanup) return cleanup();
  if (!['iptables', 'none'].includes(flags.proxyMode)) throw new Error(`--proxy-mode ${JSON.stringify(flags.proxyMode)}: want iptables or none`);
  // Bad DNS flags fail before anything starts.
  if (flags.clusterDnsBind && !isIP(flags.clusterDnsBind)) throw new Error(`--cluster-dns-bind ${JSON.stringify(flags.clusterDnsBind)}: want an IP address`);
  const dnsUpstream = flags.dnsUpstream ? parseUpstream(flags.dnsUpstream) : undefined;
  const name = (flags.hostnameOverride ?? os.hostname()).toLowerCase();
  const nameErrors = isDNS1123Subdomain(name);
  if (nameErrors.length > 0) throw new Error(`node name ${JSON.stringify(name)} is invalid: ${nameErrors.join('; ')} (set --hostname-override)`);
  const nodeIP = flags.nodeIp ?? defaultNodeIP();
  const client = RestClient.fromKubeconfig(loadKubeconfig({ path: flags.kubeconfig }), { logger, userAgent: 'skiff-kubelet' });
  const runtime = new DockerRuntime({ socketPath: flags.containerRuntimeEndpoint.replace(/^unix:\/\//, ''), logger });
  const leaseDurationSeconds = Number(flags.nodeLeaseDurationSeconds);
  if (!Number.isInteger(leaseDurationSeconds) || leaseDurationSeconds <= 0) throw new Error('--node-lease-duration-seconds must be a positive whole number');
  const agent = new NodeAgent({
    client, runtime, logger, rootDir: flags.rootDir, leaseDurationSeconds,
    settings: {
      name, nodeIP, maxPods: Number(flags.maxPods), kubeletPort: Number(flags.port),
      systemReserved: parseResourceList(flags.systemReserved), kubeReserved: parseResourceList(flags.kubeReserved),
      labels: labelsFrom(flags.nodeLabels), kubeletVersion: versionInfo().gitVersion, systemUUID: systemUUID(),
    },
  });
  const shutdown = new AbortController();
  // The pod runner, proxy, DNS and their informers all listen to it.
  setMaxListeners(0, shutdown.signal);
  const stop = (signal: string): void => {
    logger.info({ signal }, 'shutting down');
    shutdown.abort();
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // host-gw: the pod network's subnet is this node's spec.podCIDR, which exists only once the node is registered
  // (so the agent starts first) and the node IPAM controller has given it one.
  const agentDone = flags.hostGwRoutes ? agent.run(shutdown.signal) : undefined;
  const hostGw = flags.hostGwRoutes ? await startHostGw({
    client, logger: logger.child({ component: 'host-gw' }), nodeName: name, nodeIP,
    clusterCIDR: flags.clusterCidr ?? flags.podNetworkSubnet, podBridge: flags.podNetworkBridge,
  }, shutdown.signal) : undefined;
  if (flags.hostGwRoutes && !hostGw) return;
  const pods = await startPodRunner({
    client, runtime, logger, nodeName: name, nodeIP, rootDir: flags.rootDir,
    pauseImage: flags.podInfraContainerImage,
    network: { name: flags.podNetwork, subnet: hostGw?.podCIDR ?? flags.podNetworkSubnet, bridgeName: flags.podNetworkBridge },
    clusterDNS: flags.clusterDns.split(',').map((s) => s.trim()).filter(Boolean),
    clusterDomain: flags.clusterDomain, resolvConfPath: flags.resolvConf,
    podManifestPath: flags.podManifestPath, fileCheckFrequencyMs: parseDuration(flags.fileCheckFrequency),
  }, shutdown.signal);
  // /stats/summary serves periodic samples, so its CPU rates cover one sampling interval (metrics.k8s.io's window).
  const stats = startSummarySampler(runtimeSummaryProvider(runtime, name), { logger: logger.child({ component: 'stats' }) });
  shutdown.signal.addEventListener('abort', () => stats.stop(), { once: true });
  const server = await startKubeletServer({
    host: flags.address, port: Number(flags.port), runtime, nodeName: name, logger,
    tls: await kubeletServingCert({ rootDir: flags.rootDir, nodeName: name, nodeIP, certFile: flags.tlsCertFile, keyFile: flags.tlsPrivateKeyFile }),
    clientCaPem: flags.clientCaFile ? readFileSync(flags.clientCaFile, 'utf8') : undefined,
    statsProvider: () => stats.latest(),
  });
  shutdown.signal.addEventListener('abort', () => void server.close(), { once: true });
  const running = [agentDone ?? agent.run(shutdown.signal), pods.done, ...(hostGw ? [hostGw.done] : [])];
  // The proxy and the DNS watch the same Services and EndpointSlices: one list/watch and one cache each, for both.
  const serviceInformers = new SharedInformerFactory(client, { logger: logger.child({ component: 'service-informers' }) });
  serviceInformers.start(shutdown.signal);
  if (flags.clusterDnsBind) {
    const dns = await startClusterDns({
      client, logger, host: flags.clusterDnsBind, domain: flags.clusterDomain, upstream: dnsUpstream, informers: serviceInformers,
    });
    shutdown.signal.addEventListener('abort', () => void dns.close(), { once: true });
  }
  if (flags.proxyMode === 'iptables') {
    const rules = proxyRuleOptions();
    const proxier = new Proxier({
      ...rules, client, logger: logger.child({ component: 'proxy' }), iptables: new HostIptables(),
      minSyncPeriodMs: parseDuration(flags.iptablesMinSyncPeriod), syncPeriodMs: parseDuration(flags.iptablesSyncPeriod),
      prepare: () => ensureServiceRoute(rules.serviceBridge, rules.serviceCIDRs), informers: serviceInformers,
    });
    running.push(proxier.run(shutdown.signal));
  }
  await Promise.all(running);
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'skiff-kubelet failed');
  process.exit(1);
});
