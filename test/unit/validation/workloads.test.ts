// Validation tables for the pod-owning controllers: Deployment, ReplicaSet, DaemonSet, StatefulSet,
// ReplicationController, and ControllerRevision.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultReplicationController, defaultStatefulSet } from '../../../apiserver/api/defaults/workloads.ts';
import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet, ReplicationController, StatefulSet } from '../../../apiserver/api/types.ts';
import { setStatus } from '../../../apiserver/api/writable-status.ts';
import { validateControllerRevision, validateControllerRevisionUpdate } from '../../../apiserver/api/validation/controllerrevision.ts';
import { validateDaemonSet, validateDaemonSetStatusUpdate, validateDaemonSetUpdate } from '../../../apiserver/api/validation/daemonset.ts';
import { validateDeployment, validateDeploymentStatusUpdate, validateDeploymentUpdate } from '../../../apiserver/api/validation/deployment.ts';
import { validateReplicaSet, validateReplicaSetStatusUpdate, validateReplicaSetUpdate } from '../../../apiserver/api/validation/replicaset.ts';
import { validateReplicationController } from '../../../apiserver/api/validation/replicationcontroller.ts';
import { validateStatefulSet, validateStatefulSetStatusUpdate, validateStatefulSetUpdate } from '../../../apiserver/api/validation/statefulset.ts';
import { assertHasError, assertHasErrorUnder, assertNoErrors, validationTable } from './field-errors.ts';
import { clone, podTemplate } from './fixtures.ts';


function deployment(): Deployment {
  const d: Deployment = {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' },
    spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: podTemplate() },
  };
  defaultDeployment(d);
  return d;
}

