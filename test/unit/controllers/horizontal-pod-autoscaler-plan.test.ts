// The HPA's decisions as a whole (kube's reconcileAutoscaler): the replica count written, the status and its
// conditions, and the events, for the cases horizontal_test.go covers: scaling up and down on cpu, staying within
// the tolerance, the bounds, a target scaled to zero, several metrics, metrics that cannot be read, selectors, a
// failed scale write.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetricSpec } from 'kubernetes-types/autoscaling/v2.d.ts';
import type { HorizontalPodAutoscaler, Pod } from '../../../apiserver/api/types.ts';
import { emptyHistory } from '../../../controllers/horizontal-pod-autoscaler-behavior.ts';
import type { MetricSample, PodMetricsInfo } from '../../../controllers/horizontal-pod-autoscaler-metrics.ts';
import {
  failedGetScale, finishRescale, goLabelSelector, hpasSelectingPods, planAutoscaler, type HpaSettings, type PlanInput,
} from '../../../controllers/horizontal-pod-autoscaler-plan.ts';
import { parseSelector } from '../../../apiserver/api/labels.ts';

const now = Date.parse('2025-03-01T12:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const settings: HpaSettings = { tolerance: 0.1, cpuInitializationPeriodMs: 5 * 60_000, delayOfInitialReadinessStatusMs: 30_000, downscaleStabilizationMs: 5 * 60_000 };
const cpu50: MetricSpec = { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } };

function hpa(spec: Partial<NonNullable<HorizontalPodAutoscaler['spec']>> = {}, status?: HorizontalPodAutoscaler['status']): HorizontalPodAutoscaler {
  return {
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'default', uid: 'u1' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 10, metrics: [cpu50], ...spec },
    ...(status ? { status } : {}),
  };
}

/** `n` running, ready pods of app=web started long ago, each requesting 400m cpu (the seed's example). */
function pods(n: number, request = '400m'): Pod[] {
  return Array.from({ length: n }, (_, i) => ({
    metadata: { name: `web-${i}`, namespace: 'default', labels: { app: 'web' } },
    spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: request, memory: '64Mi' } } }] },
    status: { phase: 'Running', startTime: iso(now - 3_600_000), conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: iso(now - 3_600_000) }] },
  }) as Pod);
}

/** Usage (milli) per pod, as the metrics source reports it. */
function usage(...milli: number[]): MetricSample {
  const metrics: PodMetricsInfo = new Map(milli.map((v, i) => [`web-${i}`, { value: v, timestampMs: now - 10_000, windowMs: 60_000 }]));
  return { type: 'pods', metrics };
}

function input(over: Partial<PlanInput> & { replicas?: number }): PlanInput {
  const replicas = over.replicas ?? 1;
  return {
    hpa: hpa(), key: 'default/web',
    scale: { specReplicas: replicas, statusReplicas: replicas, selector: 'app=web' },
    namespacePods: pods(replicas), hpaSelectors: new Map(), samples: [], history: emptyHistory(), nowMs: now, settings, ...over,
  };
}

const conditionsOf = (status: { conditions?: { type: string; status: string; reason?: string; message?: string }[] }) =>
  Object.fromEntries((status.conditions ?? []).map((c) => [c.type, [c.status, c.reason, c.message]]));

