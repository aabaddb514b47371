import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resourceFor, resources } from '../../../apiserver/api/resources.ts';
import type { Pod } from '../../../apiserver/api/types.ts';
import {
  contentLeft, deletionStages, finalizerEstimateSeconds, gracefulTerminationEstimate, namespaceDeletionConditions,
  requeueAfterSeconds, summarizePass, withoutFinalizer, type DeletionPass, type NamespaceCondition,
} from '../../../controllers/namespace-plan.ts';

const pods = resourceFor('', 'v1', 'pods')!;
const configMaps = resourceFor('', 'v1', 'configmaps')!;
const deployments = resourceFor('apps', 'v1', 'deployments')!;
const t0 = Date.parse('2024-05-01T10:00:00Z');

const pod = (grace: number | undefined, phase = 'Running'): Pod =>
  ({ metadata: { name: 'p' }, spec: { containers: [], terminationGracePeriodSeconds: grace }, status: { phase } });
const item = (finalizers?: string[]) => ({ metadata: { finalizers } });
const pass = (p: Partial<DeletionPass> = {}): DeletionPass => ({ estimateSeconds: 0, remaining: {}, finalizers: {}, errors: [], ...p });

describe('deletionStages', () => {
  it('pods first, then every other namespaced kind that can be deleted; never cluster-scoped kinds', () => {
    const stages = deletionStages(resources);
    assert.equal(stages.length, 2);
    assert.deepEqual(stages[0].map((ri) => ri.plural), ['pods']);
    const rest = stages[1].map((ri) => ri.plural);
    for (const plural of ['configmaps', 'secrets', 'serviceaccounts', 'events', 'deployments', 'replicasets', 'services', 'leases']) {
      assert.ok(rest.includes(plural), plural);
    }
    for (const plural of ['pods', 'namespaces', 'nodes', 'persistentvolumes']) assert.ok(!rest.includes(plural), plural);
  });
});

describe('gracefulTerminationEstimate', () => {
  it('the longest grace period of a pod still running', () => {
    assert.equal(gracefulTerminationEstimate([pod(30), pod(60), pod(5)], t0, t0 + 1000), 60);
  });

  it('finished pods have nothing to stop', () => {
    assert.equal(gracefulTerminationEstimate([pod(60, 'Succeeded'), pod(90, 'Failed'), pod(10)], t0, t0), 10);
  });

  it('0 once that long has passed since the namespace was deleted', () => {
    assert.equal(gracefulTerminationEstimate([pod(30)], t0, t0 + 29_000), 30);
    assert.equal(gracefulTerminationEstimate([pod(30)], t0, t0 + 30_000), 0);
    assert.equal(gracefulTerminationEstimate([], t0, t0), 0);
  });
});

describe('contentLeft', () => {
  it('nothing left: done', () => {
    assert.deepEqual(contentLeft(configMaps, 'ns', [], 0), { resource: 'configmaps.', remaining: 0, finalizers: {}, estimateSeconds: 0 });
  });

  it('pods within their grace period are waited for, with their finalizers counted', () => {
    const left = contentLeft(pods, 'ns', [item(), item(['example.com/hold'])], 30);
    assert.deepEqual(left, { resource: 'pods.', remaining: 2, finalizers: { 'example.com/hold': 1 }, estimateSeconds: 30 });
  });

  it('objects held by finalizers get the default wait', () => {
    const left = contentLeft(deployments, 'ns', [item(['a.io/x', 'b.io/y']), item(['a.io/x'])], 0);
    assert.deepEqual(left, { resource: 'deployments.apps', remaining: 2, finalizers: { 'a.io/x': 2, 'b.io/y': 1 }, estimateSeconds: finalizerEstimateSeconds });
  });

  it('objects that stayed with nothing holding them are an error', () => {
    const left = contentLeft(deployments, 'ns', [item()], 0);
    assert.equal(left.remaining, 1);
    assert.equal(left.error, 'unexpected items still remain in namespace: ns for gvr: apps/v1, Resource=deployments');
  });
});

describe('summarizePass', () => {
  it('sums remaining objects and finalizers over kinds, with the longest estimate', () => {
    const s = summarizePass([
      contentLeft(pods, 'ns', [item(['a.io/x'])], 30),
      contentLeft(configMaps, 'ns', [item(['a.io/x'])], 0),
      contentLeft(deployments, 'ns', [], 0),
    ], ['secrets.: boom']);
    assert.deepEqual(s, { estimateSeconds: 30, remaining: { 'pods.': 1, 'configmaps.': 1 }, finalizers: { 'a.io/x': 2 }, errors: ['secrets.: boom'] });
  });
});

