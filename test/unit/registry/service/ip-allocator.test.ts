import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IPAllocator } from '../../../../apiserver/registry/service/ip-allocator.ts';

describe('IPAllocator', () => {
  it('names the range by its network address', () => {
    assert.equal(new IPAllocator('10.96.0.0/16').cidr, '10.96.0.0/16');
    assert.equal(new IPAllocator('10.96.3.7/16').cidr, '10.96.0.0/16');
    assert.equal(new IPAllocator('10.96.0.0/16').firstAddress(), '10.96.0.1');
    assert.equal(new IPAllocator('192.168.10.0/24').size, 254);
  });

  it('refuses malformed and IPv6 ranges', () => {
    assert.throws(() => new IPAllocator('10.96.0.0'), /invalid CIDR/);
    assert.throws(() => new IPAllocator('fd00::/108'), /only IPv4/);
  });

  it('never hands out the network or broadcast address', () => {
    const a = new IPAllocator('10.0.0.0/29'); // 8 addresses, 6 usable
    const got = new Set<string>();
    for (;;) {
      const next = a.allocateNext();
      if (next.error) {
        assert.equal(next.error.reason, 'Full');
        assert.equal(next.error.message, 'range is full');
        break;
      }
      got.add(next.value);
    }
    assert.deepEqual([...got].sort(), ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6']);
    assert.equal(a.allocate('10.0.0.0')?.reason, 'NotInRange');
    assert.equal(a.allocate('10.0.0.7')?.reason, 'NotInRange');
  });

  it('explicit addresses: in range and free, with kube\'s messages otherwise', () => {
    const a = new IPAllocator('10.96.0.0/16');
    assert.equal(a.allocate('10.96.5.5'), undefined);
    assert.deepEqual(a.allocate('10.96.5.5'), { reason: 'Allocated', message: 'provided IP is already allocated' });
    assert.deepEqual(a.allocate('10.97.0.1'), {
      reason: 'NotInRange',
      message: 'provided IP is not in the valid range. The range of valid IPs is 10.96.0.0/16',
    });
    assert.equal(a.allocate('fd00::1')?.reason, 'NotInRange');
    assert.equal(a.has('10.96.5.5'), true);
    a.release('10.96.5.5');
    assert.equal(a.has('10.96.5.5'), false);
    a.release('10.97.0.1'); // outside the range: ignored
  });

  it('reads addresses as kube does (leading zeros) so one address is never held twice', () => {
    const a = new IPAllocator('10.96.0.0/16');
    assert.equal(a.allocate('10.96.0.10'), undefined);
    assert.equal(a.allocate('10.96.0.010')?.reason, 'Allocated');
  });

  it('dynamic addresses stay out of the low band the operator picks from by hand', () => {
    const a = new IPAllocator('10.96.0.0/16');
    for (let i = 0; i < 500; i++) {
      const ip = a.allocateNext().value!;
      const [, , third, fourth] = ip.split('.').map(Number);
      assert.ok(third * 256 + fourth > 256, `${ip} is in the static band`);
    }
  });
});
