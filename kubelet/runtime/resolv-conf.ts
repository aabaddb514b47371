// The pod's /etc/resolv.conf. Docker's own DNS settings cannot express a pod's resolver on a user-defined network
// (Docker then points containers at its embedded server, 127.0.0.11, which also answers Docker container names), so
// like dockershim the kubelet writes the sandbox's resolv.conf itself; app containers share the sandbox's network
// namespace and Docker gives them the sandbox's resolv.conf file.
import type { DnsConfig } from './runtime.ts';

export function formatResolvConf(dns: DnsConfig): string {
  const lines = dns.nameservers.map((ns) => `nameserver ${ns}`);
  if (dns.searches.length > 0) lines.push(`search ${dns.searches.join(' ')}`);
  if (dns.options.length > 0) lines.push(`options ${dns.options.join(' ')}`);
  for (const value of [...dns.nameservers, ...dns.searches, ...dns.options]) {
    // A newline or blank inside a value would smuggle in another directive.
    if (value.length === 0 || /\s/.test(value)) throw new Error(`invalid resolv.conf value ${JSON.stringify(value)}`);
  }
  return `${lines.join('\n')}\n`;
}