describe('requeue and finalize', () => {
  it('looks again after half the estimate plus a second', () => {
    assert.equal(requeueAfterSeconds(15), 8);
    assert.equal(requeueAfterSeconds(30), 16);
    assert.equal(requeueAfterSeconds(0), 1);
  });

  it('removes only its own finalizer', () => {
    assert.deepEqual(withoutFinalizer(['kubernetes', 'z.io/b', 'a.io/a', 'a.io/a'], 'kubernetes'), ['a.io/a', 'z.io/b']);
    assert.deepEqual(withoutFinalizer(undefined, 'kubernetes'), []);
  });
});

describe('namespaceDeletionConditions', () => {
  const now = '2024-05-01T10:00:00Z';
  const later = '2024-05-01T10:01:00Z';
  const byType = (cs: NamespaceCondition[]) => Object.fromEntries(cs.map((c) => [c.type, c]));

  it('says what remains and which finalizers hold it; the other types are their ok variants', () => {
    const { conditions, changed } = namespaceDeletionConditions(undefined,
      pass({ remaining: { 'pods.': 2, 'configmaps.': 1 }, finalizers: { 'example.com/hold': 1 } }), now);
    assert.equal(changed, true);
    assert.deepEqual(conditions.map((c) => c.type), [
      'NamespaceDeletionDiscoveryFailure', 'NamespaceDeletionGroupVersionParsingFailure', 'NamespaceDeletionContentFailure',
      'NamespaceContentRemaining', 'NamespaceFinalizersRemaining',
    ]);
    const c = byType(conditions);
    assert.deepEqual(c.NamespaceContentRemaining, {
      type: 'NamespaceContentRemaining', status: 'True', reason: 'SomeResourcesRemain', lastTransitionTime: now,
      message: 'Some resources are remaining: configmaps. has 1 resource instances, pods. has 2 resource instances',
    });
    assert.equal(c.NamespaceFinalizersRemaining.message, 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances');
    assert.equal(c.NamespaceFinalizersRemaining.reason, 'SomeFinalizersRemain');
    assert.deepEqual(c.NamespaceDeletionContentFailure, {
      type: 'NamespaceDeletionContentFailure', status: 'False', reason: 'ContentDeleted', lastTransitionTime: now,
      message: 'All content successfully deleted, may be waiting on finalization',
    });
    assert.equal(c.NamespaceDeletionDiscoveryFailure.reason, 'ResourcesDiscovered');
  });

  it('reports failed deletions, sorted', () => {
    const { conditions } = namespaceDeletionConditions(undefined, pass({ errors: ['z: no', 'a: no'] }), now);
    const c = byType(conditions).NamespaceDeletionContentFailure;
    assert.equal(c.status, 'True');
    assert.equal(c.reason, 'ContentDeletionFailed');
    assert.equal(c.message, 'Failed to delete all resource types, 2 remaining: a: no, z: no');
  });

  it('moves lastTransitionTime only when a status flips, and changes nothing when nothing changed', () => {
    const first = namespaceDeletionConditions(undefined, pass({ remaining: { 'pods.': 2 } }), now).conditions;
    const fewer = namespaceDeletionConditions(first, pass({ remaining: { 'pods.': 1 } }), later);
    assert.equal(fewer.changed, true);
    assert.equal(byType(fewer.conditions).NamespaceContentRemaining.lastTransitionTime, now, 'still True: same transition');
    assert.match(byType(fewer.conditions).NamespaceContentRemaining.message!, /pods\. has 1 resource/);
    const emptied = namespaceDeletionConditions(fewer.conditions, pass(), later);
    assert.deepEqual(byType(emptied.conditions).NamespaceContentRemaining,
      { type: 'NamespaceContentRemaining', status: 'False', reason: 'ContentRemoved', message: 'All content successfully removed', lastTransitionTime: later });
    assert.equal(namespaceDeletionConditions(emptied.conditions, pass(), later).changed, false);
    assert.equal(byType(first).NamespaceContentRemaining.status, 'True', 'the input is not changed');
  });

  it('keeps conditions it does not own', () => {
    const other: NamespaceCondition = { type: 'example.com/Ready', status: 'True' };
    const { conditions } = namespaceDeletionConditions([other], pass(), now);
    assert.deepEqual(conditions[0], other);
    assert.equal(conditions.length, 6);
  });
});
