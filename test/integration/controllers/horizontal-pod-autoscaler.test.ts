// horizontal-pod-autoscaler-controller with replicaset-controller against a real apiserver. No kubelet and no
// metrics-server run: the test plays the kubelet (marking pods Running and Ready) and the metrics-server (a fake
// metrics source reporting the cpu each pod uses), and moves the controllers' clock past the 5 minute downscale
// stabilization window. Custom metrics go to the real apiserver, which serves no custom metrics API.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiMetricsSource, type MetricsSource, type PodMetrics } from '../../../controllers/horizontal-pod-autoscaler-metrics.ts';
import { newHorizontalPodAutoscalerController } from '../../../controllers/horizontal-pod-autoscaler.ts';
import { controllerFactories } from '../../../controllers/all.ts';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { waitFor } from '../../helpers/component.ts';
import { runControllers, type RunningControllers } from './harness.ts';
import { RestClient, loadKubeconfig } from '../../../apiserver/client/index.ts';

let api: TestApiserver;
let ctrl: RunningControllers;
/** The cpu (milli) every pod of an app uses, as the fake metrics-server reports it. */
const cpuUse = new Map<string, number>();
const syncPeriodMs = 300;
const longAgo = new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

interface PodView { metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: string }; status?: { phase?: string } }

/** metrics-server's answer: the pods the selector picks that have a usage set, one container each. */
async function podMetrics(namespace: string, selector: string): Promise<PodMetrics[]> {
  const res = await api.request('GET', `/api/v1/namespaces/${namespace}/pods?labelSelector=${encodeURIComponent(selector)}`);
  const items = (res.body.items as PodView[]).filter((p) => !p.metadata.deletionTimestamp && p.status?.phase === 'Running');
  return items.flatMap((p) => {
    const cpu = cpuUse.get(p.metadata.labels?.app ?? '');
    if (cpu === undefined) return [];
    return [{ metadata: { name: p.metadata.name, namespace }, timestamp: new Date().toISOString(), window: '1m0s',
      containers: [{ name: 'c', usage: { cpu: `${cpu}m`, memory: '10Mi' } }] }];
  });
}

before(async () => {
  api = await startApiserver();
  const real = apiMetricsSource(RestClient.fromKubeconfig(loadKubeconfig({ path: api.kubeconfig })));
  const metrics: MetricsSource = { ...real, podMetrics };
  ctrl = await runControllers(api, [
    controllerFactories['replicaset-controller'],
    (ctx) => newHorizontalPodAutoscalerController(ctx, { metrics, syncPeriodMs }),
  ]);
});
after(async () => {
  await ctrl.stop();
  await api.stop();
  api.cleanup();
});

async function createReplicaSet(name: string, replicas: number): Promise<void> {
  const res = await api.request('POST', '/apis/apps/v1/namespaces/default/replicasets', {
    body: {
      metadata: { name },
      spec: {
        replicas, selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '400m' } } }] } },
      },
    },
  });
  assert.equal(res.status, 201, res.text);
}

async function createHPA(name: string, target: string, spec: Record<string, unknown> = {}): Promise<void> {
  const res = await api.request('POST', '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers', {
    body: {
      apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: target }, minReplicas: 1, maxReplicas: 10,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
        ...spec,
      },
    },
  });
  assert.equal(res.status, 201, res.text);
}

/** Plays the kubelet: every pod of `app` running and ready since an hour ago. Answers the pods not being deleted. */
async function runPods(app: string): Promise<PodView[]> {
  const res = await api.request('GET', `/api/v1/namespaces/default/pods?labelSelector=app%3D${app}`);
  const pods = (res.body.items as (PodView & Record<string, unknown>)[]).filter((p) => !p.metadata.deletionTimestamp);
  for (const pod of pods) {
    if (pod.status?.phase === 'Running') continue;
    const body = { ...pod, status: { phase: 'Running', startTime: longAgo, conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: longAgo }] } };
    const put = await api.request('PUT', `/api/v1/namespaces/default/pods/${pod.metadata.name}/status`, { body });
    assert.ok(put.status === 200 || put.status === 409, put.text);
  }
  return pods;
}

