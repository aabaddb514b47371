// Defaults for the pod-owning controllers of apps/v1 and the core ReplicationController, as Kubernetes'
// SetDefaults_Deployment/ReplicaSet/DaemonSet/StatefulSet/ReplicationController. Every pod template is
// defaulted like a pod's, so what is stored is what the controller will stamp out.
import type { DaemonSet, Deployment, ReplicaSet, ReplicationController, StatefulSet } from '../types.ts';
import { defaultPodTemplateSpec } from './pod.ts';
import { defaultPersistentVolumeClaim } from './storage.ts';

export function defaultDeployment(deployment: Deployment): void {
  const spec = deployment.spec;
  if (!spec) return;
  spec.replicas ??= 1;
  spec.strategy ??= {};
  const strategy = spec.strategy;
  strategy.type ||= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    strategy.rollingUpdate ??= {};
    strategy.rollingUpdate.maxUnavailable ??= '25%';
    strategy.rollingUpdate.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  if (spec.template) defaultPodTemplateSpec(spec.template);
}

export function defaultReplicaSet(rs: ReplicaSet): void {
  const spec = rs.spec;
  if (!spec) return;
  spec.replicas ??= 1;
  if (spec.template) defaultPodTemplateSpec(spec.template);
}

export function defaultDaemonSet(ds: DaemonSet): void {
  const spec = ds.spec;
  if (!spec) return;
  spec.updateStrategy ??= {};
  const strategy = spec.updateStrategy;
  strategy.type ||= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    strategy.rollingUpdate ??= {};
    // One node at a time, replacing rather than surging: a node runs one daemon pod.
    strategy.rollingUpdate.maxUnavailable ??= 1;
    strategy.rollingUpdate.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  if (spec.template) defaultPodTemplateSpec(spec.template);
}

export function defaultStatefulSet(sts: StatefulSet): void {
  const spec = sts.spec;
  if (!spec) return;
  spec.podManagementPolicy ||= 'OrderedReady';
  spec.updateStrategy ??= {};
  const strategy = spec.updateStrategy;
  if (!strategy.type) {
    strategy.type = 'RollingUpdate';
    strategy.rollingUpdate ??= {};
  }
  if (strategy.type === 'RollingUpdate' && strategy.rollingUpdate) strategy.rollingUpdate.partition ??= 0;
  spec.persistentVolumeClaimRetentionPolicy ??= {};
  spec.persistentVolumeClaimRetentionPolicy.whenDeleted ||= 'Retain';
  spec.persistentVolumeClaimRetentionPolicy.whenScaled ||= 'Retain';
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  for (const claim of spec.volumeClaimTemplates ?? []) defaultPersistentVolumeClaim(claim);
  if (spec.template) defaultPodTemplateSpec(spec.template);
}

/** An RC without a selector (or labels) takes them from its pod template. */
export function defaultReplicationController(rc: ReplicationController): void {
  const spec = rc.spec;
  if (!spec) return;
  const templateLabels = spec.template?.metadata?.labels;
  if (templateLabels) {
    if (Object.keys(spec.selector ?? {}).length === 0) spec.selector = { ...templateLabels };
    rc.metadata ??= {};
    if (Object.keys(rc.metadata.labels ?? {}).length === 0) rc.metadata.labels = { ...templateLabels };
  }
  spec.replicas ??= 1;
  if (spec.template) defaultPodTemplateSpec(spec.template);
}
