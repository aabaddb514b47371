import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Endpoints, Pod, Service } from '../../../apiserver/api/types.ts';
import {
  endpointSubsets, isManagedEndpoints, managedByLabel, overCapacityAnnotation, planEndpoints, repackSubsets,
  truncateSubsets, type EndpointSubset,
} from '../../../controllers/endpoints-plan.ts';
import { TriggerTimeTracker, lastChangeTriggerTimeAnnotation, rfc3339Nano } from '../../../controllers/endpoints-trigger-time.ts';
import {
  findPort, headlessServiceLabel, podEndpointsChanged, serviceSelects, servesEndpoints,
} from '../../../controllers/service-endpoints.ts';

const t0 = Date.parse('2026-01-01T00:00:00Z');
const at = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

interface PodShape {
  ip?: string | null;
  ready?: boolean;
  readySince?: number;
  phase?: string;
  deleting?: boolean;
  node?: string;
  labels?: Record<string, string>;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  hostname?: string;
  subdomain?: string;
}

function pod(name: string, s: PodShape = {}): Pod {
  const ip = s.ip === undefined ? `10.0.0.${name.length}` : s.ip;
  return {
    metadata: {
      name, namespace: 'default', uid: `uid-${name}`, labels: s.labels ?? { app: 'web' },
      ...(s.deleting ? { deletionTimestamp: at(t0) } : {}),
    },
    spec: {
      containers: [{ name: 'c', image: 'busybox', ports: s.ports ?? [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] }],
      nodeName: s.node ?? 'node-1',
      ...(s.hostname ? { hostname: s.hostname } : {}),
      ...(s.subdomain ? { subdomain: s.subdomain } : {}),
    },
    status: {
      phase: s.phase ?? 'Running',
      ...(ip ? { podIP: ip, podIPs: [{ ip }] } : {}),
      conditions: [{ type: 'Ready', status: s.ready === false ? 'False' : 'True', lastTransitionTime: at(s.readySince ?? t0) }],
    },
  };
}

function service(spec: Partial<NonNullable<Service['spec']>> = {}, name = 'web'): Service {
  return {
    metadata: { name, namespace: 'default', labels: { tier: 'front' }, creationTimestamp: at(t0) },
    spec: {
      selector: { app: 'web' }, clusterIP: '10.96.0.10',
      ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
      ...spec,
    },
  };
}

const ips = (list: { ip: string }[] | undefined): string[] => (list ?? []).map((a) => a.ip);

describe('which Services get Endpoints from the controller', () => {
  it('needs a non-empty selector and not ExternalName', () => {
    assert.equal(servesEndpoints(service()), true);
    assert.equal(servesEndpoints(service({ selector: undefined })), false);
    assert.equal(servesEndpoints(service({ selector: {} })), false);
    assert.equal(servesEndpoints(service({ type: 'ExternalName', externalName: 'example.com' })), false);
  });

  it('selects pods of its namespace by label', () => {
    assert.equal(serviceSelects(service(), pod('a')), true);
    assert.equal(serviceSelects(service(), pod('a', { labels: { app: 'other' } })), false);
    const elsewhere = pod('a');
    elsewhere.metadata!.namespace = 'other';
    assert.equal(serviceSelects(service(), elsewhere), false);
  });
});