describe('Deployment validation', () => {
  validationTable(deployment, validateDeployment, [
    { name: 'rejects negative replicas', mutate: (d) => { d.spec!.replicas = -1; }, field: 'spec.replicas', type: 'FieldValueInvalid', detail: 'must be greater than or equal to 0' },
    { name: 'requires a selector', mutate: (d) => { delete (d.spec as Partial<NonNullable<Deployment['spec']>>).selector; }, field: 'spec.selector', type: 'FieldValueRequired' },
    { name: 'rejects an empty selector', mutate: (d) => { d.spec!.selector = {}; }, field: 'spec.selector', type: 'FieldValueInvalid', detail: 'empty selector is invalid for deployment' },
    { name: 'requires template labels to match the selector', mutate: (d) => { d.spec!.template.metadata!.labels = { app: 'other' }; }, field: 'spec.template.metadata.labels', type: 'FieldValueInvalid', detail: '`selector` does not match template `labels`' },
    { name: 'requires restartPolicy Always', mutate: (d) => { d.spec!.template.spec!.restartPolicy = 'Never'; }, field: 'spec.template.spec.restartPolicy', type: 'FieldValueNotSupported' },
    { name: 'forbids activeDeadlineSeconds in the template', mutate: (d) => { d.spec!.template.spec!.activeDeadlineSeconds = 30; }, field: 'spec.template.spec.activeDeadlineSeconds', type: 'FieldValueForbidden' },
    { name: 'requires a template', mutate: (d) => { delete (d.spec as Partial<NonNullable<Deployment['spec']>>).template; }, field: 'spec.template', type: 'FieldValueRequired' },
    { name: 'rejects an unknown strategy type', mutate: (d) => { d.spec!.strategy = { type: 'BlueGreen' }; }, field: 'spec.strategy', type: 'FieldValueNotSupported' },
    { name: 'forbids rollingUpdate with Recreate', mutate: (d) => { d.spec!.strategy!.type = 'Recreate'; }, field: 'spec.strategy.rollingUpdate', type: 'FieldValueForbidden' },
    { name: 'rejects maxSurge and maxUnavailable both 0', mutate: (d) => { d.spec!.strategy!.rollingUpdate = { maxSurge: 0, maxUnavailable: '0%' }; }, field: 'spec.strategy.rollingUpdate.maxUnavailable', type: 'FieldValueInvalid', detail: 'may not be 0 when `maxSurge` is 0' },
    { name: 'rejects a malformed percentage', mutate: (d) => { d.spec!.strategy!.rollingUpdate!.maxSurge = '5'; }, field: 'spec.strategy.rollingUpdate.maxSurge', type: 'FieldValueInvalid' },
    { name: 'rejects a negative maxUnavailable', mutate: (d) => { d.spec!.strategy!.rollingUpdate!.maxUnavailable = -1; }, field: 'spec.strategy.rollingUpdate.maxUnavailable', type: 'FieldValueInvalid' },
    { name: 'rejects maxUnavailable above 100%', mutate: (d) => { d.spec!.strategy!.rollingUpdate!.maxUnavailable = '150%'; }, field: 'spec.strategy.rollingUpdate.maxUnavailable', type: 'FieldValueInvalid', detail: 'must not be greater than 100%' },
    { name: 'rejects negative minReadySeconds', mutate: (d) => { d.spec!.minReadySeconds = -5; }, field: 'spec.minReadySeconds', type: 'FieldValueInvalid' },
    { name: 'rejects negative revisionHistoryLimit', mutate: (d) => { d.spec!.revisionHistoryLimit = -1; }, field: 'spec.revisionHistoryLimit', type: 'FieldValueInvalid' },
    { name: 'requires progressDeadlineSeconds above minReadySeconds', mutate: (d) => { d.spec!.minReadySeconds = 30; d.spec!.progressDeadlineSeconds = 30; }, field: 'spec.progressDeadlineSeconds', type: 'FieldValueInvalid', detail: 'must be greater than minReadySeconds' },
    { name: 'requires a spec', mutate: (d) => { delete d.spec; }, field: 'spec', type: 'FieldValueRequired' },
  ]);

  it('reports a malformed selector under spec.selector', () => {
    const d = deployment();
    d.spec!.selector = { matchExpressions: [{ key: 'app', operator: 'In', values: [] }] };
    assertHasErrorUnder(validateDeployment(d), 'spec.selector', 'FieldValueRequired');
  });

  it('makes the selector immutable and allows other changes', () => {
    const old = deployment();
    const scaled = clone(old);
    scaled.spec!.replicas = 10;
    assertNoErrors(validateDeploymentUpdate(scaled, old));
    const reselected = clone(old);
    reselected.spec!.selector = { matchLabels: { app: 'web', tier: 'front' } };
    assertHasError(validateDeploymentUpdate(reselected, old), 'spec.selector', 'FieldValueInvalid', 'field is immutable');
  });

  it('checks status counters', () => {
    const old = deployment();
    const d = clone(old);
    d.status = { replicas: 2, readyReplicas: 3, availableReplicas: 1 };
    assertHasError(validateDeploymentStatusUpdate(d, old), 'status.readyReplicas', 'FieldValueInvalid', 'cannot be greater than status.replicas');
    d.status = { replicas: 2, readyReplicas: 1, availableReplicas: 2 };
    assertHasError(validateDeploymentStatusUpdate(d, old), 'status.availableReplicas', 'FieldValueInvalid', 'cannot be greater than readyReplicas');
    old.status = { collisionCount: 2 };
    d.status = { collisionCount: 1 };
    assertHasError(validateDeploymentStatusUpdate(d, old), 'status.collisionCount', 'FieldValueInvalid', 'cannot be decremented');
    d.status = { replicas: 3, readyReplicas: 3, availableReplicas: 2, collisionCount: 2 };
    assertNoErrors(validateDeploymentStatusUpdate(d, old));
  });
});

function replicaSet(): ReplicaSet {
  const rs: ReplicaSet = {
    metadata: { name: 'web-abc' },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: podTemplate() },
  };
  defaultReplicaSet(rs);
  return rs;
}

