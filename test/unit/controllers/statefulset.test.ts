// The StatefulSet controller's pure decisions: ordered creation and scale-down, Parallel, rolling updates from the
// highest ordinal honouring the partition, and OnDelete.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod, StatefulSet } from '../../../apiserver/api/types.ts';
import {
  claimNameFor, ordinalOf, planStatefulSet, revisionForOrdinal,
} from '../../../controllers/statefulset-plan.ts';

const now = Date.parse('2026-01-02T00:00:00Z');
const hashes = { current: 'old', update: 'new' };
const set = (extra: Partial<NonNullable<StatefulSet['spec']>> = {}): StatefulSet => ({
  metadata: { name: 'web' },
  spec: { replicas: 3, serviceName: 'web', selector: {}, template: {}, ...extra },
});
const pod = (ord: number, o: { ready?: boolean; hash?: string; deleting?: boolean; phase?: string } = {}): Pod => ({
  metadata: {
    name: `web-${ord}`, labels: { 'controller-revision-hash': o.hash ?? 'new' },
    ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
  },
  status: o.phase ? { phase: o.phase } : (o.ready ?? true) ? { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } : { phase: 'Pending' },
});
const names = (pods: Pod[]): string[] => pods.map((p) => p.metadata?.name ?? '');

describe('statefulset plan', () => {
  it('reads ordinals from names', () => {
    assert.equal(ordinalOf('web', pod(12)), 12);
    assert.equal(ordinalOf('web', { metadata: { name: 'web-01' } }), undefined);
    assert.equal(ordinalOf('web', { metadata: { name: 'webx-1' } }), undefined);
    assert.equal(claimNameFor('data', 'web-0'), 'data-web-0');
  });

  it('OrderedReady creates the lowest missing ordinal only once every lower one is ready', () => {
    assert.deepEqual(planStatefulSet(set(), [], hashes, now).create, [{ ordinal: 0, revision: 'update' }]);
    assert.deepEqual(planStatefulSet(set(), [pod(0, { ready: false })], hashes, now), { create: [], delete: [] });
    assert.deepEqual(planStatefulSet(set(), [pod(0)], hashes, now).create, [{ ordinal: 1, revision: 'update' }]);
    // A hole is refilled first.
    assert.deepEqual(planStatefulSet(set(), [pod(0), pod(2)], hashes, now).create, [{ ordinal: 1, revision: 'update' }]);
  });

  it('Parallel creates every missing ordinal at once', () => {
    const p = planStatefulSet(set({ podManagementPolicy: 'Parallel' }), [pod(1, { ready: false })], hashes, now);
    assert.deepEqual(p.create.map((c) => c.ordinal), [0, 2]);
  });

  it('scales down from the highest ordinal, one at a time, waiting for the terminating one', () => {
    const pods = [pod(0), pod(1), pod(2), pod(3)];
    assert.deepEqual(names(planStatefulSet(set({ replicas: 2 }), pods, hashes, now).delete), ['web-3']);
    const waiting = planStatefulSet(set({ replicas: 2 }), [pod(0), pod(1), pod(2), pod(3, { deleting: true })], hashes, now);
    assert.deepEqual(waiting, { create: [], delete: [] });
    assert.deepEqual(names(planStatefulSet(set({ replicas: 2, podManagementPolicy: 'Parallel' }), pods, hashes, now).delete), ['web-3', 'web-2']);
    // OrderedReady does not scale down while a remaining pod is unhealthy.
    assert.deepEqual(planStatefulSet(set({ replicas: 2 }), [pod(0, { ready: false }), pod(1), pod(2)], hashes, now).delete, []);
  });

  it('replaces a failed pod under the same name', () => {
    assert.deepEqual(names(planStatefulSet(set(), [pod(0), pod(1, { phase: 'Failed' }), pod(2)], hashes, now).delete), ['web-1']);
  });

  it('rolls updates from the highest ordinal down to the partition, one healthy step at a time', () => {
    const old = [pod(0, { hash: 'old' }), pod(1, { hash: 'old' }), pod(2, { hash: 'old' })];
    assert.deepEqual(names(planStatefulSet(set(), old, hashes, now).delete), ['web-2']);
    const mid = [pod(0, { hash: 'old' }), pod(1, { hash: 'old' }), pod(2, { ready: false })];
    assert.deepEqual(planStatefulSet(set(), mid, hashes, now).delete, []);
    const next = [pod(0, { hash: 'old' }), pod(1, { hash: 'old' }), pod(2)];
    assert.deepEqual(names(planStatefulSet(set(), next, hashes, now).delete), ['web-1']);
    const partitioned = set({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } });
    assert.deepEqual(planStatefulSet(partitioned, next, hashes, now).delete, []);
    assert.equal(revisionForOrdinal(partitioned, 1), 'current');
    assert.equal(revisionForOrdinal(partitioned, 2), 'update');
    assert.deepEqual(planStatefulSet(set({ updateStrategy: { type: 'OnDelete' } }), old, hashes, now).delete, []);
    assert.equal(revisionForOrdinal(set({ updateStrategy: { type: 'OnDelete' } }), 0), 'update');
  });
});
