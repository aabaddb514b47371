// endpointslice-controller, endpointslicemirroring-controller and the garbage collector against a real apiserver, with
// real kubectl reading the result (get endpointslices, describe svc) and skiffctl's describe compared with it. No
// kubelet runs: the test gives pods their IP and readiness through the status subresource, as a kubelet would.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { controllerFactories } from '../../../controllers/all.ts';
import { kubectlFor, type Kubectl } from '../../helpers/kubectl.ts';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { waitFor } from '../../helpers/component.ts';
import { assertSameRun, compare } from '../cli/harness.ts';
import { runControllers, type RunningControllers } from './harness.ts';

// A documentation address (RFC 5737) the apiserver advertises, so its own `kubernetes` slice can be published.
const advertise = '192.0.2.10';
const slicesPath = '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices';

let api: TestApiserver;
let ctrl: RunningControllers;
let dir: string;
let kubectl: Kubectl;

interface EndpointView {
  addresses: string[];
  conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
  nodeName?: string;
  zone?: string;
  targetRef?: { kind: string; name: string; uid: string };
}
interface SliceView {
  metadata: {
    name: string; uid: string; generateName?: string; generation?: number; labels?: Record<string, string>;
    annotations?: Record<string, string>; ownerReferences?: { kind: string; name: string; uid: string; controller?: boolean }[];
  };
  addressType: string;
  endpoints: EndpointView[] | null;
  ports: { name?: string; port?: number; protocol?: string }[] | null;
}

before(async () => {
  api = await startApiserver({ args: ['--advertise-address', advertise] });
  dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-eps-'));
  kubectl = kubectlFor(api.kubeconfig, { cacheDir: path.join(dir, 'cache') });
  ctrl = await runControllers(api, [
    controllerFactories['endpointslice-controller'], controllerFactories['endpointslicemirroring-controller'],
    controllerFactories['endpoints-controller'], controllerFactories['garbage-collector-controller'],
  ]);
  for (const [name, zone] of [['node-a', 'zone-a'], ['node-b', undefined]] as const) {
    const res = await api.request('POST', '/api/v1/nodes', {
      body: { metadata: { name, labels: zone ? { 'topology.kubernetes.io/zone': zone } : {} } },
    });
    assert.equal(res.status, 201, res.text);
  }
});
after(async () => {
  await ctrl.stop();
  await api.stop();
  api.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

async function createService(name: string, spec: Record<string, unknown>): Promise<string> {
  const res = await api.request('POST', '/api/v1/namespaces/default/services', { body: { metadata: { name, labels: { tier: 'front' } }, spec } });
  assert.equal(res.status, 201, res.text);
  return res.body.metadata.uid as string;
}

async function createPod(name: string, app: string, node = 'node-a'): Promise<void> {
  const res = await api.request('POST', '/api/v1/namespaces/default/pods', {
    body: {
      metadata: { name, labels: { app } },
      spec: { nodeName: node, containers: [{ name: 'c', image: 'busybox', ports: [{ name: 'http', containerPort: 8080 }] }] },
    },
  });
  assert.equal(res.status, 201, res.text);
}

/** What a kubelet reports: the pod's IP and whether it is Ready. */
async function setPodStatus(name: string, ip: string, ready: boolean): Promise<void> {
  const full = await api.request('GET', `/api/v1/namespaces/default/pods/${name}`);
  const since = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const body = {
    ...full.body,
    status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: since }] },
  };
  const res = await api.request('PUT', `/api/v1/namespaces/default/pods/${name}/status`, { body });
  assert.equal(res.status, 200, res.text);
}

async function slicesOf(service: string): Promise<SliceView[]> {
  const res = await api.request('GET', `${slicesPath}?labelSelector=${encodeURIComponent(`kubernetes.io/service-name=${service}`)}`);
  assert.equal(res.status, 200, res.text);
  return (res.body.items as SliceView[]).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
}

const endpointsOf = (slices: SliceView[]): EndpointView[] => slices.flatMap((s) => s.endpoints ?? []);

