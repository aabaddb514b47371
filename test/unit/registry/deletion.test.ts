import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planDelete, shouldFinishDeletion } from '../../../apiserver/registry/deletion.ts';
import type { KubeObject } from '../../../apiserver/api/types.ts';

const now = Date.parse('2026-01-01T00:00:00Z');
const pod = (extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', uid: 'u' },
  spec: { nodeName: 'n1', terminationGracePeriodSeconds: 30, containers: [] }, status: { phase: 'Running' }, ...extra,
});

describe('planDelete', () => {
  it('marks a running, bound pod with its grace period', () => {
    const plan = planDelete('pods', pod(), {}, now);
    assert.equal(plan.action, 'mark');
    if (plan.action !== 'mark') return;
    assert.equal(plan.object.metadata?.deletionTimestamp, '2026-01-01T00:00:30Z');
    assert.equal(plan.object.metadata?.deletionGracePeriodSeconds, 30);
  });

  it('uses the request grace period, and grace 0 deletes now', () => {
    const plan = planDelete('pods', pod(), { gracePeriodSeconds: 5 }, now);
    assert.equal(plan.action === 'mark' && plan.object.metadata?.deletionGracePeriodSeconds, 5);
    assert.deepEqual(planDelete('pods', pod(), { gracePeriodSeconds: 0 }, now), { action: 'delete' });
  });

  it('deletes unscheduled and finished pods at once', () => {
    assert.deepEqual(planDelete('pods', pod({ spec: { containers: [] } }), {}, now), { action: 'delete' });
    assert.deepEqual(planDelete('pods', pod({ status: { phase: 'Succeeded' } }), {}, now), { action: 'delete' });
  });

  it('a shorter second delete shortens the grace period; a longer one changes nothing', () => {
    const first = planDelete('pods', pod(), {}, now);
    assert.equal(first.action, 'mark');
    if (first.action !== 'mark') return;
    const longer = planDelete('pods', first.object, { gracePeriodSeconds: 60 }, now + 1000);
    assert.equal(longer.action === 'mark' && longer.object, first.object, 'unchanged object is returned as is');
    const shorter = planDelete('pods', first.object, { gracePeriodSeconds: 2 }, now + 1000);
    assert.equal(shorter.action === 'mark' && shorter.object.metadata?.deletionGracePeriodSeconds, 2);
  });

  it('objects with finalizers are marked, not deleted', () => {
    const cm: KubeObject = { metadata: { name: 'c', finalizers: ['x/y'] } };
    const plan = planDelete('configmaps', cm, {}, now);
    assert.equal(plan.action, 'mark');
    if (plan.action !== 'mark') return;
    assert.equal(plan.object.metadata?.deletionTimestamp, '2026-01-01T00:00:00Z');
    assert.equal(plan.object.metadata?.deletionGracePeriodSeconds, 0);
    assert.deepEqual(cm.metadata?.finalizers, ['x/y'], 'the input is not mutated');
  });

  it('propagation policies add and remove the GC finalizers', () => {
    const d: KubeObject = { metadata: { name: 'd' } };
    const orphan = planDelete('deployments', d, { propagationPolicy: 'Orphan' }, now);
    assert.deepEqual(orphan.action === 'mark' && orphan.object.metadata?.finalizers, ['orphan']);
    const fg = planDelete('deployments', d, { propagationPolicy: 'Foreground' }, now);
    assert.deepEqual(fg.action === 'mark' && fg.object.metadata?.finalizers, ['foregroundDeletion']);
    const legacy = planDelete('deployments', d, { orphanDependents: true }, now);
    assert.deepEqual(legacy.action === 'mark' && legacy.object.metadata?.finalizers, ['orphan']);
    const back = planDelete('deployments', { metadata: { name: 'd', finalizers: ['orphan'] } }, { propagationPolicy: 'Background' }, now);
    assert.deepEqual(back, { action: 'delete' });
    assert.deepEqual(planDelete('deployments', d, {}, now), { action: 'delete' });
  });

  it('a namespace with spec.finalizers turns Terminating', () => {
    const ns: KubeObject = { metadata: { name: 'n' }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
    const plan = planDelete('namespaces', ns, {}, now);
    assert.equal(plan.action, 'mark');
    if (plan.action !== 'mark') return;
    assert.equal((plan.object.status as { phase: string }).phase, 'Terminating');
    assert.ok(plan.object.metadata?.deletionTimestamp);
    assert.equal(plan.object.metadata?.deletionGracePeriodSeconds, undefined);
    // A second DELETE changes nothing while the namespace controller is at work.
    assert.deepEqual(planDelete('namespaces', plan.object, {}, now + 1000), { action: 'mark', object: plan.object });
  });

  it('the first DELETE of a namespace only marks it, even with nothing to finalize; a later one deletes it', () => {
    const finalized: KubeObject = { metadata: { name: 'n' }, spec: {}, status: { phase: 'Active' } };
    const plan = planDelete('namespaces', finalized, {}, now);
    assert.equal(plan.action, 'mark');
    if (plan.action !== 'mark') return;
    assert.equal((plan.object.status as { phase: string }).phase, 'Terminating');
    assert.deepEqual(planDelete('namespaces', plan.object, {}, now), { action: 'delete' });
  });

  it('a namespace DELETE adds the finalizer its propagationPolicy asks for', () => {
    const ns: KubeObject = { metadata: { name: 'n' }, spec: { finalizers: ['kubernetes'] } };
    const fg = planDelete('namespaces', ns, { propagationPolicy: 'Foreground' }, now);
    assert.deepEqual(fg.action === 'mark' && fg.object.metadata?.finalizers, ['foregroundDeletion']);
    const orphan = planDelete('namespaces', ns, { propagationPolicy: 'Orphan' }, now);
    assert.deepEqual(orphan.action === 'mark' && orphan.object.metadata?.finalizers, ['orphan']);
  });
});

describe('shouldFinishDeletion', () => {
  it('only once finalizers are gone and no grace period is pending', () => {
    assert.equal(shouldFinishDeletion('configmaps', { metadata: { deletionTimestamp: 't', deletionGracePeriodSeconds: 0 } }), true);
    assert.equal(shouldFinishDeletion('configmaps', { metadata: { deletionTimestamp: 't', finalizers: ['a'] } }), false);
    assert.equal(shouldFinishDeletion('pods', { metadata: { deletionTimestamp: 't', deletionGracePeriodSeconds: 30 } }), false);
    assert.equal(shouldFinishDeletion('configmaps', { metadata: {} }), false);
    assert.equal(shouldFinishDeletion('namespaces', { metadata: { deletionTimestamp: 't' }, spec: { finalizers: ['kubernetes'] } }), false);
  });
});