describe('HPA plan: cpu utilization', () => {
  it('scales 1 -> 4 at 200% of a 50% target, with kube\'s event, status and conditions', () => {
    const plan = planAutoscaler(input({ samples: [usage(800)] }));
    assert.deepEqual(plan.rescale, { from: 1, replicas: 4, reason: 'cpu resource utilization (percentage of request) above target' });
    const done = finishRescale(hpa(), plan, undefined, now);
    assert.deepEqual(done.events, [{ type: 'Normal', reason: 'SuccessfulRescale', message: 'New size: 4; reason: cpu resource utilization (percentage of request) above target' }]);
    assert.deepEqual(done.status, {
      currentReplicas: 1, desiredReplicas: 4, lastScaleTime: iso(now),
      currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 200, averageValue: '800m' } } }],
      conditions: [
        { type: 'AbleToScale', status: 'True', reason: 'SucceededRescale', message: 'the HPA controller was able to update the target scale to 4', lastTransitionTime: iso(now) },
        { type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound', message: 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)', lastTransitionTime: iso(now) },
        { type: 'ScalingLimited', status: 'False', reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range', lastTransitionTime: iso(now) },
      ],
    });
    assert.equal(done.error, undefined);
  });

  it('the seed example: request 0.4, usage 0.2 is 50%: within the tolerance nothing changes', () => {
    const plan = planAutoscaler(input({ replicas: 3, samples: [usage(200, 210, 190)] }));
    assert.equal(plan.rescale, undefined);
    assert.equal(plan.status.desiredReplicas, 3);
    assert.deepEqual(plan.status.currentMetrics, [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 50, averageValue: '200m' } } }]);
    assert.deepEqual(conditionsOf(plan.status).AbleToScale, ['True', 'ReadyForNewScale', 'recommended size matches current size']);
    assert.deepEqual(plan.events, []);
  });

  it('without behavior a scale-up is capped at max(2 × current, 4): ScalingLimited ScaleUpLimit', () => {
    const plan = planAutoscaler(input({ replicas: 3, samples: [usage(2000, 2000, 2000)] }));
    assert.deepEqual(plan.rescale, { from: 3, replicas: 6, reason: 'cpu resource utilization (percentage of request) above target' });
    assert.deepEqual(conditionsOf(plan.status).ScalingLimited, ['True', 'ScaleUpLimit', 'the desired replica count is increasing faster than the maximum scale rate']);
  });

  it('a scale-down waits for the stabilization window, then goes ("All metrics below target")', () => {
    const first = planAutoscaler(input({ replicas: 4, samples: [usage(100, 100, 100, 100)] }));
    assert.equal(first.rescale, undefined, 'the first sight recorded 4 as a recommendation');
    assert.deepEqual(conditionsOf(first.status).AbleToScale, ['True', 'ScaleDownStabilized', 'recent recommendations were higher than current one, applying the highest recent recommendation']);
    const later = planAutoscaler(input({ replicas: 4, samples: [usage(100, 100, 100, 100)], history: first.history, nowMs: now + 5 * 60_000 + 1000 }));
    assert.deepEqual(later.rescale, { from: 4, replicas: 2, reason: 'All metrics below target' });
  });

  it('memory as an AverageValue target', () => {
    const spec: MetricSpec = { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } };
    const mi = 1024 * 1024 * 1000;
    const plan = planAutoscaler(input({ hpa: hpa({ metrics: [spec] }), replicas: 2, samples: [usage(300 * mi, 300 * mi)] }));
    assert.deepEqual(plan.rescale, { from: 2, replicas: 4, reason: 'memory resource above target' });
    assert.deepEqual(plan.status.currentMetrics, [{ type: 'Resource', resource: { name: 'memory', current: { averageValue: '314572800' } } }]);
  });
});

describe('HPA plan: bounds and a target at zero', () => {
  it('a target scaled to zero disables scaling', () => {
    const plan = planAutoscaler(input({ replicas: 0, namespacePods: [] }));
    assert.equal(plan.rescale, undefined);
    assert.equal(plan.status.desiredReplicas, 0);
    assert.equal(plan.status.currentReplicas, undefined, 'omitted when zero, as Go does');
    assert.deepEqual(conditionsOf(plan.status).ScalingActive, ['False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero']);
  });
  it('above maxReplicas or below minReplicas it scales to the bound without looking at metrics', () => {
    const above = planAutoscaler(input({ replicas: 12 }));
    assert.deepEqual(above.rescale, { from: 12, replicas: 10, reason: 'Current number of replicas above Spec.MaxReplicas' });
    assert.equal(above.status.currentMetrics, undefined);
    const below = planAutoscaler(input({ hpa: hpa({ minReplicas: 3 }), replicas: 1 }));
    assert.deepEqual(below.rescale, { from: 1, replicas: 3, reason: 'Current number of replicas below Spec.MinReplicas' });
  });
  it('the metrics ask for less than minReplicas: TooFewReplicas', () => {
    const plan = planAutoscaler(input({ hpa: hpa({ minReplicas: 2 }), replicas: 2, samples: [usage(10, 10)], history: { ...emptyHistory(), recommendations: [{ replicas: 1, atMs: now - 3_600_000 }] } }));
    assert.equal(plan.rescale, undefined);
    assert.deepEqual(conditionsOf(plan.status).ScalingLimited, ['True', 'TooFewReplicas', 'the desired replica count is less than the minimum replica count']);
  });
});

