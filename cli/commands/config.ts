// skiffctl config: read and edit kubeconfig files as kubectl config does. All edits go through the client's
// KubeconfigEditor, which writes each change to the file that defines the entry (kubectl's rules), atomically and
// with mode 0600. No server is contacted.
import fs from 'node:fs';
import type { Command } from 'commander';
import { KubeconfigEditor, type FieldChanges } from '../../apiserver/client/kubeconfig-edit.ts';
import type { KubeconfigCluster, KubeconfigContext, KubeconfigUser } from '../../apiserver/client/kubeconfig.ts';
import type { Runner } from '../command.ts';
import { completes } from '../completion.ts';
import { CliError, usageError } from '../errors.ts';
import { getTableOptions, TabWriter } from '../output/tabwriter.ts';
import type { Session } from '../session.ts';
import { renderConfig, viewConfig, type ViewOptions } from './config-view.ts';

interface SetContextOptions { current?: boolean; cluster?: string; user?: string; namespace?: string }
interface SetClusterOptions {
  server?: string; certificateAuthority?: string; embedCerts?: boolean; insecureSkipTlsVerify?: string | boolean; tlsServerName?: string;
}
interface SetCredentialsOptions {
  token?: string; clientCertificate?: string; clientKey?: string; embedCerts?: boolean; username?: string; password?: string;
}

function editor(session: Session): KubeconfigEditor {
  return new KubeconfigEditor(session.location());
}

export function register(parent: Command, run: Runner): void {
  const config = parent.command('config').description('Modify kubeconfig files (view, contexts, clusters, users)');

  config.command('view')
    .description('Display merged kubeconfig settings or a specified kubeconfig file')
    .option('--minify', 'only the information used by the current context')
    .option('--raw', 'show secrets (certificate data, tokens) as they are')
    .option('--flatten', 'inline referenced files as data (implies --raw)')
    .option('-o, --output <format>', 'yaml (default), json or jsonpath=...')
    .action(run<ViewOptions>((session, opts) => {
      const view = viewConfig(session.merged(), opts, session.flags.context);
      session.out(renderConfig(view, opts.output));
    }));

  config.command('current-context')
    .description('Display the current-context')
    .action(run((session) => {
      const current = session.merged().config['current-context'];
      if (!current) throw usageError('current-context is not set');
      session.out(`${current}\n`);
    }));

  completes(config.command('use-context').alias('use')
    .description('Set the current-context in a kubeconfig file')
    .argument('<name>')
    .action(run((session, _opts, [name]) => {
      session.merged();
      editor(session).useContext(name);
      session.out(`Switched to context "${name}".\n`);
    })), 'contexts');

  config.command('get-contexts')
    .description('Describe one or many contexts')
    .argument('[name]')
    .option('-o, --output <format>', 'name: print only context names')
    .option('--no-headers', 'do not print headers')
    .action(run<{ output?: string; headers?: boolean }>(getContexts));

  config.command('get-clusters')
    .description('Display clusters defined in the kubeconfig')
    .action(run((session) => {
      const names = session.merged().config.clusters.map((c) => c.name).sort();
      session.out(['NAME', ...names].map((n) => `${n}\n`).join(''));
    }));

  config.command('get-users')
    .description('Display users defined in the kubeconfig')
    .action(run((session) => {
      const names = session.merged().config.users.map((u) => u.name).sort();
      session.out(['NAME', ...names].map((n) => `${n}\n`).join(''));
    }));

  config.command('set-context')
    .description('Set a context entry in kubeconfig')
    .argument('[name]')
    .option('--current', 'modify the current context')
    .option('--cluster <name>', 'cluster for the context')
    .option('--user <name>', 'user for the context')
    .option('--namespace <namespace>', 'namespace for the context')
    .action(run<SetContextOptions>(setContext));

  config.command('set-cluster')
    .description('Set a cluster entry in kubeconfig')
    .argument('<name>')
    .option('--server <url>', 'server address')
    .option('--certificate-authority <file>', 'path to the CA certificate file')
    .option('--embed-certs', 'embed the certificate data in the kubeconfig')
    .option('--insecure-skip-tls-verify [bool]', 'skip verification of the server certificate')
    .option('--tls-server-name <name>', 'server name to verify the certificate against')
    .action(run<SetClusterOptions>(setCluster));

  config.command('set-credentials')
    .description('Set a user entry in kubeconfig')
    .argument('<name>')
    .option('--token <token>', 'bearer token')
    .option('--client-certificate <file>', 'path to the client certificate')
    .option('--client-key <file>', 'path to the client key')
    .option('--embed-certs', 'embed the certificate and key data in the kubeconfig')
    .option('--username <name>', 'basic auth user name (not supported by Skiff servers)')
    .option('--password <password>', 'basic auth password (not supported by Skiff servers)')
    .action(run<SetCredentialsOptions>(setCredentials));

  config.command('delete-context').description('Delete the specified context from the kubeconfig').argument('<name>')
    .action(run((session, _opts, [name]) => {
      const merged = session.merged();
      if (!merged.config.contexts.some((c) => c.name === name)) throw usageError(`cannot delete context ${name}, not in ${merged.files.join(', ')}`);
      if (merged.config['current-context'] === name) session.err('warning: this removed your active context, use "skiffctl config use-context" to select a different one\n');
      editor(session).deleteContext(name);
      session.out(`deleted context ${name} from ${merged.origins.contexts.get(name)}\n`);
    }));

  config.command('delete-cluster').description('Delete the specified cluster from the kubeconfig').argument('<name>')
    .action(run((session, _opts, [name]) => {
      const merged = session.merged();
      if (!merged.origins.clusters.has(name)) throw usageError(`cannot delete cluster ${name}, not in ${merged.files.join(', ')}`);
      editor(session).deleteCluster(name);
      session.out(`deleted cluster ${name} from ${merged.origins.clusters.get(name)}\n`);
    }));

  config.command('delete-user').description('Delete the specified user from the kubeconfig').argument('<name>')
    .action(run((session, _opts, [name]) => {
      const merged = session.merged();
      if (!merged.origins.users.has(name)) throw usageError(`cannot delete user ${name}, not in ${merged.files.join(', ')}`);
      editor(session).deleteUser(name);
      session.out(`deleted user ${name} from ${merged.origins.users.get(name)}\n`);
    }));

  config.command('rename-context').description('Rename a context from the kubeconfig file').argument('<old>').argument('<new>')
    .action(run((session, _opts, [from, to]) => {
      const merged = session.merged();
      if (!merged.origins.contexts.has(from)) throw usageError(`cannot rename the context "${from}", it's not in ${merged.files.join(', ')}`);
      editor(session).renameContext(from, to);
      session.out(`Context "${from}" renamed to "${to}".\n`);
    }));
}

