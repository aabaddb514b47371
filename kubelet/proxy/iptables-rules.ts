// The Service proxy's rules, as kube-proxy's iptables mode writes them, rendered as iptables-restore input. Pure:
// given the service ports and the chains that exist now, the full content of every chain the proxy owns, and the
// stale per-service chains to delete. Every chain name starts with the prefix (KUBE by default) so that several
// Skiff clusters on one host (tests) can keep apart.
import { createHash } from 'node:crypto';
import type { ServicePortInfo } from './service-ports.ts';

/** The mark that asks KUBE-POSTROUTING to masquerade (kube-proxy's --iptables-masquerade-bit 14). */
export const masqueradeMark = '0x4000';

export interface ProxyRuleOptions {
  prefix: string;
  /** Pod addresses: traffic to a ClusterIP from outside this range is masqueraded. */
  clusterCIDR?: string;
  /** Service addresses: a packet still addressed there after NAT leaves only through the empty service bridge. */
  serviceCIDRs: string[];
  serviceBridge: string;
}

export interface ChainNames {
  services: string;
  nodePorts: string;
  postrouting: string;
  markMasq: string;
  externalServices: string;
  forward: string;
  guard: string;
}

export function chainNames(prefix: string): ChainNames {
  return {
    services: `${prefix}-SERVICES`,
    nodePorts: `${prefix}-NODEPORTS`,
    postrouting: `${prefix}-POSTROUTING`,
    markMasq: `${prefix}-MARK-MASQ`,
    externalServices: `${prefix}-EXTERNAL-SERVICES`,
    forward: `${prefix}-FORWARD`,
    guard: `${prefix}-PROXY-GUARD`,
  };
}

/** RFC 4648 base32 of the SHA-256, cut to 16 characters: kube-proxy's portProtoHash. */
export function chainHash(text: string): string {
  const digest = createHash('sha256').update(text).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 16) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length >= 16) break;
  }
  return out;
}

const svcChain = (prefix: string, sp: ServicePortInfo): string => `${prefix}-SVC-${chainHash(sp.id + sp.protocol.toLowerCase())}`;
const extChain = (prefix: string, sp: ServicePortInfo): string => `${prefix}-EXT-${chainHash(sp.id + sp.protocol.toLowerCase())}`;
const sepChain = (prefix: string, sp: ServicePortInfo, ep: { ip: string; port: number }): string =>
  `${prefix}-SEP-${chainHash(sp.id + sp.protocol.toLowerCase() + `${ep.ip}:${ep.port}`)}`;

/** Per-service chains: the ones a sync may leave behind when a Service or endpoint goes. */
export function isPerServiceChain(prefix: string, chain: string): boolean {
  return chain.startsWith(`${prefix}-SVC-`) || chain.startsWith(`${prefix}-SEP-`) || chain.startsWith(`${prefix}-EXT-`);
}

const comment = (text: string): string => `-m comment --comment ${JSON.stringify(text)}`;
const proto = (sp: ServicePortInfo): string => {
  const p = sp.protocol.toLowerCase();
  return `-m ${p} -p ${p}`;
};

/** Every owned chain of a table with its rules, in order; fixed chains first. */
export type TableRules = Map<string, string[]>;

export interface RuleSet {
  filter: TableRules;
  nat: TableRules;
}

/** Past this many endpoints the per-endpoint comments are left out, as kube-proxy's large-cluster mode does. */
export const largeClusterEndpoints = 1000;

