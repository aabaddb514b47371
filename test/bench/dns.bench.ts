// Benchmark of the cluster DNS (issue 6) on loopback: a zone of 1,000 Services (800 ClusterIP with two named ports,
// 200 headless with 5 endpoints each) and 5,000 pods, served by the real UDP/TCP server. Clients run in worker
// threads (so they do not share the server's event loop), each keeping a window of queries in flight over UDP, a
// mix of A, SRV, headless A, pod A and NXDOMAIN. Prints queries/s over UDP, then over TCP (one connection per
// worker, pipelined), then the pure lookup rate and the time to rebuild the zone after a change.
// Run: node --import tsx test/bench/dns.bench.ts [seconds]
import { Worker } from 'node:worker_threads';
import dnsPacket from 'dns-packet';
import pino from 'pino';
import type { EndpointSlice, Pod, Service } from '../../apiserver/api/types.ts';
import { startDnsServer } from '../../kubelet/dns/dns-server.ts';
import { buildZone, lookup, type ClusterObjects, type Question } from '../../kubelet/dns/records.ts';

const SERVICES = 1_000;
const HEADLESS_EVERY = 5;
const PODS = 5_000;
// One client thread per core left to the clients on a small machine; WORKERS=n to change.
const WORKERS = Number(process.env.WORKERS ?? 2);
const WINDOW = 64;
const SECONDS = Number(process.argv[2] ?? 5);

function objects(): ClusterObjects {
  const services: Service[] = [];
  const endpointSlices: EndpointSlice[] = [];
  for (let i = 0; i < SERVICES; i++) {
    const namespace = `ns-${i % 20}`;
    const headless = i % HEADLESS_EVERY === 0;
    services.push({
      metadata: { name: `svc-${i}`, namespace },
      spec: {
        clusterIP: headless ? 'None' : `10.96.${i >> 8}.${i & 255}`,
        ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'metrics', port: 9090, protocol: 'TCP' }],
      },
    });
    endpointSlices.push({
      metadata: { name: `svc-${i}-abcde`, namespace, labels: { 'kubernetes.io/service-name': `svc-${i}` } },
      addressType: 'IPv4',
      endpoints: Array.from({ length: 5 }, (_, j) => ({
        addresses: [`10.244.${(i * 5 + j) >> 8 & 255}.${(i * 5 + j) & 255}`], hostname: headless ? `svc-${i}-${j}` : undefined, conditions: { ready: true },
      })),
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'metrics', port: 9090, protocol: 'TCP' }],
    });
  }
  const pods: Pod[] = Array.from({ length: PODS }, (_, i) => ({
    metadata: { name: `pod-${i}`, namespace: `ns-${i % 20}` },
    spec: { containers: [{ name: 'c', image: 'busybox' }] },
    status: { podIP: `10.245.${i >> 8}.${i & 255}` },
  }));
  return { services, endpointSlices, pods };
}

function questions(): Question[] {
  const out: Question[] = [];
  for (let i = 0; i < 200; i++) {
    const s = (i * 37) % SERVICES;
    const name = `svc-${s}.ns-${s % 20}.svc.cluster.local`;
    out.push({ name, type: 'A' });
    out.push({ name: `_http._tcp.${name}`, type: 'SRV' });
    out.push({ name: `10-245-0-${i}.ns-${i % 20}.pod.cluster.local`, type: 'A' });
    out.push({ name: `missing-${i}.ns-${i % 20}.svc.cluster.local`, type: 'A' });
  }
  return out;
}

