// host-gw's only contact with the host: `ip route` for the routes tagged with its protocol number, `iptables` for
// its few rules. Commands go through a runner so tests can aim them at a network namespace of their own.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { routeProtocol, rulesInPlace, type HostRule, type InstalledRoute, type PodRoute } from './host-gw-plan.ts';

const exec = promisify(execFile);

/** Runs a command and answers its standard output; rejects with its standard error. */
export type Runner = (command: string, args: string[]) => Promise<string>;

export const hostRunner: Runner = async (command, args) => {
  try {
    return (await exec(command, args, { maxBuffer: 16 * 1024 * 1024 })).stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')}: ${(e.stderr ?? '').trim() || e.message}`);
  }
};

/** The same commands inside network namespace `ns` (`ip netns exec`), for tests. */
export function netnsRunner(ns: string): Runner {
  return (command, args) => hostRunner('ip', ['netns', 'exec', ns, command, ...args]);
}

export class HostNetwork {
  private readonly run: Runner;

  constructor(run: Runner = hostRunner) {
    this.run = run;
  }

  /** Our routes in the main table. */
  async podRoutes(): Promise<InstalledRoute[]> {
    const out = await this.run('ip', ['-j', '-4', 'route', 'show', 'proto', String(routeProtocol)]);
    const routes = JSON.parse(out.trim() || '[]') as { dst: string; gateway?: string }[];
    return routes.map((r) => ({ cidr: r.dst, via: r.gateway }));
  }

  async replaceRoute(r: PodRoute): Promise<void> {
    await this.run('ip', ['-4', 'route', 'replace', r.cidr, 'via', r.via, 'proto', String(routeProtocol)]);
  }

  async removeRoute(cidr: string): Promise<void> {
    await this.run('ip', ['-4', 'route', 'del', cidr, 'proto', String(routeProtocol)]);
  }

  /** Puts `rules` at the top of their chains in order, unless they already are there. */
  async ensureRulesFirst(rules: HostRule[]): Promise<boolean> {
    let changed = false;
    const chains = new Map<string, HostRule[]>();
    for (const r of rules) chains.set(`${r.table} ${r.chain}`, [...(chains.get(`${r.table} ${r.chain}`) ?? []), r]);
    for (const group of chains.values()) {
      const { table, chain } = group[0];
      const iptables = (...args: string[]): Promise<string> => this.run('iptables', ['-w', '5', '-t', table, ...args]);
      if (rulesInPlace(await iptables('-S', chain), group)) continue;
      // Out of place (Docker inserted above them) or missing: remove every copy, then insert from the last up.
      for (const r of group) {
        for (;;) {
          try {
            await iptables('-D', chain, ...r.spec);
          } catch {
            break;
          }
        }
      }
      for (const r of [...group].reverse()) await iptables('-I', chain, '1', ...r.spec);
      changed = true;
    }
    return changed;
  }
}
