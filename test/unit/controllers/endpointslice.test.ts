import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EndpointSlice, Node, Pod, Service } from '../../../apiserver/api/types.ts';
import {
  canonicalIP, endpointKey, portMapKey, recycleDeletes, sliceEndpoints, slicePrefix,
} from '../../../controllers/endpointslice-common.ts';
import {
  addressTypesForService, controllerName, endpointPorts, planEndpointSlices, podToEndpoint, sliceLabels,
  type ServiceSliceInput,
} from '../../../controllers/endpointslice-plan.ts';
import { EndpointSliceTracker } from '../../../controllers/endpointslice-tracker.ts';

const t0 = Date.parse('2026-01-01T00:00:00Z');
const at = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

interface PodShape {
  ip?: string;
  ips?: string[];
  ready?: boolean;
  deleting?: boolean;
  node?: string;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  hostname?: string;
  subdomain?: string;
  phase?: string;
}

function pod(name: string, s: PodShape = {}): Pod {
  const ips = s.ips ?? [s.ip ?? `10.0.${Math.floor(Number(name.replace(/\D/g, '') || 0) / 250)}.${(Number(name.replace(/\D/g, '') || 0) % 250) + 1}`];
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: { app: 'web' }, ...(s.deleting ? { deletionTimestamp: at(t0) } : {}) },
    spec: {
      containers: [{ name: 'c', image: 'busybox', ports: s.ports ?? [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] }],
      nodeName: s.node ?? 'node-1',
      ...(s.hostname ? { hostname: s.hostname } : {}),
      ...(s.subdomain ? { subdomain: s.subdomain } : {}),
    },
    status: {
      phase: s.phase ?? 'Running',
      podIP: ips[0], podIPs: ips.map((ip) => ({ ip })),
      conditions: [{ type: 'Ready', status: s.ready === false ? 'False' : 'True', lastTransitionTime: at(t0) }],
    },
  };
}

function service(spec: Partial<NonNullable<Service['spec']>> = {}, labels: Record<string, string> = { tier: 'front' }): Service {
  return {
    metadata: { name: 'web', namespace: 'default', uid: 'svc-uid', labels, creationTimestamp: at(t0) },
    spec: {
      selector: { app: 'web' }, clusterIP: '10.96.0.10', ipFamilies: ['IPv4'],
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
      ...spec,
    },
  };
}

const nodes: Record<string, Node> = {
  'node-1': { metadata: { name: 'node-1', labels: { 'topology.kubernetes.io/zone': 'zone-a' } } },
  'node-2': { metadata: { name: 'node-2' } },
};

function pods(n: number, from = 0, shape: PodShape = {}): Pod[] {
  return Array.from({ length: n }, (_, i) => pod(`p${from + i}`, shape));
}

/** Plays the apiserver: gives created slices names, uids and generation 1, bumps updated ones. */
let serial = 0;
function store(plan: { create: EndpointSlice[]; update: EndpointSlice[]; delete: EndpointSlice[] }, before: EndpointSlice[]): EndpointSlice[] {
  const gone = new Set(plan.delete.map((s) => s.metadata?.name));
  const updated = new Map(plan.update.map((s) => [s.metadata?.name, s]));
  const after: EndpointSlice[] = [];
  for (const slice of before) {
    if (gone.has(slice.metadata?.name)) continue;
    const u = updated.get(slice.metadata?.name);
    after.push(u ? { ...structuredClone(u), metadata: { ...u.metadata, uid: slice.metadata?.uid, generation: (slice.metadata?.generation ?? 1) + 1 } } : slice);
  }
  for (const slice of plan.create) {
    serial++;
    after.push({ ...structuredClone(slice), metadata: { ...slice.metadata, name: `${slice.metadata?.generateName}s${serial}`, uid: `slice-${serial}`, generation: 1 } });
  }
  return after;
}

function input(svc: Service, selected: Pod[], existing: EndpointSlice[], extra: Partial<ServiceSliceInput> = {}): ServiceSliceInput {
  return { service: svc, pods: selected, existing, node: (name) => nodes[name], ...extra };
}

