// Every controller the controller-manager can run, by the name `--controllers` uses.
import { newClusterRoleAggregationController } from './clusterrole-aggregation.ts';
import { newCronJobController } from './cronjob.ts';
import { newDaemonSetController } from './daemonset.ts';
import { newDeploymentController } from './deployment.ts';
import { newEndpointsController } from './endpoints.ts';
import { newEndpointSliceController } from './endpointslice.ts';
import { newEndpointSliceMirroringController } from './endpointslice-mirroring.ts';
import type { Controller, ControllerContext } from './framework/controller.ts';
import { newGarbageCollector } from './garbagecollector.ts';
import { newHorizontalPodAutoscalerController } from './horizontal-pod-autoscaler.ts';
import { newJobController } from './job.ts';
import { newNamespaceController } from './namespace.ts';
import { newNodeIpamController } from './nodeipam.ts';
import { newNodeLifecycleController } from './nodelifecycle.ts';
import { newPersistentVolumeController } from './persistentvolume.ts';
import { newReplicaSetController } from './replicaset.ts';
import { newReplicationControllerController } from './replicationcontroller.ts';
import { newResourceQuotaController } from './resource-quota.ts';
import { newRootCACertPublisher } from './rootcacertpublisher.ts';
import { newServiceAccountController } from './serviceaccount.ts';
import { newStatefulSetController } from './statefulset.ts';
import { newTaintEvictionController } from './taint-eviction.ts';

export const controllerFactories: Record<string, (ctx: ControllerContext) => Controller> = {
  'job-controller': newJobController,
  'cronjob-controller': newCronJobController,
  'daemonset-controller': newDaemonSetController,
  'deployment-controller': newDeploymentController,
  'statefulset-controller': newStatefulSetController,
  'replicaset-controller': newReplicaSetController,
  'garbage-collector-controller': newGarbageCollector,
  'replicationcontroller-controller': newReplicationControllerController,
  'endpoints-controller': newEndpointsController,
  'endpointslice-controller': (ctx) => newEndpointSliceController(ctx),
  'endpointslicemirroring-controller': (ctx) => newEndpointSliceMirroringController(ctx),
  'namespace-controller': newNamespaceController,
  'serviceaccount-controller': newServiceAccountController,
  'root-ca-cert-publisher': newRootCACertPublisher,
  'persistentvolume-binder-controller': newPersistentVolumeController,
  'node-lifecycle-controller': newNodeLifecycleController,
  'taint-eviction-controller': newTaintEvictionController,
  'node-ipam-controller': newNodeIpamController,
  'clusterrole-aggregation-controller': newClusterRoleAggregationController,
  'resourcequota-controller': newResourceQuotaController,
  'horizontal-pod-autoscaler-controller': (ctx) => newHorizontalPodAutoscalerController(ctx),
};
