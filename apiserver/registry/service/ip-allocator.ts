// ClusterIPs out of --service-cluster-ip-range, as kube's ipallocator.Range: every address of the CIDR except the
// network and broadcast addresses, which are never handed out (and so can never be released either).
import { parseCIDRSloppy, parseIPSloppy } from '../../api/validation/ip-address.ts';
import { AllocationMap, staticBandSize } from './allocation-map.ts';
import { rangeFull, type AllocateNextResult, type AllocationError, type RangeAllocator } from './range-allocator.ts';

export class IPAllocator implements RangeAllocator<string> {
  /** The range as kube prints it in errors: the network address and prefix length, e.g. 10.96.0.0/16. */
  readonly cidr: string;
  readonly family = 'IPv4';
  /** The network address as a number; offset 0 of the map is the address after it. */
  private readonly network: number;
  private readonly map: AllocationMap;

  constructor(cidr: string, random?: () => number) {
    const parsed = parseCIDRSloppy(cidr);
    if (!parsed) throw new Error(`invalid CIDR ${JSON.stringify(cidr)}`);
    if (parsed.ip.length !== 4) throw new Error(`only IPv4 service ranges are supported, got ${cidr}`);
    const prefix = parsed.prefixLength;
    const total = 2 ** (32 - prefix);
    // Clear the host bits: 10.96.3.4/16 is the range 10.96.0.0/16.
    this.network = bytesToNumber(parsed.ip) - (bytesToNumber(parsed.ip) % total);
    this.cidr = `${numberToIPv4(this.network)}/${prefix}`;
    const usable = Math.max(0, total - 2);
    this.map = new AllocationMap(usable, staticBandSize(total, { min: 16, max: 256, step: 16 }), random);
  }

  /** How many addresses can be handed out in all. */
  get size(): number {
    return this.map.size;
  }

  get free(): number {
    return this.map.free;
  }

  /** The first address that can be handed out: the `kubernetes` Service's. */
  firstAddress(): string {
    return numberToIPv4(this.network + 1);
  }

  contains(ip: string): boolean {
    return this.offsetOf(ip) !== undefined;
  }

  allocate(ip: string): AllocationError | undefined {
    const offset = this.offsetOf(ip);
    if (offset === undefined) {
      return {
        reason: 'NotInRange',
        message: `provided IP is not in the valid range. The range of valid IPs is ${this.cidr}`,
      };
    }
    if (!this.map.allocate(offset)) return { reason: 'Allocated', message: 'provided IP is already allocated' };
    return undefined;
  }

  allocateNext(): AllocateNextResult<string> {
    const offset = this.map.allocateNext();
    if (offset === undefined) return { error: rangeFull };
    return { value: numberToIPv4(this.network + 1 + offset) };
  }

  release(ip: string): void {
    const offset = this.offsetOf(ip);
    if (offset !== undefined) this.map.release(offset);
  }

  has(ip: string): boolean {
    const offset = this.offsetOf(ip);
    return offset !== undefined && this.map.has(offset);
  }

  /** The map offset of a usable address of the range; undefined for anything else (other families included). */
  private offsetOf(ip: string): number | undefined {
    const bytes = parseIPSloppy(ip);
    if (!bytes || bytes.length !== 4) return undefined;
    const offset = bytesToNumber(bytes) - this.network - 1;
    return offset >= 0 && offset < this.map.size ? offset : undefined;
  }
}

function bytesToNumber(b: Uint8Array): number {
  return ((b[0] * 256 + b[1]) * 256 + b[2]) * 256 + b[3];
}

function numberToIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join('.');
}
