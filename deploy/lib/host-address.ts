// The addresses deploy/install picks when not told: the host's address others reach it at, and the resolver its
// pods' out-of-cluster names go to. Nothing here sends a packet: `ip route get` only asks the routing table.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';

/** The source address this host would use towards `dest`, as `ip -4 route get` answers; undefined without a route. */
export function routeSource(dest: string): string | undefined {
  try {
    const out = execFileSync('ip', ['-4', 'route', 'get', dest], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return /\bsrc (\S+)/.exec(out)?.[1];
  } catch {
    return undefined;
  }
}

// Bridges and veths made by Docker and by Skiff itself are never the address other hosts reach this one at.
const localOnlyInterface = /^(docker\d*|br-|veth|skiff|cni|flannel)/;

/**
 * The address of the interface the default route leaves by (kubeadm's choice for --apiserver-advertise-address),
 * else the first non-loopback IPv4 address of a physical-looking interface.
 */
export function defaultHostAddress(): string {
  // 192.0.2.1 (TEST-NET-1) is never a local network: its route is the default route.
  const viaDefault = routeSource('192.0.2.1');
  if (viaDefault && !viaDefault.startsWith('127.')) return viaDefault;
  for (const [name, addrs] of Object.entries(os.networkInterfaces())) {
    if (localOnlyInterface.test(name)) continue;
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  throw new Error('could not find this host\'s address; pass it explicitly');
}

/** A worker's address: the one it reaches the apiserver from, when the server is given by IP and not on loopback. */
export function addressTowards(serverHost: string): string {
  if (net.isIPv4(serverHost)) {
    const src = routeSource(serverHost);
    if (src && !src.startsWith('127.')) return src;
  }
  return defaultHostAddress();
}

/** The first nameserver of resolv.conf, for the cluster DNS to forward other names to; '' when there is none. */
export function firstNameserver(resolvConf: string): string {
  if (!existsSync(resolvConf)) return '';
  for (const line of readFileSync(resolvConf, 'utf8').split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (m && net.isIP(m[1])) return m[1];
  }
  return '';
}
