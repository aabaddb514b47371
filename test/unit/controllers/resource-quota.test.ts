// The resource-quota controller's decisions: usage measured from a namespace's objects (scopes, finished pods,
// object counts), status.hard following spec.hard, and usage lowered only once admission's charges have settled.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject, Pod, ResourceQuota } from '../../../apiserver/api/types.ts';
import { parseResourceList, toRecord } from '../../../apiserver/quota/resource-list.ts';
import { measureQuota, planQuotaStatus, usageRaised, type ObjectsOf } from '../../../controllers/resource-quota-plan.ts';

const now = Date.parse('2025-06-01T12:00:00Z');

const pod = (name: string, cpu?: string, phase = 'Running', extra: Partial<NonNullable<Pod['spec']>> = {}): KubeObject => ({
  metadata: { name, namespace: 'team' },
  spec: { containers: [{ name: 'c', image: 'x', ...(cpu ? { resources: { requests: { cpu }, limits: { cpu } } } : {}) }], ...extra },
  status: { phase },
}) as KubeObject;

const quota = (hard: Record<string, string>, status?: ResourceQuota['status'], spec: Partial<NonNullable<ResourceQuota['spec']>> = {}): ResourceQuota => ({
  metadata: { name: 'q', namespace: 'team' }, spec: { hard, ...spec }, ...(status ? { status } : {}),
});

const world = (objects: Record<string, KubeObject[]>): ObjectsOf => (group, plural) => objects[`${group}/${plural}`];

describe('measureQuota', () => {
  const objects = world({
    '/pods': [pod('a', '100m'), pod('b', '250m'), pod('done', '1', 'Succeeded'), pod('best'), pod('job', '50m', 'Running', { activeDeadlineSeconds: 60 })],
    '/configmaps': [{}, {}],
    'apps/deployments': [{}],
  });

  it('adds up running pods; finished ones count only as objects', () => {
    assert.deepEqual(toRecord(measureQuota(quota({ pods: '10', 'requests.cpu': '2', 'count/pods': '10' }), objects, now)),
      { 'count/pods': '5', pods: '4', 'requests.cpu': '400m' });
  });

  it('scoped quotas count only the pods in their scopes', () => {
    assert.deepEqual(toRecord(measureQuota(quota({ pods: '10' }, undefined, { scopes: ['BestEffort'] }), objects, now)), { pods: '1' });
    assert.deepEqual(toRecord(measureQuota(quota({ pods: '10', 'requests.cpu': '1' }, undefined, { scopes: ['Terminating'] }), objects, now)),
      { pods: '1', 'requests.cpu': '50m' });
  });

  it('object counts of any kind; kinds that cannot be listed are left out', () => {
    assert.deepEqual(toRecord(measureQuota(quota({ configmaps: '5', 'count/deployments.apps': '3', 'count/widgets.example.com': '1' }), objects, now)),
      { configmaps: '2', 'count/deployments.apps': '1' });
    assert.deepEqual(toRecord(measureQuota(quota({ services: '2' }), objects, now)), {});
  });
});

describe('planQuotaStatus', () => {
  const measured = (pods: string) => parseResourceList({ pods });

  it('a new quota gets status.hard from spec.hard and its measured usage', () => {
    assert.deepEqual(planQuotaStatus(quota({ pods: '2' }), measured('1'), { settleMs: 1000 }),
      { action: 'update', status: { hard: { pods: '2' }, used: { pods: '1' } } });
  });

  it('nothing to write when status already says it; a changed spec.hard is written', () => {
    const q = quota({ pods: '2' }, { hard: { pods: '2' }, used: { pods: '1' } });
    assert.deepEqual(planQuotaStatus(q, measured('1'), { settleMs: 1000 }), { action: 'none' });
    const raised = quota({ pods: '5' }, { hard: { pods: '2' }, used: { pods: '1' } });
    assert.deepEqual(planQuotaStatus(raised, measured('1'), { settleMs: 1000 }),
      { action: 'update', status: { hard: { pods: '5' }, used: { pods: '1' } } });
  });

  it('usage goes down only once admission\'s last charge has settled; up at once', () => {
    const q = quota({ pods: '2' }, { hard: { pods: '2' }, used: { pods: '2' } });
    assert.deepEqual(planQuotaStatus(q, measured('1'), { msSinceRaised: 300, settleMs: 1000 }), { action: 'wait', afterMs: 700 });
    assert.equal(planQuotaStatus(q, measured('1'), { msSinceRaised: 1500, settleMs: 1000 }).action, 'update');
    const low = quota({ pods: '5' }, { hard: { pods: '5' }, used: { pods: '1' } });
    assert.equal(planQuotaStatus(low, measured('3'), { msSinceRaised: 10, settleMs: 1000 }).action, 'update');
  });

  it('what could not be measured keeps its value; names no longer limited are dropped', () => {
    const q = quota({ pods: '2' }, { hard: { pods: '2', services: '1' }, used: { pods: '1', services: '1' } });
    assert.deepEqual(planQuotaStatus(q, new Map(), { settleMs: 1000 }),
      { action: 'update', status: { hard: { pods: '2' }, used: { pods: '1' } } });
  });

  it('usageRaised tells admission\'s charges from the controller giving usage back', () => {
    const before = quota({ pods: '2' }, { hard: { pods: '2' }, used: { pods: '1' } });
    const after = quota({ pods: '2' }, { hard: { pods: '2' }, used: { pods: '2' } });
    assert.equal(usageRaised(before, after), true);
    assert.equal(usageRaised(after, before), false);
  });
});