async function replicasOf(rs: string): Promise<number> {
  return (await api.request('GET', `/apis/apps/v1/namespaces/default/replicasets/${rs}`)).body.spec.replicas as number;
}

interface HpaStatus {
  currentReplicas?: number;
  desiredReplicas: number;
  lastScaleTime?: string;
  currentMetrics?: { type: string; resource?: { name: string; current: { averageUtilization?: number; averageValue?: string } } }[];
  conditions?: { type: string; status: string; reason: string; message: string }[];
}

async function hpaStatus(name: string): Promise<HpaStatus> {
  return (await api.request('GET', `/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/${name}`)).body.status as HpaStatus;
}

const condition = (s: HpaStatus, type: string) => s.conditions?.find((c) => c.type === type);

/** Waits for the HPA's status to pass `check`, keeping the app's pods running meanwhile. */
function waitForStatus(name: string, app: string | undefined, what: string, check: (s: HpaStatus) => boolean, timeoutMs = 15_000): Promise<HpaStatus> {
  return waitFor(what, async () => {
    if (app) await runPods(app);
    const s = await hpaStatus(name);
    return s && check(s) ? s : undefined;
  }, timeoutMs);
}

async function events(hpa: string): Promise<{ type: string; reason: string; message: string; source?: { component?: string } }[]> {
  const res = await api.request('GET', '/api/v1/namespaces/default/events');
  return (res.body.items as { involvedObject: { kind: string; name: string }; type: string; reason: string; message: string; source?: { component?: string } }[])
    .filter((e) => e.involvedObject.kind === 'HorizontalPodAutoscaler' && e.involvedObject.name === hpa);
}

