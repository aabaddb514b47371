// Node pod CIDRs carved out of the cluster CIDR (kube's pkg/controller/nodeipam/ipam/cidrset): the cluster range
// cut into equal subnets of the node mask size, each handed out at most once, the next search starting after the
// last one given (so a freed subnet is not handed straight to the next node). Pure bookkeeping, no I/O.
import { formatIP, formatIPv6, parseCIDRSloppy } from '../apiserver/api/validation/ip-address.ts';

/** kube's clusterSubnetMaxDiff: at most 2^16 node subnets per cluster CIDR. */
const maxSubnetBits = 16;

/** kube's default --node-cidr-mask-size-ipv6, used for the IPv6 range of a dual-stack cluster. */
export const defaultIPv6NodeMaskSize = 64;

interface Range {
  /** The network address as a number. */
  base: bigint;
  prefix: number;
  /** 32 or 128. */
  bits: number;
}

function parseRange(text: string): Range {
  const parsed = parseCIDRSloppy(text.trim());
  if (!parsed) throw new Error(`invalid CIDR ${JSON.stringify(text)}`);
  const bits = parsed.ip.length * 8;
  let value = 0n;
  for (const byte of parsed.ip) value = (value << 8n) | BigInt(byte);
  const hostBits = BigInt(bits - parsed.prefixLength);
  // Host bits are cleared: 10.244.3.4/16 is the range 10.244.0.0/16.
  return { base: (value >> hostBits) << hostBits, prefix: parsed.prefixLength, bits };
}

function formatRange(base: bigint, prefix: number, bits: number): string {
  const bytes = new Uint8Array(bits / 8);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number((base >> BigInt(bits - 8 * (i + 1))) & 0xffn);
  // An IPv6 range is written as IPv6 even when it is IPv4-mapped.
  return `${bits === 32 ? formatIP(bytes) : formatIPv6(bytes)}/${prefix}`;
}

export type CIDRResult = { cidr: string; error?: undefined } | { cidr?: undefined; error: string };

export class CIDRSet {
  readonly clusterCIDR: string;
  readonly family: 'IPv4' | 'IPv6';
  readonly nodeMaskSize: number;
  private readonly cluster: Range;
  private readonly count: number;
  private readonly used: Uint8Array;
  private nextCandidate = 0;
  private allocated = 0;

  constructor(clusterCIDR: string, nodeMaskSize: number) {
    this.cluster = parseRange(clusterCIDR);
    this.family = this.cluster.bits === 32 ? 'IPv4' : 'IPv6';
    this.clusterCIDR = formatRange(this.cluster.base, this.cluster.prefix, this.cluster.bits);
    if (!Number.isInteger(nodeMaskSize) || nodeMaskSize < this.cluster.prefix || nodeMaskSize > this.cluster.bits) {
      throw new Error(`node CIDR mask size ${nodeMaskSize} does not fit in cluster CIDR ${this.clusterCIDR}`);
    }
    if (nodeMaskSize - this.cluster.prefix > maxSubnetBits) {
      throw new Error(`node CIDR mask size ${nodeMaskSize} makes more than 2^${maxSubnetBits} node CIDRs out of ${this.clusterCIDR}`);
    }
    this.nodeMaskSize = nodeMaskSize;
    this.count = 2 ** (nodeMaskSize - this.cluster.prefix);
    this.used = new Uint8Array(this.count);
  }

  /** How many node CIDRs are handed out. */
  get size(): number {
    return this.allocated;
  }

  /** The next free node CIDR, searching on from the last one handed out. */
  allocateNext(): CIDRResult {
    for (let i = 0; i < this.count; i++) {
      const candidate = (this.nextCandidate + i) % this.count;
      if (this.used[candidate]) continue;
      this.used[candidate] = 1;
      this.allocated++;
      this.nextCandidate = (candidate + 1) % this.count;
      return { cidr: this.cidrAt(candidate) };
    }
    return { error: `no remaining CIDRs in cluster CIDR ${this.clusterCIDR}` };
  }

  /**
   * Marks `cidr` as taken (a node that already has it). A CIDR larger than the node size takes every node CIDR it
   * covers, as kube's Occupy does. Returns an error for a CIDR outside the cluster range or of the other family.
   */
  occupy(cidr: string): string | undefined {
    const span = this.indexSpan(cidr);
    if (typeof span === 'string') return span;
    for (let i = span.first; i <= span.last; i++) {
      if (!this.used[i]) this.allocated++;
      this.used[i] = 1;
    }
    return undefined;
  }

  /** Gives `cidr` back; anything outside the range is ignored. */
  release(cidr: string): void {
    const span = this.indexSpan(cidr);
    if (typeof span === 'string') return;
    for (let i = span.first; i <= span.last; i++) {
      if (this.used[i]) this.allocated--;
      this.used[i] = 0;
    }
  }

  /** True when `cidr` belongs to this set's family (so a node's CIDR list can be split by family). */
  sameFamily(cidr: string): boolean {
    const parsed = parseCIDRSloppy(cidr);
    return parsed !== undefined && parsed.ip.length * 8 === this.cluster.bits;
  }

  private cidrAt(index: number): string {
    const hostBits = BigInt(this.cluster.bits - this.nodeMaskSize);
    return formatRange(this.cluster.base + (BigInt(index) << hostBits), this.nodeMaskSize, this.cluster.bits);
  }

  private indexSpan(cidr: string): { first: number; last: number } | string {
    let range: Range;
    try {
      range = parseRange(cidr);
    } catch (err) {
      return (err as Error).message;
    }
    const outside = `CIDR ${cidr} is out of the range of cluster CIDR ${this.clusterCIDR}`;
    if (range.bits !== this.cluster.bits || range.prefix < this.cluster.prefix) return outside;
    const clusterHostBits = BigInt(this.cluster.bits - this.cluster.prefix);
    if ((range.base >> clusterHostBits) !== (this.cluster.base >> clusterHostBits)) return outside;
    const nodeHostBits = BigInt(this.cluster.bits - this.nodeMaskSize);
    const offset = range.base - this.cluster.base;
    const first = Number(offset >> nodeHostBits);
    // A CIDR smaller than a node CIDR still takes the one node CIDR it is in.
    const coveredBits = BigInt(Math.max(0, this.nodeMaskSize - range.prefix));
    const last = first + Number((1n << coveredBits) - 1n);
    return { first, last: Math.min(last, this.count - 1) };
  }
}

/**
 * The cluster CIDRs from --cluster-cidr (one, or one per family for dual-stack), each with its node mask size:
 * `nodeMaskSize` for a single range and for the IPv4 range of two; 64 for the IPv6 range of two (kube's defaults).
 */
export function cidrSetsFor(clusterCIDR: string, nodeMaskSize: number): CIDRSet[] {
  const parts = clusterCIDR.split(',').map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0) throw new Error('no cluster CIDR');
  if (parts.length > 2) throw new Error(`at most two cluster CIDRs (one per IP family), got ${clusterCIDR}`);
  const sets = parts.map((cidr) => {
    const family = parseRange(cidr).bits === 32 ? 'IPv4' : 'IPv6';
    return new CIDRSet(cidr, parts.length === 2 && family === 'IPv6' ? defaultIPv6NodeMaskSize : nodeMaskSize);
  });
  if (sets.length === 2 && sets[0].family === sets[1].family) throw new Error(`dual-stack cluster CIDRs must be one per IP family, got ${clusterCIDR}`);
  return sets;
}
