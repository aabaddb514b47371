// NodePorts out of --service-node-port-range, as kube's portallocator: one pool for every protocol.
import { AllocationMap, staticBandSize } from './allocation-map.ts';
import { rangeFull, type AllocateNextResult, type AllocationError, type RangeAllocator } from './range-allocator.ts';

export interface PortRange {
  base: number;
  size: number;
}

/**
 * kube's net.ParsePortRange: "30000-32767" (both ends included), "30000+2767" (base plus that many more) or a
 * single port.
 */
export function parsePortRange(text: string): PortRange {
  const m = /^\s*(\d+)\s*(?:([-+])\s*(\d+))?\s*$/.exec(text);
  if (!m) throw new Error(`invalid port range ${JSON.stringify(text)}: want "<low>-<high>"`);
  const base = Number(m[1]);
  const other = m[3] === undefined ? undefined : Number(m[3]);
  let size = 1;
  if (m[2] === '-') size = other! - base + 1;
  if (m[2] === '+') size = other! + 1;
  const last = base + size - 1;
  if (base < 1 || size < 1 || last > 65535) throw new Error(`invalid port range ${JSON.stringify(text)}`);
  return { base, size };
}

export function formatPortRange(r: PortRange): string {
  return `${r.base}-${r.base + r.size - 1}`;
}

export class PortAllocator implements RangeAllocator<number> {
  readonly range: PortRange;
  private readonly map: AllocationMap;

  constructor(range: PortRange | string, random?: () => number) {
    this.range = typeof range === 'string' ? parsePortRange(range) : range;
    this.map = new AllocationMap(this.range.size, staticBandSize(this.range.size, { min: 16, max: 128, step: 32 }), random);
  }

  get free(): number {
    return this.map.free;
  }

  contains(port: number): boolean {
    return this.offsetOf(port) !== undefined;
  }

  allocate(port: number): AllocationError | undefined {
    const offset = this.offsetOf(port);
    if (offset === undefined) {
      return {
        reason: 'NotInRange',
        message: `provided port is not in the valid range. The range of valid ports is ${formatPortRange(this.range)}`,
      };
    }
    if (!this.map.allocate(offset)) return { reason: 'Allocated', message: 'provided port is already allocated' };
    return undefined;
  }

  allocateNext(): AllocateNextResult<number> {
    const offset = this.map.allocateNext();
    if (offset === undefined) return { error: rangeFull };
    return { value: this.range.base + offset };
  }

  release(port: number): void {
    const offset = this.offsetOf(port);
    if (offset !== undefined) this.map.release(offset);
  }

  has(port: number): boolean {
    const offset = this.offsetOf(port);
    return offset !== undefined && this.map.has(offset);
  }

  private offsetOf(port: number): number | undefined {
    const offset = port - this.range.base;
    return Number.isInteger(offset) && offset >= 0 && offset < this.range.size ? offset : undefined;
  }
}
