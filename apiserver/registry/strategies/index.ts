// The strategy of every resource Skiff serves, looked up by group and kind.
import type { ResourceInfo } from '../../api/resources.ts';
import type { Strategy } from '../strategy.ts';
import { controllerRevisionStrategy, daemonSetStrategy, deploymentStrategy, replicaSetStrategy, statefulSetStrategy } from './apps.ts';
import { horizontalPodAutoscalerStrategy } from './autoscaling.ts';
import { cronJobStrategy, jobStrategy } from './batch.ts';
import { leaseStrategy } from './coordination.ts';
import { endpointSliceStrategy } from './discovery.ts';
import {
  configMapStrategy, endpointsStrategy, eventStrategy, limitRangeStrategy, namespaceStrategy, nodeStrategy,
  replicationControllerStrategy, resourceQuotaStrategy, secretStrategy, serviceAccountStrategy, serviceStrategy,
} from './core.ts';
import { podStrategy } from './pod.ts';
import { clusterRoleBindingStrategy, clusterRoleStrategy, roleBindingStrategy, roleStrategy } from './rbac.ts';
import { persistentVolumeClaimStrategy, persistentVolumeStrategy, storageClassStrategy } from './storage.ts';

/** Keyed by `<group>/<Kind>` (core group empty): a kind's behaviour does not depend on the version served. */
const strategies = new Map<string, Strategy>([
  ['/Namespace', namespaceStrategy],
  ['/Pod', podStrategy],
  ['/Node', nodeStrategy],
  ['/Service', serviceStrategy],
  ['/Endpoints', endpointsStrategy],
  ['/ConfigMap', configMapStrategy],
  ['/Secret', secretStrategy],
  ['/Event', eventStrategy],
  ['/ServiceAccount', serviceAccountStrategy],
  ['/PersistentVolume', persistentVolumeStrategy],
  ['/PersistentVolumeClaim', persistentVolumeClaimStrategy],
  ['/ReplicationController', replicationControllerStrategy],
  ['/ResourceQuota', resourceQuotaStrategy],
  ['/LimitRange', limitRangeStrategy],
  ['apps/Deployment', deploymentStrategy],
  ['apps/ReplicaSet', replicaSetStrategy],
  ['apps/DaemonSet', daemonSetStrategy],
  ['apps/StatefulSet', statefulSetStrategy],
  ['apps/ControllerRevision', controllerRevisionStrategy],
  ['batch/Job', jobStrategy],
  ['batch/CronJob', cronJobStrategy],
  ['coordination.k8s.io/Lease', leaseStrategy],
  ['discovery.k8s.io/EndpointSlice', endpointSliceStrategy],
  ['autoscaling/HorizontalPodAutoscaler', horizontalPodAutoscalerStrategy],
  ['storage.k8s.io/StorageClass', storageClassStrategy],
  ['rbac.authorization.k8s.io/ClusterRoleBinding', clusterRoleBindingStrategy],
  ['rbac.authorization.k8s.io/ClusterRole', clusterRoleStrategy],
  ['rbac.authorization.k8s.io/RoleBinding', roleBindingStrategy],
  ['rbac.authorization.k8s.io/Role', roleStrategy],
]);

/** Every entry of resources.ts has one; a missing one is a programming error, caught by the unit tests. */
export function strategyFor(info: Pick<ResourceInfo, 'group' | 'kind'>): Strategy {
  const strategy = strategies.get(`${info.group}/${info.kind}`);
  if (!strategy) throw new Error(`no strategy for ${info.kind}${info.group ? `.${info.group}` : ''}`);
  return strategy;
}