export function buildRules(ports: ServicePortInfo[], o: ProxyRuleOptions): RuleSet {
  const c = chainNames(o.prefix);
  const large = ports.reduce((n, p) => n + p.endpoints.length, 0) > largeClusterEndpoints;
  const epComment = (text: string): string => (large ? '' : `${comment(text)} `);
  const filter: TableRules = new Map([c.services, c.externalServices, c.forward, c.guard].map((ch) => [ch, []]));
  const nat: TableRules = new Map([c.services, c.nodePorts, c.postrouting, c.markMasq].map((ch) => [ch, []]));
  const add = (table: TableRules, chain: string, ...rules: string[]): void => {
    const lines = table.get(chain);
    if (lines) lines.push(...rules.map((r) => `-A ${chain} ${r}`));
    else table.set(chain, rules.map((r) => `-A ${chain} ${r}`));
  };

  add(nat, c.postrouting,
    `-m mark ! --mark ${masqueradeMark}/${masqueradeMark} -j RETURN`,
    // Clear the mark so a packet that goes through the rules again is not masqueraded twice.
    `-j MARK --xor-mark ${masqueradeMark}`,
    `${comment('kubernetes service traffic requiring SNAT')} -j MASQUERADE --random-fully`);
  add(nat, c.markMasq, `-j MARK --or-mark ${masqueradeMark}`);
  add(filter, c.forward,
    `${comment('kubernetes forwarding rules')} -m mark --mark ${masqueradeMark}/${masqueradeMark} -j ACCEPT`,
    `${comment('kubernetes forwarding conntrack rule')} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`);
  for (const cidr of o.serviceCIDRs) {
    add(filter, c.guard, `${comment('service traffic with no rule never leaves the host')} -d ${cidr} ! -o ${o.serviceBridge} -j DROP`);
  }

  const ordered = [...ports].sort((a, b) => a.id.localeCompare(b.id) || a.protocol.localeCompare(b.protocol));
  for (const sp of ordered) {
    const svc = svcChain(o.prefix, sp);
    const dst = `-d ${sp.clusterIP}/32 --dport ${sp.port}`;
    if (sp.endpoints.length === 0) {
      add(filter, c.services, `${comment(`${sp.id} has no endpoints`)} ${proto(sp)} ${dst} -j REJECT`);
      if (sp.nodePort) {
        add(filter, c.externalServices, `${comment(`${sp.id} has no endpoints`)} -m addrtype --dst-type LOCAL ${proto(sp)} --dport ${sp.nodePort} -j REJECT`);
      }
      continue;
    }
    add(nat, c.services, `${comment(`${sp.id} cluster IP`)} ${proto(sp)} ${dst} -j ${svc}`);
    nat.set(svc, []);
    if (o.clusterCIDR) add(nat, svc, `${comment(`${sp.id} cluster IP`)} ${proto(sp)} ${dst} ! -s ${o.clusterCIDR} -j ${c.markMasq}`);
    if (sp.nodePort) {
      const ext = extChain(o.prefix, sp);
      add(nat, c.nodePorts, `${comment(sp.id)} ${proto(sp)} --dport ${sp.nodePort} -j ${ext}`);
      add(nat, ext, `${comment(`masquerade traffic for ${sp.id} external destinations`)} -j ${c.markMasq}`, `-j ${svc}`);
    }
    const seps = sp.endpoints.map((ep) => ({ ep, chain: sepChain(o.prefix, sp, ep) }));
    if (sp.affinitySeconds !== undefined) {
      // A client seen recently goes back to the endpoint it had (kube-proxy's `recent` match per endpoint).
      for (const { ep, chain } of seps) {
        add(nat, svc, `${epComment(`${sp.id} -> ${ep.ip}:${ep.port}`)}-m recent --name ${chain} --mask 255.255.255.255 --rsource --rcheck --seconds ${sp.affinitySeconds} --reap -j ${chain}`);
      }
    }
    // Endpoint i of n is taken with probability 1/(n-i), so each gets 1/n overall.
    seps.forEach(({ ep, chain }, i) => {
      const left = seps.length - i;
      const pick = left > 1 ? `-m statistic --mode random --probability ${(1 / left).toFixed(10)} ` : '';
      add(nat, svc, `${epComment(`${sp.id} -> ${ep.ip}:${ep.port}`)}${pick}-j ${chain}`);
    });
    for (const { ep, chain } of seps) {
      const remember = sp.affinitySeconds !== undefined ? `-m recent --name ${chain} --mask 255.255.255.255 --rsource --set ` : '';
      add(nat, chain,
        // Hairpin: a pod reaching itself through its Service must see the reply come from the Service.
        `${epComment(sp.id)}-s ${ep.ip}/32 -j ${c.markMasq}`,
        `${epComment(sp.id)}${remember}${proto(sp)} -j DNAT --to-destination ${ep.ip}:${ep.port}`);
    }
  }
  add(nat, c.services, `${comment('kubernetes service nodeports; NOTE: this must be the last rule in this chain')} -m addrtype --dst-type LOCAL -j ${c.nodePorts}`);
  return { filter, nat };
}

