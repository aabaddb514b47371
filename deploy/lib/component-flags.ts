// Each component's flags on a lab VM, as the EnvironmentFile its systemd unit reads (one per component, like the
// classic binary install's /etc/kubernetes/<component> files). Paths are the ones on the host: the files may be
// written below --root, but they are read from / once installed.
import { kubeconfigPath } from '../launcher/cluster-state.ts';
import { argsVariable, installLayout, type Component } from './install-layout.ts';

/** What one host needs to know about the cluster. */
export interface NodeSettings {
  nodeName: string;
  /** The node's InternalIP: other nodes route its pods' traffic here, and its cluster DNS answers here. */
  nodeIP: string;
  /** The cluster's pod addresses; the controller-manager gives each node a /24 of it. */
  podCIDR: string;
  serviceCIDR: string;
  /** Where the cluster DNS sends names outside cluster.local (ip[:port]); none when empty. */
  dnsUpstream: string;
}

export interface ControlPlaneSettings extends NodeSettings {
  advertiseAddress: string;
  apiserverPort: number;
}

const onHost = installLayout('/');

export function apiserverFlags(s: ControlPlaneSettings): string[] {
  return [
    '--secure-port', String(s.apiserverPort), '--advertise-address', s.advertiseAddress,
    '--data-dir', onHost.apiserverDataDir, '--cert-dir', onHost.apiserverCertDir,
    '--token-auth-file', onHost.tokenFile,
    // As kubeadm: kubelets through the Node authorizer, every other component through its RBAC role.
    '--authorization-mode', 'Node,RBAC',
    '--service-cluster-ip-range', s.serviceCIDR,
    '--kubelet-client-certificate', onHost.kubeletClientCert, '--kubelet-client-key', onHost.kubeletClientKey,
  ];
}

export function schedulerFlags(): string[] {
  return ['--kubeconfig', kubeconfigPath(onHost, 'scheduler')];
}

export function controllerManagerFlags(s: ControlPlaneSettings): string[] {
  return [
    '--kubeconfig', kubeconfigPath(onHost, 'controller-manager'),
    // The node IPAM controller hands out each node's spec.podCIDR from this range.
    '--cluster-cidr', s.podCIDR,
    '--local-path-root', onHost.localPathRoot,
  ];
}

export function kubeletFlags(s: NodeSettings): string[] {
  return [
    '--kubeconfig', kubeconfigPath(onHost, `kubelet-${s.nodeName}`),
    '--hostname-override', s.nodeName, '--node-ip', s.nodeIP,
    '--root-dir', onHost.kubeletRootDir,
    '--client-ca-file', `${onHost.kubeletClientCADir}/ca.crt`,
    // Pods take addresses from this node's spec.podCIDR, and reach other nodes' pods through routes via their
    // InternalIPs (host-gw): one flat pod network across hosts on one L2 segment.
    '--host-gw-routes', '--cluster-cidr', s.podCIDR,
    '--service-cluster-ip-range', s.serviceCIDR,
    // Every node serves the cluster DNS on its own address, so pods resolve names even when another host is down.
    '--cluster-dns', s.nodeIP, '--cluster-dns-bind', s.nodeIP,
    ...(s.dnsUpstream ? ['--dns-upstream', s.dnsUpstream] : []),
  ];
}

/** `SKIFF_KUBELET_ARGS="--kubeconfig ..."`: one line, so the file reads the same to systemd and to `. file` in sh. */
export function renderEnvFile(component: Component, flags: string[]): string {
  for (const f of flags) {
    // systemd splits $VAR on white space and the quotes below must stay balanced: no value may need quoting.
    if (!/^[A-Za-z0-9_./:,=@+-]+$/.test(f)) throw new Error(`${component} flag value ${JSON.stringify(f)} cannot go in an environment file`);
  }
  const binary = component === 'controller-manager' ? 'controllers' : component;
  return [
    `# Flags of skiff-${component}, written by deploy/install. See \`node /opt/skiff/dist/${binary}/main.js --help\`;`,
    `# after an edit: systemctl restart skiff-${component}`,
    `${argsVariable(component)}="${flags.join(' ')}"`,
    '',
  ].join('\n');
}