describe('ReplicaSet validation', () => {
  validationTable(replicaSet, validateReplicaSet, [
    { name: 'rejects negative replicas', mutate: (rs) => { rs.spec!.replicas = -2; }, field: 'spec.replicas', type: 'FieldValueInvalid' },
    { name: 'rejects negative minReadySeconds', mutate: (rs) => { rs.spec!.minReadySeconds = -1; }, field: 'spec.minReadySeconds', type: 'FieldValueInvalid' },
    { name: 'rejects an empty selector', mutate: (rs) => { rs.spec!.selector = { matchLabels: {} }; }, field: 'spec.selector', type: 'FieldValueInvalid', detail: 'empty selector is invalid for replicaset' },
    { name: 'requires template labels to match the selector', mutate: (rs) => { rs.spec!.selector = { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }; }, field: 'spec.template.metadata.labels', type: 'FieldValueInvalid' },
    { name: 'requires restartPolicy Always', mutate: (rs) => { rs.spec!.template!.spec!.restartPolicy = 'OnFailure'; }, field: 'spec.template.spec.restartPolicy', type: 'FieldValueNotSupported' },
  ]);

  it('makes the selector immutable', () => {
    const old = replicaSet();
    const rs = clone(old);
    rs.spec!.selector = { matchLabels: { app: 'other' } };
    assertHasError(validateReplicaSetUpdate(rs, old), 'spec.selector', 'FieldValueInvalid', 'field is immutable');
  });

  it('rejects negative status counters', () => {
    const rs = replicaSet();
    setStatus(rs, { replicas: -1 });
    assertHasError(validateReplicaSetStatusUpdate(rs), 'status.replicas', 'FieldValueInvalid');
  });
});

function daemonSet(): DaemonSet {
  const ds: DaemonSet = {
    metadata: { name: 'agent' },
    spec: { selector: { matchLabels: { app: 'agent' } }, template: podTemplate({ app: 'agent' }) },
  };
  defaultDaemonSet(ds);
  return ds;
}

describe('DaemonSet validation', () => {
  validationTable(daemonSet, validateDaemonSet, [
    { name: 'requires a selector', mutate: (ds) => { delete (ds.spec as Partial<NonNullable<DaemonSet['spec']>>).selector; }, field: 'spec.selector', type: 'FieldValueRequired' },
    { name: 'requires template labels to match the selector', mutate: (ds) => { ds.spec!.template.metadata!.labels = { app: 'x' }; }, field: 'spec.template.metadata.labels', type: 'FieldValueInvalid' },
    { name: 'rejects an unknown update strategy', mutate: (ds) => { ds.spec!.updateStrategy = { type: 'Sometimes' }; }, field: 'spec.updateStrategy', type: 'FieldValueNotSupported' },
    { name: 'rejects surge together with unavailability', mutate: (ds) => { ds.spec!.updateStrategy!.rollingUpdate = { maxSurge: 1, maxUnavailable: 1 }; }, field: 'spec.updateStrategy.rollingUpdate.maxSurge', type: 'FieldValueInvalid', detail: 'may not be set when maxUnavailable is non-zero' },
    { name: 'requires surge or unavailability', mutate: (ds) => { ds.spec!.updateStrategy!.rollingUpdate = { maxSurge: 0, maxUnavailable: 0 }; }, field: 'spec.updateStrategy.rollingUpdate.maxUnavailable', type: 'FieldValueRequired' },
    { name: 'rejects maxSurge above 100%', mutate: (ds) => { ds.spec!.updateStrategy!.rollingUpdate = { maxSurge: '101%', maxUnavailable: 0 }; }, field: 'spec.updateStrategy.rollingUpdate.maxSurge', type: 'FieldValueInvalid', detail: 'must not be greater than 100%' },
    { name: 'rejects negative minReadySeconds', mutate: (ds) => { ds.spec!.minReadySeconds = -1; }, field: 'spec.minReadySeconds', type: 'FieldValueInvalid' },
    { name: 'requires restartPolicy Always', mutate: (ds) => { ds.spec!.template.spec!.restartPolicy = 'Never'; }, field: 'spec.template.spec.restartPolicy', type: 'FieldValueNotSupported' },
  ]);

  it('accepts OnDelete', () => {
    const ds = daemonSet();
    ds.spec!.updateStrategy = { type: 'OnDelete' };
    assertNoErrors(validateDaemonSet(ds));
  });

  it('makes the selector immutable', () => {
    const old = daemonSet();
    const ds = clone(old);
    ds.spec!.selector = { matchLabels: { app: 'agent', v: '2' } };
    assertHasError(validateDaemonSetUpdate(ds, old), 'spec.selector', 'FieldValueInvalid');
  });

  it('rejects negative status counters', () => {
    const old = daemonSet();
    const ds = clone(old);
    setStatus(ds, { currentNumberScheduled: 0, desiredNumberScheduled: -1, numberMisscheduled: 0, numberReady: 0 });
    assertHasError(validateDaemonSetStatusUpdate(ds, old), 'status.desiredNumberScheduled', 'FieldValueInvalid');
  });
});