describe('endpointSubsets', () => {
  it('puts ready pods in addresses and the others in notReadyAddresses, with node and pod reference', () => {
    const subsets = endpointSubsets(service(), [pod('a', { ip: '10.0.0.1' }), pod('bb', { ip: '10.0.0.2', ready: false })]);
    assert.deepEqual(subsets, [{
      addresses: [{ ip: '10.0.0.1', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' } }],
      notReadyAddresses: [{ ip: '10.0.0.2', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'bb', uid: 'uid-bb' } }],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    }]);
  });

  it('counts the Ready condition, not the phase', () => {
    const [subset] = endpointSubsets(service(), [pod('a', { phase: 'Pending' })]);
    assert.deepEqual(ips(subset.addresses), ['10.0.0.1']);
  });

  it('leaves out pods without an IP, finished pods and pods being deleted', () => {
    const subsets = endpointSubsets(service(), [
      pod('a', { ip: null }), pod('bb', { phase: 'Succeeded' }), pod('ccc', { phase: 'Failed', ready: false }),
      pod('dddd', { deleting: true }), pod('eeeee'),
    ]);
    assert.equal(subsets.length, 1);
    assert.deepEqual(ips(subsets[0].addresses), ['10.0.0.5']);
    assert.equal(subsets[0].notReadyAddresses, undefined);
    assert.deepEqual(endpointSubsets(service(), [pod('a', { ip: null })]), []);
  });

  it('publishNotReadyAddresses: every pod is an address, terminating ones too, but never finished ones', () => {
    const svc = service({ publishNotReadyAddresses: true });
    const subsets = endpointSubsets(svc, [
      pod('a', { ready: false }), pod('bb', { deleting: true }), pod('ccc', { phase: 'Failed' }), pod('dddd', { ip: null }),
    ]);
    assert.deepEqual(subsets.map((s) => [ips(s.addresses), ips(s.notReadyAddresses)]), [[['10.0.0.1', '10.0.0.2'], []]]);
  });

  it('resolves a named targetPort per pod and skips pods that do not have it', () => {
    const svc = service({ ports: [{ name: 'web', port: 80, targetPort: 'http', protocol: 'TCP' }] });
    const subsets = endpointSubsets(svc, [
      pod('a', { ports: [{ name: 'http', containerPort: 8080 }] }),
      pod('bb', { ports: [{ name: 'http', containerPort: 9090 }] }),
      pod('ccc', { ports: [{ name: 'metrics', containerPort: 9100 }] }),
    ]);
    assert.deepEqual(subsets.map((s) => [ips(s.addresses), s.ports]), [
      [['10.0.0.1'], [{ name: 'web', port: 8080, protocol: 'TCP' }]],
      [['10.0.0.2'], [{ name: 'web', port: 9090, protocol: 'TCP' }]],
    ]);
  });

  it('findPort: numbers as they are, default the service port, names with matching protocol, sidecars too', () => {
    const p = pod('a', { ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'http', containerPort: 8080 }] });
    p.spec!.initContainers = [
      { name: 'side', image: 'busybox', restartPolicy: 'Always', ports: [{ name: 'proxy', containerPort: 15001 }] },
      { name: 'init', image: 'busybox', ports: [{ name: 'setup', containerPort: 1 }] },
    ];
    assert.equal(findPort(p, { port: 80, targetPort: 9000 }), 9000);
    assert.equal(findPort(p, { port: 80 }), 80);
    assert.equal(findPort(p, { port: 80, targetPort: 'http' }), 8080);
    assert.equal(findPort(p, { port: 53, targetPort: 'dns', protocol: 'UDP' }), 53);
    assert.equal(findPort(p, { port: 53, targetPort: 'dns', protocol: 'TCP' }), undefined);
    assert.equal(findPort(p, { port: 80, targetPort: 'proxy' }), 15001);
    assert.equal(findPort(p, { port: 80, targetPort: 'setup' }), undefined);
  });

  it('groups ports offered by the same addresses into one subset', () => {
    const svc = service({
      ports: [
        { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
        { name: 'metrics', port: 9100, targetPort: 9100, protocol: 'TCP' },
      ],
    });
    const subsets = endpointSubsets(svc, [
      pod('a', { ip: '10.0.0.1' }), pod('bb', { ip: '10.0.0.2' }),
      pod('ccc', { ip: '10.0.0.3', ports: [] }), // no `http` port: only metrics
    ]);
    assert.deepEqual(subsets.map((s) => [ips(s.addresses), s.ports?.map((p) => p.name)]), [
      [['10.0.0.1', '10.0.0.2'], ['http']],
      [['10.0.0.1', '10.0.0.2', '10.0.0.3'], ['metrics']],
    ]);
    const same = endpointSubsets(svc, [pod('a', { ip: '10.0.0.1' }), pod('bb', { ip: '10.0.0.2' })]);
    assert.deepEqual(same.map((s) => [ips(s.addresses), s.ports?.map((p) => p.name)]), [
      [['10.0.0.1', '10.0.0.2'], ['http', 'metrics']],
    ]);
  });

  it('gives the same output whatever order the pods come in', () => {
    const svc = service({
      ports: [{ name: 'b', port: 81, targetPort: 8081, protocol: 'TCP' }, { name: 'a', port: 80, targetPort: 'http', protocol: 'TCP' }],
    });
    const pods = [
      pod('a', { ip: '10.0.0.10' }), pod('bb', { ip: '10.0.0.9', ready: false }), pod('ccc', { ip: '10.0.0.2' }),
      pod('dddd', { ip: '10.0.0.3', ports: [] }), pod('eeeee', { ip: '10.0.0.1' }),
    ];
    const expected = JSON.stringify(endpointSubsets(svc, pods));
    for (let i = 0; i < 20; i++) {
      const shuffled = [...pods].sort(() => Math.random() - 0.5);
      assert.equal(JSON.stringify(endpointSubsets(svc, shuffled)), expected);
    }
    // Addresses by IP as strings (kube compares bytes); subsets by their ports. Pod dddd has no `http`, so port
    // `a` and port `b` are offered by different addresses.
    assert.deepEqual(endpointSubsets(svc, pods).map((s) => [s.ports?.map((p) => p.name), ips(s.addresses), ips(s.notReadyAddresses)]), [
      [['a'], ['10.0.0.1', '10.0.0.10', '10.0.0.2'], ['10.0.0.9']],
      [['b'], ['10.0.0.1', '10.0.0.10', '10.0.0.2', '10.0.0.3'], ['10.0.0.9']],
    ]);
  });

  it('sets hostname for pods whose subdomain is the Service (StatefulSet pods)', () => {
    const subsets = endpointSubsets(service({}, 'db'), [
      pod('db-0', { labels: { app: 'web' }, hostname: 'db-0', subdomain: 'db' }),
      pod('x', { labels: { app: 'web' }, hostname: 'x', subdomain: 'other' }),
    ]);
    const byName = new Map(subsets[0].addresses?.map((a) => [a.targetRef?.name, a.hostname]));
    assert.equal(byName.get('db-0'), 'db-0');
    assert.equal(byName.get('x'), undefined);
  });

  it('headless Services without ports still publish addresses; other portless Services publish nothing', () => {
    const headless = endpointSubsets(service({ clusterIP: 'None', ports: [] }), [pod('a'), pod('bb', { ready: false })]);
    assert.deepEqual(headless.map((s) => [ips(s.addresses), ips(s.notReadyAddresses), s.ports]), [[['10.0.0.1'], ['10.0.0.2'], undefined]]);
    assert.deepEqual(endpointSubsets(service({ ports: [] }), [pod('a')]), []);
  });

  it('takes the pod IP of the Service IP family', () => {
    const dual = pod('a');
    dual.status!.podIPs = [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }];
    const [v6] = endpointSubsets(service({ ipFamilies: ['IPv6'] }), [dual]);
    assert.deepEqual(ips(v6.addresses), ['fd00::1']);
    const [v4] = endpointSubsets(service({ ipFamilies: ['IPv4'] }), [dual]);
    assert.deepEqual(ips(v4.addresses), ['10.0.0.1']);
    assert.deepEqual(endpointSubsets(service({ ipFamilies: ['IPv6'] }), [pod('bb')]), []);
  });
});

