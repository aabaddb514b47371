// ClusterIP and NodePort allocation through a real apiserver (issue 6): what gets allocated, kube's errors for bad
// and taken values, freeing on delete and on type changes, no leaks from failed creates, no duplicates under
// concurrency or across a restart, the `kubernetes` Service, and real kubectl.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startApiserver, type ApiResponse, type TestApiserver } from '../../helpers/apiserver.ts';
import { waitFor } from '../../helpers/component.ts';

const run = promisify(execFile);
// A documentation address (RFC 5737): only written into the Endpoints, never contacted. The loopback address the
// other tests advertise can't be published, as in kube.
const advertise = '192.0.2.10';
const services = '/api/v1/namespaces/default/services';

let api: TestApiserver;
let cacheDir: string;

before(async () => {
  api = await startApiserver({ args: ['--advertise-address', advertise] });
  cacheDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-kubectl-'));
});
after(async () => {
  await api.stop();
  api.cleanup();
  rmSync(cacheDir, { recursive: true, force: true });
});

interface Port { name?: string; port: number; protocol?: string; nodePort?: number; targetPort?: number }
interface Spec {
  type?: string; clusterIP?: string; clusterIPs?: string[]; ports?: Port[]; selector?: Record<string, string>;
  externalName?: string; [field: string]: unknown;
}

function create(on: TestApiserver, name: string, spec: Spec, namespace = 'default'): Promise<ApiResponse> {
  return on.request('POST', `/api/v1/namespaces/${namespace}/services`, { body: { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec } });
}

async function created(on: TestApiserver, name: string, spec: Spec): Promise<Spec> {
  const r = await create(on, name, spec);
  assert.equal(r.status, 201, r.text);
  return r.body.spec as Spec;
}

async function remove(on: TestApiserver, name: string): Promise<void> {
  const r = await on.request('DELETE', `${services}/${name}`);
  assert.equal(r.status, 200, r.text);
}

const web: Port[] = [{ port: 80, targetPort: 8080 }];

function inServiceRange(ip: string | undefined): boolean {
  return /^10\.96\.\d{1,3}\.\d{1,3}$/.test(ip ?? '');
}

describe('the kubernetes Service', () => {
  it('exists in default with the first address, https 443 -> the secure port, and Endpoints to this apiserver', async () => {
    const svc = await api.request('GET', `${services}/kubernetes`);
    assert.equal(svc.status, 200);
    assert.equal(svc.body.spec.clusterIP, '10.96.0.1');
    assert.deepEqual(svc.body.spec.clusterIPs, ['10.96.0.1']);
    assert.equal(svc.body.spec.type, 'ClusterIP');
    assert.equal(svc.body.spec.selector, undefined);
    assert.deepEqual(svc.body.spec.ports, [{ name: 'https', protocol: 'TCP', port: 443, targetPort: api.port }]);
    assert.deepEqual(svc.body.metadata.labels, { component: 'apiserver', provider: 'kubernetes' });
    const ep = await api.request('GET', '/api/v1/namespaces/default/endpoints/kubernetes');
    assert.equal(ep.status, 200);
    assert.deepEqual(ep.body.subsets, [{ addresses: [{ ip: advertise }], ports: [{ name: 'https', port: api.port, protocol: 'TCP' }] }]);
  });

  it('no other Service may take its address', async () => {
    const r = await create(api, 'squatter', { ports: web, clusterIP: '10.96.0.1' });
    assert.equal(r.status, 422);
    assert.equal(r.body.message, 'Service "squatter" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.1"}: failed to allocate IP 10.96.0.1: provided IP is already allocated');
  });

  it('comes back when deleted, and its Endpoints are put back when changed', async () => {
    await remove(api, 'kubernetes');
    const back = await waitFor('the kubernetes Service to come back', async () => {
      const r = await api.request('GET', `${services}/kubernetes`);
      return r.status === 200 ? r.body : undefined;
    });
    assert.equal(back.spec.clusterIP, '10.96.0.1');

    const ep = await api.request('GET', '/api/v1/namespaces/default/endpoints/kubernetes');
    const changed = { ...ep.body, subsets: [{ addresses: [{ ip: '192.0.2.99' }], ports: [{ name: 'https', port: 1, protocol: 'TCP' }] }] };
    assert.equal((await api.request('PUT', '/api/v1/namespaces/default/endpoints/kubernetes', { body: changed })).status, 200);
    await waitFor('the kubernetes Endpoints to be put back', async () => {
      const r = await api.request('GET', '/api/v1/namespaces/default/endpoints/kubernetes');
      return r.body.subsets?.[0]?.addresses?.[0]?.ip === advertise ? true : undefined;
    });
  });
});

