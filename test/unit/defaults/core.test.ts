// Defaults of Secrets, Namespaces, Endpoints, LimitRanges, ResourceQuotas and Nodes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultEndpoints, defaultLimitRange, defaultNamespace, defaultNode, defaultResourceQuota, defaultSecret } from '../../../apiserver/api/defaults/core.ts';
import type { Endpoints, LimitRange, Namespace, Node, ResourceQuota, Secret } from '../../../apiserver/api/types.ts';
import { assertIdempotent } from './defaults-helpers.ts';

describe('Secret defaults', () => {
  it('makes secrets Opaque', () => {
    const s: Secret = { metadata: { name: 's' } };
    defaultSecret(s);
    assert.equal(s.type, 'Opaque');
  });
  it('keeps an explicit type', () => {
    const s: Secret = { metadata: { name: 's' }, type: 'kubernetes.io/tls' };
    defaultSecret(s);
    assert.equal(s.type, 'kubernetes.io/tls');
  });
  it('is idempotent', () => assertIdempotent(defaultSecret, { metadata: { name: 's' }, stringData: { a: 'b' } } as Secret));
});

describe('Namespace defaults', () => {
  it('labels the namespace with its name and starts it Active', () => {
    const ns: Namespace = { metadata: { name: 'team-a', labels: { owner: 'a' } } };
    defaultNamespace(ns);
    assert.deepEqual(ns.metadata!.labels, { owner: 'a', 'kubernetes.io/metadata.name': 'team-a' });
    assert.equal(ns.status?.phase, 'Active');
  });
  it('is idempotent', () => assertIdempotent(defaultNamespace, { metadata: { name: 'x' } } as Namespace));
});

describe('Endpoints defaults', () => {
  it('makes ports TCP', () => {
    const ep: Endpoints = { metadata: { name: 'web' }, subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }, { port: 53, protocol: 'UDP' }] }] };
    defaultEndpoints(ep);
    assert.deepEqual(ep.subsets![0].ports!.map((p) => p.protocol), ['TCP', 'UDP']);
    assertIdempotent(defaultEndpoints, ep);
  });
});

describe('LimitRange defaults', () => {
  const lr = (): LimitRange => ({
    metadata: { name: 'limits' },
    spec: { limits: [{ type: 'Container', max: { cpu: '2' }, min: { memory: '64Mi' }, default: { memory: '256Mi' } }, { type: 'Pod', max: { cpu: '4' } }] },
  });
  it('fills container defaults from max, default and min', () => {
    const r = lr();
    defaultLimitRange(r);
    const container = r.spec!.limits[0];
    assert.deepEqual(container.default, { memory: '256Mi', cpu: '2' });
    assert.deepEqual(container.defaultRequest, { memory: '256Mi', cpu: '2' });
    assert.equal(r.spec!.limits[1].default, undefined);
    assert.equal(r.spec!.limits[1].defaultRequest, undefined);
  });
  it('uses min as the default request when nothing else gives one', () => {
    const r: LimitRange = { metadata: { name: 'l' }, spec: { limits: [{ type: 'Container', min: { cpu: '100m' } }] } };
    defaultLimitRange(r);
    assert.deepEqual(r.spec!.limits[0].defaultRequest, { cpu: '100m' });
    assert.equal(r.spec!.limits[0].default, undefined);
  });
  it('is idempotent', () => assertIdempotent(defaultLimitRange, lr()));
});

describe('ResourceQuota defaults', () => {
  it('writes quantities canonically', () => {
    const q: ResourceQuota = { metadata: { name: 'q' }, spec: { hard: { 'requests.memory': '1.5Gi', 'requests.cpu': '0.5' } } };
    defaultResourceQuota(q);
    assert.deepEqual(q.spec!.hard, { 'requests.memory': '1536Mi', 'requests.cpu': '500m' });
    assertIdempotent(defaultResourceQuota, q);
  });
});

describe('Node defaults', () => {
  it('keeps podCIDR and podCIDRs in step', () => {
    const legacy: Node = { metadata: { name: 'n' }, spec: { podCIDR: '10.244.1.0/24' } };
    defaultNode(legacy);
    assert.deepEqual(legacy.spec!.podCIDRs, ['10.244.1.0/24']);
    const dual: Node = { metadata: { name: 'n' }, spec: { podCIDRs: ['10.244.2.0/24', 'fd00::/64'] } };
    defaultNode(dual);
    assert.equal(dual.spec!.podCIDR, '10.244.2.0/24');
    assert.deepEqual(dual.spec!.podCIDRs, ['10.244.2.0/24', 'fd00::/64']);
    const changed: Node = { metadata: { name: 'n' }, spec: { podCIDR: '10.244.9.0/24', podCIDRs: ['10.244.2.0/24'] } };
    defaultNode(changed);
    assert.deepEqual(changed.spec!.podCIDRs, ['10.244.9.0/24']);
  });
  it('defaults allocatable to capacity', () => {
    const n: Node = { metadata: { name: 'n' }, status: { capacity: { cpu: '4', memory: '8Gi' } } };
    defaultNode(n);
    assert.deepEqual(n.status!.allocatable, { cpu: '4', memory: '8Gi' });
    assertIdempotent(defaultNode, n);
  });
});