describe('repackSubsets', () => {
  const addr = (ip: string, uid = ip): { ip: string; targetRef: { kind: string; uid: string } } => ({ ip, targetRef: { kind: 'Pod', uid } });

  it('merges duplicates and lets not-ready win over ready on the same port', () => {
    const port = { name: 'p', port: 80, protocol: 'TCP' };
    const packed = repackSubsets([
      { addresses: [addr('10.0.0.1')], ports: [port] },
      { notReadyAddresses: [addr('10.0.0.1')], ports: [port] },
      { addresses: [addr('10.0.0.2')], ports: [port] },
      { addresses: [addr('10.0.0.2')], ports: [port] },
    ]);
    assert.deepEqual(packed.map((s) => [ips(s.addresses), ips(s.notReadyAddresses)]), [[['10.0.0.2'], ['10.0.0.1']]]);
  });

  it('keeps one IP twice when two pods (uids) share it', () => {
    const port = { port: 80, protocol: 'TCP' };
    const packed = repackSubsets([{ addresses: [addr('10.0.0.1', 'b'), addr('10.0.0.1', 'a')], ports: [port] }]);
    assert.deepEqual(packed[0].addresses?.map((a) => a.targetRef?.uid), ['a', 'b']);
  });

  it('returns nothing for nothing', () => {
    assert.deepEqual(repackSubsets([]), []);
  });
});