function statefulSet(): StatefulSet {
  const template = podTemplate({ app: 'db' });
  template.spec!.containers[0].volumeMounts = [{ name: 'data', mountPath: '/data' }];
  const sts: StatefulSet = {
    metadata: { name: 'db' },
    spec: {
      serviceName: 'db', replicas: 3, selector: { matchLabels: { app: 'db' } }, template,
      volumeClaimTemplates: [{
        metadata: { name: 'data' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      }],
    },
  };
  defaultStatefulSet(sts);
  return sts;
}

describe('StatefulSet validation', () => {
  validationTable(statefulSet, validateStatefulSet, [
    { name: 'requires a DNS label name', mutate: (s) => { s.metadata!.name = 'db.v1'; }, field: 'metadata.name', type: 'FieldValueInvalid' },
    { name: 'rejects an unknown podManagementPolicy', mutate: (s) => { s.spec!.podManagementPolicy = 'Random'; }, field: 'spec.podManagementPolicy', type: 'FieldValueInvalid', detail: "must be 'OrderedReady' or 'Parallel'" },
    { name: 'rejects an unknown update strategy', mutate: (s) => { s.spec!.updateStrategy = { type: 'Canary' }; }, field: 'spec.updateStrategy', type: 'FieldValueInvalid' },
    { name: 'forbids rollingUpdate with OnDelete', mutate: (s) => { s.spec!.updateStrategy!.type = 'OnDelete'; }, field: 'spec.updateStrategy.rollingUpdate', type: 'FieldValueInvalid' },
    { name: 'rejects a negative partition', mutate: (s) => { s.spec!.updateStrategy!.rollingUpdate!.partition = -1; }, field: 'spec.updateStrategy.rollingUpdate.partition', type: 'FieldValueInvalid' },
    { name: 'rejects maxUnavailable 0', mutate: (s) => { s.spec!.updateStrategy!.rollingUpdate!.maxUnavailable = 0; }, field: 'spec.updateStrategy.rollingUpdate.maxUnavailable', type: 'FieldValueInvalid', detail: 'cannot be 0' },
    { name: 'rejects an unknown retention policy', mutate: (s) => { s.spec!.persistentVolumeClaimRetentionPolicy!.whenDeleted = 'Keep'; }, field: 'spec.persistentVolumeClaimRetentionPolicy.whenDeleted', type: 'FieldValueNotSupported' },
    { name: 'rejects negative replicas', mutate: (s) => { s.spec!.replicas = -1; }, field: 'spec.replicas', type: 'FieldValueInvalid' },
    { name: 'rejects a negative start ordinal', mutate: (s) => { s.spec!.ordinals = { start: -1 }; }, field: 'spec.ordinals.start', type: 'FieldValueInvalid' },
    { name: 'rejects an empty selector', mutate: (s) => { s.spec!.selector = {}; }, field: 'spec.selector', type: 'FieldValueInvalid', detail: 'empty selector is invalid for statefulset' },
    { name: 'requires template labels to match the selector', mutate: (s) => { s.spec!.template.metadata!.labels = {}; }, field: 'spec.template.metadata.labels', type: 'FieldValueInvalid' },
    { name: 'requires restartPolicy Always', mutate: (s) => { s.spec!.template.spec!.restartPolicy = 'OnFailure'; }, field: 'spec.template.spec.restartPolicy', type: 'FieldValueNotSupported' },
    { name: 'rejects a serviceName that is no DNS label', mutate: (s) => { s.spec!.serviceName = 'DB_Service'; }, field: 'spec.serviceName', type: 'FieldValueInvalid' },
    { name: 'requires claim template names', mutate: (s) => { s.spec!.volumeClaimTemplates![0].metadata = {}; }, field: 'spec.volumeClaimTemplates[0].metadata.name', type: 'FieldValueRequired' },
    { name: 'rejects duplicate claim templates', mutate: (s) => { s.spec!.volumeClaimTemplates!.push(clone(s.spec!.volumeClaimTemplates![0])); }, field: 'spec.volumeClaimTemplates[1].metadata.name', type: 'FieldValueDuplicate' },
    { name: 'validates claim template access modes', mutate: (s) => { s.spec!.volumeClaimTemplates![0].spec!.accessModes = ['ReadWriteSometimes']; }, field: 'spec.volumeClaimTemplates[0].spec.accessModes', type: 'FieldValueNotSupported' },
    { name: 'requires claim template storage', mutate: (s) => { s.spec!.volumeClaimTemplates![0].spec!.resources = {}; }, field: 'spec.volumeClaimTemplates[0].spec.resources[storage]', type: 'FieldValueRequired' },
  ]);

  it('allows replicas, template, updateStrategy and minReadySeconds to change', () => {
    const old = statefulSet();
    const s = clone(old);
    s.spec!.replicas = 5;
    s.spec!.minReadySeconds = 10;
    s.spec!.template.spec!.containers[0].image = 'busybox:1.37';
    s.spec!.updateStrategy = { type: 'OnDelete' };
    s.spec!.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Delete', whenScaled: 'Retain' };
    assertNoErrors(validateStatefulSetUpdate(s, old));
  });

  it('forbids changes to other spec fields', () => {
    const old = statefulSet();
    const s = clone(old);
    s.spec!.podManagementPolicy = 'Parallel';
    assertHasError(validateStatefulSetUpdate(s, old), 'spec', 'FieldValueForbidden',
      "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden");
    const t = clone(old);
    t.spec!.volumeClaimTemplates![0].spec!.resources!.requests!.storage = '2Gi';
    assertHasError(validateStatefulSetUpdate(t, old), 'spec', 'FieldValueForbidden');
  });

  it('checks status counters', () => {
    const old = statefulSet();
    const s = clone(old);
    s.status = { replicas: 1, currentReplicas: 2 };
    assertHasError(validateStatefulSetStatusUpdate(s, old), 'status.currentReplicas', 'FieldValueInvalid');
  });
});

function replicationController(): ReplicationController {
  const rc: ReplicationController = { metadata: { name: 'legacy' }, spec: { template: podTemplate({ app: 'legacy' }) } };
  defaultReplicationController(rc);
  return rc;
}

describe('ReplicationController validation', () => {
  validationTable(replicationController, validateReplicationController, [
    { name: 'requires a selector', mutate: (rc) => { rc.spec!.selector = {}; }, field: 'spec.selector', type: 'FieldValueRequired' },
    { name: 'requires template labels to match the selector', mutate: (rc) => { rc.spec!.selector = { app: 'other' }; }, field: 'spec.template.metadata.labels', type: 'FieldValueInvalid' },
    { name: 'rejects negative replicas', mutate: (rc) => { rc.spec!.replicas = -1; }, field: 'spec.replicas', type: 'FieldValueInvalid' },
    { name: 'requires a template', mutate: (rc) => { delete rc.spec!.template; }, field: 'spec.template', type: 'FieldValueRequired' },
    { name: 'requires restartPolicy Always', mutate: (rc) => { rc.spec!.template!.spec!.restartPolicy = 'Never'; }, field: 'spec.template.spec.restartPolicy', type: 'FieldValueNotSupported' },
  ]);
});

describe('ControllerRevision validation', () => {
  const revision = (): ControllerRevision => ({ metadata: { name: 'web-5d8f' }, revision: 2, data: { spec: { template: {} } } });
  validationTable(revision, validateControllerRevision, [
    { name: 'requires data', mutate: (r) => { delete r.data; }, field: 'data', type: 'FieldValueRequired', detail: 'data is mandatory' },
    { name: 'rejects a negative revision', mutate: (r) => { r.revision = -1; }, field: 'revision', type: 'FieldValueInvalid' },
  ]);

  it('makes data immutable', () => {
    const old = revision();
    const r = clone(old);
    r.data = { spec: { template: { metadata: { labels: { a: 'b' } } } } };
    assertHasError(validateControllerRevisionUpdate(r, old), 'data', 'FieldValueInvalid', 'field is immutable');
    const bumped = clone(old);
    bumped.revision = 3;
    assert.deepEqual(validateControllerRevisionUpdate(bumped, old), []);
  });
});
