// Which nodes and pods a metrics list is about (their own labels and metadata fields, Running pods only), how
// the group appears in discovery, and the Table `kubectl get podmetrics` prints.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../../apiserver/api/errors.ts';
import type { NodeMetrics, PodMetrics } from '../../../apiserver/api/metrics-types.ts';
import type { StoredObject } from '../../../apiserver/api/types.ts';
import { metricsAPIResourceList, metricsGroupDiscovery } from '../../../apiserver/metrics/discovery.ts';
import { isRunning, metricsObjectFilter } from '../../../apiserver/metrics/select.ts';
import { metricsTable } from '../../../apiserver/metrics/table.ts';
import { aggregatedDiscovery, apiGroupDocument, apiGroupList, apiResourceList } from '../../../apiserver/server/discovery.ts';

const obj = (name: string, namespace: string, labels: Record<string, string>): StoredObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels, uid: name, resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z' },
});

describe('metricsObjectFilter', () => {
  const web = obj('web', 'default', { app: 'web', tier: 'front' });
  const db = obj('db', 'prod', { app: 'db' });

  it('selects on labels and on metadata.name / metadata.namespace', () => {
    const pick = (q: { labelSelector?: string; fieldSelector?: string }) => [web, db].filter(metricsObjectFilter(q)).map((o) => o.metadata.name);
    assert.deepEqual(pick({}), ['web', 'db']);
    assert.deepEqual(pick({ labelSelector: 'app in (web, cache)' }), ['web']);
    assert.deepEqual(pick({ labelSelector: '!tier' }), ['db']);
    assert.deepEqual(pick({ fieldSelector: 'metadata.name=db' }), ['db']);
    assert.deepEqual(pick({ fieldSelector: 'metadata.namespace!=prod' }), ['web']);
    assert.deepEqual(pick({ labelSelector: 'app=web', fieldSelector: 'metadata.name=db' }), []);
  });

  it('refuses other fields as apimachinery\'s default conversion does', () => {
    assert.throws(() => metricsObjectFilter({ fieldSelector: 'spec.nodeName=n1' }), (e: unknown) => e instanceof ApiError && e.code === 400
      && e.message === '"spec.nodeName" is not a known field selector: only "metadata.name", "metadata.namespace"');
    assert.throws(() => metricsObjectFilter({ labelSelector: 'a=(' }), (e: unknown) => e instanceof ApiError && e.code === 400);
  });

  it('counts only Running pods', () => {
    assert.equal(isRunning({ status: { phase: 'Running' } }), true);
    assert.equal(isRunning({ status: { phase: 'Pending' } }), false);
    assert.equal(isRunning({}), false);
  });
});

describe('discovery', () => {
  it('lists metrics.k8s.io/v1beta1 last among the groups, with nodes and pods, get and list', () => {
    const groups = (apiGroupList() as { groups: { name: string; preferredVersion: { groupVersion: string } }[] }).groups;
    assert.equal(groups[groups.length - 1].name, 'metrics.k8s.io');
    assert.equal(groups[groups.length - 1].preferredVersion.groupVersion, 'metrics.k8s.io/v1beta1');
    assert.equal((apiGroupDocument('metrics.k8s.io') as { kind: string }).kind, 'APIGroup');
    assert.deepEqual(apiResourceList('metrics.k8s.io', 'v1beta1'), metricsAPIResourceList());
    assert.deepEqual(metricsAPIResourceList().resources, [
      { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
      { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
    ]);
    assert.equal(apiResourceList('metrics.k8s.io', 'v1'), undefined);
  });

  it('is in aggregated discovery for /apis, not /api', () => {
    const items = (core: boolean) => (aggregatedDiscovery(core, 'v2') as { items: unknown[] }).items;
    assert.deepEqual(items(false).at(-1), metricsGroupDiscovery());
    assert.ok(!items(true).some((i) => (i as { metadata: { name: string } }).metadata.name === 'metrics.k8s.io'));
  });
});

describe('metricsTable', () => {
  const nodeMetrics: NodeMetrics = { metadata: { name: 'n1' }, timestamp: 't', window: '10s', usage: { cpu: '123456789n', memory: '1536Mi' } };
  const podMetrics: PodMetrics = {
    metadata: { name: 'web', namespace: 'default' }, timestamp: 't', window: '10s',
    containers: [{ name: 'a', usage: { cpu: '250m', memory: '100Mi' } }, { name: 'b', usage: { cpu: '1234567n', memory: '5124Ki' } }],
  };

  it('has a name, cpu, memory and window column, a pod\'s containers summed', () => {
    const table = metricsTable([nodeMetrics, podMetrics], 'v1', 'None');
    assert.deepEqual(table.columnDefinitions.map((c) => c.name), ['Name', 'cpu', 'memory', 'Window']);
    assert.deepEqual(table.rows, [
      { cells: ['n1', '123456789n', '1536Mi', '10s'], object: undefined },
      { cells: ['web', '251234567n', '107524Ki', '10s'], object: undefined },
    ]);
  });

  it('has no columns for no items, and the object\'s metadata by default', () => {
    assert.deepEqual(metricsTable([], 'v1', 'Metadata').columnDefinitions, []);
    assert.deepEqual(metricsTable([nodeMetrics], 'v1', 'Metadata').rows[0].object,
      { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'n1' } });
  });
});
