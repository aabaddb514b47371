// Micro-benchmark of the scheduling core alone (no API, no binding): 1,000 nodes in 3 zones, 10,000 pods from 10
// ReplicaSets (so kube's default same-owner spreading runs for every pod), each placed with schedulePod and then
// assumed onto its node, as the scheduler process does. Prints pods/s for the whole run and per thousand pods.
// A second pass schedules pods with required anti-affinity and a DoNotSchedule spread constraint.
// Run: node --import tsx test/bench/scheduler-core.bench.ts
import type { Node, Pod } from '../../apiserver/api/types.ts';
import { schedulePod } from '../../scheduler/framework/schedule-one.ts';
import { assumePod, buildSnapshot } from '../../scheduler/framework/snapshot.ts';
import { defaultProfile } from '../../scheduler/plugins/default-profile.ts';

const NODES = 1_000;
const PODS = 10_000;
const OWNERS = 10;

function node(i: number): Node {
  const name = `node-${String(i).padStart(4, '0')}`;
  return {
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': `zone-${i % 3}` } },
    status: {
      allocatable: { cpu: '32', memory: '128Gi', pods: '110', 'ephemeral-storage': '500Gi' },
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };
}

function pod(i: number, extra: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  const owner = i % OWNERS;
  return {
    metadata: {
      name: `pod-${i}`, namespace: 'default', uid: `uid-${i}`, labels: { app: `app-${owner}` },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `rs-${owner}`, uid: `rs-uid-${owner}`, controller: true }],
    },
    spec: {
      containers: [{ name: 'app', image: 'busybox', resources: { requests: { cpu: '100m', memory: '64Mi' } } }],
      ...extra,
    },
  };
}

function run(label: string, count: number, makePod: (i: number) => Pod): void {
  const snapshot = buildSnapshot(Array.from({ length: NODES }, (_, i) => node(i)), []);
  const profile = defaultProfile();
  const pods = Array.from({ length: count }, (_, i) => makePod(i));
  let unschedulable = 0;
  let lap = performance.now();
  const start = lap;
  const laps: number[] = [];
  for (let i = 0; i < pods.length; i++) {
    const result = schedulePod(pods[i], snapshot, profile);
    if ('fitError' in result) unschedulable++;
    else assumePod(snapshot, pods[i], result.nodeName);
    if ((i + 1) % 1000 === 0) {
      const now = performance.now();
      laps.push(Math.round(1000 / ((now - lap) / 1000)));
      lap = now;
    }
  }
  const seconds = (performance.now() - start) / 1000;
  const perNode = snapshot.nodeList().map((n) => n.pods.size);
  console.log(`${label}: ${count} pods on ${NODES} nodes in ${seconds.toFixed(2)} s = ${Math.round(count / seconds)} pods/s`
    + ` (unschedulable ${unschedulable}; pods per node min ${Math.min(...perNode)} max ${Math.max(...perNode)})`);
  console.log(`  pods/s per 1,000 pods: ${laps.join(' ')}`);
}

run('default pods (owner spreading)', PODS, (i) => pod(i));
run('anti-affinity + DoNotSchedule spread', 2_000, (i) => pod(i, {
  affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{
    topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: `app-${i % OWNERS}` } },
  }] } },
  topologySpreadConstraints: [{
    maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule',
    labelSelector: { matchLabels: { app: `app-${i % OWNERS}` } },
  }],
}));
