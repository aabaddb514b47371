import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Container, Pod } from '../../../apiserver/api/types.ts';
import {
  containerResources, milliCpuToQuota, milliCpuToShares, oomScoreAdjust, sandboxResources,
} from '../../../kubelet/runtime/resources.ts';

const GiB = 1024 ** 3;
const nodeMemory = 16 * GiB;

function ctr(name: string, requests?: Record<string, string>, limits?: Record<string, string>): Container {
  return { name, image: 'busybox', resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) } };
}

function pod(containers: Container[], extra: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  return { metadata: { name: 'p', namespace: 'default', uid: 'u' }, spec: { containers, ...extra } };
}

describe('CPU limit to CFS quota (MilliCPUToQuota)', () => {
  const cases: [string, number][] = [
    ['1', 100_000], ['2', 200_000], ['500m', 50_000], ['0.5', 50_000], ['250m', 25_000], ['100m', 10_000],
    ['10m', 1_000], ['1m', 1_000], ['5m', 1_000], ['11m', 1_100], ['1500m', 150_000], ['3.7', 370_000],
    ['0.0001', 1_000], ['64', 6_400_000], ['1e0', 100_000], ['2e-1', 20_000], ['1k', 100_000_000],
  ];
  for (const [limit, quota] of cases) {
    test(`limits.cpu ${limit} -> cpu.cfs_quota_us ${quota}, period 100000`, () => {
      const r = containerResources(pod([ctr('a', undefined, { cpu: limit })]), ctr('a', undefined, { cpu: limit }), nodeMemory);
      assert.equal(r.cpuQuota, quota);
      assert.equal(r.cpuPeriod, 100_000);
    });
  }

  test('no limit: quota 0 (unlimited), period still 100000 as the kubelet sets it', () => {
    const c = ctr('a', { cpu: '100m' });
    const r = containerResources(pod([c]), c, nodeMemory);
    assert.equal(r.cpuQuota, 0);
    assert.equal(r.cpuPeriod, 100_000);
  });

  test('property: quota = max(1000, milli*100), 0 for 0', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 10_000_000 }), (m) => {
      assert.equal(milliCpuToQuota(m), m === 0 ? 0 : Math.max(1000, m * 100));
    }));
  });
});

describe('CPU request to shares (MilliCPUToShares)', () => {
  const cases: [string, number][] = [
    ['1', 1024], ['2', 2048], ['500m', 512], ['250m', 256], ['100m', 102], ['10m', 10], ['1m', 2], ['2m', 2],
    ['3m', 3], ['0.1', 102], ['1001m', 1025], ['256', 262_144], ['300', 262_144], ['0', 2],
  ];
  for (const [request, shares] of cases) {
    test(`requests.cpu ${request} -> cpu.shares ${shares}`, () => {
      const c = ctr('a', { cpu: request });
      assert.equal(containerResources(pod([c]), c, nodeMemory).cpuShares, shares);
    });
  }

  test('no request and no limit: minimum shares (2), not Docker\'s default 1024', () => {
    const c = ctr('a');
    assert.equal(containerResources(pod([c]), c, nodeMemory).cpuShares, 2);
  });

  test('no request but a limit: shares come from the limit', () => {
    const c = ctr('a', undefined, { cpu: '750m' });
    assert.equal(containerResources(pod([c]), c, nodeMemory).cpuShares, 768);
  });

  test('a request wins over the limit', () => {
    const c = ctr('a', { cpu: '250m' }, { cpu: '1' });
    const r = containerResources(pod([c]), c, nodeMemory);
    assert.equal(r.cpuShares, 256);
    assert.equal(r.cpuQuota, 100_000);
  });

  test('property: shares within kernel bounds and monotonic', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 1_000_000 }), (a, b) => {
      const sa = milliCpuToShares(a);
      assert.ok(sa >= 2 && sa <= 262_144);
      if (a <= b) assert.ok(sa <= milliCpuToShares(b));
    }));
  });
});

describe('memory limit', () => {
  const cases: [string, number | undefined][] = [
    ['128Mi', 128 * 1024 * 1024], ['1Gi', GiB], ['1G', 1e9], ['100M', 1e8], ['64Ki', 65536], ['1.5Gi', 1.5 * GiB],
    ['500000000', 500_000_000], ['1e9', 1e9], ['0.5Ki', 512], ['1500m', 2], ['0', undefined],
  ];
  for (const [limit, bytes] of cases) {
    test(`limits.memory ${limit} -> ${bytes ?? 'no limit'}`, () => {
      const c = ctr('a', undefined, { memory: limit });
      assert.equal(containerResources(pod([c]), c, nodeMemory).memoryLimitBytes, bytes);
    });
  }

  test('no memory limit leaves memory unlimited', () => {
    const c = ctr('a', { memory: '64Mi' });
    assert.equal(containerResources(pod([c]), c, nodeMemory).memoryLimitBytes, undefined);
  });
});