describe('horizontal-pod-autoscaler-controller', () => {
  it('scales a ReplicaSet up on cpu, holds within the tolerance, and scales down only after the stabilization window', async () => {
    await createReplicaSet('web', 1);
    await waitFor('the first pod', async () => ((await runPods('web')).length === 1 ? true : undefined));
    cpuUse.set('web', 200); // 200m of a 400m request: 50%, the target
    await createHPA('web', 'web');

    let s = await waitForStatus('web', 'web', 'the HPA to measure 50%', (x) => x.currentMetrics?.[0]?.resource?.current.averageUtilization === 50);
    assert.deepEqual(s.currentMetrics, [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 50, averageValue: '200m' } } }]);
    assert.equal(s.currentReplicas, 1);
    assert.equal(s.desiredReplicas, 1);
    assert.deepEqual([condition(s, 'AbleToScale')?.status, condition(s, 'AbleToScale')?.reason], ['True', 'ReadyForNewScale']);
    assert.deepEqual([condition(s, 'ScalingActive')?.status, condition(s, 'ScalingActive')?.reason], ['True', 'ValidMetricFound']);
    assert.equal(condition(s, 'ScalingActive')?.message, 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)');
    assert.deepEqual([condition(s, 'ScalingLimited')?.status, condition(s, 'ScalingLimited')?.reason], ['False', 'DesiredWithinRange']);
    assert.equal(await replicasOf('web'), 1);

    cpuUse.set('web', 800); // 200%: four times the target
    s = await waitForStatus('web', 'web', 'the scale-up to 4', (x) => x.desiredReplicas === 4);
    assert.equal(await replicasOf('web'), 4);
    assert.ok(s.lastScaleTime, 'lastScaleTime set');
    assert.deepEqual([condition(s, 'AbleToScale')?.reason, condition(s, 'AbleToScale')?.message], ['SucceededRescale', 'the HPA controller was able to update the target scale to 4']);
    const up = await waitFor('the SuccessfulRescale event', async () => (await events('web')).find((e) => e.reason === 'SuccessfulRescale'));
    assert.equal(up.type, 'Normal');
    assert.equal(up.message, 'New size: 4; reason: cpu resource utilization (percentage of request) above target');
    assert.equal(up.source?.component, 'horizontal-pod-autoscaler');

    // Four pods at 210m each: 52%, within the 10% tolerance.
    cpuUse.set('web', 210);
    s = await waitForStatus('web', 'web', 'four pods measured at 52%', (x) => x.currentReplicas === 4 && x.currentMetrics?.[0]?.resource?.current.averageUtilization === 52);
    await new Promise((r) => setTimeout(r, 4 * syncPeriodMs));
    assert.equal(await replicasOf('web'), 4, 'no change within the tolerance');
    assert.equal((await hpaStatus('web')).desiredReplicas, 4);

    // 25%: two pods would do, but the last five minutes recommended four.
    cpuUse.set('web', 100);
    s = await waitForStatus('web', 'web', 'the scale-down held by the window', (x) => condition(x, 'AbleToScale')?.reason === 'ScaleDownStabilized');
    assert.equal(condition(s, 'AbleToScale')?.message, 'recent recommendations were higher than current one, applying the highest recent recommendation');
    await new Promise((r) => setTimeout(r, 3 * syncPeriodMs));
    assert.equal(await replicasOf('web'), 4);

    ctrl.advance(5 * 60_000 + 1000);
    s = await waitForStatus('web', 'web', 'the scale-down to 2', (x) => x.desiredReplicas === 2);
    assert.equal(await replicasOf('web'), 2);
    const down = await waitFor('the scale-down event', async () => (await events('web')).find((e) => e.message.startsWith('New size: 2')));
    assert.equal(down.message, 'New size: 2; reason: All metrics below target');
  });

  it('a Pods metric without a custom metrics API: ScalingActive False FailedGetPodsMetric, and no scaling', async () => {
    await createReplicaSet('qps', 2);
    await waitFor('two pods', async () => ((await runPods('qps')).length === 2 ? true : undefined));
    await createHPA('qps', 'qps', { metrics: [{ type: 'Pods', pods: { metric: { name: 'requests_per_second' }, target: { type: 'AverageValue', averageValue: '10' } } }] });
    const s = await waitForStatus('qps', 'qps', 'ScalingActive False', (x) => condition(x, 'ScalingActive')?.status === 'False');
    const active = condition(s, 'ScalingActive')!;
    assert.equal(active.reason, 'FailedGetPodsMetric');
    assert.match(active.message, /^the HPA was unable to compute the replica count: unable to get metric requests_per_second: unable to fetch metrics from custom metrics API: /);
    assert.equal(s.currentReplicas, 2);
    const evs = await waitFor('both warnings', async () => {
      const list = await events('qps');
      return list.some((e) => e.reason === 'FailedComputeMetricsReplicas') && list.some((e) => e.reason === 'FailedGetPodsMetric') ? list : undefined;
    });
    const compute = evs.find((e) => e.reason === 'FailedComputeMetricsReplicas')!;
    assert.equal(compute.type, 'Warning');
    assert.match(compute.message, /^invalid metrics \(1 invalid out of 1\), first error is: failed to get pods metric value: unable to get metric requests_per_second: /);
    assert.equal(await replicasOf('qps'), 2);
  });

  it('a missing target: AbleToScale False FailedGetScale; a target scaled to zero: ScalingDisabled', async () => {
    await createHPA('ghost', 'nothing-here');
    const s = await waitForStatus('ghost', undefined, 'FailedGetScale', (x) => condition(x, 'AbleToScale')?.reason === 'FailedGetScale');
    assert.equal(condition(s, 'AbleToScale')?.status, 'False');
    assert.match(condition(s, 'AbleToScale')!.message, /^the HPA controller was unable to get the target's current scale: .*not found/);
    const ev = await waitFor('the FailedGetScale event', async () => (await events('ghost')).find((e) => e.reason === 'FailedGetScale'));
    assert.equal(ev.type, 'Warning');

    await createReplicaSet('idle', 0);
    await createHPA('idle', 'idle');
    const idle = await waitForStatus('idle', undefined, 'ScalingDisabled', (x) => condition(x, 'ScalingActive')?.reason === 'ScalingDisabled');
    assert.equal(condition(idle, 'ScalingActive')?.message, 'scaling is disabled since the replica count of the target is zero');
    assert.equal(await replicasOf('idle'), 0);
  });
});