describe('truncateSubsets', () => {
  const many = (prefix: string, n: number): { ip: string }[] => Array.from({ length: n }, (_, i) => ({ ip: `${prefix}.${i}` }));

  it('leaves small Endpoints alone', () => {
    const subsets: EndpointSubset[] = [{ addresses: many('10.0.0', 3) }];
    assert.deepEqual(truncateSubsets(subsets, 5), { subsets, truncated: false });
  });

  it('drops not-ready addresses first, in proportion', () => {
    const { subsets, truncated } = truncateSubsets([
      { addresses: many('10.0.1', 4), notReadyAddresses: many('10.1.1', 4) },
      { addresses: many('10.0.2', 2), notReadyAddresses: many('10.1.2', 4) },
    ], 10);
    assert.equal(truncated, true);
    assert.deepEqual(subsets.map((s) => [s.addresses?.length ?? 0, s.notReadyAddresses?.length ?? 0]), [[4, 2], [2, 2]]);
  });

  it('cuts ready addresses (and every not-ready one) when those alone are too many', () => {
    const { subsets } = truncateSubsets([
      { addresses: many('10.0.1', 6), notReadyAddresses: many('10.1.1', 1) },
      { addresses: many('10.0.2', 6) },
    ], 10);
    assert.deepEqual(subsets.map((s) => [s.addresses?.length ?? 0, s.notReadyAddresses?.length ?? 0]), [[5, 0], [5, 0]]);
  });
});

describe('planEndpoints', () => {
  const stored = (ep: Endpoints): Endpoints => ({
    ...ep, metadata: { ...ep.metadata, uid: 'ep-uid', resourceVersion: '7', creationTimestamp: at(t0) },
  });

  it('creates the Endpoints with the Service labels, the managed-by mark and the trigger time', () => {
    const plan = planEndpoints(service(), [pod('a')], undefined, t0 + 1500);
    assert.equal(plan.kind, 'create');
    const ep = plan.kind === 'create' ? plan.endpoints : undefined;
    assert.deepEqual(ep?.metadata, {
      name: 'web', namespace: 'default',
      labels: { tier: 'front', [managedByLabel]: 'endpoint-controller' },
      annotations: { [lastChangeTriggerTimeAnnotation]: '2026-01-01T00:00:01.5Z' },
    });
    assert.equal(ep?.subsets?.length, 1);
    assert.equal(isManagedEndpoints(ep!), true);
  });

  it('writes nothing when subsets and labels already agree, whatever the trigger time', () => {
    const first = planEndpoints(service(), [pod('a')], undefined, t0);
    assert.equal(first.kind, 'create');
    const current = stored(first.kind === 'create' ? first.endpoints : {});
    assert.deepEqual(planEndpoints(service(), [pod('a')], current, t0 + 5000), { kind: 'none' });
    // The pods' resourceVersions in targetRef do not count as a difference.
    const withRv = structuredClone(current);
    withRv.subsets![0].addresses![0].targetRef!.resourceVersion = '99';
    assert.deepEqual(planEndpoints(service(), [pod('a')], withRv, undefined), { kind: 'none' });
  });

  it('updates on a readiness change, keeping metadata and other annotations, clearing a stale trigger time', () => {
    const first = planEndpoints(service(), [pod('a')], undefined, t0);
    const current = stored(first.kind === 'create' ? first.endpoints : {});
    current.metadata!.annotations = { ...current.metadata!.annotations, note: 'kept' };
    const plan = planEndpoints(service(), [pod('a', { ready: false })], current, undefined);
    assert.equal(plan.kind, 'update');
    const ep = plan.kind === 'update' ? plan.endpoints : undefined;
    assert.equal(ep?.metadata?.resourceVersion, '7');
    assert.deepEqual(ep?.metadata?.annotations, { note: 'kept' });
    assert.deepEqual(ips(ep?.subsets?.[0].notReadyAddresses), ['10.0.0.1']);
  });

  it('updates when the Service labels change, and overwrites labels someone else put there', () => {
    const first = planEndpoints(service(), [pod('a')], undefined, t0);
    const current = stored(first.kind === 'create' ? first.endpoints : {});
    const relabelled = service();
    relabelled.metadata!.labels = { tier: 'back' };
    const plan = planEndpoints(relabelled, [pod('a')], current, undefined);
    assert.equal(plan.kind, 'update');
    assert.deepEqual(plan.kind === 'update' && plan.endpoints.metadata?.labels, { tier: 'back', [managedByLabel]: 'endpoint-controller' });
    const tampered = structuredClone(current);
    tampered.metadata!.labels = { ...tampered.metadata!.labels, extra: 'x' };
    assert.equal(planEndpoints(service(), [pod('a')], tampered, undefined).kind, 'update');
  });

  it('marks the Endpoints of a headless Service', () => {
    const plan = planEndpoints(service({ clusterIP: 'None' }), [pod('a')], undefined, undefined);
    assert.equal(plan.kind === 'create' && plan.endpoints.metadata?.labels?.[headlessServiceLabel], '');
  });

  it('an Endpoints with no pods has no subsets; emptying one is an update', () => {
    const empty = planEndpoints(service(), [], undefined, undefined);
    assert.equal(empty.kind, 'create');
    assert.equal(empty.kind === 'create' && empty.endpoints.subsets, undefined);
    assert.equal(empty.kind === 'create' && empty.endpoints.metadata?.annotations, undefined);
    const first = planEndpoints(service(), [pod('a')], undefined, t0);
    const current = stored(first.kind === 'create' ? first.endpoints : {});
    const plan = planEndpoints(service(), [], current, undefined);
    assert.equal(plan.kind, 'update');
    assert.equal(plan.kind === 'update' && plan.endpoints.subsets, undefined);
    // What the apiserver stores for "no subsets" compares equal to it.
    assert.deepEqual(planEndpoints(service(), [], { ...stored(plan.kind === 'update' ? plan.endpoints : {}), subsets: [] }, undefined), { kind: 'none' });
  });

  it('sets the over-capacity mark past maxCapacity addresses', () => {
    const pods = Array.from({ length: 1001 }, (_, i) => pod(`p${i}`, { ip: `10.1.${Math.floor(i / 250)}.${i % 250 + 1}` }));
    const plan = planEndpoints(service(), pods, undefined, undefined);
    const ep = plan.kind === 'create' ? plan.endpoints : undefined;
    assert.equal(ep?.metadata?.annotations?.[overCapacityAnnotation], 'truncated');
    assert.equal(ep?.subsets?.reduce((n, s) => n + (s.addresses?.length ?? 0), 0), 1000);
    assert.deepEqual(planEndpoints(service(), pods, stored(ep!), undefined), { kind: 'none' });
  });
});