const addressesOf = (slices: EndpointSlice[]): string[] => slices.flatMap((s) => sliceEndpoints(s).flatMap((e) => e.addresses)).sort();

describe('endpoint of a pod', () => {
  it('is ready and serving while the pod is Ready, with its node, zone and owner', () => {
    const e = podToEndpoint(pod('p1'), nodes['node-1'], service(), 'IPv4');
    assert.deepEqual(e, {
      addresses: ['10.0.0.2'], conditions: { ready: true, serving: true, terminating: false },
      targetRef: { kind: 'Pod', namespace: 'default', name: 'p1', uid: 'uid-p1' }, nodeName: 'node-1', zone: 'zone-a',
    });
  });

  it('is neither ready nor serving when the pod is not Ready', () => {
    assert.deepEqual(podToEndpoint(pod('p1', { ready: false }), nodes['node-2'], service(), 'IPv4').conditions,
      { ready: false, serving: false, terminating: false });
  });

  it('is terminating and not ready while the pod is deleted, but still serving if it is Ready', () => {
    assert.deepEqual(podToEndpoint(pod('p1', { deleting: true }), nodes['node-1'], service(), 'IPv4').conditions,
      { ready: false, serving: true, terminating: true });
  });

  it('is ready whatever the pod says when the Service publishes not-ready addresses', () => {
    const svc = service({ publishNotReadyAddresses: true });
    assert.deepEqual(podToEndpoint(pod('p1', { ready: false, deleting: true }), undefined, svc, 'IPv4').conditions,
      { ready: true, serving: false, terminating: true });
  });

  it('has a hostname when the Service is the pod\'s subdomain, and only addresses of the slice\'s family', () => {
    const p = pod('p1', { hostname: 'db-0', subdomain: 'web', ips: ['10.0.0.5', 'fd00:0::0005'] });
    assert.equal(podToEndpoint(p, undefined, service(), 'IPv4').hostname, 'db-0');
    assert.deepEqual(podToEndpoint(p, undefined, service(), 'IPv6').addresses, ['fd00::5']);
    assert.equal(podToEndpoint(pod('p1', { hostname: 'db-0', subdomain: 'other' }), undefined, service(), 'IPv4').hostname, undefined);
  });

  it('offers the Service ports the pod has, named ones looked up in its containers', () => {
    const svc = service({ ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }, { name: 'metrics', port: 9090, targetPort: 'metrics', protocol: 'TCP' }] });
    assert.deepEqual(endpointPorts(svc, pod('p1')), [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    assert.deepEqual(endpointPorts(service({ ports: [{ port: 53, protocol: 'UDP', targetPort: 5353 }] }), pod('p1')),
      [{ name: '', port: 5353, protocol: 'UDP' }]);
  });
});

describe('address types', () => {
  it('follow the IP families, else the cluster IP, else both', () => {
    assert.deepEqual(addressTypesForService(service({ ipFamilies: ['IPv6', 'IPv4'] })), ['IPv4', 'IPv6']);
    assert.deepEqual(addressTypesForService(service({ ipFamilies: undefined, clusterIP: 'fd00::10' })), ['IPv6']);
    assert.deepEqual(addressTypesForService(service({ ipFamilies: undefined, clusterIP: 'None' })), ['IPv4', 'IPv6']);
  });
});

