import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containerLabels } from '../../../../kubelet/runtime/naming.ts';
import type { ContainerStats, ContainerSummary } from '../../../../kubelet/runtime/runtime.ts';
import { cpuStats, parseMeminfo, parseProcStat, podStatsFrom, type CpuSamples } from '../../../../kubelet/server/stats-summary.ts';

function running(id: string, pod: string, container: string, node = 'n1'): ContainerSummary {
  return {
    id, name: id, state: 'running', image: 'busybox', imageId: '', createdAt: new Date('2026-01-01T00:00:00Z'),
    labels: containerLabels({ pod: { name: pod, namespace: 'default', uid: `uid-${pod}` }, containerName: container, restartCount: 0, nodeName: node, sandboxId: 's', specHash: 'h' }),
  };
}

const at = (s: number): Date => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

describe('cpuStats', () => {
  it('gives the rate once a previous sample exists', () => {
    const samples: CpuSamples = new Map();
    assert.equal(cpuStats(samples, 'c', 1e9, at(0)).usageNanoCores, undefined);
    // Half a core: 1 s of CPU over 2 s.
    assert.deepEqual(cpuStats(samples, 'c', 2e9, at(2)), { time: at(2).toISOString(), usageCoreNanoSeconds: 2e9, usageNanoCores: 5e8 });
    // A counter that went back (a restarted container) gives no rate.
    assert.equal(cpuStats(samples, 'c', 1, at(3)).usageNanoCores, undefined);
  });
});

describe('podStatsFrom', () => {
  it('groups this node\'s running containers by pod and sums them', () => {
    const samples: CpuSamples = new Map([['a', { ns: 0, at: at(0).getTime() }], ['b', { ns: 0, at: at(0).getTime() }]]);
    const stats = new Map<string, ContainerStats>([
      ['a', { timestamp: at(1), cpuUsageNanoseconds: 1e8, memoryWorkingSetBytes: 1000 }],
      ['b', { timestamp: at(1), cpuUsageNanoseconds: 3e8, memoryWorkingSetBytes: 500 }],
      ['c', { timestamp: at(1), cpuUsageNanoseconds: 7, memoryWorkingSetBytes: 7 }],
      ['x', { timestamp: at(1), cpuUsageNanoseconds: 7, memoryWorkingSetBytes: 7 }],
    ]);
    const pods = podStatsFrom([running('b', 'web', 'sidecar'), running('a', 'web', 'app'), running('c', 'db', 'pg'), running('x', 'elsewhere', 'c', 'n2')], stats, samples, 'n1');
    assert.deepEqual(pods.map((p) => p.podRef.name), ['db', 'web']);
    const web = pods[1];
    assert.deepEqual(web.podRef, { name: 'web', namespace: 'default', uid: 'uid-web' });
    assert.deepEqual(web.containers.map((c) => c.name), ['app', 'sidecar']);
    assert.equal(web.cpu.usageCoreNanoSeconds, 4e8);
    assert.equal(web.cpu.usageNanoCores, 4e8);
    assert.equal(web.memory.workingSetBytes, 1500);
    // db's container has no earlier sample: cumulative only.
    assert.equal(pods[0].cpu.usageNanoCores, undefined);
  });
});

describe('/proc parsing', () => {
  it('reads busy CPU time and boot time from /proc/stat', () => {
    const text = 'cpu  100 5 50 1000 20 1 2 3 0 0\ncpu0 1 1 1 1 1 1 1 1 0 0\nbtime 1700000000\n';
    const parsed = parseProcStat(text);
    assert.equal(parsed?.usageNs, (100 + 5 + 50 + 1 + 2 + 3) * 1e7);
    assert.equal(parsed?.bootTime.toISOString(), new Date(1700000000 * 1000).toISOString());
    assert.equal(parseProcStat('nothing'), undefined);
  });

  it('reads memory from /proc/meminfo', () => {
    const text = 'MemTotal:        2000 kB\nMemFree:          500 kB\nMemAvailable:    1500 kB\n';
    assert.deepEqual(parseMeminfo(text), { totalBytes: 2000 * 1024, availableBytes: 1500 * 1024, freeBytes: 500 * 1024 });
    assert.equal(parseMeminfo('MemTotal: 1 kB\n'), undefined);
  });
});
