// skiffctl version: the client's version and the server's (/version), as kubectl prints them; -o json|yaml too.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { packageRoot } from '../../apiserver/api/openapi/package-root.ts';
import type { Runner } from '../command.ts';
import { formatError, usageError } from '../errors.ts';
import { toYaml } from '../output/objects.ts';
import type { Session } from '../session.ts';

interface VersionOptions {
  client?: boolean;
  output?: string;
}

/** skiffctl speaks the API of Kubernetes 1.31, as the apiserver does; the suffix names the Skiff release. */
export function clientVersion(): Record<string, string> {
  const pkg = JSON.parse(readFileSync(path.join(packageRoot(import.meta.url), 'package.json'), 'utf8')) as { version: string };
  return {
    major: '1',
    minor: '31',
    gitVersion: `v1.31.0+skiff-${pkg.version}`,
    gitCommit: '',
    gitTreeState: 'clean',
    buildDate: '',
    goVersion: `node ${process.version}`,
    compiler: 'skiffctl',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}

export function register(parent: Command, run: Runner): void {
  parent.command('version')
    .description('Print the client and server version information')
    .option('--client', 'print the client version only (no server needed)')
    .option('-o, --output <format>', 'yaml or json')
    .action(run<VersionOptions>(version));
}

async function version(session: Session, opts: VersionOptions): Promise<void> {
  if (opts.output !== undefined && opts.output !== 'json' && opts.output !== 'yaml') {
    throw usageError('--output must be \'yaml\' or \'json\'');
  }
  const info: Record<string, unknown> = { clientVersion: clientVersion() };
  let serverError: unknown;
  if (!opts.client) {
    try {
      info.serverVersion = await session.client().request('GET', '/version');
    } catch (e) {
      serverError = e;
    }
  }
  if (opts.output === 'json') session.out(`${JSON.stringify(info, null, 2)}\n`);
  else if (opts.output === 'yaml') session.out(toYaml(info));
  else {
    session.out(`Client Version: ${(info.clientVersion as Record<string, string>).gitVersion}\n`);
    const server = info.serverVersion as Record<string, string> | undefined;
    if (server) session.out(`Server Version: ${server.gitVersion}\n`);
  }
  if (serverError) throw new Error(formatError(serverError, session.serverForErrors()));
}
