// Apiserver benchmark (issue #2): creates/s and latency with 16 concurrent clients, gets/s, listing 10,000 pods,
// and watch delivery latency with 100 watchers. Starts its own apiserver on a temporary directory, over TLS with
// a bearer token, exactly as clients use it.
//   npx tsx test/bench/apiserver.bench.ts
import https from 'node:https';
import { startApiserver, type TestApiserver } from '../helpers/apiserver.ts';
import { openWatch } from '../helpers/watch.ts';

const concurrency = 16;
const podCount = 10_000;

function pod(name: string) {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, labels: { app: 'bench', shard: String(name.length % 4) } },
    spec: { containers: [{ name: 'main', image: 'busybox:1.36', command: ['sleep', '3600'], resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summary(latencies: number[]): string {
  const s = [...latencies].sort((a, b) => a - b);
  return `p50 ${percentile(s, 50).toFixed(2)} ms, p99 ${percentile(s, 99).toFixed(2)} ms, max ${s[s.length - 1].toFixed(2)} ms`;
}

/** Runs `total` requests with `concurrency` workers; returns per-request latencies and the wall time. */
async function load(total: number, request: (i: number) => Promise<number>): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < total; i = next++) {
      const t0 = performance.now();
      const status = await request(i);
      if (status >= 300) throw new Error(`request ${i} answered ${status}`);
      latencies.push(performance.now() - t0);
    }
  }));
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

async function main(): Promise<void> {
  // The default log level: one request line per request, as in production.
  const api: TestApiserver = await startApiserver({ args: ['--log-level', 'info'] });
  const agent = new https.Agent({ keepAlive: true, maxSockets: concurrency });
  const raw = (method: string, path: string, body?: string): Promise<{ status: number; bytes: number }> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = { authorization: `Bearer ${api.token}`, accept: 'application/json' };
      if (body) { headers['content-type'] = 'application/json'; headers['content-length'] = String(Buffer.byteLength(body)); }
      const req = https.request({ host: '127.0.0.1', port: api.port, path, method, headers, ca: api.caPem, agent }, (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => { bytes += c.length; });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
      });
      req.on('error', reject);
      if (body) req.write(body);
      req.end();
    });

  try {
    console.log(`skiff apiserver benchmark: ${concurrency} concurrent clients over TLS, node ${process.version}`);

    // Warm up the connections and the JIT.
    await load(500, (i) => raw('POST', '/api/v1/namespaces/default/configmaps', JSON.stringify({ metadata: { name: `warm-${i}` } })).then((r) => r.status));

    const creates = await load(podCount, (i) => raw('POST', '/api/v1/namespaces/default/pods', JSON.stringify(pod(`bench-${i}`))).then((r) => r.status));
    console.log(`creates: ${podCount} pods in ${creates.seconds.toFixed(2)} s = ${(podCount / creates.seconds).toFixed(0)} creates/s; ${summary(creates.latencies)}`);

    const gets = await load(20_000, (i) => raw('GET', `/api/v1/namespaces/default/pods/bench-${i % podCount}`).then((r) => r.status));
    console.log(`gets: 20000 in ${gets.seconds.toFixed(2)} s = ${(20_000 / gets.seconds).toFixed(0)} gets/s; ${summary(gets.latencies)}`);

    const listTimes: number[] = [];
    let listBytes = 0;
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      const r = await raw('GET', '/api/v1/namespaces/default/pods');
      listTimes.push(performance.now() - t0);
      listBytes = r.bytes;
    }
    console.log(`list ${podCount} pods (${(listBytes / 1e6).toFixed(1)} MB JSON): ${summary(listTimes.slice(2))} (of 5 runs after 2 warm-ups)`);

    const watchers = Array.from({ length: 100 }, () => openWatch(api, `/api/v1/namespaces/default/configmaps?watch=true&labelSelector=bench%3Dwatch`));
    await Promise.all(watchers.map((w) => w.status));
    const delivery: number[] = [];
    for (let i = 0; i < 200; i++) {
      const sent = performance.now();
      const received = Promise.all(watchers.map((w) => w.next(10_000).then(() => performance.now() - sent)));
      const r = await raw('POST', '/api/v1/namespaces/default/configmaps', JSON.stringify({ metadata: { name: `watched-${i}`, labels: { bench: 'watch' } } }));
      if (r.status !== 201) throw new Error(`create answered ${r.status}`);
      delivery.push(...await received);
    }
    for (const w of watchers) w.close();
    console.log(`watch delivery, 100 watchers x 200 events (create sent -> event received): ${summary(delivery)}`);
  } finally {
    agent.destroy();
    await api.stop();
    api.cleanup();
  }
}

await main();
