import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod } from '../../../apiserver/api/types.ts';
import {
  availabilityRequeueMs, burstReplicas, compareForDeletion, countReplicas, planReplicas, podsToDelete, slowStartBatches,
} from '../../../controllers/replicaset-plan.ts';
import { podFromTemplate, replicaFailureConditions } from '../../../controllers/replicaset.ts';

const t0 = Date.parse('2026-01-01T00:00:00Z');
const at = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

interface PodShape {
  node?: string;
  phase?: string;
  ready?: boolean;
  readySince?: number;
  restarts?: number;
  created?: number;
  cost?: number;
  labels?: Record<string, string>;
}

function pod(name: string, s: PodShape = {}): Pod {
  return {
    metadata: {
      name, labels: s.labels ?? { app: 'web' }, creationTimestamp: at(s.created ?? t0),
      ...(s.cost !== undefined ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': String(s.cost) } } : {}),
    },
    spec: { containers: [{ name: 'c', image: 'busybox' }], ...(s.node ? { nodeName: s.node } : {}) },
    status: {
      phase: s.phase ?? (s.ready ? 'Running' : 'Pending'),
      conditions: s.ready !== undefined ? [{ type: 'Ready', status: s.ready ? 'True' : 'False', lastTransitionTime: at(s.readySince ?? t0) }] : [],
      containerStatuses: [{ name: 'c', image: 'busybox', imageID: '', ready: Boolean(s.ready), restartCount: s.restarts ?? 0 }],
    },
  };
}

const names = (pods: Pod[]): string[] => pods.map((p) => p.metadata?.name ?? '');

describe('planReplicas', () => {
  it('creates the missing pods and deletes the extra ones, at most burstReplicas at once', () => {
    assert.deepEqual(planReplicas(3, [pod('a')]), { kind: 'create', count: 2 });
    assert.deepEqual(planReplicas(1, [pod('a')]), { kind: 'none' });
    assert.deepEqual(planReplicas(2000, []), { kind: 'create', count: burstReplicas });
    const del = planReplicas(1, [pod('a', { node: 'n1', ready: true }), pod('b')]);
    assert.equal(del.kind, 'delete');
    assert.deepEqual(del.kind === 'delete' && names(del.pods), ['b']);
    assert.deepEqual(planReplicas(0, [pod('a'), pod('b')]).kind, 'delete');
  });

  it('sends creations in slow-start batches 1, 2, 4, ...', () => {
    assert.deepEqual(slowStartBatches(1), [1]);
    assert.deepEqual(slowStartBatches(10), [1, 2, 4, 3]);
    assert.deepEqual(slowStartBatches(0), []);
    assert.equal(slowStartBatches(500).reduce((a, b) => a + b, 0), 500);
  });
});

describe('which pods go first', () => {
  it('unscheduled, then pending, then not ready, then ready', () => {
    const pods = [
      pod('ready', { node: 'n1', ready: true }),
      pod('unready', { node: 'n2', phase: 'Running', ready: false }),
      pod('pending', { node: 'n3', phase: 'Pending' }),
      pod('unscheduled'),
      pod('unknown', { node: 'n4', phase: 'Unknown' }),
    ];
    assert.deepEqual(names(podsToDelete(pods, 5)), ['unscheduled', 'pending', 'unknown', 'unready', 'ready']);
  });

  it('then the lower pod-deletion-cost, then pods doubled up on a node', () => {
    const cheap = pod('cheap', { node: 'n1', ready: true, cost: -10 });
    const dear = pod('dear', { node: 'n2', ready: true, cost: 10 });
    assert.ok(compareForDeletion(cheap, dear) < 0);
    const pods = [pod('alone', { node: 'n1', ready: true }), pod('pair1', { node: 'n2', ready: true }), pod('pair2', { node: 'n2', ready: true })];
    assert.deepEqual(names(podsToDelete(pods, 1)).map((n) => n.slice(0, 4)), ['pair']);
  });

  it('then ready for a shorter time, more restarts, and newer', () => {
    const young = pod('young', { node: 'n1', ready: true, readySince: t0 + 60_000 });
    const old = pod('old', { node: 'n2', ready: true, readySince: t0 });
    assert.ok(compareForDeletion(young, old) < 0);
    const crashy = pod('crashy', { node: 'n1', ready: true, restarts: 5 });
    const steady = pod('steady', { node: 'n2', ready: true });
    assert.ok(compareForDeletion(crashy, steady) < 0);
    const newer = pod('newer', { node: 'n1', ready: true, created: t0 + 1000 });
    const older = pod('older', { node: 'n2', ready: true, created: t0 });
    assert.deepEqual(names(podsToDelete([older, newer], 1)), ['newer']);
  });
});

describe('status', () => {
  it('counts fully labeled, ready and available replicas', () => {
    const template = { metadata: { labels: { app: 'web', tier: 'front' } } };
    const pods = [
      pod('a', { ready: true, readySince: t0, labels: { app: 'web', tier: 'front' } }),
      pod('b', { ready: true, readySince: t0 + 25_000, labels: { app: 'web' } }),
      pod('c', { phase: 'Pending', labels: { app: 'web', tier: 'front', extra: 'x' } }),
    ];
    assert.deepEqual(countReplicas(pods, template, 10, t0 + 30_000),
      { replicas: 3, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 1 });
    assert.equal(countReplicas(pods, template, 0, t0).availableReplicas, 2);
  });

  it('requeues when a ready pod will become available', () => {
    const pods = [pod('a', { ready: true, readySince: t0 }), pod('b', { ready: true, readySince: t0 - 60_000 })];
    assert.equal(availabilityRequeueMs(pods, 10, t0 + 4_000), 6_001);
    assert.equal(availabilityRequeueMs(pods, 0, t0), undefined);
    assert.equal(availabilityRequeueMs(pods, 10, t0 + 20_000), undefined);
  });

  it('ReplicaFailure appears with a failure and goes with the next success, keeping its transition time', () => {
    const failed = replicaFailureConditions(undefined, { reason: 'FailedCreate', err: new Error('pods "x" is forbidden: exceeded quota') }, t0);
    assert.equal(failed[0].reason, 'FailedCreate');
    assert.equal(failed[0].lastTransitionTime, at(t0));
    const again = replicaFailureConditions(failed, { reason: 'FailedCreate', err: new Error('still') }, t0 + 5000);
    assert.equal(again[0].lastTransitionTime, at(t0));
    assert.equal(again[0].message, 'still');
    assert.deepEqual(replicaFailureConditions(again, undefined, t0), []);
  });
});

describe('podFromTemplate', () => {
  it('copies the template and points back at the owner', () => {
    const rs = {
      metadata: { name: 'web-abc', namespace: 'default', uid: 'u1' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' }, annotations: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      },
    };
    const p = podFromTemplate(rs, { apiVersion: 'apps/v1', kind: 'ReplicaSet' });
    assert.equal(p.metadata?.generateName, 'web-abc-');
    assert.deepEqual(p.metadata?.labels, { app: 'web' });
    assert.deepEqual(p.metadata?.annotations, { a: 'b' });
    assert.deepEqual(p.metadata?.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'u1', controller: true, blockOwnerDeletion: true }]);
    assert.equal(p.spec?.containers[0].image, 'nginx');
    assert.notEqual(p.spec, rs.spec.template.spec);
  });
});
