// Scheduler benchmark (issue #4): 1,000 nodes and 10,000 pending pods created through the API, with a real
// skiff-scheduler process. Prints pods bound per second and the per-pod scheduling latency (from the create's
// acknowledgement to the bind seen on a watch).
//   npx tsx test/bench/scheduler.bench.ts [nodes] [pods]
import https from 'node:https';
import { startApiserver } from '../helpers/apiserver.ts';
import { startComponent } from '../helpers/component.ts';
import { openWatch } from '../helpers/watch.ts';

const nodeCount = Number(process.argv[2] ?? 1000);
const podCount = Number(process.argv[3] ?? 10_000);
const concurrency = 16;
// A second phase creates pods at a steady rate below the throughput, so latency measures scheduling, not queueing.
const pacedCount = 2000;
const pacedRate = 300;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const api = await startApiserver({ args: ['--max-mutating-requests-inflight', '1000', '--max-requests-inflight', '1000'] });
const agent = new https.Agent({ keepAlive: true, maxSockets: concurrency });
const post = (path: string, body: unknown): Promise<number> => new Promise((resolve, reject) => {
  const text = JSON.stringify(body);
  const req = https.request({
    host: '127.0.0.1', port: api.port, path, method: 'POST', ca: api.caPem, agent,
    headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) },
  }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); });
  req.on('error', reject);
  req.end(text);
});

async function inParallel(n: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < n; i = next++) await fn(i);
  }));
}

try {
  console.log(`skiff scheduler benchmark: ${nodeCount} nodes, ${podCount} pods, node ${process.version}`);
  await inParallel(nodeCount, async (i) => {
    const capacity = { cpu: '32', memory: '128Gi', pods: '110' };
    const status = await post('/api/v1/nodes', {
      metadata: { name: `node-${i}`, labels: { 'kubernetes.io/hostname': `node-${i}`, 'topology.kubernetes.io/zone': `zone-${i % 3}` } },
      status: { capacity, allocatable: capacity, conditions: [{ type: 'Ready', status: 'True' }] },
    });
    if (status !== 201) throw new Error(`node create answered ${status}`);
  });

  const scheduler = startComponent('scheduler/main.ts', api, ['--leader-elect=false']);
  // Wait until the scheduler is up: it binds a probe pod.
  const created = new Map<string, number>();
  const bound = new Map<string, number>();
  const watch = openWatch(api, '/api/v1/namespaces/default/pods?watch=true');
  await watch.status;
  const collect = (async () => {
    for (;;) {
      const e = await watch.next(120_000).catch(() => undefined);
      if (!e) return;
      const name = e.object?.metadata?.name as string;
      if (e.object?.spec?.nodeName && !bound.has(name)) bound.set(name, performance.now());
      if (bound.size >= podCount + pacedCount + 1) return;
    }
  })();
  await post('/api/v1/namespaces/default/pods', { metadata: { name: 'probe' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
  while (!bound.has('probe')) await new Promise((r) => setTimeout(r, 20));

  const start = performance.now();
  await inParallel(podCount, async (i) => {
    const name = `pod-${i}`;
    const status = await post('/api/v1/namespaces/default/pods', {
      metadata: { name, labels: { app: `app-${i % 50}` } },
      spec: { containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
    });
    if (status !== 201) throw new Error(`pod create answered ${status}`);
    created.set(name, performance.now());
  });
  const createdAll = performance.now();
  while ([...created.keys()].some((n) => !bound.has(n))) await new Promise((r) => setTimeout(r, 20));
  const end = Math.max(...[...bound.values()]);
  const burst = [...created].map(([name, t]) => bound.get(name)! - t).sort((a, b) => a - b);
  console.log(`burst: created ${podCount} pods in ${((createdAll - start) / 1000).toFixed(2)} s (as fast as the API takes them); all bound ${((end - start) / 1000).toFixed(2)} s after the first create`);
  console.log(`throughput: ${(podCount / ((end - start) / 1000)).toFixed(0)} pods bound/s`);
  console.log(`burst latency (create acknowledged -> bound, queueing included): p50 ${percentile(burst, 50).toFixed(0)} ms, p99 ${percentile(burst, 99).toFixed(0)} ms`);

  const paced = new Map<string, number>();
  const pacedStart = performance.now();
  await inParallel(pacedCount, async (i) => {
    const due = pacedStart + (i * 1000) / pacedRate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const name = `paced-${i}`;
    const status = await post('/api/v1/namespaces/default/pods', {
      metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '10m' } } }] },
    });
    if (status !== 201) throw new Error(`pod create answered ${status}`);
    paced.set(name, performance.now());
  });
  await collect;
  const steady = [...paced].map(([name, t]) => bound.get(name)! - t).sort((a, b) => a - b);
  console.log(`steady ${pacedRate} pods/s for ${pacedCount} pods: per-pod latency (create acknowledged -> bound) p50 ${percentile(steady, 50).toFixed(1)} ms, p99 ${percentile(steady, 99).toFixed(1)} ms, max ${steady.at(-1)!.toFixed(1)} ms`);
  watch.close();
  await scheduler.stop();
} finally {
  agent.destroy();
  await api.stop();
  api.cleanup();
}
