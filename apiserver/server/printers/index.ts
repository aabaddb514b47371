// Which printer serves which resource. Every resource Skiff serves is listed, so a kind without a Kubernetes
// printer (LimitRange) is a decision recorded here rather than a gap; anything unlisted falls back to
// Kubernetes' default NAME / CREATED AT table.
import { configMapPrinter } from './configmap.ts';
import { controllerRevisionPrinter } from './controllerrevision.ts';
import { cronJobPrinter } from './cronjob.ts';
import { daemonSetPrinter } from './daemonset.ts';
import { deploymentPrinter } from './deployment.ts';
import { endpointsPrinter } from './endpoints.ts';
import { endpointSlicePrinter } from './endpointslice.ts';
import { eventPrinter } from './event.ts';
import { horizontalPodAutoscalerPrinter } from './horizontalpodautoscaler.ts';
import { jobPrinter } from './job.ts';
import { leasePrinter } from './lease.ts';
import { namespacePrinter } from './namespace.ts';
import { nodePrinter } from './node.ts';
import { persistentVolumePrinter } from './persistentvolume.ts';
import { persistentVolumeClaimPrinter } from './persistentvolumeclaim.ts';
import { podPrinter } from './pod.ts';
import { defaultPrinter, type Printer } from './printer.ts';
import { clusterRoleBindingPrinter, roleBindingPrinter } from './rbac.ts';
import { replicaSetPrinter } from './replicaset.ts';
import { replicationControllerPrinter } from './replicationcontroller.ts';
import { resourceQuotaPrinter } from './resourcequota.ts';
import { secretPrinter } from './secret.ts';
import { servicePrinter } from './service.ts';
import { serviceAccountPrinter } from './serviceaccount.ts';
import { statefulSetPrinter } from './statefulset.ts';
import { storageClassPrinter } from './storageclass.ts';

/** Keyed `${group}/${plural}`; the core group is the empty string, so core keys start with `/`. */
const printers: ReadonlyMap<string, Printer> = new Map([
  ['/pods', podPrinter],
  ['/nodes', nodePrinter],
  ['/namespaces', namespacePrinter],
  ['/services', servicePrinter],
  ['/endpoints', endpointsPrinter],
  ['/configmaps', configMapPrinter],
  ['/secrets', secretPrinter],
  ['/events', eventPrinter],
  ['/serviceaccounts', serviceAccountPrinter],
  ['/persistentvolumes', persistentVolumePrinter],
  ['/persistentvolumeclaims', persistentVolumeClaimPrinter],
  ['/replicationcontrollers', replicationControllerPrinter],
  ['/resourcequotas', resourceQuotaPrinter],
  // kube-apiserver has no LimitRange printer: `kubectl get limits` shows NAME and CREATED AT.
  ['/limitranges', defaultPrinter],
  ['apps/deployments', deploymentPrinter],
  ['apps/replicasets', replicaSetPrinter],
  ['apps/daemonsets', daemonSetPrinter],
  ['apps/statefulsets', statefulSetPrinter],
  ['apps/controllerrevisions', controllerRevisionPrinter],
  ['batch/jobs', jobPrinter],
  ['batch/cronjobs', cronJobPrinter],
  ['coordination.k8s.io/leases', leasePrinter],
  ['discovery.k8s.io/endpointslices', endpointSlicePrinter],
  ['autoscaling/horizontalpodautoscalers', horizontalPodAutoscalerPrinter],
  ['storage.k8s.io/storageclasses', storageClassPrinter],
  // kube has no Role/ClusterRole printer: NAME and CREATED AT.
  ['rbac.authorization.k8s.io/roles', defaultPrinter],
  ['rbac.authorization.k8s.io/clusterroles', defaultPrinter],
  ['rbac.authorization.k8s.io/rolebindings', roleBindingPrinter],
  ['rbac.authorization.k8s.io/clusterrolebindings', clusterRoleBindingPrinter],
]);

export function printerFor(group: string, plural: string): Printer {
  return printers.get(`${group}/${plural}`) ?? defaultPrinter;
}

/** Whether a resource has a printer chosen for it (the default table counts when chosen on purpose). */
export function hasPrinter(group: string, plural: string): boolean {
  return printers.has(`${group}/${plural}`);
}
