// The HPA's replica calculation, with the scenarios of kube's replica_calculator_test.go ported as they are: the same
// pods (two containers each, "test-pod-N"), the same metric levels per container, the same expected replicas,
// utilization and raw value. kube's testing settings: tolerance 0.1, cpu initialization 2 minutes, initial
// readiness delay 10 seconds.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod } from '../../../apiserver/api/types.ts';
import {
  fetchMetricSamples, zeroTimeMs, type MetricsSource, type PodMetrics, type PodMetricsInfo,
} from '../../../controllers/horizontal-pod-autoscaler-metrics.ts';
import {
  calculatePodRequests, groupPods, perPodTotalReplicas, plainMetricReplicas, resourceReplicas, usageRatioReplicaCount,
  type ReplicaCalcSettings,
} from '../../../controllers/horizontal-pod-autoscaler-replicas.ts';

const settings: ReplicaCalcSettings = { tolerance: 0.1, cpuInitializationPeriodMs: 2 * 60_000, delayOfInitialReadinessStatusMs: 10_000 };
const now = Date.parse('2025-03-01T12:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const zeroTime = '0001-01-01T00:00:00Z';
/** kube's hotCPUCreationTime (still in the cpu initialization period) and coolCPUCreationTime. */
const hot = now;
const cool = now - 10 * 60_000;
const numContainersPerPod = 2;

interface ResourceInfo {
  name: string;
  requests: string[];
  levels: number[][];
  podNames?: string[];
  targetUtilization: number;
  expectedUtilization?: number;
  expectedValue?: number;
}

interface Case {
  currentReplicas: number;
  expectedReplicas?: number;
  expectedError?: string;
  podReadiness?: ('True' | 'False')[];
  podStartTime?: number[];
  podPhase?: string[];
  podDeletionTimestamp?: boolean[];
  resource?: ResourceInfo;
  container?: string;
}

/** kube's makePodMetricLevels: the same level for each container of each pod. */
function levels(...perPod: number[]): number[][] {
  return perPod.map((l) => Array.from({ length: numContainersPerPod }, () => l));
}

/** The pods of kube's prepareTestClientSet. */
function podsOf(tc: Case): Pod[] {
  const count = Math.max(tc.currentReplicas, tc.podPhase?.length ?? 0);
  return Array.from({ length: count }, (_, i) => {
    const request = tc.resource && i < tc.resource.requests.length ? { requests: { [tc.resource.name]: tc.resource.requests[i] } } : {};
    return {
      metadata: {
        name: `test-pod-${i}`, namespace: 'test-namespace', labels: { name: 'test-pod' },
        ...(tc.podDeletionTimestamp?.[i] ? { deletionTimestamp: iso(now) } : {}),
      },
      spec: { containers: [{ name: 'container1', image: 'x', resources: request }, { name: 'container2', image: 'x', resources: request }] },
      status: {
        phase: tc.podPhase?.[i] ?? 'Running',
        startTime: tc.podStartTime ? iso(tc.podStartTime[i]) : zeroTime,
        conditions: [{ type: 'Ready', status: tc.podReadiness?.[i] ?? 'True' }],
      },
    } as Pod;
  });
}

/** The metrics of kube's prepareTestMetricsClient: PodMetrics with a zero timestamp and a 1 minute window. */
function podMetricsOf(r: ResourceInfo): PodMetrics[] {
  return r.levels.map((perContainer, i) => ({
    metadata: { name: r.podNames?.[i] ?? `test-pod-${i}`, namespace: 'test-namespace', labels: { name: 'test-pod' } },
    timestamp: zeroTime,
    window: '1m0s',
    containers: Array.from({ length: numContainersPerPod }, (_, j) =>
      (j < perContainer.length ? { name: `container${j + 1}`, usage: { [r.name]: `${perContainer[j]}m` } } : { name: '', usage: {} })),
  }));
}

function source(items: PodMetrics[]): MetricsSource {
  return {
    podMetrics: async () => items,
    podsCustomMetric: async () => [],
    objectCustomMetric: async () => { throw new Error('unused'); },
    externalMetric: async () => [],
  };
}

/** kube's GetResourceReplicas: fetch (as the controller does), then calculate. */
async function runResource(tc: Case): Promise<void> {
  const r = tc.resource!;
  const [sample] = await fetchMetricSamples(source(podMetricsOf(r)), [{
    type: tc.container ? 'ContainerResource' : 'Resource',
    ...(tc.container
      ? { containerResource: { name: r.name, container: tc.container, target: { type: 'Utilization', averageUtilization: r.targetUtilization } } }
      : { resource: { name: r.name, target: { type: 'Utilization', averageUtilization: r.targetUtilization } } }),
  }], 'test-namespace', 'name=test-pod', () => '');
  if (sample?.type === 'error') {
    assert.ok(tc.expectedError, `unexpected fetch error ${sample.error}`);
    assert.match(`unable to get metrics for resource ${r.name}: ${sample.error}`, new RegExp(escape(tc.expectedError)));
    return;
  }
  assert.equal(sample?.type, 'pods');
  const out = resourceReplicas({
    currentReplicas: tc.currentReplicas, pods: podsOf(tc), metrics: (sample as { metrics: PodMetricsInfo }).metrics, nowMs: now,
    targetUtilization: r.targetUtilization, resource: r.name, container: tc.container ?? '',
  }, settings);
  if (tc.expectedError) {
    assert.equal(out.ok, false, 'there should be an error calculating the replica count');
    assert.match((out as { error: string }).error, new RegExp(escape(tc.expectedError)));
    return;
  }
  assert.ok(out.ok, !out.ok ? out.error : '');
  assert.equal(out.replicas, tc.expectedReplicas, 'replicas');
  assert.equal(out.utilization, r.expectedUtilization, 'utilization');
  assert.equal(out.rawUtilization, r.expectedValue, 'raw value');
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const ones = (n: number): string[] => Array.from({ length: n }, () => '1.0');

describe('HPA replica calculation: resource utilization (kube replica_calculator_test)', () => {
  const cases: [string, Case][] = [
    ['DisjointResourcesMetrics', { currentReplicas: 1, expectedError: 'no metrics returned matched known pods',
      resource: { name: 'cpu', requests: ['1.0'], levels: levels(100), podNames: ['an-older-pod-name'], targetUtilization: 100 } }],
    ['ScaleUp', { currentReplicas: 3, expectedReplicas: 5,
      resource: { name: 'cpu', requests: ones(3), levels: levels(300, 500, 700), targetUtilization: 30, expectedUtilization: 50, expectedValue: numContainersPerPod * 500 } }],
    ['ContainerScaleUp', { currentReplicas: 3, expectedReplicas: 5, container: 'container2',
      resource: { name: 'cpu', requests: ones(3), levels: [[1000, 300], [1000, 500], [1000, 700]], targetUtilization: 30, expectedUtilization: 50, expectedValue: 500 } }],
    ['ScaleUpUnreadyLessScale', { currentReplicas: 3, expectedReplicas: 4, podReadiness: ['False', 'True', 'True'],
      resource: { name: 'cpu', requests: ones(3), levels: levels(300, 500, 700), targetUtilization: 30, expectedUtilization: 60, expectedValue: numContainersPerPod * 600 } }],
    ['ScaleUpContainerHotCpuLessScale', { currentReplicas: 3, expectedReplicas: 4, podStartTime: [hot, cool, cool], container: 'container2',
      resource: { name: 'cpu', requests: ones(3), levels: [[0, 300], [0, 500], [0, 700]], targetUtilization: 30, expectedUtilization: 60, expectedValue: 600 } }],
    ['ScaleUpHotCpuLessScale', { currentReplicas: 3, expectedReplicas: 4, podStartTime: [hot, cool, cool],
      resource: { name: 'cpu', requests: ones(3), levels: levels(300, 500, 700), targetUtilization: 30, expectedUtilization: 60, expectedValue: numContainersPerPod * 600 } }],
    ['ScaleUpUnreadyNoScale', { currentReplicas: 3, expectedReplicas: 3, podReadiness: ['True', 'False', 'False'],
      resource: { name: 'cpu', requests: ones(3), levels: levels(400, 500, 700), targetUtilization: 30, expectedUtilization: 40, expectedValue: numContainersPerPod * 400 } }],
    ['ScaleHotCpuNoScale', { currentReplicas: 3, expectedReplicas: 3, podReadiness: ['True', 'False', 'False'], podStartTime: [cool, hot, hot],
      resource: { name: 'cpu', requests: ones(3), levels: levels(400, 500, 700), targetUtilization: 30, expectedUtilization: 40, expectedValue: numContainersPerPod * 400 } }],
    ['ScaleUpIgnoresFailedPods', { currentReplicas: 2, expectedReplicas: 4, podReadiness: ['True', 'True', 'False', 'False'],
      podPhase: ['Running', 'Running', 'Failed', 'Failed'],
      resource: { name: 'cpu', requests: ones(4), levels: levels(500, 700), targetUtilization: 30, expectedUtilization: 60, expectedValue: numContainersPerPod * 600 } }],
    ['ScaleUpContainerIgnoresFailedPods', { currentReplicas: 2, expectedReplicas: 4, podReadiness: ['True', 'True', 'False', 'False'],
      podPhase: ['Running', 'Running', 'Failed', 'Failed'], container: 'container2',
      resource: { name: 'cpu', requests: ones(4), levels: [[1000, 500], [9000, 700]], targetUtilization: 30, expectedUtilization: 60, expectedValue: 600 } }],
    ['ScaleUpIgnoresDeletionPods', { currentReplicas: 2, expectedReplicas: 4, podReadiness: ['True', 'True', 'False', 'False'],
      podPhase: ['Running', 'Running', 'Running', 'Running'], podDeletionTimestamp: [false, false, true, true],
      resource: { name: 'cpu', requests: ones(4), levels: levels(500, 700), targetUtilization: 30, expectedUtilization: 60, expectedValue: numContainersPerPod * 600 } }],
    ['ScaleDown', { currentReplicas: 5, expectedReplicas: 3,
      resource: { name: 'cpu', requests: ones(5), levels: levels(100, 300, 500, 250, 250), targetUtilization: 50, expectedUtilization: 28, expectedValue: numContainersPerPod * 280 } }],
    ['ContainerScaleDown', { currentReplicas: 5, expectedReplicas: 3, container: 'container2',
      resource: { name: 'cpu', requests: ones(5), levels: [[1000, 100], [1000, 300], [1000, 500], [1000, 250], [1000, 250]], targetUtilization: 50, expectedUtilization: 28, expectedValue: 280 } }],
    ['ScaleDownExcludeUnreadyPods', { currentReplicas: 5, expectedReplicas: 2, podReadiness: ['True', 'True', 'True', 'False', 'False'],
      resource: { name: 'cpu', requests: ones(5), levels: levels(100, 300, 500, 250, 250), targetUtilization: 50, expectedUtilization: 30, expectedValue: numContainersPerPod * 300 } }],
    ['ScaleDownExcludeUnscheduledPods', { currentReplicas: 5, expectedReplicas: 1, podReadiness: ['True', 'False', 'False', 'False', 'False'],
      podPhase: ['Running', 'Pending', 'Pending', 'Pending', 'Pending'],
      resource: { name: 'cpu', requests: ones(5), levels: levels(100), targetUtilization: 50, expectedUtilization: 10, expectedValue: numContainersPerPod * 100 } }],
    ['ScaleDownIgnoreHotCpuPods', { currentReplicas: 5, expectedReplicas: 2, podStartTime: [cool, cool, cool, hot, hot],
      resource: { name: 'cpu', requests: ones(5), levels: levels(100, 300, 500, 250, 250), targetUtilization: 50, expectedUtilization: 30, expectedValue: numContainersPerPod * 300 } }],
    ['ScaleDownContainerIgnoreHotCpuPods', { currentReplicas: 5, expectedReplicas: 2, podStartTime: [cool, cool, cool, hot, hot], container: 'container2',
      resource: { name: 'cpu', requests: ones(5), levels: [[1000, 100], [1000, 300], [1000, 500], [1000, 1000], [1000, 1000]], targetUtilization: 50, expectedUtilization: 30, expectedValue: 300 } }],
    ['ScaleDownIgnoresFailedPods', { currentReplicas: 5, expectedReplicas: 3, podReadiness: ['True', 'True', 'True', 'True', 'True', 'False', 'False'],
      podPhase: ['Running', 'Running', 'Running', 'Running', 'Running', 'Failed', 'Failed'],
      resource: { name: 'cpu', requests: ones(7), levels: levels(100, 300, 500, 250, 250), targetUtilization: 50, expectedUtilization: 28, expectedValue: numContainersPerPod * 280 } }],
    ['ScaleDownIgnoresDeletionPods', { currentReplicas: 5, expectedReplicas: 3, podReadiness: ['True', 'True', 'True', 'True', 'True', 'False', 'False'],
      podPhase: Array.from({ length: 7 }, () => 'Running'), podDeletionTimestamp: [false, false, false, false, false, true, true],
      resource: { name: 'cpu', requests: ones(7), levels: levels(100, 300, 500, 250, 250), targetUtilization: 50, expectedUtilization: 28, expectedValue: numContainersPerPod * 280 } }],
    ['Tolerance', { currentReplicas: 3, expectedReplicas: 3,
      resource: { name: 'cpu', requests: ['0.9', '1.0', '1.1'], levels: levels(1010, 1030, 1020), targetUtilization: 100, expectedUtilization: 102, expectedValue: numContainersPerPod * 1020 } }],
    ['SuperfluousMetrics', { currentReplicas: 4, expectedReplicas: 24,
      resource: { name: 'cpu', requests: ones(4), levels: levels(4000, 9500, 3000, 7000, 3200, 2000), targetUtilization: 100, expectedUtilization: 587, expectedValue: numContainersPerPod * 5875 } }],
    ['MissingMetrics', { currentReplicas: 4, expectedReplicas: 3,
      resource: { name: 'cpu', requests: ones(4), levels: levels(400, 95), targetUtilization: 100, expectedUtilization: 24, expectedValue: 495 } }],
    ['EmptyMetrics', { currentReplicas: 4, expectedError: 'unable to get metrics for resource cpu: no metrics returned from resource metrics API',
      resource: { name: 'cpu', requests: ones(3), levels: [], targetUtilization: 100 } }],
    ['EmptyCPURequest', { currentReplicas: 1, expectedError: 'missing request for',
      resource: { name: 'cpu', requests: [], levels: levels(200), targetUtilization: 100 } }],
    ['MissingMetricsNoChangeEq', { currentReplicas: 2, expectedReplicas: 2,
      resource: { name: 'cpu', requests: ones(2), levels: levels(1000), targetUtilization: 100, expectedUtilization: 100, expectedValue: numContainersPerPod * 1000 } }],
    ['MissingMetricsNoChangeGt', { currentReplicas: 2, expectedReplicas: 2,
      resource: { name: 'cpu', requests: ones(2), levels: levels(1900), targetUtilization: 100, expectedUtilization: 190, expectedValue: numContainersPerPod * 1900 } }],
    ['MissingMetricsNoChangeLt', { currentReplicas: 2, expectedReplicas: 2,
      resource: { name: 'cpu', requests: ones(2), levels: levels(600), targetUtilization: 100, expectedUtilization: 60, expectedValue: numContainersPerPod * 600 } }],
    ['MissingMetricsUnreadyChange', { currentReplicas: 3, expectedReplicas: 3, podReadiness: ['False', 'True', 'True'],
      resource: { name: 'cpu', requests: ones(3), levels: levels(100, 450), targetUtilization: 50, expectedUtilization: 45, expectedValue: numContainersPerPod * 450 } }],
    ['MissingMetricsHotCpuNoChange', { currentReplicas: 3, expectedReplicas: 3, podStartTime: [hot, cool, cool],
      resource: { name: 'cpu', requests: ones(3), levels: levels(100, 450), targetUtilization: 50, expectedUtilization: 45, expectedValue: numContainersPerPod * 450 } }],
    ['MissingMetricsUnreadyScaleUp', { currentReplicas: 3, expectedReplicas: 4, podReadiness: ['False', 'True', 'True'],
      resource: { name: 'cpu', requests: ones(3), levels: levels(100, 2000), targetUtilization: 50, expectedUtilization: 200, expectedValue: numContainersPerPod * 2000 } }],
    ['MissingMetricsHotCpuScaleUp', { currentReplicas: 3, expectedReplicas: 4, podReadiness: ['False', 'True', 'True'], podStartTime: [hot, cool, cool],
      resource: { name: 'cpu', requests: ones(3), levels: levels(100, 2000), targetUtilization: 50, expectedUtilization: 200, expectedValue: numContainersPerPod * 2000 } }],
    ['MissingMetricsUnreadyScaleDown', { currentReplicas: 4, expectedReplicas: 3, podReadiness: ['False', 'True', 'True', 'True'],
      resource: { name: 'cpu', requests: ones(4), levels: levels(100, 100, 100), targetUtilization: 50, expectedUtilization: 10, expectedValue: numContainersPerPod * 100 } }],
    ['MissingMetricsScaleDownTargetOver100', { currentReplicas: 4, expectedReplicas: 2, podReadiness: ['False', 'True', 'True', 'True'],
      resource: { name: 'cpu', requests: ['1.0', '1.0', '2.0', '2.0'], levels: levels(200, 100, 100), targetUtilization: 300, expectedUtilization: 6, expectedValue: numContainersPerPod * 100 } }],
    ['DuringRollingUpdateWithMaxSurge', { currentReplicas: 2, expectedReplicas: 2, podPhase: ['Running', 'Running', 'Running'],
      resource: { name: 'cpu', requests: ones(3), levels: levels(100, 100), targetUtilization: 50, expectedUtilization: 10, expectedValue: numContainersPerPod * 100 } }],
  ];
  for (const [name, tc] of cases) it(name, () => runResource(tc));

  it('ComputedToleranceAlgImplementation: the smallest change past the tolerance scales, one just inside does not', async () => {
    const startPods = 10;
    const totalUsed = startPods * 150;
    const totalRequested = 2 * totalUsed;
    const requestedToUsed = Math.trunc(totalRequested / totalUsed);
    const perPodRequested = totalRequested / startPods;
    let target = Math.abs(1 / (requestedToUsed * (1 - settings.tolerance))) + 0.01;
    const finalTarget = Math.trunc(target * 100);
    const usedRatio = totalUsed / (totalRequested * target);
    const finalPods = Math.ceil(usedRatio * startPods);
    const requests = [100, -100, 10, -10, 2, -2, 1, -1, 0, 0].map((d) => `${perPodRequested + d}m`);
    const tc: Case = {
      currentReplicas: startPods, expectedReplicas: finalPods,
      resource: {
        name: 'cpu', levels: levels(...Array.from({ length: 10 }, () => totalUsed / 10)), requests,
        targetUtilization: finalTarget, expectedUtilization: Math.trunc((totalUsed * 100) / totalRequested), expectedValue: numContainersPerPod * totalUsed / 10,
      },
    };
    await runResource(tc);
    target = Math.abs(1 / (requestedToUsed * (1 - settings.tolerance))) + 0.004;
    await runResource({ ...tc, expectedReplicas: startPods, resource: { ...tc.resource!, targetUtilization: Math.trunc(target * 100) } });
  });

  it('the seed example: request 0.4, usage 0.2 is 50%', async () => {
    await runResource({ currentReplicas: 1, expectedReplicas: 1,
      resource: { name: 'cpu', requests: ['200m'], levels: levels(100), targetUtilization: 50, expectedUtilization: 50, expectedValue: 200 } });
  });
});

/** Pods metrics as the custom metrics API gives them: one value per pod. */
function customMetrics(values: number[]): PodMetricsInfo {
  return new Map(values.map((v, i) => [`test-pod-${i}`, { value: v, timestampMs: zeroTimeMs, windowMs: 60_000 }]));
}

describe('HPA replica calculation: plain metrics (Pods metrics and resource AverageValue)', () => {
  const cases: [string, Case & { levels: number[]; targetUsage: number; expectedUsage: number; resource?: undefined }][] = [
    ['ScaleUpCM', { currentReplicas: 3, expectedReplicas: 4, levels: [20000, 10000, 30000], targetUsage: 15000, expectedUsage: 20000 }],
    // Readiness and start time only matter for cpu.
    ['ScaleUpCMUnreadyHotCpuNoLessScale', { currentReplicas: 3, expectedReplicas: 6, podReadiness: ['True', 'True', 'False'],
      podStartTime: [cool, cool, hot], levels: [50000, 10000, 30000], targetUsage: 15000, expectedUsage: 30000 }],
    ['ScaleUpCMUnreadyHotCpuScaleWouldScaleDown', { currentReplicas: 3, expectedReplicas: 7, podReadiness: ['False', 'True', 'False'],
      podStartTime: [hot, cool, hot], levels: [50000, 15000, 30000], targetUsage: 15000, expectedUsage: 31666 }],
    ['ScaleUpCMExternalNoLabels', { currentReplicas: 1, expectedReplicas: 2, levels: [8600], targetUsage: 4400, expectedUsage: 8600 }],
    ['ScaleDownCM', { currentReplicas: 5, expectedReplicas: 3, levels: [12000, 12000, 12000, 12000, 12000], targetUsage: 20000, expectedUsage: 12000 }],
    ['ToleranceCM', { currentReplicas: 3, expectedReplicas: 3, levels: [20000, 21000, 21000], targetUsage: 20000, expectedUsage: 20666 }],
    ['PlainMetricReplicaCalcMissingMetricsNoChangeEq', { currentReplicas: 5, expectedReplicas: 5, levels: [20000, 19000, 21000], targetUsage: 20000, expectedUsage: 20000 }],
    ['DuringRollingUpdateWithMaxSurgeCM', { currentReplicas: 2, expectedReplicas: 2, podPhase: ['Running', 'Running', 'Running'],
      levels: [10000, 10000], targetUsage: 17000, expectedUsage: 10000 }],
  ];
  for (const [name, tc] of cases) {
    it(name, () => {
      const out = plainMetricReplicas({ currentReplicas: tc.currentReplicas, pods: podsOf(tc), metrics: customMetrics(tc.levels), nowMs: now,
        targetUsage: tc.targetUsage, resource: '' }, settings);
      assert.ok(out.ok, !out.ok ? out.error : '');
      assert.equal(out.replicas, tc.expectedReplicas);
      assert.equal(out.usage, tc.expectedUsage);
    });
  }

  it('a missing pod counts as exactly at the target on a scale-down', () => {
    // 3 pods, 2 with metrics averaging 5000 against 10000: the third is taken as 10000.
    const out = plainMetricReplicas({ currentReplicas: 3, pods: podsOf({ currentReplicas: 3 }), metrics: customMetrics([5000, 5000]), nowMs: now,
      targetUsage: 10000, resource: '' }, settings);
    assert.ok(out.ok);
    // new ratio (5000+5000+10000)/3/10000 = 0.666 -> ceil(0.666*3) = 2
    assert.equal(out.replicas, 2);
    assert.equal(out.usage, 5000);
  });

  it('fails without pods, or without metrics for any counted pod', () => {
    const none = plainMetricReplicas({ currentReplicas: 1, pods: [], metrics: customMetrics([1]), nowMs: now, targetUsage: 1, resource: '' }, settings);
    assert.deepEqual(none, { ok: false, error: 'no pods returned by selector while calculating replica count' });
    const tc: Case = { currentReplicas: 2, podPhase: ['Pending', 'Pending'] };
    const unready = plainMetricReplicas({ currentReplicas: 2, pods: podsOf(tc), metrics: customMetrics([1, 1]), nowMs: now, targetUsage: 1, resource: '' }, settings);
    assert.deepEqual(unready, { ok: false, error: 'did not receive metrics for targeted pods (pods might be unready)' });
  });
});

describe('HPA replica calculation: object and external metrics', () => {
  const ready = (n: number, readiness?: ('True' | 'False')[]): Pod[] => podsOf({ currentReplicas: n, podReadiness: readiness });
  it('ScaleUpCMObject / ScaleDownCMObject / ToleranceCMObject: the value against the target, times the ready pods', () => {
    assert.deepEqual(usageRatioReplicaCount(3, 20000 / 15000, ready(3), settings), { ok: true, replicas: 4 });
    assert.deepEqual(usageRatioReplicaCount(5, 12000 / 20000, ready(5), settings), { ok: true, replicas: 3 });
    assert.deepEqual(usageRatioReplicaCount(3, 20666 / 20000, ready(3), settings), { ok: true, replicas: 3 });
  });
  it('ScaleUpCMObjectIgnoresUnreadyPods: 15 replicas if unready pods counted, 5 as kube does', () => {
    assert.deepEqual(usageRatioReplicaCount(3, 50000 / 10000, ready(3, ['False', 'True', 'False']), settings), { ok: true, replicas: 5 });
  });
  it('ScaleUpCMExternalIgnoresUnreadyPods and ScaleDownCMExternal, ToleranceCMExternal', () => {
    assert.deepEqual(usageRatioReplicaCount(3, 8600 / 4400, ready(3, ['False', 'True', 'False']), settings), { ok: true, replicas: 2 });
    assert.deepEqual(usageRatioReplicaCount(5, 8600 / 14334, ready(5), settings), { ok: true, replicas: 3 });
    assert.deepEqual(usageRatioReplicaCount(3, 8600 / 8888, ready(3), settings), { ok: true, replicas: 3 });
  });
  it('from zero replicas the ratio alone decides; without pods there is no ready count', () => {
    assert.deepEqual(usageRatioReplicaCount(0, 2.3, [], settings), { ok: true, replicas: 3 });
    assert.deepEqual(usageRatioReplicaCount(2, 3, [], settings),
      { ok: false, error: 'unable to calculate ready pods: no pods returned by selector while calculating replica count' });
  });
  it('per-pod totals: ScaleUpCMPerPodObject, ScaleDownPerPodCMObject, TolerancePerPodCMObject, the external ones', () => {
    assert.deepEqual(perPodTotalReplicas(3, 20000, 5000, settings), { replicas: 4, usage: 6667 });
    assert.deepEqual(perPodTotalReplicas(5, 6000, 2000, settings), { replicas: 3, usage: 1200 });
    assert.deepEqual(perPodTotalReplicas(4, 20166, 5000, settings), { replicas: 4, usage: 5042 });
    assert.deepEqual(perPodTotalReplicas(3, 8600, 2150, settings), { replicas: 4, usage: 2867 });
    assert.deepEqual(perPodTotalReplicas(5, 8600, 2867, settings), { replicas: 3, usage: 1720 });
    assert.deepEqual(perPodTotalReplicas(3, 8600, 2900, settings), { replicas: 3, usage: 2867 });
  });
});

describe('HPA groupPods (kube TestGroupPods)', () => {
  const pod = (name: string, status: Pod['status'], deleted = false): Pod =>
    ({ metadata: { name, ...(deleted ? { deletionTimestamp: iso(1000) } : {}) }, spec: { containers: [] }, status }) as Pod;
  const m = (value: number, timestampMs = zeroTimeMs, windowMs = 0): PodMetricsInfo extends Map<string, infer V> ? V : never =>
    ({ value, timestampMs, windowMs });
  const ready = (status: string, atMs: number) => [{ type: 'Ready', status, lastTransitionTime: iso(atMs) }];
  const cases: [string, Pod[], PodMetricsInfo, string, [number, string[], string[], string[]]][] = [
    ['void', [], new Map(), 'cpu', [0, [], [], []]],
    ['count in a ready pod - memory', [pod('bentham', { phase: 'Succeeded' })], new Map([['bentham', m(1, now, 60_000)]]), 'memory', [1, [], [], []]],
    ['unready a pod without ready condition - CPU', [pod('lucretius', { phase: 'Succeeded', startTime: iso(now) })], new Map([['lucretius', m(1)]]), 'cpu', [0, ['lucretius'], [], []]],
    ['count in a ready pod with fresh metrics during initialization period - CPU',
      [pod('bentham', { phase: 'Succeeded', startTime: iso(now - 60_000), conditions: ready('True', now - 30_000) })],
      new Map([['bentham', m(1, now, 30_000)]]), 'cpu', [1, [], [], []]],
    ['unready a ready pod without fresh metrics during initialization period - CPU',
      [pod('bentham', { phase: 'Succeeded', startTime: iso(now - 60_000), conditions: ready('True', now - 30_000) })],
      new Map([['bentham', m(1, now, 60_000)]]), 'cpu', [0, ['bentham'], [], []]],
    ['unready an unready pod during initialization period - CPU',
      [pod('lucretius', { phase: 'Succeeded', startTime: iso(now - 10 * 60_000), conditions: ready('False', now - 9 * 60_000 - 54_000) })],
      new Map([['lucretius', m(1)]]), 'cpu', [0, ['lucretius'], [], []]],
    ['count in a ready pod without fresh metrics after initialization period - CPU',
      [pod('bentham', { phase: 'Succeeded', startTime: iso(now - 3 * 60_000), conditions: ready('True', now - 3 * 60_000) })],
      new Map([['bentham', m(1, now - 2 * 60_000, 60_000)]]), 'cpu', [1, [], [], []]],
    ['count in an unready pod that was ready after initialization period - CPU',
      [pod('lucretius', { phase: 'Succeeded', startTime: iso(now - 10 * 60_000), conditions: ready('False', now - 9 * 60_000) })],
      new Map([['lucretius', m(1)]]), 'cpu', [1, [], [], []]],
    ['unready pod that has never been ready after initialization period - CPU',
      [pod('lucretius', { phase: 'Succeeded', startTime: iso(now - 10 * 60_000), conditions: ready('False', now - 9 * 60_000 - 50_000) })],
      new Map([['lucretius', m(1)]]), 'cpu', [1, [], [], []]],
    ['a missing pod', [pod('epicurus', { phase: 'Succeeded', startTime: iso(now - 3 * 60_000) })], new Map(), 'cpu', [0, [], ['epicurus'], []]],
    ['several pods', [
      pod('lucretius', { phase: 'Succeeded', startTime: iso(now) }),
      pod('niccolo', { phase: 'Succeeded', startTime: iso(now - 3 * 60_000), conditions: ready('True', now - 3 * 60_000) }),
      pod('epicurus', { phase: 'Succeeded', startTime: iso(now - 3 * 60_000) }),
    ], new Map([['lucretius', m(1)], ['niccolo', m(1)]]), 'cpu', [1, ['lucretius'], ['epicurus'], []]],
    ['pending pods are unreadied', [pod('unscheduled', { phase: 'Pending' })], new Map(), 'cpu', [0, ['unscheduled'], [], []]],
    ['ignore pods with deletion timestamps', [pod('deleted', { phase: 'Pending' }, true)], new Map([['deleted', m(1)]]), 'cpu', [0, [], [], ['deleted']]],
    ['ignore pods in a failed state', [pod('failed', { phase: 'Failed' })], new Map([['failed', m(1)]]), 'cpu', [0, [], [], ['failed']]],
  ];
  for (const [name, pods, metrics, resource, [readyCount, unready, missing, ignored]] of cases) {
    it(name, () => {
      const g = groupPods(pods, metrics, resource, settings, now);
      assert.equal(g.readyPodCount, readyCount);
      assert.deepEqual([...g.unready].sort(), unready);
      assert.deepEqual([...g.missing].sort(), missing);
      assert.deepEqual([...g.ignored].sort(), ignored);
    });
  }
});

describe('HPA calculatePodRequests (kube TestCalculatePodRequests)', () => {
  const pod = (containers: object[], initContainers: object[] = []): Pod =>
    ({ metadata: { name: 'test-pod', namespace: 'test-namespace' }, spec: { containers, initContainers } }) as Pod;
  const c = (name: string, cpu?: string, extra: object = {}) => ({ name, image: 'x', resources: cpu ? { requests: { cpu } } : {}, ...extra });
  it('sums the containers, or takes the one named', () => {
    assert.deepEqual(calculatePodRequests([], '', 'cpu'), { ok: true, requests: new Map() });
    const p = pod([c('container1', '100m'), c('container2', '50m')]);
    assert.deepEqual(calculatePodRequests([p], '', 'cpu'), { ok: true, requests: new Map([['test-pod', 150]]) });
    assert.deepEqual(calculatePodRequests([p], 'container1', 'cpu'), { ok: true, requests: new Map([['test-pod', 100]]) });
  });
  it('a container without the request is an error', () => {
    assert.deepEqual(calculatePodRequests([pod([c('container1')])], '', 'cpu'),
      { ok: false, error: 'missing request for cpu in container container1 of Pod test-pod' });
  });
  it('restartable init containers (sidecars) count, ordinary init containers do not', () => {
    const p = pod([c('container1', '100m')], [c('init-container1', '20m'), c('restartable-container1', '50m', { restartPolicy: 'Always' })]);
    assert.deepEqual(calculatePodRequests([p], '', 'cpu'), { ok: true, requests: new Map([['test-pod', 150]]) });
  });
});
