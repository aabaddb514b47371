// The HorizontalPodAutoscaler end to end on a real cluster (the launcher's): real `kubectl autoscale` creates an
// autoscaling/v1 HPA for a Deployment whose pods run a busy loop held to their 100m CPU request by a limit; the
// kubelet samples Docker's stats every 10 s, the apiserver serves them as metrics.k8s.io, and the HPA controller
// (every 15 s) scales the Deployment up; with the load gone (the pods rolled to a sleeping command) it scales back
// down, a v2 patch having set the scale-down stabilization window to 0. Deadlines, not sleeps: a few minutes each.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import YAML from 'yaml';
import { testCluster } from '../../helpers/cluster.ts';
import { waitFor } from '../../helpers/component.ts';

let cluster: Awaited<ReturnType<typeof testCluster>>;

const deployment = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: hpa-e2e}}
  template:
    metadata: {labels: {app: hpa-e2e}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: burn
        image: skiff.local/busybox:v1
        command: [sh, -c, 'while :; do :; done']
        resources: {requests: {cpu: 100m}, limits: {cpu: 100m}}
`;

interface HPA {
  spec: { metrics?: { resource?: { target?: { averageUtilization?: number } } }[] };
  status: {
    currentReplicas?: number; desiredReplicas: number;
    currentMetrics?: { type: string; resource?: { name: string; current: { averageUtilization?: number } } }[];
  };
}

async function hpa(): Promise<HPA> {
  return JSON.parse(await cluster.kubectl('get', 'hpa', 'web', '-o', 'json')) as HPA;
}

async function replicas(): Promise<number> {
  return Number(await cluster.kubectl('get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}'));
}

async function rescaleEvents(): Promise<string[]> {
  const out = await cluster.kubectl('get', 'events', '--field-selector', 'reason=SuccessfulRescale,involvedObject.name=web',
    '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}');
  return out.split('\n').filter(Boolean);
}

before(async () => {
  cluster = await testCluster({ name: 'hpa' });
  const up = await cluster.up();
  assert.equal(up.code, 0, up.stdout);
});
after(async () => {
  await cluster.reset();
});

describe('HorizontalPodAutoscaler on a real cluster', () => {
  it('kubectl autoscale creates an autoscaling/v1 HPA, seen in both versions', async () => {
    await cluster.kubectl.apply(deployment);
    assert.match(await cluster.kubectl('rollout', 'status', 'deployment/web', '--timeout=120s'), /successfully rolled out/);
    assert.equal(await cluster.kubectl('autoscale', 'deployment', 'web', '--cpu-percent=50', '--min=1', '--max=3'),
      'horizontalpodautoscaler.autoscaling/web autoscaled\n');
    // Without the default five minutes of scale-down stabilization: behavior exists in autoscaling/v2 only.
    await cluster.kubectl('patch', 'hpa', 'web', '--type=merge', '-p', '{"spec":{"behavior":{"scaleDown":{"stabilizationWindowSeconds":0}}}}');
    const v1 = YAML.parse(await cluster.kubectl('get', 'horizontalpodautoscalers.v1.autoscaling', 'web', '-o', 'yaml'));
    assert.equal(v1.apiVersion, 'autoscaling/v1');
    assert.deepEqual(v1.spec, { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 50 });
    assert.match(v1.metadata.annotations['autoscaling.alpha.kubernetes.io/behavior'], /"ScaleDown":\{"StabilizationWindowSeconds":0,/);
    assert.deepEqual((await hpa()).spec.metrics?.map((m) => m.resource?.target?.averageUtilization), [50]);
  });

  it('scales the Deployment up under load', async (t) => {
    const scaled = await waitFor('the HPA to scale web up', async () => {
      const n = await replicas();
      return n > 1 ? n : undefined;
    }, 240_000);
    const status = await waitFor('the HPA status to show the scale-up', async () => {
      const h = await hpa();
      return h.status.desiredReplicas > 1 ? h.status : undefined;
    }, 60_000);
    const cpu = status.currentMetrics?.find((m) => m.type === 'Resource' && m.resource?.name === 'cpu')?.resource?.current.averageUtilization;
    t.diagnostic(`scaled to ${scaled}; CPU at ${cpu}% of requests`);
    assert.ok(cpu !== undefined && cpu > 50, `CPU utilization ${cpu}% above the 50% target`);
    const events = await waitFor('a SuccessfulRescale event', async () => {
      const e = await rescaleEvents();
      return e.length > 0 ? e : undefined;
    }, 30_000);
    assert.ok(events.some((m) => /^New size: [23]; reason: cpu resource utilization \(percentage of request\) above target$/.test(m)), events.join('; '));
    const table = await cluster.kubectl('get', 'hpa', 'web');
    t.diagnostic(`kubectl get hpa: ${table.split('\n')[1]?.trim()}`);
    assert.match(table, /^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE$/m);
    assert.match(table, /^web\s+Deployment\/web\s+cpu: \d+%\/50%\s+1\s+3\s+\d\s+\S+$/m);
    const v1 = JSON.parse(await cluster.kubectl('get', 'horizontalpodautoscalers.v1.autoscaling', 'web', '-o', 'json'));
    assert.ok(v1.status.currentCPUUtilizationPercentage > 50, JSON.stringify(v1.status));
  });

  it('scales it back down once the load is gone', async (t) => {
    await cluster.kubectl('patch', 'deployment', 'web', '--type=json', '-p',
      '[{"op":"replace","path":"/spec/template/spec/containers/0/command","value":["sleep","3600"]}]');
    await waitFor('the HPA to scale web down to 1', async () => ((await replicas()) === 1 ? true : undefined), 300_000);
    const events = await waitFor('a scale-down event', async () => {
      const e = (await rescaleEvents()).filter((m) => m.includes('below target'));
      return e.length > 0 ? e : undefined;
    }, 30_000);
    t.diagnostic(events.join('; '));
    assert.ok(events.some((m) => m === 'New size: 1; reason: All metrics below target'), events.join('; '));
    assert.match(await cluster.kubectl('get', 'hpa', 'web'), /^web\s+Deployment\/web\s+cpu: \d+%\/50%\s+1\s+3\s+\d\s+\S+$/m);
  });
});
