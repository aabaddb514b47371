// Service proxy benchmark (issue #6): 1,000 Services with 5,000 endpoints in a real apiserver, the kubelet's proxier
// writing the real iptables (under its own chain prefix, removed at the end). Prints the first full sync and the
// time from an EndpointSlice change (the PUT's answer) to the rules being in place. Target: < 1 s.
//   npx tsx test/bench/proxy.bench.ts [services] [endpointsPerService]
import { execFileSync } from 'node:child_process';
import { pino } from 'pino';
import { RestClient, loadKubeconfig } from '../../apiserver/client/index.ts';
import { HostIptables, removeProxyRules } from '../../kubelet/proxy/iptables.ts';
import { Proxier, type SyncResult } from '../../kubelet/proxy/proxier.ts';
import { startApiserver } from '../helpers/apiserver.ts';

const services = Number(process.argv[2] ?? 1000);
const perService = Number(process.argv[3] ?? 5);
const prefix = 'SKBENCH';
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

const api = await startApiserver({ args: ['--service-cluster-ip-range', '10.97.0.0/16', '--max-mutating-requests-inflight', '1000'] });
const iptables = new HostIptables();
const client = RestClient.fromKubeconfig(loadKubeconfig({ path: api.kubeconfig }), { logger: pino({ level: 'warn' }) });
// Each Service's endpoints in one slice, as the EndpointSlice controller writes them below 100 endpoints.
const sliceOf = (i: number, generation = 0) => ({
  apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
  metadata: { name: `svc-${i}-bench`, labels: { 'kubernetes.io/service-name': `svc-${i}` } },
  addressType: 'IPv4',
  endpoints: Array.from({ length: perService }, (_, j) => ({
    addresses: [`10.244.${(i * perService + j) >> 8 & 255}.${((i * perService + j) & 255) || 1}`], conditions: { ready: true },
  })),
  ports: [{ name: 'http', port: 8080 + generation, protocol: 'TCP' }],
});
const slices = '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices';
try {
  const t0 = Date.now();
  for (let start = 0; start < services; start += 50) {
    await Promise.all(Array.from({ length: Math.min(50, services - start) }, async (_, k) => {
      const i = start + k;
      const s = await api.request('POST', '/api/v1/namespaces/default/services', {
        body: { metadata: { name: `svc-${i}` }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }], ...(i % 10 === 0 ? { type: 'NodePort' } : {}) } },
      });
      if (s.status !== 201) throw new Error(`service ${i}: ${s.status} ${s.text}`);
      const e = await api.request('POST', slices, { body: sliceOf(i) });
      if (e.status !== 201) throw new Error(`endpoint slice ${i}: ${e.status} ${e.text}`);
    }));
  }
  console.log(`created ${services} services with ${services * perService} endpoints in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const syncs: SyncResult[] = [];
  let waiter: ((r: SyncResult) => void) | undefined;
  const proxier = new Proxier({
    client, iptables, logger: pino({ level: 'warn' }), prefix, clusterCIDR: '10.244.0.0/16',
    serviceCIDRs: ['10.97.0.0/16'], serviceBridge: 'skiff-svc', minSyncPeriodMs: 0,
  });
  proxier.onSync((r) => { syncs.push(r); waiter?.(r); });
  const nextSync = () => new Promise<SyncResult>((resolve) => { waiter = resolve; });
  const stop = new AbortController();
  const first = nextSync();
  const running = proxier.run(stop.signal);
  const full = await first;
  const natLines = execFileSync('iptables-save', ['-t', 'nat'], { maxBuffer: 1 << 28 }).toString().split('\n').filter((l) => l.includes(`${prefix}-`)).length;
  console.log(`first full sync: ${full.durationMs.toFixed(0)} ms (${full.servicePorts} service ports, ${full.endpoints} endpoints, ${full.chainsWritten} chains, ${natLines} nat lines)`);

  // A single EndpointSlice change: from the PUT's answer to the rules written.
  const latencies: number[] = [];
  const durations: number[] = [];
  for (let round = 1; round <= 20; round++) {
    const i = (round * 37) % services;
    const cur = await api.request('GET', `${slices}/svc-${i}-bench`);
    const synced = nextSync();
    const res = await api.request('PUT', `${slices}/svc-${i}-bench`, { body: { ...sliceOf(i, round), metadata: cur.body.metadata } });
    if (res.status !== 200) throw new Error(`update: ${res.status} ${res.text}`);
    const answered = Date.now();
    const r = await synced;
    latencies.push(Date.now() - answered);
    durations.push(r.durationMs);
  }
  latencies.sort((a, b) => a - b);
  durations.sort((a, b) => a - b);
  console.log(`one EndpointSlice change -> rules in place: p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms (sync itself p50 ${percentile(durations, 50).toFixed(0)} ms; chains written ${syncs.at(-1)?.chainsWritten})`);

  stop.abort();
  await running;
} finally {
  await removeProxyRules(iptables, prefix);
  client.close();
  await api.stop();
  api.cleanup();
}
