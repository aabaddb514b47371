import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatPortRange, parsePortRange, PortAllocator } from '../../../../apiserver/registry/service/port-allocator.ts';

describe('parsePortRange', () => {
  it('reads low-high, base+extra and a single port', () => {
    assert.deepEqual(parsePortRange('30000-32767'), { base: 30000, size: 2768 });
    assert.deepEqual(parsePortRange('30000+2767'), { base: 30000, size: 2768 });
    assert.deepEqual(parsePortRange('8080'), { base: 8080, size: 1 });
    assert.equal(formatPortRange(parsePortRange('30000+2767')), '30000-32767');
  });
  it('refuses ranges that are empty, reversed or outside 1-65535', () => {
    for (const bad of ['', 'abc', '32767-30000', '0-10', '65000-70000', '1-2-3']) {
      assert.throws(() => parsePortRange(bad), /invalid port range/, bad);
    }
  });
});

describe('PortAllocator', () => {
  it('hands out every port of the range once', () => {
    const a = new PortAllocator('30000-30019');
    const got = new Set<number>();
    for (let i = 0; i < 20; i++) got.add(a.allocateNext().value!);
    assert.equal(got.size, 20);
    assert.ok([...got].every((p) => p >= 30000 && p <= 30019));
    assert.deepEqual(a.allocateNext().error, { reason: 'Full', message: 'range is full' });
  });

  it('explicit ports: kube\'s messages for out of range and taken', () => {
    const a = new PortAllocator('30000-32767');
    assert.equal(a.allocate(30080), undefined);
    assert.deepEqual(a.allocate(30080), { reason: 'Allocated', message: 'provided port is already allocated' });
    assert.deepEqual(a.allocate(8080), {
      reason: 'NotInRange',
      message: 'provided port is not in the valid range. The range of valid ports is 30000-32767',
    });
    a.release(30080);
    assert.equal(a.allocate(30080), undefined);
  });
});
