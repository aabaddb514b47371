// skiffctl api-versions: every group/version the server serves, sorted, one per line.
import type { Command } from 'commander';
import type { Runner } from '../command.ts';

export function register(parent: Command, run: Runner): void {
  parent.command('api-versions')
    .description('Print the supported API versions on the server, in the form of "group/version"')
    .action(run(async (session) => {
      const versions = [...new Set((await session.discovery()).groupVersions)].sort();
      session.out(versions.map((v) => `${v}\n`).join(''));
    }));
}
