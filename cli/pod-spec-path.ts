// Where a workload keeps the pod spec kubectl's set commands edit: a Pod's own spec, a controller's
// spec.template.spec, a CronJob's spec.jobTemplate.spec.template.spec.
import type { PodSpec } from '../apiserver/api/types.ts';
import type { ApiObject } from '../apiserver/client/object.ts';

/** The pod spec inside `obj` (a live reference into it), or undefined for kinds without one. */
export function podSpecOf(obj: ApiObject): PodSpec | undefined {
  const o = obj as { spec?: { template?: { spec?: PodSpec }; jobTemplate?: { spec?: { template?: { spec?: PodSpec } } } } };
  switch (obj.kind) {
    case 'Pod': return (obj as { spec?: PodSpec }).spec;
    case 'Deployment':
    case 'ReplicaSet':
    case 'DaemonSet':
    case 'StatefulSet':
    case 'ReplicationController':
    case 'Job':
      return o.spec?.template?.spec;
    case 'CronJob':
      return o.spec?.jobTemplate?.spec?.template?.spec;
    default:
      return undefined;
  }
}