describe('ClusterIP allocation', () => {
  it('gives a ClusterIP Service an address of the range and kube\'s defaults', async () => {
    const spec = await created(api, 'plain', { ports: web, selector: { app: 'plain' } });
    assert.ok(inServiceRange(spec.clusterIP), String(spec.clusterIP));
    assert.deepEqual(spec.clusterIPs, [spec.clusterIP]);
    assert.deepEqual(spec.ipFamilies, ['IPv4']);
    assert.equal(spec.ipFamilyPolicy, 'SingleStack');
    assert.equal(spec.internalTrafficPolicy, 'Cluster');
    assert.equal(spec.sessionAffinity, 'None');
    assert.equal(spec.type, 'ClusterIP');
    assert.equal(spec.externalTrafficPolicy, undefined);
  });

  it('takes an explicit address in the range', async () => {
    const spec = await created(api, 'explicit', { ports: web, clusterIP: '10.96.0.77' });
    assert.deepEqual(spec.clusterIPs, ['10.96.0.77']);
  });

  it('refuses an address that is taken or outside the range, with kube\'s messages', async () => {
    const taken = await create(api, 'taken', { ports: web, clusterIP: '10.96.0.77' });
    assert.equal(taken.status, 422);
    assert.equal(taken.body.reason, 'Invalid');
    assert.equal(taken.body.message, 'Service "taken" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.77"}: failed to allocate IP 10.96.0.77: provided IP is already allocated');
    const outside = await create(api, 'outside', { ports: web, clusterIP: '10.97.0.5' });
    assert.equal(outside.status, 422);
    assert.equal(outside.body.message, 'Service "outside" is invalid: spec.clusterIPs: Invalid value: []string{"10.97.0.5"}: failed to allocate IP 10.97.0.5: provided IP is not in the valid range. The range of valid IPs is 10.96.0.0/16');
    assert.deepEqual(outside.body.details.causes.map((c: { reason: string; field: string }) => [c.reason, c.field]),
      [['FieldValueInvalid', 'spec.clusterIPs']]);
    for (const network of ['10.96.0.0', '10.96.255.255']) {
      const r = await create(api, 'edge', { ports: web, clusterIP: network });
      assert.equal(r.status, 422, `${network} must never be handed out`);
    }
  });

  it('headless and ExternalName Services get no address', async () => {
    const headless = await created(api, 'headless', { clusterIP: 'None', ports: web, selector: { app: 'db' } });
    assert.deepEqual(headless.clusterIPs, ['None']);
    assert.equal(headless.ipFamilyPolicy, 'SingleStack');
    const external = await created(api, 'external', { type: 'ExternalName', externalName: 'example.com' });
    assert.equal(external.clusterIP, undefined);
    assert.equal(external.clusterIPs, undefined);
    assert.equal(external.ipFamilies, undefined);
  });

  it('an update may not change the address, and re-sending the manifest without it keeps it', async () => {
    const current = (await api.request('GET', `${services}/explicit`)).body;
    const changed = structuredClone(current);
    changed.spec.clusterIP = '10.96.0.78';
    changed.spec.clusterIPs = ['10.96.0.78'];
    const r = await api.request('PUT', `${services}/explicit`, { body: changed });
    assert.equal(r.status, 422);
    assert.equal(r.body.message, 'Service "explicit" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.0.78"}: may not change once set');

    const resent = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'explicit', labels: { again: 'yes' } }, spec: { ports: web } };
    const ok = await api.request('PUT', `${services}/explicit`, { body: resent });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.spec.clusterIP, '10.96.0.77');
  });

  it('frees the address when the Service is deleted', async () => {
    await created(api, 'short-lived', { ports: web, clusterIP: '10.96.0.88' });
    assert.equal((await create(api, 'second', { ports: web, clusterIP: '10.96.0.88' })).status, 422);
    await remove(api, 'short-lived');
    await created(api, 'second', { ports: web, clusterIP: '10.96.0.88' });
  });

  it('a Service held by a finalizer keeps its address until it is really gone', async () => {
    const r = await api.request('POST', services, {
      body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'held', finalizers: ['example.com/hold'] }, spec: { ports: web, clusterIP: '10.96.0.95' } },
    });
    assert.equal(r.status, 201, r.text);
    await remove(api, 'held');
    assert.equal((await create(api, 'after-held', { ports: web, clusterIP: '10.96.0.95' })).status, 422, 'still held while terminating');
    const released = await api.request('PATCH', `${services}/held`, {
      body: { metadata: { finalizers: null } }, contentType: 'application/merge-patch+json',
    });
    assert.equal(released.status, 200, released.text);
    assert.equal((await api.request('GET', `${services}/held`)).status, 404);
    await created(api, 'after-held', { ports: web, clusterIP: '10.96.0.95' });
  });

  it('a failed create keeps nothing: a name taken, a namespace that does not exist, a dry run', async () => {
    await created(api, 'dup', { ports: web, clusterIP: '10.96.0.90' });
    const again = await create(api, 'dup', { ports: web, clusterIP: '10.96.0.91' });
    assert.equal(again.status, 409);
    const nowhere = await create(api, 'lost', { ports: web, clusterIP: '10.96.0.92' }, 'no-such-namespace');
    assert.equal(nowhere.status, 404, nowhere.text);
    const dry = await api.request('POST', `${services}?dryRun=All`, {
      body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'dry' }, spec: { ports: web, clusterIP: '10.96.0.93' } },
    });
    assert.equal(dry.status, 201, dry.text);
    assert.equal(dry.body.spec.clusterIP, '10.96.0.93');
    for (const [name, ip] of [['got-91', '10.96.0.91'], ['got-92', '10.96.0.92'], ['got-93', '10.96.0.93']]) {
      await created(api, name, { ports: web, clusterIP: ip });
    }
  });

  it('20 concurrent creates get 20 different addresses and node ports', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      create(api, `burst-${i}`, { type: 'NodePort', ports: web })));
    for (const r of results) assert.equal(r.status, 201, r.text);
    const ips = results.map((r) => r.body.spec.clusterIP as string);
    const nodePorts = results.map((r) => r.body.spec.ports[0].nodePort as number);
    assert.equal(new Set(ips).size, 20, ips.join(' '));
    assert.equal(new Set(nodePorts).size, 20, nodePorts.join(' '));
    assert.ok(ips.every(inServiceRange));
  });
});

