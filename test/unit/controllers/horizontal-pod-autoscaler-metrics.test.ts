// What the HPA controller makes of the metrics APIs' answers (kube's metrics/client.go): per-pod sums of container
// usage, one container's usage, kube's error texts, and the paths and queries the default source asks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetricSpec } from 'kubernetes-types/autoscaling/v2.d.ts';
import type { RestClient } from '../../../apiserver/client/index.ts';
import {
  apiMetricsSource, containerMetricsInfo, fetchMetricSamples, podMetricsInfo, type MetricsSource, type PodMetrics,
} from '../../../controllers/horizontal-pod-autoscaler-metrics.ts';
import { metricSelectorString } from '../../../controllers/horizontal-pod-autoscaler-plan.ts';

const ts = '2025-03-01T12:00:00Z';
const podMetrics = (name: string, containers: [string, Record<string, string>][], window = '1m0s'): PodMetrics =>
  ({ metadata: { name, namespace: 'default', labels: { app: 'web' } }, timestamp: ts, window, containers: containers.map(([n, usage]) => ({ name: n, usage })) });

describe('HPA metrics: PodMetrics to per-pod values', () => {
  it('sums the containers in milli-units, with the timestamp and window', () => {
    const info = podMetricsInfo([podMetrics('a', [['c1', { cpu: '250m', memory: '10Mi' }], ['c2', { cpu: '1', memory: '1Mi' }]], '10.5s')], 'cpu');
    assert.deepEqual([...info], [['a', { value: 1250, timestampMs: Date.parse(ts), windowMs: 10_500 }]]);
    assert.equal(podMetricsInfo([podMetrics('a', [['c1', { memory: '1Ki' }]])], 'memory').get('a')?.value, 1_024_000);
    assert.equal(podMetricsInfo([podMetrics('n', [['c', { cpu: '12345678n' }]])], 'cpu').get('n')?.value, 13, 'nano-cores rounded up to milli');
  });
  it('leaves out a pod missing the resource in a container, or without containers', () => {
    const info = podMetricsInfo([podMetrics('a', [['c1', { cpu: '1' }], ['c2', { memory: '1' }]]), podMetrics('b', [])], 'cpu');
    assert.equal(info.size, 0);
  });
  it('one container per pod; a pod without it is an error', () => {
    const items = [podMetrics('a', [['app', { cpu: '100m' }], ['sidecar', { cpu: '900m' }]])];
    assert.deepEqual([...(containerMetricsInfo(items, 'cpu', 'app') as Map<string, { value: number }>)].map(([k, v]) => [k, v.value]), [['a', 100]]);
    assert.deepEqual(containerMetricsInfo(items, 'cpu', 'other'), { error: 'container other not present in metrics for pod default/a' });
  });
});

function fakeSource(over: Partial<MetricsSource> = {}): MetricsSource & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    podMetrics: async (ns, sel) => { calls.push(`pods ${ns} ${sel}`); return [podMetrics('a', [['c', { cpu: '100m', memory: '1Mi' }]])]; },
    podsCustomMetric: async () => { throw new Error('the server could not find the requested resource'); },
    objectCustomMetric: async () => ({ value: '2500m' }),
    externalMetric: async () => [{ value: '3' }, { value: '4' }],
    ...over,
  };
}

describe('HPA metrics: fetching what each metric needs', () => {
  const cpu: MetricSpec = { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } };
  const mem: MetricSpec = { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '1Mi' } } };
  it('lists PodMetrics once for every resource metric of the HPA', async () => {
    const source = fakeSource();
    const [a, b] = await fetchMetricSamples(source, [cpu, mem], 'default', 'app=web', metricSelectorString);
    assert.equal(a?.type === 'pods' && a.metrics.get('a')?.value, 100);
    assert.equal(b?.type === 'pods' && b.metrics.get('a')?.value, 1_048_576_000);
    assert.deepEqual(source.calls, ['pods default app=web']);
  });
  it('words failures as kube does', async () => {
    const down = fakeSource({ podMetrics: async () => { throw new Error('the server could not find the requested resource'); } });
    const pods: MetricSpec = { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '1' } } };
    const [r, p] = await fetchMetricSamples(down, [cpu, pods], 'default', 'app=web', metricSelectorString);
    assert.deepEqual(r, { type: 'error', error: 'unable to fetch metrics from resource metrics API: the server could not find the requested resource' });
    assert.deepEqual(p, { type: 'error', error: 'unable to fetch metrics from custom metrics API: the server could not find the requested resource' });
    const [empty] = await fetchMetricSamples(fakeSource({ podMetrics: async () => [] }), [cpu], 'default', 'app=web', metricSelectorString);
    assert.deepEqual(empty, { type: 'error', error: 'no metrics returned from resource metrics API' });
  });
  it('object and external values, and nothing for an incomplete target', async () => {
    const obj: MetricSpec = { type: 'Object', object: { describedObject: { kind: 'Service', name: 's' }, metric: { name: 'rps' }, target: { type: 'Value', value: '1' } } };
    const ext: MetricSpec = { type: 'External', external: { metric: { name: 'queue' }, target: { type: 'Value', value: '1' } } };
    const none: MetricSpec = { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization' } } };
    assert.deepEqual(await fetchMetricSamples(fakeSource(), [obj, ext, none], 'default', 'app=web', metricSelectorString),
      [{ type: 'object', value: 2500 }, { type: 'external', values: [3000, 4000] }, undefined]);
  });
});

describe('HPA metrics: the default source asks the apiserver', () => {
  it('at the metrics APIs\' paths', async () => {
    const asked: string[] = [];
    const client = {
      request: async (method: string, path: string, opts: { query?: Record<string, string | undefined> }) => {
        const q = new URLSearchParams(Object.entries(opts.query ?? {}).filter((e): e is [string, string] => e[1] !== undefined)).toString();
        asked.push(`${method} ${path}${q ? `?${q}` : ''}`);
        return { items: path.includes('/services/') || path.includes('/metrics/') ? [{ value: '1' }] : [] };
      },
    } as unknown as RestClient;
    const source = apiMetricsSource(client);
    await source.podMetrics('default', 'app=web');
    await source.podsCustomMetric('default', 'qps', 'app=web', 'verb=GET');
    await source.objectCustomMetric('default', { apiVersion: 'v1', kind: 'Service', name: 'front' }, 'rps', '');
    await source.objectCustomMetric('default', { apiVersion: 'v1', kind: 'Namespace', name: 'default' }, 'load', '');
    await source.externalMetric('default', 'queue_depth', 'q=jobs');
    await assert.rejects(source.objectCustomMetric('default', { apiVersion: 'example.com/v1', kind: 'Thing', name: 'x' }, 'm', ''),
      /no matches for kind "Thing" in group "example.com"/);
    assert.deepEqual(asked, [
      'GET /apis/metrics.k8s.io/v1beta1/namespaces/default/pods?labelSelector=app%3Dweb',
      'GET /apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/qps?labelSelector=app%3Dweb&metricLabelSelector=verb%3DGET',
      'GET /apis/custom.metrics.k8s.io/v1beta2/namespaces/default/services/front/rps',
      'GET /apis/custom.metrics.k8s.io/v1beta2/namespaces/default/metrics/load',
      'GET /apis/external.metrics.k8s.io/v1beta1/namespaces/default/queue_depth?labelSelector=q%3Djobs',
    ]);
  });
});