// The client, as plain JavaScript: queries are encoded here once; the worker only sends bytes and counts replies.
const clientSource = `
const { parentPort, workerData } = require('node:worker_threads');
const dgram = require('node:dgram');
const net = require('node:net');
const { port, queries, window, seconds, transport } = workerData;
let done = 0, sent = 0, i = 0;
const next = () => { const q = Buffer.from(queries[i++ % queries.length]); q.writeUInt16BE(sent++ & 0xffff, 0); return q; };
// Only replies that arrive within the time count; a UDP query lost on the way is simply not answered.
setTimeout(() => { parentPort.postMessage(done); process.exit(0); }, seconds * 1000);
if (transport === 'udp') {
  const s = dgram.createSocket('udp4');
  s.on('message', () => { done++; s.send(next(), port, '127.0.0.1'); });
  for (let k = 0; k < window; k++) s.send(next(), port, '127.0.0.1');
  // Keep the window full even when the kernel drops datagrams under load.
  let last = 0;
  setInterval(() => { if (done === last) for (let k = 0; k < window; k++) s.send(next(), port, '127.0.0.1'); last = done; }, 100);
} else {
  const c = net.connect(port, '127.0.0.1');
  const frame = (q) => { const f = Buffer.alloc(q.length + 2); f.writeUInt16BE(q.length, 0); q.copy(f, 2); return f; };
  let buf = Buffer.alloc(0);
  c.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    const out = [];
    while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
      buf = buf.subarray(2 + buf.readUInt16BE(0));
      done++;
      out.push(frame(next()));
    }
    if (out.length) c.write(Buffer.concat(out));
  });
  c.write(Buffer.concat(Array.from({ length: window }, () => frame(next()))));
}
`;

async function load(port: number, queries: Buffer[], transport: 'udp' | 'tcp'): Promise<number> {
  const counts = await Promise.all(Array.from({ length: WORKERS }, () => new Promise<number>((resolve, reject) => {
    const w = new Worker(clientSource, { eval: true, execArgv: [], workerData: { port, queries, window: WINDOW, seconds: SECONDS, transport } });
    w.once('message', resolve);
    w.once('error', reject);
  })));
  return counts.reduce((a, b) => a + b, 0) / SECONDS;
}

async function main(): Promise<void> {
  const objs = objects();
  let t = performance.now();
  let zone = buildZone(objs, { domain: 'cluster.local' });
  const buildMs = performance.now() - t;
  const qs = questions();

  const server = await startDnsServer({ host: '127.0.0.1', port: 0, resolve: (q) => lookup(zone, q), logger: pino({ level: 'warn' }) });
  const encoded = qs.map((q) => dnsPacket.encode({ id: 0, type: 'query', flags: dnsPacket.RECURSION_DESIRED, questions: [{ name: q.name, type: q.type as 'A' }] }));
  // Warm up the JIT and the sockets.
  await loadQuick(server.port, encoded);
  const udp = await load(server.port, encoded, 'udp');
  const tcp = await load(server.port, encoded, 'tcp');
  await server.close();

  t = performance.now();
  let n = 0;
  while (performance.now() - t < 1000) for (const q of qs) { lookup(zone, q); n++; }
  const pure = n / ((performance.now() - t) / 1000);
  t = performance.now();
  for (let i = 0; i < 10; i++) zone = buildZone(objs, { domain: 'cluster.local' });
  const rebuildMs = (performance.now() - t) / 10;

  console.log(`zone: ${SERVICES} services (${SERVICES / HEADLESS_EVERY} headless, 5 endpoints each), ${PODS} pods; first build ${buildMs.toFixed(1)} ms, rebuild ${rebuildMs.toFixed(1)} ms`);
  console.log(`UDP: ${Math.round(udp)} queries/s (${WORKERS} client threads x ${WINDOW} in flight, ${SECONDS} s, mix of A, SRV, pod A, NXDOMAIN)`);
  console.log(`TCP: ${Math.round(tcp)} queries/s (${WORKERS} connections x ${WINDOW} pipelined)`);
  console.log(`lookup() alone: ${Math.round(pure)} lookups/s`);
}

async function loadQuick(port: number, queries: Buffer[]): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const w = new Worker(clientSource, { eval: true, execArgv: [], workerData: { port, queries, window: WINDOW, seconds: 1, transport: 'udp' } });
    w.once('message', () => resolve());
    w.once('error', reject);
  });
}

await main();