describe('HPA plan: metrics that cannot be read', () => {
  const apiDown = 'unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)';

  it('no resource metrics: ScalingActive False FailedGetResourceMetric, FailedComputeMetricsReplicas, no scaling', () => {
    const old = { desiredReplicas: 3, currentReplicas: 3 };
    const plan = planAutoscaler(input({ hpa: hpa({}, old), replicas: 3, samples: [{ type: 'error', error: apiDown }] }));
    assert.equal(plan.rescale, undefined);
    const cause = `failed to get cpu utilization: unable to get metrics for resource cpu: ${apiDown}`;
    assert.deepEqual(plan.events, [
      { type: 'Warning', reason: 'FailedGetResourceMetric', message: cause },
      { type: 'Warning', reason: 'FailedComputeMetricsReplicas', message: `invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: ${cause}` },
    ]);
    assert.deepEqual(conditionsOf(plan.status).ScalingActive, ['False', 'FailedGetResourceMetric', `the HPA was unable to compute the replica count: ${cause}`]);
    assert.equal(plan.status.desiredReplicas, 3, 'the old desired count stays');
    assert.deepEqual(plan.status.currentMetrics, [{ type: '' }], 'an empty entry for the failed metric, as kube writes');
    assert.equal(plan.error, `failed to compute desired number of replicas based on listed metrics for Deployment/default/web: invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: ${cause}`);
  });

  it('a pod without a cpu request', () => {
    const plan = planAutoscaler(input({ namespacePods: pods(1).map((p) => ({ ...p, spec: { containers: [{ name: 'c', image: 'nginx' }] } })), samples: [usage(100)] }));
    assert.deepEqual(conditionsOf(plan.status).ScalingActive,
      ['False', 'FailedGetResourceMetric', 'the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container c of Pod web-0']);
  });

  it('Pods, Object and External metrics without a custom or external metrics API', () => {
    const notFound = 'the server could not find the requested resource';
    const specs: [MetricSpec, MetricSample, string, string][] = [
      [{ type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } },
        { type: 'error', error: `unable to fetch metrics from custom metrics API: ${notFound}` },
        'FailedGetPodsMetric', `unable to get metric qps: unable to fetch metrics from custom metrics API: ${notFound}`],
      [{ type: 'Object', object: { describedObject: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'main' }, metric: { name: 'rps' }, target: { type: 'Value', value: '100' } } },
        { type: 'error', error: `unable to fetch metrics from custom metrics API: ${notFound}` },
        'FailedGetObjectMetric', `unable to get metric rps: Ingress on default main/unable to fetch metrics from custom metrics API: ${notFound}`],
      [{ type: 'External', external: { metric: { name: 'queue', selector: { matchLabels: { q: 'jobs' } } }, target: { type: 'AverageValue', averageValue: '30' } } },
        { type: 'error', error: `unable to fetch metrics from external metrics API: ${notFound}` },
        'FailedGetExternalMetric', `unable to get external metric default/queue/&LabelSelector{MatchLabels:map[string]string{q: jobs,},MatchExpressions:[]LabelSelectorRequirement{},}: unable to fetch metrics from external metrics API: ${notFound}`],
    ];
    for (const [spec, sample, reason, cause] of specs) {
      const plan = planAutoscaler(input({ hpa: hpa({ metrics: [spec] }), replicas: 2, samples: [sample] }));
      assert.equal(plan.rescale, undefined, spec.type);
      assert.deepEqual(conditionsOf(plan.status).ScalingActive, ['False', reason, `the HPA was unable to compute the replica count: ${cause}`], spec.type);
      assert.deepEqual(plan.events[0], { type: 'Warning', reason, message: cause }, spec.type);
      assert.equal(plan.events[1]?.reason, 'FailedComputeMetricsReplicas');
    }
  });

  it('several metrics: the largest proposal wins', () => {
    const mem: MetricSpec = { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 50 } } };
    const mi = 1024 * 1024 * 1000;
    // cpu at 100% of request asks for 4, memory at 150% asks for 6.
    const plan = planAutoscaler(input({ hpa: hpa({ metrics: [cpu50, mem] }), replicas: 2, samples: [usage(400, 400), usage(96 * mi, 96 * mi)] }));
    assert.deepEqual(plan.rescale, { from: 2, replicas: 4, reason: 'memory resource utilization (percentage of request) above target' },
      'the 6 memory asked for, capped at max(2 × 2, 4); the reason names the metric that proposed the most');
    assert.equal(plan.status.currentMetrics?.length, 2);
  });

  it('one metric failing: a scale-up the others ask for goes ahead (and the failure is still reported), a scale-down does not', () => {
    const qps: MetricSpec = { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } };
    const down: MetricSample = { type: 'error', error: 'unable to fetch metrics from custom metrics API: gone' };
    const up = planAutoscaler(input({ hpa: hpa({ metrics: [cpu50, qps] }), replicas: 2, samples: [usage(800, 800), down] }));
    assert.equal(up.rescale?.replicas, 4);
    assert.match(up.error ?? '', /^invalid metrics \(1 invalid out of 2\), first error is: failed to get pods metric value: unable to get metric qps/);
    assert.deepEqual(conditionsOf(up.status).ScalingActive.slice(0, 2), ['True', 'ValidMetricFound']);
    const held = planAutoscaler(input({ hpa: hpa({ metrics: [cpu50, qps] }), replicas: 4, samples: [usage(10, 10, 10, 10), down] }));
    assert.equal(held.rescale, undefined);
    assert.deepEqual(conditionsOf(held.status).ScalingActive.slice(0, 2), ['False', 'FailedGetPodsMetric']);
  });
});

