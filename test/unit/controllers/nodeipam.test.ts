import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CIDRSet, cidrSetsFor } from '../../../controllers/nodeipam-cidrs.ts';
import { podCIDRsOf } from '../../../controllers/nodeipam.ts';

describe('CIDRSet', () => {
  it('hands out /24s of a /16 in order, never twice', () => {
    const set = new CIDRSet('10.244.0.0/16', 24);
    assert.equal(set.allocateNext().cidr, '10.244.0.0/24');
    assert.equal(set.allocateNext().cidr, '10.244.1.0/24');
    assert.equal(set.size, 2);
  });

  it('skips what nodes already have, and searches on after the last one given rather than reusing a freed one at once', () => {
    const set = new CIDRSet('10.244.0.0/16', 24);
    assert.equal(set.occupy('10.244.0.0/24'), undefined);
    assert.equal(set.occupy('10.244.2.0/24'), undefined);
    assert.equal(set.allocateNext().cidr, '10.244.1.0/24');
    assert.equal(set.allocateNext().cidr, '10.244.3.0/24');
    set.release('10.244.1.0/24');
    assert.equal(set.allocateNext().cidr, '10.244.4.0/24');
  });

  it('runs out, and a released CIDR can be had again', () => {
    const set = new CIDRSet('10.0.0.0/30', 31);
    assert.equal(set.allocateNext().cidr, '10.0.0.0/31');
    assert.equal(set.allocateNext().cidr, '10.0.0.2/31');
    assert.match(set.allocateNext().error ?? '', /no remaining CIDRs in cluster CIDR 10\.0\.0\.0\/30/);
    set.release('10.0.0.0/31');
    assert.equal(set.allocateNext().cidr, '10.0.0.0/31');
  });

  it('occupying a larger CIDR takes every node CIDR inside it; one outside the range is an error', () => {
    const set = new CIDRSet('10.244.0.0/16', 24);
    assert.equal(set.occupy('10.244.0.0/23'), undefined);
    assert.equal(set.size, 2);
    assert.equal(set.allocateNext().cidr, '10.244.2.0/24');
    assert.match(set.occupy('10.245.0.0/24') ?? '', /out of the range of cluster CIDR 10\.244\.0\.0\/16/);
    assert.match(set.occupy('10.0.0.0/8') ?? '', /out of the range/);
    assert.match(set.occupy('fd00::/64') ?? '', /out of the range/);
  });

  it('clears host bits of the cluster CIDR and refuses mask sizes that do not fit', () => {
    assert.equal(new CIDRSet('10.244.7.9/16', 24).clusterCIDR, '10.244.0.0/16');
    assert.throws(() => new CIDRSet('10.244.0.0/16', 8), /does not fit/);
    assert.throws(() => new CIDRSet('10.0.0.0/8', 28), /more than 2\^16/);
    assert.throws(() => new CIDRSet('10.0.0/8', 24), /invalid CIDR/);
  });

  it('IPv6', () => {
    const set = new CIDRSet('fd00:10:244::/56', 64);
    assert.equal(set.allocateNext().cidr, 'fd00:10:244::/64');
    assert.equal(set.allocateNext().cidr, 'fd00:10:244:1::/64');
    assert.equal(set.occupy('fd00:10:244:2::/64'), undefined);
    assert.equal(set.allocateNext().cidr, 'fd00:10:244:3::/64');
  });
});

describe('cidrSetsFor', () => {
  it('single stack uses the mask size; dual stack gives IPv6 /64s', () => {
    assert.deepEqual(cidrSetsFor('10.244.0.0/16', 24).map((s) => [s.clusterCIDR, s.nodeMaskSize]), [['10.244.0.0/16', 24]]);
    assert.deepEqual(cidrSetsFor('10.244.0.0/16, fd00::/48', 24).map((s) => [s.family, s.nodeMaskSize]), [['IPv4', 24], ['IPv6', 64]]);
    assert.throws(() => cidrSetsFor('10.0.0.0/16,10.1.0.0/16', 24), /one per IP family/);
  });
});

describe('podCIDRsOf', () => {
  it('podCIDRs, or the single podCIDR of an older writer', () => {
    assert.deepEqual(podCIDRsOf({ spec: { podCIDR: '10.244.1.0/24' } }), ['10.244.1.0/24']);
    assert.deepEqual(podCIDRsOf({ spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24', 'fd00::/64'] } }), ['10.244.1.0/24', 'fd00::/64']);
    assert.deepEqual(podCIDRsOf({ spec: {} }), []);
  });
});
