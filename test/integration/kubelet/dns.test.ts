// The kubelet's cluster DNS against a real apiserver (issue 6): Services, Endpoints and Pods go in through the API
// (the EndpointSlice controllers publish a StatefulSet-style headless Service and mirror hand-written Endpoints), the DNS runs in this process on a free
// loopback port, and node's own resolver (c-ares) asks it over UDP, falling back to TCP on truncation as real
// clients do. Names outside the cluster go to a fake upstream on 127.0.0.1 started here: nothing leaves the host.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import dnsPacket from 'dns-packet';
import pino from 'pino';
import { RestClient, loadKubeconfig } from '../../../apiserver/client/index.ts';
import { controllerFactories } from '../../../controllers/all.ts';
import { startClusterDns, type ClusterDns } from '../../../kubelet/dns/cluster-dns.ts';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { waitFor } from '../../helpers/component.ts';
import { runControllers, type RunningControllers } from '../controllers/harness.ts';

const logger = pino({ level: 'warn' });
let api: TestApiserver;
let client: RestClient;
let ctrl: RunningControllers;
let dns: ClusterDns;
let refusing: ClusterDns;
let upstream: dgram.Socket;
const upstreamSeen: string[] = [];
let webIP = '';

/** A stand-in for the node's resolver: knows two names, NXDOMAIN for the rest. */
async function startFakeUpstream(): Promise<dgram.Socket> {
  const known: Record<string, string> = { 'example.org': '192.0.2.80', 'external.test': '192.0.2.81' };
  const socket = dgram.createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    const q = dnsPacket.decode(msg);
    const question = q.questions![0];
    upstreamSeen.push(`${question.type} ${question.name}`);
    const ip = question.type === 'A' ? known[question.name.toLowerCase()] : undefined;
    const reply = dnsPacket.encode({
      id: q.id, type: 'response', flags: dnsPacket.RECURSION_AVAILABLE | (ip || known[question.name] ? 0 : 3), questions: q.questions,
      answers: ip ? [{ name: question.name, type: 'A', ttl: 60, class: 'IN', data: ip }] : [],
    });
    socket.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return socket;
}

async function create(path: string, body: Record<string, unknown>): Promise<Record<string, any>> {
  const res = await api.request('POST', path, { body });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

async function createPod(name: string, ip: string, spec: Record<string, unknown> = {}, labels: Record<string, string> = {}): Promise<void> {
  await create('/api/v1/namespaces/default/pods', {
    metadata: { name, labels },
    spec: { nodeName: 'node-a', containers: [{ name: 'c', image: 'busybox', ports: [{ name: 'pg', containerPort: 5432 }] }], ...spec },
  });
  const full = await api.request('GET', `/api/v1/namespaces/default/pods/${name}`);
  const since = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const res = await api.request('PUT', `/api/v1/namespaces/default/pods/${name}/status`, {
    body: { ...full.body, status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: since }] } },
  });
  assert.equal(res.status, 200, res.text);
}

/** A fresh resolver per call: c-ares caches answers, and these tests watch names change. */
function resolver(port = dns.port): Resolver {
  const r = new Resolver({ timeout: 2000, tries: 2 });
  r.setServers([`127.0.0.1:${port}`]);
  return r;
}

async function errorCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? String(err);
  }
  return 'resolved';
}

before(async () => {
  api = await startApiserver();
  upstream = await startFakeUpstream();
  client = RestClient.fromKubeconfig(loadKubeconfig({ path: api.kubeconfig }), { logger });
  ctrl = await runControllers(api, [controllerFactories['endpointslice-controller'], controllerFactories['endpointslicemirroring-controller']]);

  // The pods' node: the EndpointSlice controller waits for the node of every pod it publishes.
  await create('/api/v1/nodes', { metadata: { name: 'node-a' } });
  const web = await create('/api/v1/namespaces/default/services', {
    metadata: { name: 'web' }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  });
  webIP = web.spec.clusterIP;
  await create('/api/v1/namespaces/default/services', {
    metadata: { name: 'db' }, spec: { clusterIP: 'None', selector: { app: 'db' }, ports: [{ name: 'pg', port: 5432 }] },
  });
  for (const [i, ip] of ['10.244.0.10', '10.244.0.11'].entries()) {
    await createPod(`db-${i}`, ip, { hostname: `db-${i}`, subdomain: 'db' }, { app: 'db' });
  }
  await create('/api/v1/namespaces/default/services', {
    metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'external.test' },
  });
  // A headless Service whose answer cannot fit a UDP message: 150 addresses, written by hand (no selector) and
  // mirrored into two slices.
  await create('/api/v1/namespaces/default/services', {
    metadata: { name: 'big' }, spec: { clusterIP: 'None', ports: [{ name: 'http', port: 80 }] },
  });
  await create('/api/v1/namespaces/default/endpoints', {
    metadata: { name: 'big' },
    subsets: [{ addresses: Array.from({ length: 150 }, (_, i) => ({ ip: `10.245.${i >> 8}.${(i & 255) + 1}` })), ports: [{ name: 'http', port: 80 }] }],
  });
  await createPod('solo', '10.244.3.7');

  dns = await startClusterDns({
    client, logger, host: '127.0.0.1', port: 0, domain: 'cluster.local', upstream: { host: '127.0.0.1', port: (upstream.address()).port },
  });
  refusing = await startClusterDns({ client, logger, host: '127.0.0.1', port: 0, domain: 'cluster.local' });
  // The EndpointSlice controller publishes db's two pods; the mirroring controller big's hand-written Endpoints.
  await waitFor('db endpoints in DNS', async () => {
    const ips = await resolver().resolve4('db.default.svc.cluster.local').catch(() => []);
    return ips.length === 2 ? true : undefined;
  });
  await waitFor('big endpoints in DNS', async () => {
    const ips = await resolver().resolve4('big.default.svc.cluster.local').catch(() => []);
    return ips.length === 150 ? true : undefined;
  });
});