describe('HPA plan: selectors', () => {
  it('a Scale without a selector: SelectorRequired, InvalidSelector', () => {
    const plan = planAutoscaler(input({ scale: { specReplicas: 1, statusReplicas: 1, selector: '' } }));
    assert.deepEqual(plan.events.map((e) => e.reason), ['SelectorRequired', 'FailedComputeMetricsReplicas']);
    assert.deepEqual(conditionsOf(plan.status).ScalingActive, ['False', 'InvalidSelector', "the HPA target's scale is missing a selector"]);
  });
  it('two HPAs scaling the same pods: AmbiguousSelector', () => {
    const selectors = new Map([['default/other', parseSelector('app=web')], ['kube-system/x', parseSelector('app=web')]]);
    const plan = planAutoscaler(input({ hpaSelectors: selectors, samples: [usage(800)] }));
    assert.equal(plan.rescale, undefined);
    assert.deepEqual(conditionsOf(plan.status).ScalingActive,
      ['False', 'AmbiguousSelector', 'pods by selector app=web are controlled by multiple HPAs: [default/other default/web]']);
    assert.deepEqual(hpasSelectingPods(pods(1), selectors, 'default'), ['default/other']);
  });
  it('pods of other apps are not counted', () => {
    const other = { ...pods(1)[0], metadata: { name: 'db-0', namespace: 'default', labels: { app: 'db' } } } as Pod;
    const plan = planAutoscaler(input({ namespacePods: [...pods(1), other], samples: [usage(200)] }));
    assert.equal(plan.rescale, undefined);
    assert.equal(plan.status.currentMetrics?.[0].resource?.current.averageUtilization, 50);
  });
});

describe('HPA plan: writing and reading the scale', () => {
  it('a failed scale write: FailedRescale, AbleToScale False FailedUpdateScale, the old desired count', () => {
    const h = hpa({}, { currentReplicas: 1, desiredReplicas: 1 });
    const plan = planAutoscaler(input({ hpa: h, samples: [usage(800)] }));
    const done = finishRescale(h, plan, 'Operation cannot be fulfilled on deployments.apps "web"', now);
    assert.deepEqual(done.events, [{ type: 'Warning', reason: 'FailedRescale', message: 'New size: 4; reason: cpu resource utilization (percentage of request) above target; error: Operation cannot be fulfilled on deployments.apps "web"' }]);
    assert.deepEqual(conditionsOf(done.status).AbleToScale, ['False', 'FailedUpdateScale', 'the HPA controller was unable to update the target scale: Operation cannot be fulfilled on deployments.apps "web"']);
    assert.equal(done.status.desiredReplicas, 1);
    assert.equal(done.status.lastScaleTime, undefined);
    assert.equal(done.error, 'failed to rescale Deployment/default/web: Operation cannot be fulfilled on deployments.apps "web"');
  });
  it('an unreadable Scale: FailedGetScale', () => {
    const out = failedGetScale(hpa(), 'deployments.apps "web" not found', now);
    assert.deepEqual(out.events, [{ type: 'Warning', reason: 'FailedGetScale', message: 'deployments.apps "web" not found' }]);
    assert.deepEqual(conditionsOf(out.status).AbleToScale, ['False', 'FailedGetScale', 'the HPA controller was unable to get the target\'s current scale: deployments.apps "web" not found']);
  });
  it('a condition keeps its transition time while its status holds', () => {
    const earlier = iso(now - 60_000);
    const h = hpa({}, { desiredReplicas: 1, currentReplicas: 1, conditions: [{ type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound', message: 'x', lastTransitionTime: earlier }] });
    const plan = planAutoscaler(input({ hpa: h, samples: [usage(200)] }));
    const active = plan.status.conditions?.find((c) => c.type === 'ScalingActive');
    assert.equal(active?.lastTransitionTime, earlier);
  });
  it('custom behavior goes through the policies', () => {
    const behavior = {
      scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] },
      scaleDown: { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
    };
    const h = hpa({ behavior });
    const plan = planAutoscaler(input({ hpa: h, replicas: 2, samples: [usage(2000, 2000)] }));
    assert.equal(plan.rescale?.replicas, 3, 'one pod per minute');
    const done = finishRescale(h, plan, undefined, now);
    assert.deepEqual(done.history.scaleUpEvents.map((e) => e.change), [1]);
  });
  it("Go's %+v of a label selector", () => {
    assert.equal(goLabelSelector(undefined), 'nil');
    assert.equal(goLabelSelector({ matchLabels: { b: '2', a: '1' }, matchExpressions: [{ key: 'k', operator: 'In', values: ['x', 'y'] }] }),
      '&LabelSelector{MatchLabels:map[string]string{a: 1,b: 2,},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:k,Operator:In,Values:[x y],},},}');
  });
});