function getContexts(session: Session, opts: { output?: string; headers?: boolean }, [name]: string[]): void {
  if (opts.output !== undefined && opts.output !== 'name') throw usageError(`output must be one of '' or 'name': ${opts.output}`);
  const merged = session.merged();
  const current = merged.config['current-context'];
  let contexts = [...merged.config.contexts].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const missing = name !== undefined && !contexts.some((c) => c.name === name);
  if (name !== undefined) contexts = contexts.filter((c) => c.name === name);
  if (opts.output === 'name') {
    session.out(contexts.map((c) => `${c.name}\n`).join(''));
  } else {
    const w = new TabWriter((t) => session.out(t), getTableOptions);
    if (opts.headers !== false) w.row(['CURRENT', 'NAME', 'CLUSTER', 'AUTHINFO', 'NAMESPACE']);
    for (const c of contexts) {
      w.row([c.name === current ? '*' : '', c.name, c.context.cluster ?? '', c.context.user ?? '', c.context.namespace ?? '']);
    }
    w.flush();
  }
  if (missing) throw usageError(`context ${name} not found`);
}

function setContext(session: Session, opts: SetContextOptions, [nameArg]: string[]): void {
  const merged = session.merged();
  let name = nameArg;
  if (opts.current) {
    if (nameArg) throw usageError('you cannot specify both a context name and --current');
    name = merged.config['current-context'] ?? '';
    if (!name) throw usageError('no current context is set');
  }
  if (!name) throw usageError('you must specify a non-empty context name or --current');
  const exists = merged.config.contexts.some((c) => c.name === name);
  const changes: FieldChanges<KubeconfigContext> = {};
  if (opts.cluster !== undefined) changes.cluster = opts.cluster || undefined;
  if (opts.user !== undefined) changes.user = opts.user || undefined;
  if (opts.namespace !== undefined) changes.namespace = opts.namespace || undefined;
  editor(session).setContext(name, changes);
  session.out(`Context "${name}" ${exists ? 'modified' : 'created'}.\n`);
}

function readForEmbed(file: string): string {
  try {
    return fs.readFileSync(file).toString('base64');
  } catch (e) {
    throw new CliError(`error: could not read ${file}: ${(e as Error).message}`);
  }
}

function setCluster(session: Session, opts: SetClusterOptions, [name]: string[]): void {
  session.merged();
  const changes: FieldChanges<KubeconfigCluster> = {};
  if (opts.server !== undefined) changes.server = opts.server;
  if (opts.tlsServerName !== undefined) changes['tls-server-name'] = opts.tlsServerName || undefined;
  if (opts.certificateAuthority !== undefined) {
    if (opts.embedCerts) changes['certificate-authority-data'] = readForEmbed(opts.certificateAuthority);
    else changes['certificate-authority'] = opts.certificateAuthority;
  }
  if (opts.insecureSkipTlsVerify !== undefined) {
    const on = opts.insecureSkipTlsVerify === true || opts.insecureSkipTlsVerify === 'true';
    changes['insecure-skip-tls-verify'] = on || undefined;
    // kubectl clears the CA when skipping verification: the two cannot be combined.
    if (on) {
      changes['certificate-authority'] = undefined;
      changes['certificate-authority-data'] = undefined;
    }
  }
  editor(session).setCluster(name, changes);
  session.out(`Cluster "${name}" set.\n`);
}

function setCredentials(session: Session, opts: SetCredentialsOptions, [name]: string[]): void {
  session.merged();
  const changes: FieldChanges<KubeconfigUser> = {};
  if (opts.token !== undefined) changes.token = opts.token || undefined;
  if (opts.clientCertificate !== undefined) {
    if (opts.embedCerts) changes['client-certificate-data'] = readForEmbed(opts.clientCertificate);
    else changes['client-certificate'] = opts.clientCertificate;
  }
  if (opts.clientKey !== undefined) {
    if (opts.embedCerts) changes['client-key-data'] = readForEmbed(opts.clientKey);
    else changes['client-key'] = opts.clientKey;
  }
  if (opts.username !== undefined) changes.username = opts.username || undefined;
  if (opts.password !== undefined) changes.password = opts.password || undefined;
  editor(session).setUser(name, changes);
  session.out(`User "${name}" set.\n`);
}