describe('NodePort allocation', () => {
  it('gives every port of a NodePort Service a node port in the range', async () => {
    const spec = await created(api, 'np', {
      type: 'NodePort', ports: [{ name: 'http', port: 80 }, { name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }],
    });
    const [http, dns, dnsTcp] = spec.ports!.map((p) => p.nodePort!);
    for (const p of [http, dns]) assert.ok(p >= 30000 && p <= 32767, String(p));
    assert.notEqual(http, dns);
    assert.equal(dns, dnsTcp, 'one port number, one node port for both protocols');
    assert.equal(spec.externalTrafficPolicy, 'Cluster');
    assert.ok(inServiceRange(spec.clusterIP));
  });

  it('refuses node ports outside the range or taken, with kube\'s messages', async () => {
    await created(api, 'np-fixed', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] });
    const taken = await create(api, 'np-taken', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] });
    assert.equal(taken.status, 422);
    assert.equal(taken.body.message, 'Service "np-taken" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated');
    const outside = await create(api, 'np-outside', { type: 'NodePort', ports: [{ port: 80, nodePort: 8080 }] });
    assert.equal(outside.status, 422);
    assert.equal(outside.body.message, 'Service "np-outside" is invalid: spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767');
  });

  it('frees node ports on delete', async () => {
    await remove(api, 'np-fixed');
    await created(api, 'np-reuse', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] });
  });

  it('ClusterIP -> NodePort allocates; NodePort -> ClusterIP frees', async () => {
    await created(api, 'changes', { ports: web });
    const patched = await api.request('PATCH', `${services}/changes`, {
      body: { spec: { type: 'NodePort', ports: [{ port: 80, targetPort: 8080, nodePort: 30444 }] } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.spec.ports[0].nodePort, 30444);
    assert.equal((await create(api, 'wants-30444', { type: 'NodePort', ports: [{ port: 80, nodePort: 30444 }] })).status, 422);

    const back = await api.request('PATCH', `${services}/changes`, {
      body: { spec: { type: 'ClusterIP' } }, contentType: 'application/merge-patch+json',
    });
    assert.equal(back.status, 200, back.text);
    assert.equal(back.body.spec.ports[0].nodePort, undefined);
    assert.equal(back.body.spec.externalTrafficPolicy, undefined);
    await created(api, 'wants-30444', { type: 'NodePort', ports: [{ port: 80, nodePort: 30444 }] });
  });

  it('a LoadBalancer gets node ports and, with externalTrafficPolicy Local, a health check port', async () => {
    const spec = await created(api, 'lb', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: web });
    const nodePort = spec.ports![0].nodePort!;
    const health = spec.healthCheckNodePort as number;
    assert.ok(nodePort >= 30000 && health >= 30000 && nodePort !== health);
    await remove(api, 'lb');
    await created(api, 'lb-reuse', { type: 'NodePort', ports: [{ name: 'a', port: 80, nodePort }, { name: 'b', port: 81, nodePort: health }] });
  });
});

