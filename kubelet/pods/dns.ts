// The pod's resolv.conf from dnsPolicy and dnsConfig (kube's pkg/kubelet/network/dns): ClusterFirst points at the
// cluster DNS with the namespace search path and ndots:5; Default inherits the node's resolver; None takes
// dnsConfig only. Pure.
import type { Pod } from '../../apiserver/api/types.ts';
import type { DnsConfig } from '../runtime/runtime.ts';

export interface ClusterDnsSettings {
  /** --cluster-dns: the DNS Service address(es). Empty: ClusterFirst falls back to Default, as kube does. */
  clusterDNS: string[];
  /** --cluster-domain */
  clusterDomain: string;
  /** The node's resolver (its /etc/resolv.conf), loopback servers removed: a pod cannot reach them. */
  host: DnsConfig;
}

const maxNameservers = 3;
const maxSearches = 32;

/** Parses resolv.conf text; loopback nameservers (systemd-resolved's 127.0.0.53) are dropped. */
export function parseResolvConf(text: string): DnsConfig {
  const out: DnsConfig = { nameservers: [], searches: [], options: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [key, ...fields] = line.split(/\s+/);
    if (key === 'nameserver' && fields[0] && !/^127\.|^::1$/.test(fields[0])) out.nameservers.push(fields[0]);
    else if (key === 'search' || key === 'domain') out.searches = fields;
    else if (key === 'options') out.options.push(...fields);
  }
  return out;
}

/** The effective policy: ClusterFirst on the host network means Default unless ClusterFirstWithHostNet. */
export function effectiveDnsPolicy(pod: Pod, settings: ClusterDnsSettings): 'ClusterFirst' | 'Default' | 'None' {
  const policy = pod.spec?.dnsPolicy ?? 'ClusterFirst';
  if (policy === 'None') return 'None';
  if (policy === 'Default') return 'Default';
  if (policy === 'ClusterFirst' && pod.spec?.hostNetwork) return 'Default';
  return settings.clusterDNS.length > 0 ? 'ClusterFirst' : 'Default';
}

function mergeOptions(base: string[], extra: { name?: string; value?: string }[]): string[] {
  const byName = new Map<string, string>();
  for (const o of base) byName.set(o.split(':')[0], o);
  for (const o of extra) if (o.name) byName.set(o.name, o.value !== undefined ? `${o.name}:${o.value}` : o.name);
  return [...byName.values()];
}

export function podDnsConfig(pod: Pod, settings: ClusterDnsSettings): DnsConfig {
  const policy = effectiveDnsPolicy(pod, settings);
  const namespace = pod.metadata?.namespace ?? 'default';
  const domain = settings.clusterDomain;
  let base: DnsConfig;
  if (policy === 'ClusterFirst') {
    base = {
      nameservers: [...settings.clusterDNS],
      searches: [`${namespace}.svc.${domain}`, `svc.${domain}`, domain, ...settings.host.searches],
      options: ['ndots:5'],
    };
  } else if (policy === 'Default') {
    base = { nameservers: [...settings.host.nameservers], searches: [...settings.host.searches], options: [...settings.host.options] };
  } else {
    base = { nameservers: [], searches: [], options: [] };
  }
  const extra = pod.spec?.dnsConfig;
  const unique = (xs: string[]) => [...new Set(xs)];
  return {
    nameservers: unique([...base.nameservers, ...(extra?.nameservers ?? [])]).slice(0, maxNameservers),
    searches: unique([...base.searches, ...(extra?.searches ?? [])]).slice(0, maxSearches),
    options: mergeOptions(base.options, extra?.options ?? []),
  };
}
