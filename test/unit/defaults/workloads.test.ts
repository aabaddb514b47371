// Defaults of Deployments, ReplicaSets, DaemonSets, StatefulSets and ReplicationControllers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultReplicationController, defaultStatefulSet } from '../../../apiserver/api/defaults/workloads.ts';
import type { DaemonSet, Deployment, PodTemplateSpec, ReplicaSet, ReplicationController, StatefulSet } from '../../../apiserver/api/types.ts';
import { assertIdempotent } from './defaults-helpers.ts';

const template = (): PodTemplateSpec => ({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'main', image: 'nginx' }] } });
const selector = { matchLabels: { app: 'web' } };

/** The pod template got the pod defaults (the pod helper owns their details; one is enough to see they ran). */
function assertTemplateDefaulted(t: PodTemplateSpec | undefined): void {
  assert.equal(t?.spec?.restartPolicy, 'Always');
  assert.equal(t?.spec?.dnsPolicy, 'ClusterFirst');
}

describe('Deployment defaults', () => {
  const minimal = (): Deployment => ({ metadata: { name: 'web' }, spec: { selector, template: template() } });

  it('fills replicas, strategy, history and deadline', () => {
    const d = minimal();
    defaultDeployment(d);
    assert.equal(d.spec!.replicas, 1);
    assert.deepEqual(d.spec!.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    assert.equal(d.spec!.revisionHistoryLimit, 10);
    assert.equal(d.spec!.progressDeadlineSeconds, 600);
    assertTemplateDefaulted(d.spec!.template);
  });

  it('keeps what is set, including zero', () => {
    const d = minimal();
    d.spec!.replicas = 0;
    d.spec!.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0 } };
    defaultDeployment(d);
    assert.equal(d.spec!.replicas, 0);
    assert.deepEqual(d.spec!.strategy!.rollingUpdate, { maxSurge: 0, maxUnavailable: '25%' });
  });

  it('adds no rollingUpdate to Recreate', () => {
    const d = minimal();
    d.spec!.strategy = { type: 'Recreate' };
    defaultDeployment(d);
    assert.deepEqual(d.spec!.strategy, { type: 'Recreate' });
  });

  it('is idempotent', () => assertIdempotent(defaultDeployment, minimal()));
});

describe('ReplicaSet defaults', () => {
  const minimal = (): ReplicaSet => ({ metadata: { name: 'web-1' }, spec: { selector, template: template() } });
  it('fills replicas and the template', () => {
    const rs = minimal();
    defaultReplicaSet(rs);
    assert.equal(rs.spec!.replicas, 1);
    assertTemplateDefaulted(rs.spec!.template);
  });
  it('is idempotent', () => assertIdempotent(defaultReplicaSet, minimal()));
});

describe('DaemonSet defaults', () => {
  const minimal = (): DaemonSet => ({ metadata: { name: 'agent' }, spec: { selector, template: template() } });
  it('fills a one-at-a-time rolling update and history', () => {
    const ds = minimal();
    defaultDaemonSet(ds);
    assert.deepEqual(ds.spec!.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    assert.equal(ds.spec!.revisionHistoryLimit, 10);
    assertTemplateDefaulted(ds.spec!.template);
  });
  it('adds no rollingUpdate to OnDelete', () => {
    const ds = minimal();
    ds.spec!.updateStrategy = { type: 'OnDelete' };
    defaultDaemonSet(ds);
    assert.deepEqual(ds.spec!.updateStrategy, { type: 'OnDelete' });
  });
  it('is idempotent', () => assertIdempotent(defaultDaemonSet, minimal()));
});

describe('StatefulSet defaults', () => {
  const minimal = (): StatefulSet => ({
    metadata: { name: 'db' },
    spec: {
      serviceName: 'db', selector, template: template(),
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  });
  it('fills policy, strategy, retention, replicas, history and claim templates', () => {
    const sts = minimal();
    defaultStatefulSet(sts);
    const spec = sts.spec!;
    assert.equal(spec.podManagementPolicy, 'OrderedReady');
    assert.deepEqual(spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    assert.deepEqual(spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
    assert.equal(spec.replicas, 1);
    assert.equal(spec.revisionHistoryLimit, 10);
    assert.equal(spec.volumeClaimTemplates![0].spec!.volumeMode, 'Filesystem');
    assert.equal(spec.volumeClaimTemplates![0].status?.phase, 'Pending');
    assertTemplateDefaulted(spec.template);
  });
  it('leaves OnDelete without a rolling update', () => {
    const sts = minimal();
    sts.spec!.updateStrategy = { type: 'OnDelete' };
    defaultStatefulSet(sts);
    assert.deepEqual(sts.spec!.updateStrategy, { type: 'OnDelete' });
  });
  it('is idempotent', () => assertIdempotent(defaultStatefulSet, minimal()));
});

describe('ReplicationController defaults', () => {
  const minimal = (): ReplicationController => ({ metadata: { name: 'legacy' }, spec: { template: template() } });
  it('takes selector and labels from the template', () => {
    const rc = minimal();
    defaultReplicationController(rc);
    assert.deepEqual(rc.spec!.selector, { app: 'web' });
    assert.deepEqual(rc.metadata!.labels, { app: 'web' });
    assert.equal(rc.spec!.replicas, 1);
    assertTemplateDefaulted(rc.spec!.template);
  });
  it('keeps an explicit selector and labels', () => {
    const rc = minimal();
    rc.spec!.selector = { app: 'web', tier: 'x' };
    rc.metadata!.labels = { team: 'a' };
    defaultReplicationController(rc);
    assert.deepEqual(rc.spec!.selector, { app: 'web', tier: 'x' });
    assert.deepEqual(rc.metadata!.labels, { team: 'a' });
  });
  it('is idempotent', () => assertIdempotent(defaultReplicationController, minimal()));
});