describe('OOM score adjustment by QoS class', () => {
  test('Guaranteed: -997', () => {
    const c = ctr('a', { cpu: '1', memory: '1Gi' }, { cpu: '1', memory: '1Gi' });
    assert.equal(oomScoreAdjust(pod([c]), c, nodeMemory), -997);
    assert.equal(containerResources(pod([c]), c, nodeMemory).oomScoreAdj, -997);
  });

  test('BestEffort: 1000', () => {
    const c = ctr('a');
    assert.equal(oomScoreAdjust(pod([c]), c, nodeMemory), 1000);
  });

  test('status.qosClass, when recorded, is what counts', () => {
    const c = ctr('a');
    const p = { ...pod([c]), status: { qosClass: 'Guaranteed' } };
    assert.equal(oomScoreAdjust(p, c, nodeMemory), -997);
  });

  test('a node-critical pod is protected like Guaranteed whatever its resources', () => {
    const c = ctr('a');
    assert.equal(oomScoreAdjust(pod([c], { priorityClassName: 'system-node-critical' }), c, nodeMemory), -997);
  });

  const burstable: [string, number][] = [
    // 1000 - 1000*request/capacity, Go integer division
    ['1Gi', 1000 - Math.trunc(1000 / 16)], // 938
    ['4Gi', 750],
    ['8Gi', 500],
    ['100Mi', 1000 - Math.trunc((1000 * 100 * 1024 * 1024) / nodeMemory)],
    ['15.9Gi', 7],
    ['16Gi', 3], // floor: stays above Guaranteed
    ['32Gi', 3],
    ['1Ki', 999], // would be 1000: kept below BestEffort
  ];
  for (const [request, score] of burstable) {
    test(`Burstable with a ${request} memory request on a 16Gi node: ${score}`, () => {
      const c = ctr('a', { memory: request });
      assert.equal(oomScoreAdjust(pod([c]), c, nodeMemory), score);
    });
  }

  test('Burstable without a memory request (cpu only): 999', () => {
    const c = ctr('a', { cpu: '100m' });
    assert.equal(oomScoreAdjust(pod([c]), c, nodeMemory), 999);
  });

  test('each container of a Burstable pod scores on its own request', () => {
    const big = ctr('big', { memory: '8Gi' });
    const none = ctr('none');
    const p = pod([big, none]);
    assert.equal(oomScoreAdjust(p, big, nodeMemory), 500);
    assert.equal(oomScoreAdjust(p, none, nodeMemory), 999);
  });

  test('a sidecar scores no higher than the regular container with the smallest request', () => {
    const app = ctr('app', { memory: '4Gi' });
    const sidecar: Container = { ...ctr('proxy', { memory: '1Gi' }), restartPolicy: 'Always' };
    const p = pod([app], { initContainers: [sidecar] });
    assert.equal(oomScoreAdjust(p, sidecar, nodeMemory), 750);
    // A plain init container keeps its own score.
    const init = ctr('init', { memory: '1Gi' });
    const p2 = pod([app], { initContainers: [init] });
    assert.equal(oomScoreAdjust(p2, init, nodeMemory), 938);
  });

  test('property: Burstable scores stay strictly between Guaranteed and BestEffort', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 64 * 1024 }), fc.integer({ min: 1, max: 1024 }), (reqMi, capGi) => {
      const c = ctr('a', { memory: `${reqMi}Mi` });
      const score = oomScoreAdjust(pod([c]), c, capGi * GiB);
      assert.ok(score >= 3 && score <= 999, String(score));
    }));
  });
});

describe('sandbox', () => {
  test('the pause container gets minimum shares and -998', () => {
    assert.deepEqual(sandboxResources(), { cpuShares: 2, oomScoreAdj: -998 });
  });
});

test('a full container: requests and limits together', () => {
  const c = ctr('web', { cpu: '250m', memory: '64Mi' }, { cpu: '500m', memory: '128Mi' });
  assert.deepEqual(containerResources(pod([c]), c, nodeMemory), {
    cpuShares: 256, cpuQuota: 50_000, cpuPeriod: 100_000, memoryLimitBytes: 134_217_728,
    oomScoreAdj: 1000 - Math.trunc((1000 * 64 * 1024 * 1024) / nodeMemory),
  });
});
