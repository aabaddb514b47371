import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Endpoints, EndpointSlice } from '../../../apiserver/api/types.ts';
import { sliceEndpoints } from '../../../controllers/endpointslice-common.ts';
import {
  mirroringControllerName, planMirroredSlices, shouldMirror,
} from '../../../controllers/endpointslice-mirroring-plan.ts';
import { hasSelector } from '../../../controllers/service-endpoints.ts';

function endpoints(subsets: Endpoints['subsets'], meta: Partial<NonNullable<Endpoints['metadata']>> = {}): Endpoints {
  return {
    apiVersion: 'v1', kind: 'Endpoints',
    metadata: { name: 'db', namespace: 'default', uid: 'ep-uid', labels: { owner: 'me' }, ...meta },
    subsets,
  };
}

/** What the apiserver would store for a plan's creates and updates. */
function stored(plan: { create: EndpointSlice[]; update: EndpointSlice[] }): EndpointSlice[] {
  return [...plan.update, ...plan.create.map((s, i) => ({
    ...structuredClone(s), metadata: { ...s.metadata, name: `${s.metadata?.generateName}m${i}`, uid: `m${i}`, generation: 1 },
  }))];
}

describe('which Endpoints are mirrored', () => {
  it('all but those marked skip-mirror or used as a leader-election lock', () => {
    assert.equal(shouldMirror(endpoints([])), true);
    assert.equal(shouldMirror(endpoints([], { labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } })), false);
    assert.equal(shouldMirror(endpoints([], { annotations: { 'control-plane.alpha.kubernetes.io/leader': '{}' } })), false);
  });

  it('only for Services without a selector', () => {
    assert.equal(hasSelector({ spec: { selector: { app: 'x' } } }), true);
    assert.equal(hasSelector({ spec: { selector: {} } }), false);
    assert.equal(hasSelector({ spec: {} }), false);
  });
});

describe('planMirroredSlices', () => {
  const subset = {
    addresses: [{ ip: '192.0.2.10', nodeName: 'node-1' }, { ip: '2001:db8::0:1' }],
    notReadyAddresses: [{ ip: '192.0.2.11', hostname: 'b' }],
    ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
  };

  it('makes one slice per subset and address type, owned by the Endpoints, with their labels and annotations', () => {
    const ep = endpoints([subset], {
      annotations: { note: 'x', 'endpoints.kubernetes.io/last-change-trigger-time': 'now', 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
    });
    const plan = planMirroredSlices(ep, []);
    assert.equal(plan.create.length, 2);
    const [v4, v6] = plan.create;
    assert.equal(v4.addressType, 'IPv4');
    assert.deepEqual(v4.metadata?.labels, {
      owner: 'me', 'kubernetes.io/service-name': 'db', 'endpointslice.kubernetes.io/managed-by': mirroringControllerName,
    });
    assert.deepEqual(v4.metadata?.annotations, { note: 'x' });
    assert.equal(v4.metadata?.generateName, 'db-');
    assert.deepEqual(v4.metadata?.ownerReferences, [{ apiVersion: 'v1', kind: 'Endpoints', name: 'db', uid: 'ep-uid', controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(v4.ports, [{ name: 'pg', port: 5432, protocol: 'TCP' }]);
    assert.deepEqual(sliceEndpoints(v4), [
      { addresses: ['192.0.2.10'], conditions: { ready: true }, nodeName: 'node-1' },
      { addresses: ['192.0.2.11'], conditions: { ready: false }, hostname: 'b' },
    ]);
    assert.equal(v6.addressType, 'IPv6');
    assert.deepEqual(sliceEndpoints(v6).map((e) => e.addresses[0]), ['2001:db8::1']);
  });

  it('writes nothing when the slices already match, and rewrites the one slice when they do not', () => {
    const ep = endpoints([subset]);
    const slices = stored(planMirroredSlices(ep, []));
    assert.deepEqual(planMirroredSlices(ep, slices), { create: [], update: [], delete: [], invalidAddresses: 0, skippedAddresses: 0 });
    const moved = endpoints([{ ...subset, addresses: [{ ip: '192.0.2.20' }, { ip: '2001:db8::1' }] }]);
    const plan = planMirroredSlices(moved, slices);
    assert.deepEqual([plan.create.length, plan.update.length, plan.delete.length], [0, 1, 0]);
    assert.equal(plan.update[0].metadata?.name, slices.find((s) => s.addressType === 'IPv4')?.metadata?.name);
    const relabelled = planMirroredSlices(endpoints([subset], { labels: { owner: 'you' } }), slices);
    assert.equal(relabelled.update.length, 2);
  });

  it('reuses the slice of a port set that went for the new one, and deletes what is left', () => {
    const slices = stored(planMirroredSlices(endpoints([subset]), []));
    const ported = endpoints([{ addresses: [{ ip: '192.0.2.10' }], ports: [{ name: 'pg', port: 6432, protocol: 'TCP' }] }]);
    const plan = planMirroredSlices(ported, slices);
    assert.equal(plan.create.length, 0);
    assert.equal(plan.update.length, 1);
    assert.deepEqual(plan.update[0].ports, [{ name: 'pg', port: 6432, protocol: 'TCP' }]);
    assert.deepEqual(plan.delete.map((s) => s.addressType), ['IPv6']);
    // No subsets at all: every mirrored slice goes.
    assert.equal(planMirroredSlices(endpoints(undefined), slices).delete.length, 2);
  });

  it('skips addresses that are no IP and those over the per-subset limit, and counts them', () => {
    const ep = endpoints([{ addresses: [{ ip: 'bogus' }, { ip: '192.0.2.1' }, { ip: '192.0.2.2' }, { ip: '192.0.2.3' }], ports: [{ port: 80 }] }]);
    const plan = planMirroredSlices(ep, [], 2);
    assert.deepEqual(sliceEndpoints(plan.create[0]).map((e) => e.addresses[0]), ['192.0.2.1', '192.0.2.2']);
    assert.deepEqual(plan.create[0].ports, [{ name: '', port: 80, protocol: 'TCP' }]);
    assert.equal(plan.invalidAddresses, 1);
    assert.equal(plan.skippedAddresses, 2);
  });
});
