// Which describer a kind gets. Kinds with kubectl's dedicated layouts are listed; everything else (leases among
// them: kubectl has no Lease describer) uses the generic one. To add a kind: write describe/<kind>.ts exporting a
// Describer and list it here.
import type { DiscoveredResource } from '../discovery.ts';
import type { Describer } from './context.ts';
import { describeConfigMap } from './configmap.ts';
import { describeCronJob } from './cronjob.ts';
import { describeDaemonSet } from './daemonset.ts';
import { describeDeployment } from './deployment.ts';
import { describeEndpoints } from './endpoints.ts';
import { describeGeneric } from './generic.ts';
import { describeHorizontalPodAutoscaler } from './horizontalpodautoscaler.ts';
import { describeJob } from './job.ts';
import { describeNamespace } from './namespace.ts';
import { describeNode } from './node.ts';
import { describePersistentVolume } from './persistentvolume.ts';
import { describePersistentVolumeClaim } from './persistentvolumeclaim.ts';
import { describePod } from './pod.ts';
import { describeReplicaSet } from './replicaset.ts';
import { describeReplicationController } from './replicationcontroller.ts';
import { describeSecret } from './secret.ts';
import { describeService } from './service.ts';
import { describeServiceAccount } from './serviceaccount.ts';
import { describeStatefulSet } from './statefulset.ts';
import { describeStorageClass } from './storageclass.ts';

const describers: Record<string, Describer> = {
  '/pods': describePod,
  '/nodes': describeNode,
  '/configmaps': describeConfigMap,
  '/namespaces': describeNamespace,
  '/services': describeService,
  '/endpoints': describeEndpoints,
  '/secrets': describeSecret,
  '/serviceaccounts': describeServiceAccount,
  '/replicationcontrollers': describeReplicationController,
  '/persistentvolumeclaims': describePersistentVolumeClaim,
  '/persistentvolumes': describePersistentVolume,
  'apps/deployments': describeDeployment,
  'apps/replicasets': describeReplicaSet,
  'apps/daemonsets': describeDaemonSet,
  'apps/statefulsets': describeStatefulSet,
  'batch/jobs': describeJob,
  'batch/cronjobs': describeCronJob,
  'autoscaling/horizontalpodautoscalers': describeHorizontalPodAutoscaler,
  'storage.k8s.io/storageclasses': describeStorageClass,
};

export function describerFor(resource: DiscoveredResource): Describer {
  return describers[`${resource.group}/${resource.plural}`] ?? describeGeneric;
}
