// endpoints-controller against a real apiserver, with real kubectl reading the result. No kubelet runs: the test
// gives pods their IP and readiness itself through the status subresource, as a kubelet would.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { controllerFactories } from '../../../controllers/all.ts';
import { kubectlFor, type Kubectl } from '../../helpers/kubectl.ts';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { waitFor } from '../../helpers/component.ts';
import { runControllers, type RunningControllers } from './harness.ts';

let api: TestApiserver;
let ctrl: RunningControllers;
let dir: string;
let kubectl: Kubectl;

interface AddressView { ip: string; nodeName?: string; targetRef?: { kind: string; namespace: string; name: string; uid: string } }
interface EndpointsView {
  metadata: { name: string; uid: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  subsets?: { addresses?: AddressView[]; notReadyAddresses?: AddressView[]; ports?: { name?: string; port: number; protocol: string }[] }[];
}

before(async () => {
  api = await startApiserver();
  dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-ep-'));
  kubectl = kubectlFor(api.kubeconfig, { cacheDir: path.join(dir, 'cache') });
  ctrl = await runControllers(api, [controllerFactories['endpoints-controller']]);
});
after(async () => {
  await ctrl.stop();
  await api.stop();
  api.cleanup();
  rmSync(dir, { recursive: true, force: true });
});


async function createService(name: string, spec: Record<string, unknown>, labels: Record<string, string> = {}): Promise<void> {
  const res = await api.request('POST', '/api/v1/namespaces/default/services', { body: { metadata: { name, labels }, spec } });
  assert.equal(res.status, 201, res.text);
}

async function createPod(name: string, labels: Record<string, string>): Promise<void> {
  const res = await api.request('POST', '/api/v1/namespaces/default/pods', {
    body: {
      metadata: { name, labels },
      spec: { nodeName: 'node-a', containers: [{ name: 'c', image: 'busybox', ports: [{ name: 'http', containerPort: 8080 }] }] },
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

async function getEndpoints(name: string): Promise<EndpointsView | undefined> {
  const res = await api.request('GET', `/api/v1/namespaces/default/endpoints/${name}`);
  if (res.status === 404) return undefined;
  assert.equal(res.status, 200, res.text);
  return res.body as EndpointsView;
}

const ready = (ep: EndpointsView): string[] => (ep.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip)).sort();
const notReady = (ep: EndpointsView): string[] => (ep.subsets ?? []).flatMap((s) => (s.notReadyAddresses ?? []).map((a) => a.ip)).sort();

/** Waits until the Endpoints show exactly these ready and not-ready IPs. */
async function waitForAddresses(name: string, want: { ready: string[]; notReady: string[] }): Promise<EndpointsView> {
  let last: EndpointsView | undefined;
  try {
    return await waitFor(`endpoints ${name} ${JSON.stringify(want)}`, async () => {
      last = await getEndpoints(name);
      if (!last) return undefined;
      return JSON.stringify([ready(last), notReady(last)]) === JSON.stringify([want.ready, want.notReady]) ? last : undefined;
    }, 15_000);
  } catch (err) {
    throw new Error(`${(err as Error).message}; last seen: ${JSON.stringify(last)}`);
  }
}

describe('endpoints-controller', () => {
  it('publishes ready and unready pods, follows readiness, labels and deletion, and kubectl shows it', async () => {
    await createService('web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] }, { tier: 'front' });
    // The Endpoints exist as soon as the Service does, with no addresses yet.
    const empty = await waitFor('empty endpoints', () => getEndpoints('web'), 15_000);
    assert.equal(empty.subsets, undefined);
    assert.equal(empty.metadata.labels?.tier, 'front');
    assert.equal(empty.metadata.labels?.['endpoints.kubernetes.io/managed-by'], 'endpoint-controller');
    assert.match(empty.metadata.annotations?.['endpoints.kubernetes.io/last-change-trigger-time'] ?? '', /^\d{4}-\d\d-\d\dT/);
    assert.match(await kubectl('get', 'endpoints', 'web'), /^web\s+<none>\s+/m);

    await createPod('web-1', { app: 'web' });
    await createPod('web-2', { app: 'web' });
    // Pods without an IP are not published.
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(ready((await getEndpoints('web'))!), []);
    await setPodStatus('web-1', '10.244.0.11', true);
    await setPodStatus('web-2', '10.244.0.12', true);
    const both = await waitForAddresses('web', { ready: ['10.244.0.11', '10.244.0.12'], notReady: [] });
    assert.equal(both.subsets?.length, 1);
    assert.deepEqual(both.subsets?.[0].ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const pod1 = await api.request('GET', '/api/v1/namespaces/default/pods/web-1');
    const addr = both.subsets?.[0].addresses?.[0];
    assert.equal(addr?.nodeName, 'node-a');
    assert.deepEqual(addr?.targetRef, { kind: 'Pod', namespace: 'default', name: 'web-1', uid: pod1.body.metadata.uid });
    assert.match(await kubectl('get', 'endpoints', 'web'), /^web\s+10\.244\.0\.11:8080,10\.244\.0\.12:8080\s+/m);

    // Readiness lost: the pod moves to notReadyAddresses, and kubectl shows only the ready one.
    await setPodStatus('web-2', '10.244.0.12', false);
    await waitForAddresses('web', { ready: ['10.244.0.11'], notReady: ['10.244.0.12'] });
    assert.match(await kubectl('get', 'ep', 'web'), /^web\s+10\.244\.0\.11:8080\s+/m);

    // Labels moved away: the pod leaves the Service.
    const patch = await api.request('PATCH', '/api/v1/namespaces/default/pods/web-1', {
      body: { metadata: { labels: { app: 'elsewhere' } } }, contentType: 'application/merge-patch+json',
    });
    assert.equal(patch.status, 200, patch.text);
    await waitForAddresses('web', { ready: [], notReady: ['10.244.0.12'] });

    // Deleted (or being deleted): gone from the Endpoints.
    const del = await api.request('DELETE', '/api/v1/namespaces/default/pods/web-2');
    assert.ok(del.status === 200 || del.status === 202, del.text);
    const drained = await waitForAddresses('web', { ready: [], notReady: [] });
    assert.equal(drained.subsets, undefined);

    // The pod comes back under the Service's labels.
    const back = await api.request('PATCH', '/api/v1/namespaces/default/pods/web-1', {
      body: { metadata: { labels: { app: 'web' } } }, contentType: 'application/merge-patch+json',
    });
    assert.equal(back.status, 200, back.text);
    await waitForAddresses('web', { ready: ['10.244.0.11'], notReady: [] });
  });

  it('puts back Endpoints someone changed or deleted, and deletes them with the Service', async () => {
    await createService('api', { selector: { app: 'api' }, ports: [{ port: 80, targetPort: 8080 }] });
    await createPod('api-1', { app: 'api' });
    await setPodStatus('api-1', '10.244.1.5', true);
    const ep = await waitForAddresses('api', { ready: ['10.244.1.5'], notReady: [] });
    assert.deepEqual(ep.subsets?.[0].ports, [{ port: 8080, protocol: 'TCP' }]);

    const tampered = { ...ep, subsets: [{ addresses: [{ ip: '10.9.9.9' }], ports: [{ port: 1, protocol: 'TCP' }] }] };
    const put = await api.request('PUT', '/api/v1/namespaces/default/endpoints/api', { body: tampered });
    assert.equal(put.status, 200, put.text);
    await waitForAddresses('api', { ready: ['10.244.1.5'], notReady: [] });

    const del = await api.request('DELETE', '/api/v1/namespaces/default/endpoints/api');
    assert.equal(del.status, 200, del.text);
    const again = await waitForAddresses('api', { ready: ['10.244.1.5'], notReady: [] });
    assert.notEqual(again.metadata.uid, ep.metadata.uid);

    const svcDel = await api.request('DELETE', '/api/v1/namespaces/default/services/api');
    assert.equal(svcDel.status, 200, svcDel.text);
    await waitFor('endpoints deleted with the service', async () => ((await getEndpoints('api')) ? undefined : true), 15_000);
  });

  it('leaves the Endpoints of a Service without selector to their owner, even when the Service goes', async () => {
    await createService('external', { ports: [{ port: 5432 }] });
    const manual = {
      metadata: { name: 'external', labels: { owner: 'me' } },
      subsets: [{ addresses: [{ ip: '192.0.2.10' }], ports: [{ port: 5432 }] }],
    };
    const res = await api.request('POST', '/api/v1/namespaces/default/endpoints', { body: manual });
    assert.equal(res.status, 201, res.text);
    // A selected Service elsewhere still gets its Endpoints, so the controller is demonstrably running meanwhile.
    await createService('canary', { selector: { app: 'canary' }, ports: [{ port: 80 }] });
    await waitFor('canary endpoints', () => getEndpoints('canary'), 15_000);
    const kept = await getEndpoints('external');
    assert.deepEqual(kept?.metadata.labels, { owner: 'me' });
    assert.deepEqual(kept?.subsets, [{ addresses: [{ ip: '192.0.2.10' }], ports: [{ port: 5432, protocol: 'TCP' }] }]);

    const svcDel = await api.request('DELETE', '/api/v1/namespaces/default/services/external');
    assert.equal(svcDel.status, 200, svcDel.text);
    const canaryDel = await api.request('DELETE', '/api/v1/namespaces/default/services/canary');
    assert.equal(canaryDel.status, 200, canaryDel.text);
    // Once the canary's Endpoints are gone, the controller has seen both deletions; the user's Endpoints stay.
    await waitFor('canary endpoints deleted', async () => ((await getEndpoints('canary')) ? undefined : true), 15_000);
    assert.ok(await getEndpoints('external'));
    assert.match(await kubectl('get', 'endpoints', 'external'), /^external\s+192\.0\.2\.10:5432\s+/m);
  });
});
