// Revision annotations, the new ReplicaSet's shape, history cleanup and rollback templates.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { equalIgnoreHash } from '../../../controllers/deployment-replicasets.ts';
import {
  appendHistory, changeCauseAnnotation, desiredReplicasAnnotation, lastRevision, maxReplicasAnnotation, maxRevision,
  newReplicaSetFor, replicaSetsToPrune, revisionAnnotation, revisionHistoryAnnotation, rollbackRequest, rolledBack,
  setNewReplicaSetAnnotations,
} from '../../../controllers/deployment-revisions.ts';
import { deploy, rs } from './deployment-fixtures.ts';

describe('revision annotations', () => {
  it('gives a ReplicaSet about to be created its revision, replica counts and the change cause', () => {
    const d = deploy({
      replicas: 4,
      annotations: {
        [changeCauseAnnotation]: 'kubectl set image', 'kubectl.kubernetes.io/last-applied-configuration': '{}',
        [revisionAnnotation]: '7',
      },
    });
    const a: Record<string, string> = {};
    assert.equal(setNewReplicaSetAnnotations(d, a, 3, false), true);
    assert.deepEqual(a, {
      [changeCauseAnnotation]: 'kubectl set image', [revisionAnnotation]: '3',
      [desiredReplicasAnnotation]: '4', [maxReplicasAnnotation]: '5',
    });
    // Nothing more to change the second time.
    assert.equal(setNewReplicaSetAnnotations(d, a, 3, true), false);
  });

  it('renumbers a ReplicaSet rolled back to and keeps its old numbers in revision-history', () => {
    const d = deploy();
    const a: Record<string, string> = { [revisionAnnotation]: '1' };
    assert.equal(setNewReplicaSetAnnotations(d, a, 3, true), true);
    assert.equal(a[revisionAnnotation], '3');
    assert.equal(a[revisionHistoryAnnotation], '1');
    setNewReplicaSetAnnotations(d, a, 5, true);
    assert.equal(a[revisionAnnotation], '5');
    assert.equal(a[revisionHistoryAnnotation], '1,3');
    // An existing ReplicaSet does not get replica annotations here (scaling writes them).
    assert.equal(a[desiredReplicasAnnotation], undefined);
  });

  it('never lowers a revision', () => {
    const a: Record<string, string> = { [revisionAnnotation]: '9' };
    assert.equal(setNewReplicaSetAnnotations(deploy(), a, 4, true), false);
    assert.equal(a[revisionAnnotation], '9');
  });

  it('drops the oldest history entries past the length limit', () => {
    assert.equal(appendHistory('', '4', 10), '4');
    assert.equal(appendHistory('1,2', '3', 10), '1,2,3');
    assert.equal(appendHistory('11,22,33', '44', 8), '22,33,44');
    assert.equal(appendHistory('11,22,33', '44', 7), '33,44');
    assert.equal(appendHistory('1', '123456789', 5), undefined);
  });

  it('finds the highest and second highest revisions', () => {
    const list = [rs('a', 0, { revision: 2 }), rs('b', 0, { revision: 5 }), rs('c', 0, { revision: 3 }), rs('d', 0)];
    assert.equal(maxRevision(list), 5);
    assert.equal(lastRevision(list), 3);
    assert.equal(lastRevision([rs('a', 0, { revision: 1 })]), 0);
  });
});

