// The host ports in use on a node, with kube's HostPortInfo semantics: 0.0.0.0 conflicts with every address on
// the same protocol and port. Entries are counted, so removing one pod never frees a port another pod still holds.
import type { HostPort } from './types.ts';

export const anyAddress = '0.0.0.0';

export class HostPortSet {
  /** ip → "protocol/port" → number of holders. */
  private readonly byIp = new Map<string, Map<string, number>>();

  add(p: HostPort): void {
    let ports = this.byIp.get(p.ip);
    if (!ports) {
      ports = new Map();
      this.byIp.set(p.ip, ports);
    }
    const k = `${p.protocol}/${p.port}`;
    ports.set(k, (ports.get(k) ?? 0) + 1);
  }

  remove(p: HostPort): void {
    const ports = this.byIp.get(p.ip);
    const k = `${p.protocol}/${p.port}`;
    const n = ports?.get(k);
    if (!ports || n === undefined) return;
    if (n > 1) ports.set(k, n - 1);
    else {
      ports.delete(k);
      if (ports.size === 0) this.byIp.delete(p.ip);
    }
  }

  conflicts(p: HostPort): boolean {
    if (p.port <= 0) return false;
    const k = `${p.protocol}/${p.port}`;
    if (p.ip === anyAddress) {
      for (const ports of this.byIp.values()) if (ports.has(k)) return true;
      return false;
    }
    return (this.byIp.get(anyAddress)?.has(k) ?? false) || (this.byIp.get(p.ip)?.has(k) ?? false);
  }

  get size(): number {
    let n = 0;
    for (const ports of this.byIp.values()) for (const count of ports.values()) n += count;
    return n;
  }

  /** Sorted "ip protocol/port ×count" lines: for comparing two sets in tests and debugging. */
  describe(): string[] {
    const out: string[] = [];
    for (const [ip, ports] of this.byIp) for (const [k, count] of ports) out.push(`${ip} ${k} x${count}`);
    return out.sort();
  }
}