/** Waits until the Service's slices satisfy `check`; the last ones seen are in the error. */
async function waitForSlices(service: string, what: string, check: (slices: SliceView[]) => boolean, timeoutMs = 20_000): Promise<SliceView[]> {
  let last: SliceView[] = [];
  try {
    return await waitFor(`${service} slices: ${what}`, async () => {
      last = await slicesOf(service);
      return check(last) ? last : undefined;
    }, timeoutMs);
  } catch (err) {
    throw new Error(`${(err as Error).message}; last seen: ${JSON.stringify(last).slice(0, 2000)}`);
  }
}

/** `kubectl get` as rows of whitespace-separated cells (no cell here has spaces but ENDPOINTS' `+ N more...`). */
function rows(table: string): string[][] {
  return table.trim().split('\n').map((line) => line.trim().split(/\s{2,}/));
}

describe('endpointslice-controller', () => {
  let webUid = '';

  it('gives a Service with three ready pods one slice with three ready endpoints, as kubectl shows it', async () => {
    webUid = await createService('web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] });
    // No pods yet: one empty placeholder slice, owned by the Service.
    const [placeholder] = await waitForSlices('web', 'placeholder', (s) => s.length === 1);
    assert.equal(placeholder.metadata.generateName, 'web-');
    assert.match(placeholder.metadata.name, /^web-[a-z0-9]{5}$/);
    assert.equal(placeholder.endpoints, null);
    assert.equal(placeholder.ports, null);
    assert.equal(placeholder.metadata.generation, 1);
    assert.deepEqual(placeholder.metadata.labels, {
      tier: 'front', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    });
    assert.deepEqual(placeholder.metadata.ownerReferences,
      [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: webUid, controller: true, blockOwnerDeletion: true }]);
    assert.match(placeholder.metadata.annotations?.['endpoints.kubernetes.io/last-change-trigger-time'] ?? '', /^\d{4}-\d\d-\d\dT/);

    for (const i of [1, 2, 3]) await createPod(`web-${i}`, 'web');
    for (const i of [1, 2, 3]) await setPodStatus(`web-${i}`, `10.244.0.1${i}`, true);
    const [slice] = await waitForSlices('web', 'three ready endpoints',
      (s) => s.length === 1 && endpointsOf(s).filter((e) => e.conditions?.ready).length === 3);
    // The placeholder was written over rather than replaced.
    assert.equal(slice.metadata.name, placeholder.metadata.name);
    assert.deepEqual(slice.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const pod1 = await api.request('GET', '/api/v1/namespaces/default/pods/web-1');
    const first = slice.endpoints!.find((e) => e.targetRef?.name === 'web-1');
    assert.deepEqual(first, {
      addresses: ['10.244.0.11'], conditions: { ready: true, serving: true, terminating: false },
      targetRef: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: pod1.body.metadata.uid }, nodeName: 'node-a', zone: 'zone-a',
    });

    const table = rows(await kubectl('get', 'endpointslices', '-l', 'kubernetes.io/service-name=web'));
    assert.deepEqual(table[0], ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE']);
    const addresses = slice.endpoints!.map((e) => e.addresses[0]).join(',');
    assert.deepEqual(table[1].slice(0, 4), [slice.metadata.name, 'IPv4', '8080', addresses]);
    assert.match(await kubectl('describe', 'svc', 'web'), /^Endpoints:\s+10\.244\.0\.1\d:8080,10\.244\.0\.1\d:8080,10\.244\.0\.1\d:8080\n/m);
    const [k, s] = await compare(api, ['describe', 'svc', 'web']);
    assertSameRun(k, s, 'describe svc web', assert);
  });

  it('flips the condition of a pod going unready in place', async () => {
    const before = (await slicesOf('web'))[0];
    await setPodStatus('web-2', '10.244.0.12', false);
    const [slice] = await waitForSlices('web', 'web-2 not ready',
      (s) => endpointsOf(s).some((e) => e.targetRef?.name === 'web-2' && e.conditions?.ready === false));
    assert.equal(slice.metadata.name, before.metadata.name);
    assert.equal(slice.metadata.generation, (before.metadata.generation ?? 0) + 1);
    assert.deepEqual(slice.endpoints!.find((e) => e.targetRef?.name === 'web-2')?.conditions, { ready: false, serving: false, terminating: false });
    assert.equal(slice.endpoints!.length, 3);
    // kubectl 1.32 lists every address of a slice, ready or not, in get and in describe alike.
    assert.match(await kubectl('get', 'endpointslice', slice.metadata.name), /\s8080\s+10\.244\.0\.1\d,10\.244\.0\.1\d,10\.244\.0\.1\d\s/);
    assert.match(await kubectl('describe', 'svc', 'web'), /^Endpoints:\s+10\.244\.0\.1\d:8080,10\.244\.0\.1\d:8080,10\.244\.0\.1\d:8080\n/m);
  });

  it('cuts 250 pods into three slices of at most 100, and rewrites only the slice of a pod that changed', async () => {
    // The pods are running before their Service exists, so the first sync places all of them: 100, 100, 50. (Pods
    // turning ready a few at a time are placed as they come, into fuller slices only when all of a sync's new ones
    // fit, as kube's placement does; that also keeps to 100 a slice but may not pack the slices as tightly.)
    const names = Array.from({ length: 250 }, (_, i) => `big-${i}`);
    for (let i = 0; i < names.length; i += 25) {
      await Promise.all(names.slice(i, i + 25).map((n, j) => createPod(n, 'big', (i + j) % 2 === 0 ? 'node-a' : 'node-b')));
    }
    for (let i = 0; i < names.length; i += 25) {
      await Promise.all(names.slice(i, i + 25).map((n, j) => setPodStatus(n, `10.244.${1 + Math.floor((i + j) / 200)}.${((i + j) % 200) + 10}`, true)));
    }
    await createService('big', { selector: { app: 'big' }, ports: [{ port: 80, targetPort: 8080 }] });
    const slices = await waitForSlices('big', '250 ready endpoints',
      (s) => endpointsOf(s).filter((e) => e.conditions?.ready).length === 250, 60_000);
    assert.equal(slices.length, 3);
    assert.deepEqual(slices.map((s) => s.endpoints!.length).sort((a, b) => a - b), [50, 100, 100]);
    assert.equal(new Set(endpointsOf(slices).map((e) => e.addresses[0])).size, 250);
    // Endpoints on the node without a zone label have no zone.
    assert.ok(endpointsOf(slices).some((e) => e.nodeName === 'node-b' && e.zone === undefined));
    const table = rows(await kubectl('get', 'endpointslices', '-l', 'kubernetes.io/service-name=big'));
    assert.equal(table.length, 4);
    for (const row of table.slice(1)) assert.match(row[3], /^(\d+\.){3}\d+,(\d+\.){3}\d+,(\d+\.){3}\d+ \+ (97|47) more\.\.\.$/);

    // One pod turns unready: its slice is updated, the two others are left as they are.
    await setPodStatus('big-7', '10.244.1.17', false);
    const after = await waitForSlices('big', 'big-7 not ready',
      (s) => endpointsOf(s).some((e) => e.targetRef?.name === 'big-7' && e.conditions?.ready === false));
    const generations = (list: SliceView[]): Record<string, number | undefined> =>
      Object.fromEntries(list.map((s) => [s.metadata.name, s.metadata.generation]));
    const changed = Object.entries(generations(after)).filter(([name, g]) => g !== generations(slices)[name]).map(([name]) => name);
    assert.equal(changed.length, 1);
    assert.ok(after.find((s) => s.metadata.name === changed[0])!.endpoints!.some((e) => e.targetRef?.name === 'big-7'));
  });

  it('removes the slices with their Service (garbage collector)', async () => {
    assert.equal((await slicesOf('web')).length, 1);
    const del = await api.request('DELETE', '/api/v1/namespaces/default/services/web');
    assert.equal(del.status, 200, del.text);
    await waitForSlices('web', 'gone', (s) => s.length === 0);
  });
});

describe('endpointslicemirroring-controller', () => {
  it('mirrors the Endpoints written for a Service without a selector, follows them, and removes the slices with them', async () => {
    await createService('external', { ports: [{ name: 'pg', port: 5432 }] });
    const manual = {
      metadata: { name: 'external', labels: { owner: 'me' } },
      subsets: [{ addresses: [{ ip: '192.0.2.20' }, { ip: '192.0.2.21' }], notReadyAddresses: [{ ip: '192.0.2.22' }], ports: [{ name: 'pg', port: 5432 }] }],
    };
    const created = await api.request('POST', '/api/v1/namespaces/default/endpoints', { body: manual });
    assert.equal(created.status, 201, created.text);
    const [slice] = await waitForSlices('external', 'mirrored', (s) => s.length === 1 && endpointsOf(s).length === 3);
    assert.equal(slice.addressType, 'IPv4');
    assert.deepEqual(slice.metadata.labels, {
      owner: 'me', 'kubernetes.io/service-name': 'external', 'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io',
    });
    assert.deepEqual(slice.metadata.ownerReferences?.map((o) => [o.kind, o.name, o.uid, o.controller]),
      [['Endpoints', 'external', created.body.metadata.uid, true]]);
    assert.deepEqual(slice.endpoints, [
      { addresses: ['192.0.2.20'], conditions: { ready: true } },
      { addresses: ['192.0.2.21'], conditions: { ready: true } },
      { addresses: ['192.0.2.22'], conditions: { ready: false } },
    ]);
    assert.deepEqual(slice.ports, [{ name: 'pg', port: 5432, protocol: 'TCP' }]);
    assert.match(await kubectl('describe', 'svc', 'external'), /^Endpoints:\s+192\.0\.2\.20:5432,192\.0\.2\.21:5432,192\.0\.2\.22:5432\n/m);

    const ep = await api.request('GET', '/api/v1/namespaces/default/endpoints/external');
    const moved = { ...ep.body, subsets: [{ addresses: [{ ip: '192.0.2.30' }], ports: [{ name: 'pg', port: 5432 }] }] };
    assert.equal((await api.request('PUT', '/api/v1/namespaces/default/endpoints/external', { body: moved })).status, 200);
    const [after] = await waitForSlices('external', 'followed', (sl) => endpointsOf(sl).map((e) => e.addresses[0]).join() === '192.0.2.30');
    assert.equal(after.metadata.name, slice.metadata.name);
    assert.match(await kubectl('describe', 'svc', 'external'), /^Endpoints:\s+192\.0\.2\.30:5432\n/m);
    const [k, s] = await compare(api, ['describe', 'svc', 'external']);
    assertSameRun(k, s, 'describe svc external', assert);

    assert.equal((await api.request('DELETE', '/api/v1/namespaces/default/endpoints/external')).status, 200);
    await waitForSlices('external', 'gone', (sl) => sl.length === 0);
  });

  it('leaves the Endpoints of Services with a selector to endpointslice-controller', async () => {
    await createService('picky', { selector: { app: 'picky' }, ports: [{ port: 80 }] });
    await waitFor('picky endpoints', async () => {
      const r = await api.request('GET', '/api/v1/namespaces/default/endpoints/picky');
      return r.status === 200 ? true : undefined;
    }, 15_000);
    const slices = await waitForSlices('picky', 'placeholder', (s) => s.length === 1);
    assert.equal(slices[0].metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
  });
});

describe('the apiserver\'s own slice and the API', () => {
  it('publishes the kubernetes Service\'s slice itself, unmirrored, and puts it back when changed', async () => {
    const slice = await waitFor('the kubernetes slice', async () => {
      const r = await api.request('GET', `${slicesPath}/kubernetes`);
      return r.status === 200 ? r.body as SliceView : undefined;
    });
    assert.deepEqual(slice.metadata.labels, { 'kubernetes.io/service-name': 'kubernetes' });
    assert.equal(slice.metadata.ownerReferences, undefined);
    assert.equal(slice.addressType, 'IPv4');
    assert.deepEqual(slice.endpoints, [{ addresses: [advertise], conditions: { ready: true } }]);
    assert.deepEqual(slice.ports, [{ name: 'https', port: api.port, protocol: 'TCP' }]);
    // Its Endpoints are marked skip-mirror: the mirroring controller adds no slice of its own.
    assert.deepEqual((await slicesOf('kubernetes')).map((s) => s.metadata.name), ['kubernetes']);

    const changed = { ...slice, endpoints: [{ addresses: ['192.0.2.99'] }] };
    assert.equal((await api.request('PUT', `${slicesPath}/kubernetes`, { body: changed })).status, 200);
    await waitFor('the kubernetes slice put back', async () => {
      const r = await api.request('GET', `${slicesPath}/kubernetes`);
      return r.body.endpoints?.[0]?.addresses?.[0] === advertise ? true : undefined;
    });
    assert.match(await kubectl('describe', 'svc', 'kubernetes'), new RegExp(`^Endpoints:\\s+${advertise.replaceAll('.', '\\.')}:${api.port}\\n`, 'm'));
  });

  it('serves EndpointSlices with kube\'s discovery, validation and table', async () => {
    const resources = await kubectl('api-resources', '--api-group=discovery.k8s.io');
    assert.match(resources, /^endpointslices\s+discovery\.k8s\.io\/v1\s+true\s+EndpointSlice\s*$/m);
    const bad = await api.request('POST', slicesPath, {
      body: { metadata: { name: 'bad' }, addressType: 'IPv4', endpoints: [{ addresses: ['fd00::1'] }, { addresses: [] }], ports: [{ name: 'x', protocol: 'ICMP' }] },
    });
    assert.equal(bad.status, 422, bad.text);
    assert.equal(bad.body.message, 'EndpointSlice.discovery.k8s.io "bad" is invalid: [endpoints[0].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address, endpoints[1].addresses: Required value: must contain at least 1 address, ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"]');
    const manual = await api.request('POST', slicesPath, {
      body: { metadata: { name: 'manual' }, addressType: 'FQDN', endpoints: [{ addresses: ['db.example.com'] }], ports: [{ port: 5432 }, { name: 'b', port: 1 }, { name: 'c', port: 2 }, { name: 'd', port: 3 }] },
    });
    assert.equal(manual.status, 201, manual.text);
    assert.deepEqual(manual.body.ports[0], { name: '', port: 5432, protocol: 'TCP' });
    assert.deepEqual(rows(await kubectl('get', 'endpointslice', 'manual'))[1].slice(0, 4), ['manual', 'FQDN', '5432,1,2 + 1 more...', 'db.example.com']);
    const immutable = await api.request('PUT', `${slicesPath}/manual`, { body: { ...manual.body, addressType: 'IPv4' } });
    assert.equal(immutable.status, 422);
    assert.match(immutable.body.message, /addressType: Invalid value: "IPv4": field is immutable/);
  });

  it('works with kubectl explain and apply (endpoints and ports are replaced whole)', async () => {
    assert.match(await kubectl('explain', 'endpointslice.addressType'), /FIELD: addressType <string>/);
    const manifest = (ips: string[]): string => [
      'apiVersion: discovery.k8s.io/v1', 'kind: EndpointSlice', 'metadata:', '  name: applied', '  namespace: default',
      'addressType: IPv4', 'endpoints:', ...ips.flatMap((ip) => [`- addresses: ["${ip}"]`]), 'ports:', '- port: 80', '',
    ].join('\n');
    assert.match(await kubectl.apply(manifest(['192.0.2.40', '192.0.2.41'])), /endpointslice.discovery.k8s.io\/applied created/);
    assert.match(await kubectl.apply(manifest(['192.0.2.42'])), /endpointslice.discovery.k8s.io\/applied configured/);
    const applied = await api.request('GET', `${slicesPath}/applied`);
    assert.deepEqual(applied.body.endpoints, [{ addresses: ['192.0.2.42'], conditions: {} }]);
    assert.equal(applied.body.metadata.generation, 2);
  });
});
