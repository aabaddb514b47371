// Pod startup benchmark (issue #3): 30 single-container pods created at once on one real kubelet (image present),
// timed from each create's acknowledgement to the watch showing the pod Running, and Ready. Target: p99 < 2 s
// (the Kubernetes pod startup SLO is 5 s).
//   npx tsx test/bench/pod-startup.bench.ts [pods]
import { startApiserver } from '../helpers/apiserver.ts';
import { testImage } from '../helpers/images.ts';
import { startNode } from '../helpers/node.ts';
import { openWatch } from '../helpers/watch.ts';

const podCount = Number(process.argv[2] ?? 30);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

const api = await startApiserver();
const node = await startNode(api);
try {
  const created = new Map<string, number>();
  const running = new Map<string, number>();
  const ready = new Map<string, number>();
  const watch = openWatch(api, '/api/v1/namespaces/default/pods?watch=true');
  const allDone = (async () => {
    while (ready.size < podCount) {
      const e = await watch.next(60_000);
      const name = e.object?.metadata?.name;
      const at = Date.now();
      if (!name) continue;
      if (e.object.status?.phase === 'Running' && !running.has(name)) running.set(name, at);
      if (e.object.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True') && !ready.has(name)) ready.set(name, at);
    }
  })();
  const started = Date.now();
  await Promise.all(Array.from({ length: podCount }, async (_, i) => {
    const name = `bench-${i}`;
    const res = await api.request('POST', '/api/v1/namespaces/default/pods', { body: {
      apiVersion: 'v1', kind: 'Pod', metadata: { name },
      spec: { nodeName: node.name, terminationGracePeriodSeconds: 1, containers: [{ name: 'app', image: testImage, imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] }] },
    } });
    if (res.status !== 201) throw new Error(`create ${name}: ${res.status} ${res.text}`);
    created.set(name, Date.now());
  }));
  await allDone;
  const total = Date.now() - started;
  const lat = (m: Map<string, number>) => [...created].map(([n, t]) => m.get(n)! - t).sort((a, b) => a - b);
  const toRunning = lat(running);
  const toReady = lat(ready);
  console.log(`${podCount} pods on one node, all Ready after ${total} ms`);
  console.log(`create -> Running: p50 ${percentile(toRunning, 50)} ms, p99 ${percentile(toRunning, 99)} ms, max ${toRunning.at(-1)} ms`);
  console.log(`create -> Ready:   p50 ${percentile(toReady, 50)} ms, p99 ${percentile(toReady, 99)} ms, max ${toReady.at(-1)} ms`);
  watch.close();
  await api.request('DELETE', '/api/v1/namespaces/default/pods');
} finally {
  await node.cleanup();
  await api.stop();
  api.cleanup();
}