describe('keys and names', () => {
  it('print IPs as Go does', () => {
    assert.deepEqual(canonicalIP('010.001.2.3'), { ip: '10.1.2.3', family: 'IPv4' });
    assert.deepEqual(canonicalIP('::ffff:10.1.2.3'), { ip: '10.1.2.3', family: 'IPv4' });
    assert.equal(canonicalIP('FD00:0:0:0:0:0:0:1')?.ip, 'fd00::1');
    assert.equal(canonicalIP('2001:db8:0:1:0:0:0:1')?.ip, '2001:db8:0:1::1');
    assert.equal(canonicalIP('2001:db8:0:1:1:1:1:1')?.ip, '2001:db8:0:1:1:1:1:1');
    assert.equal(canonicalIP('::')?.ip, '::');
    assert.equal(canonicalIP('not-an-ip'), undefined);
  });

  it('identify an endpoint by addresses, hostname and target, not by its conditions', () => {
    const a = podToEndpoint(pod('p1'), undefined, service(), 'IPv4');
    const b = podToEndpoint(pod('p1', { ready: false }), undefined, service(), 'IPv4');
    assert.equal(endpointKey(a), endpointKey(b));
    assert.notEqual(endpointKey(a), endpointKey(podToEndpoint(pod('p1', { ip: '10.9.9.9' }), undefined, service(), 'IPv4')));
  });

  it('key port sets in any order, an unnamed port named \'\'', () => {
    assert.equal(portMapKey([{ port: 80, protocol: 'TCP', name: 'a' }, { port: 81, name: 'b' }]),
      portMapKey([{ name: 'b', port: 81, protocol: 'TCP' }, { name: 'a', port: 80 }]));
    assert.equal(portMapKey([{ port: 80 }]), portMapKey([{ name: '', port: 80, protocol: 'TCP' }]));
    assert.equal(portMapKey(null), portMapKey([]));
  });

  it('name slices <service>-', () => {
    assert.equal(slicePrefix('web'), 'web-');
  });

  it('label a slice with its Service\'s labels, the headless mark, the Service and the controller', () => {
    const { labels, changed } = sliceLabels(undefined, service({ clusterIP: 'None' }));
    assert.deepEqual(labels, {
      tier: 'front', 'service.kubernetes.io/headless': '', 'kubernetes.io/service-name': 'web',
      'endpointslice.kubernetes.io/managed-by': controllerName,
    });
    assert.equal(changed, true);
  });
});