after(async () => {
  await dns?.close();
  await refusing?.close();
  await ctrl?.stop();
  client?.close();
  upstream?.close();
  await api?.stop();
  api?.cleanup();
});

describe('cluster DNS over UDP with node\'s resolver', () => {
  it('A for a ClusterIP Service, TTL 5, any letter case', async () => {
    assert.deepEqual(await resolver().resolve4('web.default.svc.cluster.local', { ttl: true }), [{ address: webIP, ttl: 5 }]);
    assert.deepEqual(await resolver().resolve4('WEB.Default.SVC.cluster.LOCAL'), [webIP]);
  });

  it('the kubernetes Service is there too', async () => {
    assert.deepEqual(await resolver().resolve4('kubernetes.default.svc.cluster.local'), ['10.96.0.1']);
    assert.deepEqual(await resolver().resolveSrv('_https._tcp.kubernetes.default.svc.cluster.local'),
      [{ name: 'kubernetes.default.svc.cluster.local', port: 443, priority: 0, weight: 100 }]);
  });

  it('a headless Service answers its pods; each pod by its hostname', async () => {
    assert.deepEqual((await resolver().resolve4('db.default.svc.cluster.local')).sort(), ['10.244.0.10', '10.244.0.11']);
    assert.deepEqual(await resolver().resolve4('db-0.db.default.svc.cluster.local'), ['10.244.0.10']);
    assert.deepEqual(await resolver().resolve4('db-1.db.default.svc.cluster.local'), ['10.244.0.11']);
  });

  it('SRV for a named port: ClusterIP target, and per-pod targets for a headless Service', async () => {
    assert.deepEqual(await resolver().resolveSrv('_http._tcp.web.default.svc.cluster.local'),
      [{ name: 'web.default.svc.cluster.local', port: 80, priority: 0, weight: 100 }]);
    const srv = await resolver().resolveSrv('_pg._tcp.db.default.svc.cluster.local');
    assert.deepEqual(srv.map((s) => [s.name, s.port, s.weight]).sort(), [
      ['db-0.db.default.svc.cluster.local', 5432, 50], ['db-1.db.default.svc.cluster.local', 5432, 50],
    ]);
  });

  it('ExternalName: a CNAME, completed with the upstream\'s address', async () => {
    assert.deepEqual(await resolver().resolveCname('ext.default.svc.cluster.local'), ['external.test']);
    assert.deepEqual(await resolver().resolve4('ext.default.svc.cluster.local'), ['192.0.2.81']);
  });

  it('pod A records from the dashed address', async () => {
    assert.deepEqual(await resolver().resolve4('10-244-3-7.default.pod.cluster.local'), ['10.244.3.7']);
  });

  it('NXDOMAIN for missing names, NODATA for a type the name lacks', async () => {
    assert.equal(await errorCode(resolver().resolve4('nope.default.svc.cluster.local')), 'ENOTFOUND');
    assert.equal(await errorCode(resolver().resolve4('web.nowhere.svc.cluster.local')), 'ENOTFOUND');
    assert.equal(await errorCode(resolver().resolveSrv('_nope._tcp.web.default.svc.cluster.local')), 'ENOTFOUND');
    assert.equal(await errorCode(resolver().resolve6('web.default.svc.cluster.local')), 'ENODATA');
    assert.equal(await errorCode(resolver().resolve4('default.svc.cluster.local')), 'ENODATA');
  });

  it('PTR for a ClusterIP, a headless pod and a lone pod', async () => {
    assert.deepEqual(await resolver().reverse(webIP), ['web.default.svc.cluster.local']);
    assert.deepEqual(await resolver().reverse('10.244.0.10'), ['db-0.db.default.svc.cluster.local']);
    assert.deepEqual(await resolver().reverse('10.244.3.7'), ['10-244-3-7.default.pod.cluster.local']);
  });

  it('names outside the cluster go to the upstream; without one they are REFUSED', async () => {
    assert.deepEqual(await resolver().resolve4('example.org'), ['192.0.2.80']);
    assert.ok(upstreamSeen.includes('A example.org'));
    assert.equal(await errorCode(resolver().resolve4('nothing.example')), 'ENOTFOUND');
    assert.equal(await errorCode(resolver(refusing.port).resolve4('example.org')), 'EREFUSED');
    // Cluster names never reach the upstream.
    assert.ok(!upstreamSeen.some((q) => q.includes('cluster.local')));
  });

  it('follows changes: a new Service appears, a deleted one goes', async () => {
    const late = await create('/api/v1/namespaces/default/services', { metadata: { name: 'late' }, spec: { ports: [{ port: 81 }] } });
    await waitFor('the new Service in DNS', async () => {
      const ips = await resolver().resolve4('late.default.svc.cluster.local').catch(() => []);
      return ips[0] === late.spec.clusterIP ? true : undefined;
    });
    const res = await api.request('DELETE', '/api/v1/namespaces/default/services/late');
    assert.equal(res.status, 200, res.text);
    await waitFor('the deleted Service gone from DNS', async () =>
      (await errorCode(resolver().resolve4('late.default.svc.cluster.local'))) === 'ENOTFOUND' ? true : undefined);
  });
});

