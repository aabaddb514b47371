// The launcher's state directory: credentials made once and reused on every `up`, so a second run finds the same
// cluster. Keys, tokens and kubeconfigs are written 0600 and never printed.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureCA, issueClientCert, writeSecretFile } from '../../apiserver/server/certs.ts';
import { writeKubeconfig, type Kubeconfig } from '../../apiserver/client/index.ts';

export interface ClusterLayout {
  stateDir: string;
  logsDir: string;
  runDir: string;
  apiserverDataDir: string;
  /** The apiserver makes its CA here on first start; clients trust it. */
  apiserverCAFile: string;
  tokenFile: string;
  kubeletClientCADir: string;
  kubeletClientCert: string;
  kubeletClientKey: string;
  adminKubeconfig: string;
  localPathRoot: string;
}

export function clusterLayout(stateDir: string): ClusterLayout {
  const dir = path.resolve(stateDir);
  return {
    stateDir: dir,
    logsDir: path.join(dir, 'logs'),
    runDir: path.join(dir, 'run'),
    apiserverDataDir: path.join(dir, 'apiserver'),
    apiserverCAFile: path.join(dir, 'apiserver', 'pki', 'ca.crt'),
    tokenFile: path.join(dir, 'tokens.csv'),
    kubeletClientCADir: path.join(dir, 'pki', 'kubelet-client-ca'),
    kubeletClientCert: path.join(dir, 'pki', 'apiserver-kubelet-client.crt'),
    kubeletClientKey: path.join(dir, 'pki', 'apiserver-kubelet-client.key'),
    adminKubeconfig: path.join(dir, 'admin.kubeconfig'),
    localPathRoot: path.join(dir, 'local-path'),
  };
}

export function defaultStateDir(): string {
  return path.join(os.homedir(), '.skiff');
}

/** One identity per component, as kube-apiserver's --token-auth-file spells them. */
export interface Identity {
  /** Kubeconfig file name stem and token key. */
  id: string;
  user: string;
  groups: string[];
}

export function identities(nodeNames: string[]): Identity[] {
  return [
    { id: 'admin', user: 'admin', groups: ['system:masters'] },
    { id: 'scheduler', user: 'system:kube-scheduler', groups: [] },
    { id: 'controller-manager', user: 'system:kube-controller-manager', groups: [] },
    ...nodeNames.map((n) => ({ id: `kubelet-${n}`, user: `system:node:${n}`, groups: ['system:nodes'] })),
  ];
}

/** Reads tokens.csv, adds a token for each identity that has none, writes it back (0600). */
export async function ensureTokens(file: string, ids: Identity[]): Promise<Map<string, string>> {
  const tokens = new Map<string, string>();
  const lines: string[] = [];
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
      const [token, user] = line.split(',');
      tokens.set(user, token);
      lines.push(line);
    }
  }
  let changed = false;
  for (const id of ids) {
    if (tokens.has(id.user)) continue;
    const token = randomBytes(24).toString('base64url');
    tokens.set(id.user, token);
    lines.push(`${token},${id.user},${id.user},"${id.groups.join(',')}"`);
    changed = true;
  }
  if (changed) await writeSecretFile(file, `${lines.join('\n')}\n`);
  return tokens;
}

/** The client certificate the apiserver shows kubelets (for logs and exec), from a CA the kubelets trust. */
export async function ensureKubeletClientCert(layout: ClusterLayout): Promise<void> {
  const ca = await ensureCA(layout.kubeletClientCADir);
  if (existsSync(layout.kubeletClientCert) && existsSync(layout.kubeletClientKey)) return;
  const pair = await issueClientCert(ca, { commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'] });
  await writeSecretFile(layout.kubeletClientKey, pair.keyPem);
  await writeSecretFile(layout.kubeletClientCert, pair.certPem);
}

export function kubeconfigFor(server: string, caPem: string, id: Identity, token: string): Kubeconfig {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [{ name: 'skiff', cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: [{ name: id.user, user: { token } }],
    contexts: [{ name: 'skiff', context: { cluster: 'skiff', user: id.user } }],
    'current-context': 'skiff',
  };
}

export function kubeconfigPath(layout: ClusterLayout, id: string): string {
  return id === 'admin' ? layout.adminKubeconfig : path.join(layout.stateDir, 'kubeconfigs', `${id}.kubeconfig`);
}

export function writeKubeconfigs(layout: ClusterLayout, server: string, ids: Identity[], tokens: Map<string, string>): void {
  const caPem = readFileSync(layout.apiserverCAFile, 'utf8');
  mkdirSync(path.join(layout.stateDir, 'kubeconfigs'), { recursive: true, mode: 0o700 });
  for (const id of ids) writeKubeconfig(kubeconfigPath(layout, id.id), kubeconfigFor(server, caPem, id, tokens.get(id.user) ?? ''));
}
