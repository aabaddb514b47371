// Every controller the controller-manager can run, by the name `--controllers` uses.
import { newCronJobController } from './cronjob.ts';
import { newDaemonSetController } from './daemonset.ts';
import { newDeploymentController } from './deployment.ts';
import { newEndpointsController } from './endpoints.ts';
import type { Controller, ControllerContext } from './framework/controller.ts';
import { newGarbageCollector } from './garbagecollector.ts';
import { newJobController } from './job.ts';
import { newNamespaceController } from './namespace.ts';
import { newNodeIpamController } from './nodeipam.ts';
import { newNodeLifecycleController } from './nodelifecycle.ts';
import { newPersistentVolumeController } from './persistentvolume.ts';
import { newReplicaSetController } from './replicaset.ts';
import { newReplicationControllerController } from './replicationcontroller.ts';
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
  'namespace-controller': newNamespaceController,
  'serviceaccount-controller': newServiceAccountController,
  'root-ca-cert-publisher': newRootCACertPublisher,
  'persistentvolume-binder-controller': newPersistentVolumeController,
  'node-lifecycle-controller': newNodeLifecycleController,
  'taint-eviction-controller': newTaintEvictionController,
  'node-ipam-controller': newNodeIpamController,
};