describe('planEndpointSlices', () => {
  it('gives a Service without pods one empty placeholder slice, owned by the Service', () => {
    const plan = planEndpointSlices(input(service(), [], [], { triggerTimeMs: t0 }));
    assert.equal(plan.create.length, 1);
    const [slice] = plan.create;
    assert.equal(slice.metadata?.generateName, 'web-');
    assert.equal(slice.addressType, 'IPv4');
    assert.deepEqual(slice.endpoints, []);
    assert.deepEqual(slice.ports, []);
    assert.deepEqual(slice.metadata?.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'svc-uid', controller: true, blockOwnerDeletion: true }]);
    assert.equal(slice.metadata?.annotations?.['endpoints.kubernetes.io/last-change-trigger-time'], '2026-01-01T00:00:00Z');
    // A stored placeholder (as the apiserver keeps it: no endpoints, no ports) is left alone.
    const stored = store(plan, []);
    stored[0].endpoints = null as unknown as EndpointSlice['endpoints'];
    stored[0].ports = null as unknown as EndpointSlice['ports'];
    const again = planEndpointSlices(input(service(), [], stored));
    assert.deepEqual([again.create, again.update, again.delete], [[], [], []]);
  });

  it('puts three ready pods in one slice, reusing the placeholder', () => {
    const placeholder = store(planEndpointSlices(input(service(), [], [])), []);
    const plan = planEndpointSlices(input(service(), pods(3), placeholder));
    assert.deepEqual([plan.create.length, plan.update.length, plan.delete.length], [0, 1, 0]);
    const [slice] = plan.update;
    assert.equal(slice.metadata?.name, placeholder[0].metadata?.name);
    assert.deepEqual(slice.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    assert.deepEqual(addressesOf([slice]), ['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    assert.ok(sliceEndpoints(slice).every((e) => e.conditions?.ready === true));
  });

  it('cuts 250 pods into slices of at most 100, then touches only the slice of a pod that changed', () => {
    const svc = service();
    const all = pods(250);
    const first = planEndpointSlices(input(svc, all, []));
    assert.deepEqual(first.create.map((s) => sliceEndpoints(s).length), [100, 100, 50]);
    const stored = store(first, []);
    assert.deepEqual(planEndpointSlices(input(svc, all, stored)), { create: [], update: [], delete: [], skipped: [] });

    // p120 turns unready: only its slice is written, in place.
    const changed = all.map((p) => (p.metadata?.name === 'p120' ? pod('p120', { ready: false }) : p));
    const plan = planEndpointSlices(input(svc, changed, stored));
    assert.deepEqual([plan.create.length, plan.update.length, plan.delete.length], [0, 1, 0]);
    const holder = stored.find((s) => sliceEndpoints(s).some((e) => e.targetRef?.name === 'p120'))!;
    assert.equal(plan.update[0].metadata?.name, holder.metadata?.name);
    const endpoint = sliceEndpoints(plan.update[0]).find((e) => e.targetRef?.name === 'p120');
    assert.deepEqual(endpoint?.conditions, { ready: false, serving: false, terminating: false });
    // The endpoints keep their places.
    assert.deepEqual(sliceEndpoints(plan.update[0]).map((e) => e.targetRef?.name), sliceEndpoints(holder).map((e) => e.targetRef?.name));
  });

  it('puts a new pod into the slice that lost one in the same sync, else into the unchanged slice it fits best', () => {
    const svc = service();
    const stored = store(planEndpointSlices(input(svc, pods(160), [])), []);
    assert.deepEqual(stored.map((s) => sliceEndpoints(s).length), [100, 60]);
    // p5 goes, p500 comes: one write, to p5's slice.
    const swapped = [...pods(160).filter((p) => p.metadata?.name !== 'p5'), pod('p500')];
    const swap = planEndpointSlices(input(svc, swapped, stored));
    assert.deepEqual([swap.create.length, swap.update.length, swap.delete.length], [0, 1, 0]);
    assert.equal(swap.update[0].metadata?.name, stored[0].metadata?.name);
    assert.equal(sliceEndpoints(swap.update[0]).length, 100);
    // Ten more pods: into the slice with room (60 -> 70), nothing new created.
    const more = planEndpointSlices(input(svc, pods(170), stored));
    assert.deepEqual([more.create.length, more.update.length, more.delete.length], [0, 1, 0]);
    assert.equal(more.update[0].metadata?.name, stored[1].metadata?.name);
    assert.equal(sliceEndpoints(more.update[0]).length, 70);
  });

  it('turns a slice emptied by departures into the home of the new pods rather than creating one', () => {
    const svc = service();
    const stored = store(planEndpointSlices(input(svc, pods(150), [])), []);
    // The 50 pods of the second slice go and 120 new ones come: the emptied slice takes 20 of them, a new one 100.
    const next = [...pods(100), ...pods(120, 1000)];
    const plan = planEndpointSlices(input(svc, next, stored));
    assert.equal(plan.delete.length, 0);
    assert.equal(plan.update.length, 1);
    assert.equal(plan.update[0].metadata?.name, stored[1].metadata?.name);
    assert.equal(plan.create.length, 1);
    assert.deepEqual(addressesOf([...store(plan, stored)]).length, 220);
  });

  it('groups pods by the ports they offer', () => {
    const svc = service();
    const plain = pods(2);
    const other = pods(1, 10, { ports: [{ name: 'http', containerPort: 9000, protocol: 'TCP' }] });
    const plan = planEndpointSlices(input(svc, [...plain, ...other], []));
    assert.deepEqual(plan.create.map((s) => [s.ports?.[0]?.port, sliceEndpoints(s).length]).sort(), [[8080, 2], [9000, 1]]);
  });

  it('keeps terminating pods, marked so, and drops finished ones and pods without an IP', () => {
    const list = [pod('p1', { deleting: true }), pod('p2', { phase: 'Succeeded' }), { ...pod('p3'), status: { phase: 'Pending' } }];
    const [slice] = planEndpointSlices(input(service(), list, [])).create;
    assert.deepEqual(sliceEndpoints(slice).map((e) => [e.targetRef?.name, e.conditions?.terminating]), [['p1', true]]);
  });

  it('leaves out pods whose node is unknown and says so, unless the Service publishes not-ready addresses', () => {
    const list = [pod('p1'), pod('p2', { node: 'gone' })];
    const plan = planEndpointSlices(input(service(), list, []));
    assert.deepEqual(addressesOf(plan.create), ['10.0.0.2']);
    assert.deepEqual(plan.skipped, [{ pod: 'p2', node: 'gone' }]);
    const all = planEndpointSlices(input(service({ publishNotReadyAddresses: true }), list, []));
    assert.deepEqual(addressesOf(all.create), ['10.0.0.2', '10.0.0.3']);
    assert.deepEqual(all.skipped, []);
  });

  it('copies changed Service labels onto the slices', () => {
    const stored = store(planEndpointSlices(input(service(), pods(2), [])), []);
    const plan = planEndpointSlices(input(service({}, { tier: 'back' }), pods(2), stored));
    assert.equal(plan.update.length, 1);
    assert.equal(plan.update[0].metadata?.labels?.tier, 'back');
  });

  it('deletes slices of an address type the Service does not serve and slices of an earlier Service', () => {
    const stored = store(planEndpointSlices(input(service(), pods(2), [])), []);
    const v6 = { ...structuredClone(stored[0]), addressType: 'IPv6', metadata: { ...stored[0].metadata, name: 'web-v6', uid: 'v6' } };
    const plan = planEndpointSlices(input(service(), pods(2), [...stored, v6]));
    assert.deepEqual(plan.delete.map((s) => s.metadata?.name), ['web-v6']);
    // A new Service of the same name (another uid): the old slices are not taken over.
    const reborn = { ...service(), metadata: { ...service().metadata, uid: 'svc-uid-2' } };
    const fresh = planEndpointSlices(input(reborn, pods(2), stored));
    assert.deepEqual(fresh.delete.map((s) => s.metadata?.name), [stored[0].metadata?.name]);
    assert.equal(fresh.create.length, 1);
    assert.equal(fresh.create[0].metadata?.ownerReferences?.[0].uid, 'svc-uid-2');
  });

  it('creates nothing for a Service being deleted', () => {
    const svc = { ...service(), metadata: { ...service().metadata, deletionTimestamp: at(t0) } };
    assert.deepEqual(planEndpointSlices(input(svc, pods(2), [])).create, []);
  });
});

describe('recycleDeletes', () => {
  it('writes a new slice over one that would be deleted, when allowed', () => {
    const fresh: EndpointSlice = { addressType: 'IPv4', endpoints: [], metadata: { generateName: 'web-' } };
    const doomed: EndpointSlice = { addressType: 'IPv4', endpoints: [], metadata: { name: 'web-old' } };
    const out = recycleDeletes({ create: [fresh], update: [], delete: [doomed] }, () => true);
    assert.deepEqual(out, { create: [], update: [{ addressType: 'IPv4', endpoints: [], metadata: { name: 'web-old' } }], delete: [] });
    assert.deepEqual(recycleDeletes({ create: [fresh], update: [], delete: [doomed] }, () => false).delete, [doomed]);
  });
});

describe('EndpointSliceTracker', () => {
  const slice = (uid: string, generation: number): EndpointSlice => ({
    addressType: 'IPv4', endpoints: [],
    metadata: { name: uid, namespace: 'default', uid, generation, labels: { 'kubernetes.io/service-name': 'web' } },
  });

  it('tells its own writes from other changes, and a cache that is behind', () => {
    const t = new EndpointSliceTracker();
    assert.equal(t.shouldSync(slice('a', 1)), true);
    assert.equal(t.staleSlices('default/web', []), false);
    t.update(slice('a', 2));
    assert.equal(t.shouldSync(slice('a', 2)), false);
    assert.equal(t.shouldSync(slice('a', 3)), true);
    // Created but not seen yet; seen at an older generation; seen as written.
    assert.equal(t.staleSlices('default/web', []), true);
    assert.equal(t.staleSlices('default/web', [slice('a', 1)]), true);
    assert.equal(t.staleSlices('default/web', [slice('a', 2)]), false);
    // Deleted but still in the cache.
    t.expectDeletion(slice('a', 2));
    assert.equal(t.staleSlices('default/web', [slice('a', 2)]), true);
    assert.equal(t.staleSlices('default/web', []), false);
    assert.equal(t.handleDeletion(slice('a', 2)), true);
    assert.equal(t.has(slice('a', 2)), false);
  });

  it('reports a deletion it did not make', () => {
    const t = new EndpointSliceTracker();
    t.update(slice('b', 1));
    assert.equal(t.handleDeletion(slice('b', 1)), false);
    t.update(slice('c', 1));
    t.deleteService('default/web');
    assert.equal(t.staleSlices('default/web', []), false);
  });
});
