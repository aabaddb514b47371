import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Node } from '../../../../apiserver/api/types.ts';
import {
  desiredRoutes, hostGwRules, internalIPv4, nodePodCIDRs, planRoutes, rulesInPlace,
} from '../../../../kubelet/network/host-gw-plan.ts';

function node(name: string, ip: string | undefined, podCIDR?: string | string[]): Node {
  const cidrs = podCIDR === undefined ? undefined : Array.isArray(podCIDR) ? podCIDR : [podCIDR];
  return {
    metadata: { name },
    spec: cidrs ? { podCIDR: cidrs[0], podCIDRs: cidrs } : {},
    status: { addresses: [{ type: 'Hostname', address: name }, ...(ip ? [{ type: 'InternalIP', address: ip }] : [])] },
  };
}

const self = { name: 'cp', ip: '192.168.56.10' };

describe('desiredRoutes', () => {
  it('routes every other node\'s pod CIDR via its InternalIP, never its own', () => {
    const nodes = [node('cp', '192.168.56.10', '10.244.0.0/24'), node('w2', '192.168.56.12', '10.244.2.0/24'), node('w1', '192.168.56.11', '10.244.1.0/24')];
    assert.deepEqual(desiredRoutes(nodes, self), [
      { cidr: '10.244.1.0/24', via: '192.168.56.11', node: 'w1' },
      { cidr: '10.244.2.0/24', via: '192.168.56.12', node: 'w2' },
    ]);
  });

  it('skips nodes without a pod CIDR yet, without an InternalIP, or on this host\'s own address', () => {
    const nodes = [
      node('new', '192.168.56.20'),
      node('noaddr', undefined, '10.244.3.0/24'),
      node('cp-2', '192.168.56.10', '10.244.4.0/24'),
    ];
    assert.deepEqual(desiredRoutes(nodes, self), []);
  });

  it('takes only the IPv4 CIDRs and addresses of a dual-stack node', () => {
    const n = node('w1', '192.168.56.11', ['10.244.1.0/24', 'fd00:10:244:1::/64']);
    n.status!.addresses!.unshift({ type: 'InternalIP', address: 'fd00::11' });
    assert.deepEqual(nodePodCIDRs(n), ['10.244.1.0/24']);
    assert.equal(internalIPv4(n), '192.168.56.11');
    assert.deepEqual(desiredRoutes([n], self), [{ cidr: '10.244.1.0/24', via: '192.168.56.11', node: 'w1' }]);
  });

  it('reads spec.podCIDR when spec.podCIDRs is absent', () => {
    const n: Node = { metadata: { name: 'w1' }, spec: { podCIDR: '10.244.7.0/24' }, status: { addresses: [{ type: 'InternalIP', address: '192.168.56.11' }] } };
    assert.deepEqual(desiredRoutes([n], self).map((r) => r.cidr), ['10.244.7.0/24']);
  });

  it('gives a CIDR two nodes claim to the first by name, on every host alike', () => {
    const nodes = [node('w2', '192.168.56.12', '10.244.1.0/24'), node('w1', '192.168.56.11', '10.244.1.0/24')];
    assert.deepEqual(desiredRoutes(nodes, self), [{ cidr: '10.244.1.0/24', via: '192.168.56.11', node: 'w1' }]);
    assert.deepEqual(desiredRoutes([...nodes].reverse(), self), desiredRoutes(nodes, self));
  });
});

describe('planRoutes', () => {
  const want = [
    { cidr: '10.244.1.0/24', via: '192.168.56.11', node: 'w1' },
    { cidr: '10.244.2.0/24', via: '192.168.56.12', node: 'w2' },
  ];

  it('adds what is missing on a clean host', () => {
    assert.deepEqual(planRoutes(want, []), { replace: want, remove: [] });
  });

  it('does nothing when the host already has exactly these routes', () => {
    assert.deepEqual(planRoutes(want, [{ cidr: '10.244.2.0/24', via: '192.168.56.12' }, { cidr: '10.244.1.0/24', via: '192.168.56.11' }]),
      { replace: [], remove: [] });
  });

  it('replaces a route whose node moved to another address', () => {
    const plan = planRoutes(want, [{ cidr: '10.244.1.0/24', via: '192.168.56.99' }, { cidr: '10.244.2.0/24', via: '192.168.56.12' }]);
    assert.deepEqual(plan, { replace: [want[0]], remove: [] });
  });

  it('removes routes of ours whose node is gone, and nothing else', () => {
    const plan = planRoutes(want.slice(0, 1), [{ cidr: '10.244.1.0/24', via: '192.168.56.11' }, { cidr: '10.244.2.0/24', via: '192.168.56.12' }]);
    assert.deepEqual(plan, { replace: [], remove: ['10.244.2.0/24'] });
  });
});

describe('hostGwRules and rulesInPlace', () => {
  const rules = hostGwRules('10.244.0.0/16', 'skiff0');
  const forward = rules.filter((r) => r.chain === 'FORWARD');
  const line = (spec: string[]): string => `-A FORWARD ${spec.map((a) => (a.includes(' ') ? `"${a}"` : a)).join(' ')}`;

  it('accepts forwarded pod traffic both ways and keeps pod-to-pod traffic off the bridge unmasqueraded', () => {
    assert.deepEqual(forward.map((r) => r.spec.slice(0, 2)), [['-s', '10.244.0.0/16'], ['-d', '10.244.0.0/16']]);
    assert.ok(forward.every((r) => r.spec.at(-1) === 'ACCEPT'));
    const nat = rules.filter((r) => r.table === 'nat');
    assert.deepEqual(nat.map((r) => [r.chain, ...r.spec.slice(0, 7), r.spec.at(-1)]),
      [['POSTROUTING', '-s', '10.244.0.0/16', '-d', '10.244.0.0/16', '!', '-o', 'skiff0', 'RETURN']]);
  });

  it('are in place only when they are the chain\'s first rules, in order, once each', () => {
    const docker = '-A FORWARD -j DOCKER-USER';
    const listing = (...lines: string[]): string => ['-P FORWARD DROP', ...lines, ''].join('\n');
    assert.equal(rulesInPlace(listing(line(forward[0].spec), line(forward[1].spec), docker), forward), true);
    assert.equal(rulesInPlace(listing(docker, line(forward[0].spec), line(forward[1].spec)), forward), false);
    assert.equal(rulesInPlace(listing(line(forward[1].spec), line(forward[0].spec), docker), forward), false);
    assert.equal(rulesInPlace(listing(line(forward[0].spec), docker), forward), false);
    assert.equal(rulesInPlace(listing(line(forward[0].spec), line(forward[1].spec), line(forward[0].spec)), forward), false);
    assert.equal(rulesInPlace(listing(), forward), false);
  });
});