/**
 * iptables-restore input (for --noflush). Declaring a chain empties it, so only the chains to (re)write are
 * declared: the fixed chains always, per-service chains when new or changed since `previous` (all of them when
 * there is no previous sync). Chains that exist but are no longer wanted are emptied and deleted in the same
 * transaction, after the rules that jumped to them were rewritten.
 */
export function renderRestore(next: RuleSet, previous: RuleSet | undefined, existing: { filter: string[]; nat: string[] },
  prefix: string): string {
  const table = (name: 'filter' | 'nat'): string[] => {
    const wanted = next[name];
    const before = previous?.[name];
    const present = new Set(existing[name]);
    const write = [...wanted.keys()].filter((ch) => !isPerServiceChain(prefix, ch) || !before
      || !sameLines(before.get(ch), wanted.get(ch)!) || !present.has(ch));
    const stale = existing[name].filter((ch) => isPerServiceChain(prefix, ch) && !wanted.has(ch));
    return [
      `*${name}`,
      ...write.map((ch) => `:${ch} - [0:0]`),
      ...stale.map((ch) => `:${ch} - [0:0]`),
      ...write.flatMap((ch) => wanted.get(ch)!),
      ...stale.map((ch) => `-X ${ch}`),
      'COMMIT',
    ];
  };
  return [...table('filter'), ...table('nat'), ''].join('\n');
}

function sameLines(a: string[] | undefined, b: string[]): boolean {
  return a !== undefined && a.length === b.length && a.every((line, i) => line === b[i]);
}

/** The jumps from the built-in chains into the owned ones: [table, built-in chain, rule spec]. */
export function hookRules(prefix: string): [string, string, string[]][] {
  const c = chainNames(prefix);
  const isNew = ['-m', 'conntrack', '--ctstate', 'NEW'];
  return [
    ['nat', 'PREROUTING', ['-m', 'comment', '--comment', 'kubernetes service portals', '-j', c.services]],
    ['nat', 'OUTPUT', ['-m', 'comment', '--comment', 'kubernetes service portals', '-j', c.services]],
    ['nat', 'POSTROUTING', ['-m', 'comment', '--comment', 'kubernetes postrouting rules', '-j', c.postrouting]],
    ['filter', 'INPUT', [...isNew, '-m', 'comment', '--comment', 'kubernetes externally-visible service portals', '-j', c.externalServices]],
    ['filter', 'FORWARD', [...isNew, '-m', 'comment', '--comment', 'kubernetes service portals', '-j', c.services]],
    ['filter', 'FORWARD', [...isNew, '-m', 'comment', '--comment', 'kubernetes externally-visible service portals', '-j', c.externalServices]],
    ['filter', 'FORWARD', ['-m', 'comment', '--comment', 'kubernetes forwarding rules', '-j', c.forward]],
    ['filter', 'FORWARD', ['-m', 'comment', '--comment', 'kubernetes service address guard', '-j', c.guard]],
    ['filter', 'OUTPUT', [...isNew, '-m', 'comment', '--comment', 'kubernetes service portals', '-j', c.services]],
    ['filter', 'OUTPUT', ['-m', 'comment', '--comment', 'kubernetes service address guard', '-j', c.guard]],
  ];
}

/** Chain names of one table in iptables-save output. */
export function chainsInSave(save: string, table: string): string[] {
  const chains: string[] = [];
  let current = '';
  for (const line of save.split('\n')) {
    if (line.startsWith('*')) current = line.slice(1).trim();
    else if (current === table && line.startsWith(':')) chains.push(line.slice(1).split(' ')[0]);
  }
  return chains;
}
