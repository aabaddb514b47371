// autoscaling/v1 HorizontalPodAutoscalers on a real apiserver: a second version of the stored autoscaling/v2
// objects, converted both ways. Real kubectl (1.32) creates one with `kubectl autoscale`, reads it in either
// version, and every verb works through v1 without losing what only v2 can say.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import YAML from 'yaml';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { kubectlFor, type Kubectl } from '../../helpers/kubectl.ts';
import { openWatch } from '../../helpers/watch.ts';

let api: TestApiserver;
let dir: string;
let kubectl: Kubectl;
const ns = 'hpa-v1';
const v1 = `/apis/autoscaling/v1/namespaces/${ns}/horizontalpodautoscalers`;
const v2 = `/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers`;
const behaviorAnnotation = 'autoscaling.alpha.kubernetes.io/behavior';
const metricsAnnotation = 'autoscaling.alpha.kubernetes.io/metrics';
const currentAnnotation = 'autoscaling.alpha.kubernetes.io/current-metrics';
const conditionsAnnotation = 'autoscaling.alpha.kubernetes.io/conditions';
const memory = { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } };

before(async () => {
  api = await startApiserver();
  dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-hpa-v1-'));
  kubectl = kubectlFor(api.kubeconfig, { cacheDir: path.join(dir, 'cache'), timeoutMs: 30_000 });
  await kubectl('create', 'namespace', ns);
  await kubectl('create', 'deployment', 'web', '--image=nginx', '-n', ns);
});
after(async () => {
  await api.stop();
  api.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** A v2 HPA carrying what v1 has no field for: a memory metric, a behavior, and (written as the controller does) a status. */
async function richHPA(name: string): Promise<void> {
  const created = await api.request('POST', v2, { body: {
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name, labels: { app: name } },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 4,
      metrics: [memory, { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
      behavior: { scaleDown: { stabilizationWindowSeconds: 0 } },
    },
  } });
  assert.equal(created.status, 201, created.text);
  const status = await api.request('PUT', `${v2}/${name}/status`, { body: { ...created.body, status: {
    currentReplicas: 1, desiredReplicas: 2,
    currentMetrics: [
      { type: 'Resource', resource: { name: 'memory', current: { averageValue: '50Mi' } } },
      { type: 'Resource', resource: { name: 'cpu', current: { averageValue: '95m', averageUtilization: 95 } } },
    ],
    conditions: [{ type: 'AbleToScale', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z', reason: 'SucceededRescale', message: 'the HPA controller was able to update the target scale to 2' }],
  } } });
  assert.equal(status.status, 200, status.text);
}

describe('autoscaling/v1 HorizontalPodAutoscaler', () => {
  it('is discovered as a second autoscaling version, v2 preferred', async () => {
    const group = await api.request('GET', '/apis/autoscaling');
    assert.deepEqual(group.body.versions.map((v: { version: string }) => v.version), ['v2', 'v1']);
    assert.equal(group.body.preferredVersion.version, 'v2');
    const list = await api.request('GET', '/apis/autoscaling/v1');
    assert.deepEqual(list.body.resources.map((r: { name: string }) => r.name), ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']);
    assert.deepEqual(list.body.resources[0].shortNames, ['hpa']);
    const aggregated = await api.request('GET', '/apis', { headers: { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' } });
    const autoscaling = aggregated.body.items.find((g: { metadata: { name: string } }) => g.metadata.name === 'autoscaling');
    assert.deepEqual(autoscaling.versions.map((v: { version: string }) => v.version), ['v2', 'v1']);
    assert.deepEqual(autoscaling.versions[1].resources[0].responseKind, { group: 'autoscaling', version: 'v1', kind: 'HorizontalPodAutoscaler' });
    assert.ok((await kubectl('api-versions')).split('\n').includes('autoscaling/v1'));
  });

  it('kubectl autoscale creates one, read back in either version', async () => {
    assert.equal(await kubectl('autoscale', 'deployment', 'web', '--min=2', '--max=5', '--cpu-percent=80', '-n', ns),
      'horizontalpodautoscaler.autoscaling/web autoscaled\n');
    const stored = JSON.parse(await kubectl('get', 'hpa', 'web', '-n', ns, '-o', 'json'));
    assert.equal(stored.apiVersion, 'autoscaling/v2');
    assert.deepEqual(stored.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
    // The resource's full name: kubectl 1.32 expands a short name (`hpa.v1.autoscaling`) to the group's preferred
    // version, dropping the one given (client-go's shortcutExpander), against any apiserver.
    const asV1 = YAML.parse(await kubectl('get', 'horizontalpodautoscalers.v1.autoscaling', 'web', '-n', ns, '-o', 'yaml'));
    assert.equal(asV1.apiVersion, 'autoscaling/v1');
    assert.deepEqual(asV1.spec, {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 5,
      targetCPUUtilizationPercentage: 80,
    });
    assert.deepEqual(asV1.status, { currentReplicas: 0, desiredReplicas: 0 });
    assert.equal(asV1.metadata.annotations, undefined);
    // The server-side table is the same in both versions.
    const table = await kubectl('get', 'horizontalpodautoscalers.v1.autoscaling', '-n', ns);
    assert.match(table, /^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE\n/);
    assert.match(table, /^web\s+Deployment\/web\s+cpu: <unknown>\/80%\s+2\s+5\s+0\s+/m);
    assert.match(await kubectl('explain', 'hpa.spec.targetCPUUtilizationPercentage', '--api-version=autoscaling/v1'), /FIELD: targetCPUUtilizationPercentage <integer>/);
  });

  it('shows v2-only fields in kube\'s annotations, and an update through v1 keeps them', async () => {
    await richHPA('rich');
    const got = await api.request('GET', `${v1}/rich`);
    assert.equal(got.status, 200);
    assert.equal(got.body.spec.targetCPUUtilizationPercentage, 50);
    assert.equal(got.body.status.currentCPUUtilizationPercentage, 95);
    const a = got.body.metadata.annotations;
    assert.equal(a[metricsAnnotation], '[{"type":"Resource","resource":{"name":"memory","targetAverageValue":"100Mi"}}]');
    assert.equal(a[behaviorAnnotation], '{"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":[{"Type":"Pods","Value":4,"PeriodSeconds":15},{"Type":"Percent","Value":100,"PeriodSeconds":15}]},'
      + '"ScaleDown":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":[{"Type":"Percent","Value":100,"PeriodSeconds":15}]}}');
    assert.equal(a[currentAnnotation], '[{"type":"Resource","resource":{"name":"memory","currentAverageValue":"50Mi"}},{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":95,"currentAverageValue":"95m"}}]');
    assert.match(a[conditionsAnnotation], /^\[\{"type":"AbleToScale","status":"True","lastTransitionTime":"2025-01-01T00:00:00Z","reason":"SucceededRescale"/);

    const before = (await api.request('GET', `${v2}/rich`)).body;
    const updated = await api.request('PUT', `${v1}/rich`, { body: { ...got.body, spec: { ...got.body.spec, maxReplicas: 6 } } });
    assert.equal(updated.status, 200, updated.text);
    assert.equal(updated.body.apiVersion, 'autoscaling/v1');
    const after = (await api.request('GET', `${v2}/rich`)).body;
    assert.equal(after.spec.maxReplicas, 6);
    assert.deepEqual(after.spec.metrics, before.spec.metrics);
    assert.deepEqual(after.spec.behavior, before.spec.behavior);
    assert.deepEqual(after.status, before.status);
    assert.deepEqual(after.metadata.annotations, undefined, 'no round-trip annotation is stored');
  });

  it('patches the v1 form: merge, strategic merge and JSON patch', async () => {
    await richHPA('patched');
    const merge = await api.request('PATCH', `${v1}/patched`, {
      body: { spec: { targetCPUUtilizationPercentage: 60 } }, contentType: 'application/merge-patch+json',
    });
    assert.equal(merge.status, 200, merge.text);
    assert.equal(merge.body.spec.targetCPUUtilizationPercentage, 60);
    const strategic = await api.request('PATCH', `${v1}/patched`, {
      body: { spec: { minReplicas: 2 } }, contentType: 'application/strategic-merge-patch+json',
    });
    assert.equal(strategic.status, 200, strategic.text);
    const json = await api.request('PATCH', `${v1}/patched`, {
      body: [{ op: 'test', path: '/spec/targetCPUUtilizationPercentage', value: 60 }, { op: 'replace', path: '/spec/maxReplicas', value: 7 }],
      contentType: 'application/json-patch+json',
    });
    assert.equal(json.status, 200, json.text);
    const stored = (await api.request('GET', `${v2}/patched`)).body;
    assert.deepEqual(stored.spec.metrics, [memory, { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }]);
    assert.equal(stored.spec.minReplicas, 2);
    assert.equal(stored.spec.maxReplicas, 7);
    assert.equal(stored.spec.behavior.scaleDown.stabilizationWindowSeconds, 0);
    // kubectl patch through v1 too; a field only v2 has is refused as in kube.
    await kubectl('patch', 'horizontalpodautoscalers.v1.autoscaling', 'patched', '-n', ns, '-p', '{"spec":{"maxReplicas":8}}');
    assert.equal((await api.request('GET', `${v2}/patched`)).body.spec.maxReplicas, 8);
    const unknown = await api.request('PATCH', `${v1}/patched?fieldValidation=Strict`, {
      body: { spec: { behavior: {} } }, contentType: 'application/merge-patch+json',
    });
    assert.equal(unknown.status, 400, unknown.text);
    assert.match(unknown.body.message, /unknown field "spec.behavior"/);
  });

  it('writes the status subresource through v1', async () => {
    await richHPA('status');
    const got = await api.request('GET', `${v1}/status/status`);
    assert.equal(got.status, 200, got.text);
    assert.equal(got.body.apiVersion, 'autoscaling/v1');
    const put = await api.request('PUT', `${v1}/status/status`, { body: {
      ...got.body, metadata: { ...got.body.metadata, annotations: {} }, status: { ...got.body.status, desiredReplicas: 3, currentCPUUtilizationPercentage: 70 },
    } });
    assert.equal(put.status, 200, put.text);
    const stored = (await api.request('GET', `${v2}/status`)).body;
    assert.equal(stored.status.desiredReplicas, 3);
    assert.deepEqual(stored.status.currentMetrics, [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 70 } } }]);
    assert.equal(stored.spec.behavior.scaleDown.stabilizationWindowSeconds, 0, 'a status write leaves the spec alone');
  });

  it('watches in v1: events carry converted objects', async () => {
    const rv = (await api.request('GET', v1)).body.metadata.resourceVersion;
    const w = openWatch(api, `${v1}?watch=true&resourceVersion=${rv}&labelSelector=app%3Dwatched`);
    try {
      assert.equal(await w.status, 200);
      await richHPA('watched');
      const added = await w.next();
      assert.equal(added.type, 'ADDED');
      assert.equal(added.object.apiVersion, 'autoscaling/v1');
      assert.equal(added.object.spec.targetCPUUtilizationPercentage, 50);
      assert.ok(added.object.metadata.annotations[metricsAnnotation]);
      const modified = await w.next();
      assert.equal(modified.type, 'MODIFIED');
      assert.equal(modified.object.status.currentCPUUtilizationPercentage, 95);
    } finally {
      w.close();
    }
  });

  it('lists with selectors, as a table, dry-runs and deletes through v1', async () => {
    const list = await api.request('GET', `${v1}?labelSelector=app%3Drich`);
    assert.equal(list.body.kind, 'HorizontalPodAutoscalerList');
    assert.equal(list.body.apiVersion, 'autoscaling/v1');
    assert.deepEqual(list.body.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['rich']);
    assert.equal(list.body.items[0].apiVersion, 'autoscaling/v1');
    const byField = await api.request('GET', `${v1}?fieldSelector=metadata.name%3Dweb`);
    assert.deepEqual(byField.body.items.map((i: { spec: { targetCPUUtilizationPercentage: number } }) => i.spec.targetCPUUtilizationPercentage), [80]);
    const table = await api.request('GET', `${v1}?labelSelector=app%3Drich&includeObject=Object`, {
      headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
    });
    assert.equal(table.body.kind, 'Table');
    assert.equal(table.body.rows[0].cells[2], 'memory: 50Mi/100Mi, cpu: 95%/50%');
    assert.equal(table.body.rows[0].object.apiVersion, 'autoscaling/v1');

    const dry = await api.request('POST', `${v1}?dryRun=All`, { body: {
      apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'dry' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 3 },
    } });
    assert.equal(dry.status, 201, dry.text);
    assert.equal(dry.body.apiVersion, 'autoscaling/v1');
    assert.equal(dry.body.spec.minReplicas, 1);
    assert.equal(dry.body.spec.targetCPUUtilizationPercentage, 80, 'v1 without a target means 80% CPU');
    assert.equal((await api.request('GET', `${v1}/dry`)).status, 404);

    const invalid = await api.request('POST', v1, { body: {
      apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'bad' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 3, targetCPUUtilizationPercentage: 0 },
    } });
    assert.equal(invalid.status, 422, invalid.text);
    assert.match(invalid.body.message, /spec\.metrics\[0\]\.resource\.target\.averageUtilization: Invalid value: 0: must be greater than 0/);

    assert.match(await kubectl('delete', 'horizontalpodautoscalers.v1.autoscaling', 'rich', '-n', ns), /horizontalpodautoscaler.autoscaling "rich" deleted/);
    assert.equal((await api.request('GET', `${v2}/rich`)).status, 404);
  });
});