describe('podEndpointsChanged', () => {
  it('notices address and membership changes, not others', () => {
    const a = pod('a');
    assert.deepEqual(podEndpointsChanged(a, structuredClone(a)), { podChanged: false, labelsChanged: false });
    const annotated = structuredClone(a);
    annotated.metadata!.annotations = { x: 'y' };
    assert.deepEqual(podEndpointsChanged(a, annotated), { podChanged: false, labelsChanged: false });
    assert.deepEqual(podEndpointsChanged(a, pod('a', { ready: false })), { podChanged: true, labelsChanged: false });
    assert.deepEqual(podEndpointsChanged(a, pod('a', { ip: '10.9.9.9' })), { podChanged: true, labelsChanged: false });
    assert.deepEqual(podEndpointsChanged(a, pod('a', { deleting: true })), { podChanged: true, labelsChanged: false });
    assert.deepEqual(podEndpointsChanged(a, pod('a', { labels: { app: 'x' } })), { podChanged: false, labelsChanged: true });
  });
});

describe('TriggerTimeTracker', () => {
  it('reports the Service creation first, then the earliest Ready change since the previous sync', () => {
    const tracker = new TriggerTimeTracker();
    const svc = service();
    assert.equal(tracker.compute('default/web', svc, [pod('a', { readySince: t0 + 10_000 })]), t0);
    assert.equal(tracker.compute('default/web', svc, [pod('a', { readySince: t0 + 10_000 })]), undefined);
    const changed = [pod('a', { readySince: t0 + 30_000 }), pod('bb', { readySince: t0 + 20_000 })];
    assert.equal(tracker.compute('default/web', svc, changed), t0 + 20_000);
    tracker.forget('default/web');
    assert.equal(tracker.compute('default/web', svc, changed), t0);
  });

  it('formats times as Go RFC3339Nano', () => {
    assert.equal(rfc3339Nano(t0), '2026-01-01T00:00:00Z');
    assert.equal(rfc3339Nano(t0 + 120), '2026-01-01T00:00:00.12Z');
  });
});
