// Where deploy/install puts things on a lab VM: credentials and flags in /etc/skiff, the build in /opt/skiff, data in
// /var/lib/skiff, the units in /etc/systemd/system. Every path hangs off a root, so `--root DIR` writes a whole
// installation below DIR (tests, images) while the files it writes still name the paths they will have on the host.
import path from 'node:path';
import type { ClusterLayout } from '../launcher/cluster-state.ts';

/** The launcher's layout (so its token, kubeconfig and certificate functions work unchanged), plus what install adds. */
export interface InstallLayout extends ClusterLayout {
  root: string;
  /** /etc/skiff: 0700, everything secret lives here. */
  etcDir: string;
  /** The apiserver's --cert-dir: its CA (made by install, so kubeconfigs can be written before it first starts). */
  apiserverCertDir: string;
  /** What install decided the first time (addresses, ranges, node name); a second run reuses it. */
  settingsFile: string;
  optDir: string;
  unitDir: string;
  kubeletRootDir: string;
  sysctlFile: string;
}

export function installLayout(root = '/'): InstallLayout {
  const at = (p: string): string => path.join(root, p);
  const etcDir = at('/etc/skiff');
  const pki = path.join(etcDir, 'pki');
  const apiserverCertDir = path.join(pki, 'apiserver');
  return {
    root,
    etcDir,
    stateDir: etcDir,
    logsDir: at('/var/log/skiff'),
    runDir: at('/run/skiff'),
    apiserverDataDir: at('/var/lib/skiff/apiserver'),
    apiserverCertDir,
    apiserverCAFile: path.join(apiserverCertDir, 'ca.crt'),
    tokenFile: path.join(etcDir, 'tokens.csv'),
    kubeletClientCADir: path.join(pki, 'kubelet-client-ca'),
    kubeletClientCert: path.join(pki, 'apiserver-kubelet-client.crt'),
    kubeletClientKey: path.join(pki, 'apiserver-kubelet-client.key'),
    adminKubeconfig: path.join(etcDir, 'admin.kubeconfig'),
    localPathRoot: at('/var/lib/skiff/local-path'),
    settingsFile: path.join(etcDir, 'settings.json'),
    optDir: at('/opt/skiff'),
    unitDir: at('/etc/systemd/system'),
    kubeletRootDir: at('/var/lib/skiff/kubelet'),
    sysctlFile: at('/etc/sysctl.d/90-skiff.conf'),
  };
}

export function envFile(layout: InstallLayout, component: Component): string {
  return path.join(layout.etcDir, `${component}.env`);
}

export const components = ['apiserver', 'scheduler', 'controller-manager', 'kubelet'] as const;
export type Component = (typeof components)[number];

/** The variable each unit's ExecStart expands: SKIFF_CONTROLLER_MANAGER_ARGS. */
export function argsVariable(component: Component): string {
  return `SKIFF_${component.toUpperCase().replaceAll('-', '_')}_ARGS`;
}