describe('allocation survives a restart', () => {
  it('an apiserver on the same data directory knows what is taken, and fills the rest of the range exactly', async () => {
    // A /28 holds 14 addresses, one of them the kubernetes Service's; five node ports.
    const args = ['--service-cluster-ip-range', '10.100.0.0/28', '--service-node-port-range', '30000-30004'];
    const first = await startApiserver({ args });
    const dataDir = first.dataDir;
    const before: Spec[] = [];
    try {
      for (let i = 0; i < 6; i++) before.push(await created(first, `s${i}`, { type: i < 3 ? 'NodePort' : 'ClusterIP', ports: web }));
    } finally {
      assert.equal(await first.stop(), 0);
    }

    const second = await startApiserver({ args, dataDir });
    try {
      const kubernetes = await second.request('GET', `${services}/kubernetes`);
      assert.equal(kubernetes.body.spec.clusterIP, '10.100.0.1');
      const taken = await create(second, 'taken', { ports: web, clusterIP: before[0].clusterIP });
      assert.equal(taken.status, 422);
      assert.match(taken.body.message, /provided IP is already allocated/);

      const after: Spec[] = [];
      for (let i = 0; i < 7; i++) after.push(await created(second, `t${i}`, { type: i < 2 ? 'NodePort' : 'ClusterIP', ports: web }));
      const ips = [...before, ...after].map((s) => s.clusterIP);
      assert.equal(new Set([...ips, '10.100.0.1']).size, 14, ips.join(' '));
      const nodePorts = [...before, ...after].filter((s) => s.type === 'NodePort').map((s) => s.ports![0].nodePort);
      assert.deepEqual(nodePorts.sort(), [30000, 30001, 30002, 30003, 30004]);

      const full = await create(second, 'one-too-many', { ports: web });
      assert.equal(full.status, 500);
      assert.equal(full.body.message, 'Internal error occurred: failed to allocate a serviceIP: range is full');
      const noPort = await create(second, 'no-port', { type: 'NodePort', ports: web, clusterIP: 'None' });
      assert.equal(noPort.status, 422); // NodePort Services can't be headless: validation, not allocation
    } finally {
      await second.stop();
      second.cleanup();
    }
  });
});

describe('kubectl', () => {
  async function kubectl(...args: string[]): Promise<string> {
    try {
      const { stdout } = await run('kubectl', ['--kubeconfig', api.kubeconfig, '--cache-dir', cacheDir, ...args], { timeout: 30_000 });
      return stdout;
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(`kubectl ${args.join(' ')} failed: ${err.stderr || err.message}`);
    }
  }

  it('kubectl create service clusterip/nodeport, then kubectl get svc', async () => {
    assert.match(await kubectl('create', 'service', 'clusterip', 'kc-web', '--tcp=80:8080'), /service\/kc-web created/);
    assert.match(await kubectl('create', 'service', 'nodeport', 'kc-np', '--tcp=80:8080', '--node-port=30123'), /service\/kc-np created/);
    assert.match(await kubectl('create', 'service', 'clusterip', 'kc-headless', '--clusterip=None'), /service\/kc-headless created/);

    const table = await kubectl('get', 'svc', 'kubernetes', 'kc-web', 'kc-np', 'kc-headless');
    const rows = table.trim().split('\n').map((line) => line.split(/\s+/));
    assert.deepEqual(rows[0], ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
    const row = (name: string) => rows.find((r) => r[0] === name)!;
    assert.deepEqual(row('kubernetes').slice(0, 5), ['kubernetes', 'ClusterIP', '10.96.0.1', '<none>', '443/TCP']);
    assert.equal(row('kc-web')[1], 'ClusterIP');
    assert.ok(inServiceRange(row('kc-web')[2]), row('kc-web')[2]);
    assert.equal(row('kc-web')[4], '80/TCP');
    assert.equal(row('kc-np')[1], 'NodePort');
    assert.ok(inServiceRange(row('kc-np')[2]));
    assert.equal(row('kc-np')[4], '80:30123/TCP');
    assert.equal(row('kc-headless')[2], 'None');

    const fails = await run('kubectl', ['--kubeconfig', api.kubeconfig, '--cache-dir', cacheDir,
      'create', 'service', 'nodeport', 'kc-np2', '--tcp=80:8080', '--node-port=30123']).then(() => '', (e: { stderr: string }) => e.stderr);
    assert.match(fails, /Service "kc-np2" is invalid: spec.ports\[0\].nodePort: Invalid value: 30123: provided port is already allocated/);

    const ip = (await kubectl('get', 'svc', 'kc-web', '-o', 'jsonpath={.spec.clusterIP}')).trim();
    assert.equal(ip, row('kc-web')[2]);
  });
});
