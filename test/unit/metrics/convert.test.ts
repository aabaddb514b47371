// Kubelet summaries to metrics.k8s.io objects: quantities written as metrics-server writes them, the node's and
// pod's labels carried over, and anything without a rate left out rather than shown as zero.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Node, Pod } from '../../../apiserver/api/types.ts';
import {
  cpuQuantity, indexPodStats, memoryQuantity, nodeMetricsFrom, podMetricsFrom, podStatsFor, rfc3339,
} from '../../../apiserver/metrics/convert.ts';
import type { Summary } from '../../../apiserver/metrics/kubelet-summary.ts';

const now = new Date('2026-03-01T12:00:30.250Z');
const sampled = '2026-03-01T12:00:21.900Z';

const node: Node = { metadata: { name: 'n1', labels: { zone: 'a' } } };
const pod = (name: string, uid = `uid-${name}`, labels?: Record<string, string>): Pod => ({
  metadata: { name, namespace: 'default', uid, ...(labels ? { labels } : {}) },
  status: { phase: 'Running' },
});

const summary: Summary = {
  node: { nodeName: 'n1', cpu: { time: sampled, usageNanoCores: 123456789 }, memory: { time: sampled, workingSetBytes: 1536 * 1024 * 1024 } },
  pods: [
    {
      podRef: { name: 'web', namespace: 'default', uid: 'uid-web' },
      containers: [
        { name: 'app', cpu: { time: sampled, usageNanoCores: 250_000_000 }, memory: { workingSetBytes: 100 * 1024 * 1024 } },
        { name: 'side', cpu: { time: '2026-03-01T12:00:20Z', usageNanoCores: 1_234_567 }, memory: { workingSetBytes: 5 * 1024 * 1024 + 4096 } },
      ],
    },
    // Started after the previous sample: cumulative CPU only, no rate yet.
    { podRef: { name: 'fresh', namespace: 'default', uid: 'uid-fresh' }, containers: [{ name: 'c', cpu: { time: sampled, usageCoreNanoSeconds: 5 }, memory: { workingSetBytes: 1 } }] },
    { podRef: { name: 'empty', namespace: 'default' }, containers: [] },
  ],
};

describe('quantities', () => {
  it('writes cpu as a canonical DecimalSI nanocore quantity', () => {
    assert.equal(cpuQuantity(123456789), '123456789n');
    assert.equal(cpuQuantity(250_000_000), '250m');
    assert.equal(cpuQuantity(2_000_000_000), '2');
    assert.equal(cpuQuantity(0), '0');
    assert.equal(cpuQuantity(12.6), '13n');
  });

  it('writes memory as a canonical BinarySI byte quantity', () => {
    assert.equal(memoryQuantity(69_386_240), '67760Ki');
    assert.equal(memoryQuantity(64 * 1024 * 1024), '64Mi');
    assert.equal(memoryQuantity(1_000_001), '1000001');
    assert.equal(memoryQuantity(512), '512');
  });

  it('writes times as metav1.Time does: whole seconds, UTC', () => {
    assert.equal(rfc3339(now), '2026-03-01T12:00:30Z');
  });
});

describe('nodeMetricsFrom', () => {
  it('takes the node\'s rate and working set, its labels, and the sample\'s time', () => {
    assert.deepEqual(nodeMetricsFrom(node, summary, now), {
      metadata: { name: 'n1', creationTimestamp: '2026-03-01T12:00:30Z', labels: { zone: 'a' } },
      timestamp: '2026-03-01T12:00:21Z',
      window: '10s',
      usage: { cpu: '123456789n', memory: '1536Mi' },
    });
  });

  it('leaves out a node without a summary, a rate or a working set', () => {
    assert.equal(nodeMetricsFrom(node, undefined, now), undefined);
    assert.equal(nodeMetricsFrom(node, { node: { cpu: { usageCoreNanoSeconds: 9 }, memory: { workingSetBytes: 1 } } }, now), undefined);
    assert.equal(nodeMetricsFrom(node, { node: { cpu: { usageNanoCores: 9 } } }, now), undefined);
  });
});

describe('podMetricsFrom', () => {
  const index = indexPodStats([summary]);

  it('lists every container\'s usage, stamped with the earliest sample', () => {
    const web = pod('web', 'uid-web', { app: 'web' });
    assert.deepEqual(podMetricsFrom(web, podStatsFor(index, web), now), {
      metadata: { name: 'web', namespace: 'default', creationTimestamp: '2026-03-01T12:00:30Z', labels: { app: 'web' } },
      timestamp: '2026-03-01T12:00:20Z',
      window: '10s',
      containers: [
        { name: 'app', usage: { cpu: '250m', memory: '100Mi' } },
        { name: 'side', usage: { cpu: '1234567n', memory: '5124Ki' } },
      ],
    });
  });

  it('leaves out a pod with a container that has no rate yet, no containers, or no entry', () => {
    for (const name of ['fresh', 'empty', 'absent']) {
      const p = pod(name, name === 'empty' ? 'whatever' : `uid-${name}`);
      assert.equal(podMetricsFrom(p, podStatsFor(index, p), now), undefined, name);
    }
  });

  it('leaves out a pod whose running container the kubelet did not measure', () => {
    const running = (name: string) => ({ name, ready: true, restartCount: 0, image: 'i', imageID: '', state: { running: {} } });
    const withStatuses = (statuses: ReturnType<typeof running>[]): Pod => ({ ...pod('web', 'uid-web'), status: { phase: 'Running', containerStatuses: statuses } });
    const measured = (p: Pod) => podMetricsFrom(p, podStatsFor(index, p), now);
    assert.ok(measured(withStatuses([running('app'), running('side')])));
    assert.equal(measured(withStatuses([running('app'), running('side'), running('third')])), undefined);
    const crashing = { ...running('third'), state: { waiting: { reason: 'CrashLoopBackOff' } } } as unknown as ReturnType<typeof running>;
    assert.ok(measured(withStatuses([running('app'), running('side'), crashing])));
  });

  it('does not give a pod created again under the same name its predecessor\'s usage', () => {
    const again = pod('web', 'uid-web-2');
    assert.equal(podStatsFor(index, again), undefined);
    // A summary without uids is matched by name alone, as metrics-server matches.
    assert.ok(podStatsFor(index, pod('empty', 'any')));
  });
});
