// Strategies of apps/v1: Deployment, ReplicaSet, DaemonSet, StatefulSet (each with a status subresource whose
// status starts empty) and ControllerRevision.
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultStatefulSet } from '../../api/defaults/workloads.ts';
import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet } from '../../api/types.ts';
import { validateControllerRevision, validateControllerRevisionUpdate } from '../../api/validation/controllerrevision.ts';
import { validateDaemonSet, validateDaemonSetStatusUpdate, validateDaemonSetUpdate } from '../../api/validation/daemonset.ts';
import { validateDeployment, validateDeploymentStatusUpdate, validateDeploymentUpdate } from '../../api/validation/deployment.ts';
import { validateReplicaSet, validateReplicaSetStatusUpdate, validateReplicaSetUpdate } from '../../api/validation/replicaset.ts';
import { validateStatefulSet, validateStatefulSetStatusUpdate, validateStatefulSetUpdate } from '../../api/validation/statefulset.ts';
import { setStatus } from '../../api/writable-status.ts';
import type { Strategy } from '../strategy.ts';
import { kindStrategy, statusSplit } from './kind-strategy.ts';

export const deploymentStrategy: Strategy = kindStrategy<Deployment>({
  ...statusSplit({ resetStatus: (d) => { d.status = {}; } }),
  default: defaultDeployment,
  validate: validateDeployment,
  validateUpdate: validateDeploymentUpdate,
  validateStatusUpdate: validateDeploymentStatusUpdate,
});

export const replicaSetStrategy: Strategy = kindStrategy<ReplicaSet>({
  ...statusSplit({ resetStatus: (rs) => setStatus(rs, { replicas: 0 }) }),
  default: defaultReplicaSet,
  validate: validateReplicaSet,
  validateUpdate: validateReplicaSetUpdate,
  validateStatusUpdate: validateReplicaSetStatusUpdate,
});

export const daemonSetStrategy: Strategy = kindStrategy<DaemonSet>({
  ...statusSplit({
    resetStatus: (ds) => setStatus(ds, { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 }),
  }),
  default: defaultDaemonSet,
  validate: validateDaemonSet,
  validateUpdate: validateDaemonSetUpdate,
  validateStatusUpdate: validateDaemonSetStatusUpdate,
});

export const statefulSetStrategy: Strategy = kindStrategy<StatefulSet>({
  ...statusSplit({ resetStatus: (sts) => { sts.status = { replicas: 0, availableReplicas: 0 }; } }),
  default: defaultStatefulSet,
  validate: validateStatefulSet,
  validateUpdate: validateStatefulSetUpdate,
  validateStatusUpdate: validateStatefulSetStatusUpdate,
});

export const controllerRevisionStrategy: Strategy = kindStrategy<ControllerRevision>({
  validate: validateControllerRevision,
  validateUpdate: validateControllerRevisionUpdate,
});
