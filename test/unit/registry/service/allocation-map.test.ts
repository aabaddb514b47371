import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AllocationMap, staticBandSize } from '../../../../apiserver/registry/service/allocation-map.ts';

/** A "random" source that always starts the scan at the same fraction of the band. */
const at = (fraction: number) => () => fraction;

describe('AllocationMap', () => {
  it('hands out each offset once, then reports full', () => {
    const map = new AllocationMap(10, 0);
    const seen = new Set<number>();
    for (let i = 0; i < 10; i++) {
      const offset = map.allocateNext();
      assert.ok(offset !== undefined && offset >= 0 && offset < 10);
      assert.ok(!seen.has(offset), `offset ${offset} handed out twice`);
      seen.add(offset);
    }
    assert.equal(map.allocateNext(), undefined);
    assert.equal(map.free, 0);
  });

  it('allocate refuses a taken offset; release makes it free again', () => {
    const map = new AllocationMap(4, 0);
    assert.equal(map.allocate(2), true);
    assert.equal(map.allocate(2), false);
    assert.equal(map.has(2), true);
    map.release(2);
    assert.equal(map.has(2), false);
    assert.equal(map.allocate(2), true);
    map.release(3); // not taken: nothing happens
    assert.equal(map.used, 1);
  });

  it('dynamic allocation takes the upper band first and the static band only when that is full', () => {
    const map = new AllocationMap(20, 5, at(0));
    const taken: number[] = [];
    for (let i = 0; i < 15; i++) taken.push(map.allocateNext()!);
    assert.ok(taken.every((o) => o >= 5), `upper band first: ${taken.join(',')}`);
    const next = map.allocateNext()!;
    assert.ok(next < 5, `then the static band: ${next}`);
  });

  it('scans forward from the random start and wraps around', () => {
    const map = new AllocationMap(10, 0, at(0.85)); // start at 8
    map.allocate(8);
    map.allocate(9);
    assert.equal(map.allocateNext(), 0);
  });

  it('a range of size 0 is always full', () => {
    const map = new AllocationMap(0, 0);
    assert.equal(map.allocateNext(), undefined);
  });
});

describe('staticBandSize', () => {
  const ips = { min: 16, max: 256, step: 16 };
  const ports = { min: 16, max: 128, step: 32 };
  it('follows kube: min(max(min, size/step), max), none for tiny ranges', () => {
    assert.equal(staticBandSize(65536, ips), 256); // a /16
    assert.equal(staticBandSize(1024, ips), 64); // a /22
    assert.equal(staticBandSize(256, ips), 16); // a /24
    assert.equal(staticBandSize(16, ips), 0); // a /28
    assert.equal(staticBandSize(2768, ports), 86); // 30000-32767
    assert.equal(staticBandSize(10, ports), 0);
  });
});
