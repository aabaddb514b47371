import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OwnerReference } from '../../../apiserver/api/types.ts';
import { OwnershipGraph, decideDependent } from '../../../controllers/garbage-collector-graph.ts';

function obj(uid: string, owners: OwnerReference[] = [], meta: { deletionTimestamp?: string; finalizers?: string[] } = {}) {
  return { metadata: { name: uid, namespace: 'default', uid, ownerReferences: owners, ...meta } };
}
const ref = (uid: string, blockOwnerDeletion = false): OwnerReference =>
  ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: uid, uid, controller: true, blockOwnerDeletion });

describe('OwnershipGraph', () => {
  it('links dependents to owners, with a virtual owner until the owner is seen', () => {
    const g = new OwnershipGraph();
    const w = g.observe(obj('pod', [ref('rs')]), 'v1', 'Pod');
    assert.deepEqual(w.attemptToDelete, ['pod'], 'an unknown owner must be confirmed');
    assert.equal(g.get('rs')?.virtual, true);
    g.observe(obj('rs'), 'apps/v1', 'ReplicaSet');
    assert.equal(g.get('rs')?.virtual, false);
    assert.deepEqual([...g.get('rs')!.dependents], ['pod']);
    assert.deepEqual(g.observe(obj('pod2', [ref('rs')]), 'v1', 'Pod').attemptToDelete, []);
  });

  it('a deleted owner queues its dependents and stays as a virtual node while they exist', () => {
    const g = new OwnershipGraph();
    g.observe(obj('rs'), 'apps/v1', 'ReplicaSet');
    g.observe(obj('pod', [ref('rs')]), 'v1', 'Pod');
    assert.deepEqual(g.remove('rs').attemptToDelete, ['pod']);
    assert.equal(g.get('rs')?.virtual, true);
    assert.deepEqual(g.confirmAbsent('rs'), ['pod']);
    g.remove('pod');
    assert.equal(g.get('rs'), undefined, 'a virtual node with no dependents is forgotten');
    assert.equal(g.size, 0);
  });

  it('foreground deletion queues the dependents and the owner; each dependent leaving queues the owner', () => {
    const g = new OwnershipGraph();
    g.observe(obj('rs'), 'apps/v1', 'ReplicaSet');
    g.observe(obj('a', [ref('rs', true)]), 'v1', 'Pod');
    g.observe(obj('b', [ref('rs', true)]), 'v1', 'Pod');
    const w = g.observe(obj('rs', [], { deletionTimestamp: 'now', finalizers: ['foregroundDeletion'] }), 'apps/v1', 'ReplicaSet');
    assert.deepEqual(w.attemptToDelete.sort(), ['a', 'b', 'rs']);
    assert.equal(g.get('rs')?.deletingDependents, true);
    assert.deepEqual(g.remove('a').attemptToDelete, ['rs']);
    // Releasing a dependent (its ownerReference removed) also frees the owner.
    assert.deepEqual(g.observe(obj('b'), 'v1', 'Pod').attemptToDelete, ['rs']);
  });

  it('the orphan finalizer asks for orphaning', () => {
    const g = new OwnershipGraph();
    g.observe(obj('rs'), 'apps/v1', 'ReplicaSet');
    assert.deepEqual(g.observe(obj('rs', [], { deletionTimestamp: 'now', finalizers: ['orphan'] }), 'apps/v1', 'ReplicaSet').attemptToOrphan, ['rs']);
  });

  it('a dependent that joins an owner already being deleted is looked at', () => {
    const g = new OwnershipGraph();
    g.observe(obj('rs', [], { deletionTimestamp: 'now', finalizers: ['foregroundDeletion'] }), 'apps/v1', 'ReplicaSet');
    assert.ok(g.observe(obj('late', [ref('rs')]), 'v1', 'Pod').attemptToDelete.includes('late'));
  });
});

describe('decideDependent', () => {
  it('keeps objects with a live owner, dropping references to gone or foreground-deleting ones', () => {
    assert.deepEqual(decideDependent([{ uid: 'a', state: 'solid' }], false, []), { action: 'keep' });
    assert.deepEqual(decideDependent([{ uid: 'a', state: 'solid' }, { uid: 'b', state: 'dangling' }], false, []),
      { action: 'removeOwnerReferences', uids: ['b'] });
    assert.deepEqual(decideDependent([], false, []), { action: 'keep' });
  });

  it('deletes orphans in the background, or in the foreground for a foreground owner with grandchildren', () => {
    assert.deepEqual(decideDependent([{ uid: 'a', state: 'dangling' }], true, []), { action: 'delete', propagationPolicy: 'Background' });
    assert.deepEqual(decideDependent([{ uid: 'a', state: 'waitingForDependentsDeletion' }], true, []),
      { action: 'delete', propagationPolicy: 'Foreground' });
    assert.deepEqual(decideDependent([{ uid: 'a', state: 'waitingForDependentsDeletion' }], false, []),
      { action: 'delete', propagationPolicy: 'Background' });
    assert.deepEqual(decideDependent([{ uid: 'a', state: 'dangling' }], true, ['orphan']), { action: 'delete', propagationPolicy: 'Orphan' });
  });
});