describe('cluster DNS over TCP', () => {
  it('a 150-address answer is truncated over UDP and fetched whole over TCP by the resolver', async () => {
    const raw = await udpQuery('big.default.svc.cluster.local', 'A');
    assert.equal(raw.flag_tc, true);
    assert.ok((raw.answers?.length ?? 0) < 150);
    const ips = await resolver().resolve4('big.default.svc.cluster.local');
    assert.equal(ips.length, 150);
  });

  it('answers pipelined queries on one connection', async () => {
    const replies = await tcpQueries([
      { name: '_http._tcp.web.default.svc.cluster.local', type: 'SRV' },
      { name: 'nope.default.svc.cluster.local', type: 'A' },
      { name: 'big.default.svc.cluster.local', type: 'A' },
    ]);
    const byId = new Map(replies.map((r) => [r.id, r]));
    const srv = byId.get(1)!;
    assert.equal(srv.answers?.[0].type, 'SRV');
    assert.deepEqual(srv.additionals?.map((a) => [a.name, 'data' in a ? a.data : '']), [['web.default.svc.cluster.local', webIP]]);
    assert.equal((byId.get(2) as { rcode?: string }).rcode, 'NXDOMAIN');
    assert.equal(byId.get(2)!.authorities?.[0].type, 'SOA');
    assert.equal(byId.get(3)!.answers?.length, 150);
    assert.equal(byId.get(3)!.flag_tc, false);
  });
});

function udpQuery(name: string, type: 'A' | 'SRV'): Promise<ReturnType<typeof dnsPacket.decode>> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    const timer = setTimeout(() => { socket.close(); reject(new Error('no UDP answer')); }, 3000);
    socket.on('message', (msg) => { clearTimeout(timer); socket.close(); resolve(dnsPacket.decode(msg)); });
    socket.send(dnsPacket.encode({ id: 7, type: 'query', flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type }] }), dns.port, '127.0.0.1');
  });
}

function tcpQueries(questions: { name: string; type: 'A' | 'SRV' }[]): Promise<ReturnType<typeof dnsPacket.decode>[]> {
  return new Promise((resolve, reject) => {
    const conn = net.connect(dns.port, '127.0.0.1');
    const timer = setTimeout(() => { conn.destroy(); reject(new Error('no TCP answers')); }, 3000);
    const replies: ReturnType<typeof dnsPacket.decode>[] = [];
    let buffered = Buffer.alloc(0);
    conn.on('error', reject);
    conn.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        replies.push(dnsPacket.streamDecode(buffered) as ReturnType<typeof dnsPacket.decode>);
        buffered = buffered.subarray(2 + buffered.readUInt16BE(0));
      }
      if (replies.length === questions.length) {
        clearTimeout(timer);
        conn.end();
        resolve(replies);
      }
    });
    // All in one write: the server must split the stream itself.
    conn.write(Buffer.concat(questions.map((q, i) => dnsPacket.streamEncode({ id: i + 1, type: 'query', questions: [q] }))));
  });
}
