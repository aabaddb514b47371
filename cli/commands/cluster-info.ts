// skiffctl cluster-info: where the control plane answers, and the cluster services labelled
// kubernetes.io/cluster-service=true in kube-system, reached through the apiserver's service proxy.
import type { Command } from 'commander';
import type { Service } from '../../apiserver/api/types.ts';
import type { Runner } from '../command.ts';
import { processIo, type Session } from '../session.ts';

export function register(parent: Command, run: Runner): void {
  parent.command('cluster-info')
    .description('Display addresses of the control plane and services with label kubernetes.io/cluster-service=true')
    .action(run(clusterInfo));
}

async function clusterInfo(session: Session): Promise<void> {
  const client = session.client();
  // Fails here, with kubectl's message, when the server cannot be reached.
  await client.request('GET', '/version');
  // kubectl colours these always; only a terminal gets colours here, so piped output stays plain text.
  const color = session.io === processIo && process.stdout.isTTY === true;
  const green = (s: string): string => (color ? `\x1b[0;32m${s}\x1b[0m` : s);
  const yellow = (s: string): string => (color ? `\x1b[0;33m${s}\x1b[0m` : s);
  const server = session.config().server.replace(/\/+$/, '');
  session.out(`${green('Kubernetes control plane')} is running at ${yellow(server)}\n`);
  const services = await client.list<Service>({ group: '', version: 'v1', plural: 'services', namespaced: true },
    'kube-system', { labelSelector: 'kubernetes.io/cluster-service=true' });
  for (const svc of services.items) {
    const name = svc.metadata?.labels?.['kubernetes.io/name'] ?? svc.metadata?.name ?? '';
    const port = svc.spec?.ports?.[0];
    const portPart = port?.name ? `:${port.name}` : port ? `:${port.port}` : '';
    const link = `${server}/api/v1/namespaces/kube-system/services/${svc.metadata?.name ?? ''}${portPart}/proxy`;
    session.out(`${green(name)} is running at ${yellow(link)}\n`);
  }
  session.out("\nTo further debug and diagnose cluster problems, use 'skiffctl describe nodes' and 'skiffctl get events -A'.\n");
}
