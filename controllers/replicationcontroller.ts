// replicationcontroller-controller: ReplicationControllers, the ReplicaSet's predecessor with an equality-only
// selector, kept by the ReplicaSet code (as kube does it).
import type { Controller, ControllerContext } from './framework/controller.ts';
import { newReplicaManager, replicationControllerKind } from './replicaset.ts';

export function newReplicationControllerController(ctx: ControllerContext): Controller {
  return newReplicaManager(ctx, replicationControllerKind);
}