describe('the new ReplicaSet', () => {
  it('is named and labelled by the template hash and controlled by the Deployment', () => {
    const d = deploy({ replicas: 3 });
    const made = newReplicaSetFor(d, 0, 1, 1);
    const hash = made.metadata?.labels?.['pod-template-hash'] ?? '';
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(made.metadata?.name, `web-${hash}`);
    assert.deepEqual(made.spec?.selector.matchLabels, { app: 'web', 'pod-template-hash': hash });
    assert.deepEqual(made.spec?.template?.metadata?.labels, { app: 'web', 'pod-template-hash': hash });
    assert.equal(made.spec?.replicas, 1);
    assert.deepEqual(made.metadata?.ownerReferences, [{
      apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd-uid', controller: true, blockOwnerDeletion: true,
    }]);
    assert.equal(made.metadata?.annotations?.[revisionAnnotation], '1');
    assert.equal(equalIgnoreHash(made.spec?.template, d.spec?.template), true);
    // The Deployment's own template is untouched.
    assert.deepEqual(d.spec?.template.metadata?.labels, { app: 'web' });
  });

  it('hashes the same template the same, whatever the key order, and differently after a collision', () => {
    const a = deploy();
    const b = deploy();
    b.spec!.template = { spec: { containers: [{ image: 'busybox:1', name: 'c' }] }, metadata: { labels: { app: 'web' } } };
    assert.equal(newReplicaSetFor(a, 0, 1, 1).metadata?.name, newReplicaSetFor(b, 0, 1, 1).metadata?.name);
    assert.notEqual(newReplicaSetFor(a, 0, 1, 1).metadata?.name, newReplicaSetFor(a, 1, 1, 1).metadata?.name);
    assert.notEqual(newReplicaSetFor(a, 0, 1, 1).metadata?.name, newReplicaSetFor(deploy({ image: 'x' }), 0, 1, 1).metadata?.name);
  });

  it('compares templates ignoring the hash label and empty maps', () => {
    const d = deploy();
    const t = structuredClone(d.spec!.template);
    t.metadata = { labels: { app: 'web', 'pod-template-hash': 'abc' }, annotations: {} };
    assert.equal(equalIgnoreHash(d.spec?.template, t), true);
    t.metadata.labels = { app: 'other' };
    assert.equal(equalIgnoreHash(d.spec?.template, t), false);
  });
});

describe('history cleanup', () => {
  it('deletes the oldest revisions beyond revisionHistoryLimit, only when fully scaled down', () => {
    const d = deploy({ revisionHistoryLimit: 2 });
    const olds = [
      rs('r4', 0, { revision: 4 }), rs('r1', 0, { revision: 1 }), rs('r2', 1, { revision: 2 }), rs('r3', 0, { revision: 3 }),
      rs('r5', 0, { revision: 5 }),
    ];
    // Five old sets, limit two: r1, r2, r3 are candidates; r2 still has a replica.
    assert.deepEqual(replicaSetsToPrune(d, olds).map((r) => r.metadata?.name), ['r1', 'r3']);
  });

  it('waits for the status to show the scale-down, and skips sets already being deleted', () => {
    const d = deploy({ revisionHistoryLimit: 0 });
    assert.deepEqual(replicaSetsToPrune(d, [rs('a', 0, { revision: 1, actual: 1 })]), []);
    assert.deepEqual(replicaSetsToPrune(d, [rs('a', 0, { revision: 1, generation: 2, observedGeneration: 1 })]), []);
    assert.deepEqual(replicaSetsToPrune(d, [rs('a', 0, { revision: 1, deleting: true })]), []);
    assert.deepEqual(replicaSetsToPrune(d, [rs('a', 0, { revision: 1 })]).length, 1);
    const unlimited = deploy();
    delete unlimited.spec!.revisionHistoryLimit;
    assert.deepEqual(replicaSetsToPrune(unlimited, [rs('a', 0, { revision: 1 })]), []);
  });
});

describe('rollback', () => {
  it('reads the deprecated rollbackTo request', () => {
    assert.equal(rollbackRequest(deploy()), undefined);
    assert.equal(rollbackRequest(deploy({ annotations: { 'deprecated.deployment.rollback.to': '0' } })), 0);
    assert.equal(rollbackRequest(deploy({ annotations: { 'deprecated.deployment.rollback.to': '3' } })), 3);
    assert.equal(rollbackRequest(deploy({ annotations: { 'deprecated.deployment.rollback.to': 'x' } })), undefined);
  });

  it('copies the template without its hash and the ReplicaSet annotations back', () => {
    const d = deploy({ annotations: { [revisionAnnotation]: '4', 'deprecated.deployment.rollback.to': '2', [changeCauseAnnotation]: 'new' } });
    const old = rs('abc', 0, { revision: 2, image: 'busybox:2' });
    old.metadata!.annotations![changeCauseAnnotation] = 'old';
    const back = rolledBack(d, old);
    assert.equal(back.spec?.template.spec?.containers[0].image, 'busybox:2');
    assert.deepEqual(back.spec?.template.metadata?.labels, { app: 'web' });
    assert.deepEqual(back.metadata?.annotations, { [revisionAnnotation]: '4', [changeCauseAnnotation]: 'old' });
    assert.equal(equalIgnoreHash(back.spec?.template, old.spec?.template), true);
  });
});
