// The LimitRanger admission plugin (kube's plugin/pkg/admission/limitranger): a pod created in a namespace with
// LimitRanges gets their container defaults and must then fit their bounds; a claim, created or resized, must
// fit their storage bounds. Refusals are 403 Forbidden with kube's messages. Pod updates are left alone, as in
// kube: a pod's containers cannot change after creation.
//
// The registry admits after validating, where kube mutates first and validates after; so a pod the defaults
// changed is validated again here (a default limit under an explicit request is a 422, as in kube), and its
// status.qosClass, decided before admission, is decided again from the resources it now has.
import { aggregateMessages, invalid } from '../api/errors.ts';
import { podQOSClass } from '../api/defaults/pod-qos.ts';
import { resourceFor } from '../api/resources.ts';
import type { LimitRange, PersistentVolumeClaim, Pod } from '../api/types.ts';
import { validatePod } from '../api/validation/pod.ts';
import { setStatus } from '../api/writable-status.ts';
import { collectionPrefix } from '../registry/keys.ts';
import type { AdmissionAttributes } from '../registry/registry.ts';
import type { Store } from '../storage/store.ts';
import { admissionForbidden } from './forbidden.ts';
import { applyLimitRangeDefaults, claimLimitViolations, podLimitViolations } from './limit-range-rules.ts';

const limitRangesInfo = resourceFor('', 'v1', 'limitranges')!;

export async function admitLimitRanger(store: Store, a: AdmissionAttributes): Promise<void> {
  if (a.subresource !== '' || a.ri.group !== '' || !a.object) return;
  const isPod = a.ri.plural === 'pods';
  const isClaim = a.ri.plural === 'persistentvolumeclaims';
  if (!(isPod && a.operation === 'CREATE') && !(isClaim && (a.operation === 'CREATE' || a.operation === 'UPDATE'))) return;
  // An object on its way out is not held to limits set after it was made.
  if (a.oldObject?.metadata?.deletionTimestamp) return;
  const ranges = (await store.list(collectionPrefix(limitRangesInfo, a.namespace))).items as unknown as LimitRange[];
  if (ranges.length === 0) return;

  if (isClaim) {
    for (const lr of ranges) {
      const violations = claimLimitViolations(lr, a.object as PersistentVolumeClaim);
      if (violations.length > 0) throw admissionForbidden(a, aggregateMessages(violations));
    }
    return;
  }

  const pod = a.object as Pod;
  let defaulted = false;
  for (const lr of ranges) defaulted = applyLimitRangeDefaults(lr, pod) || defaulted;
  if (defaulted) {
    const fieldErrors = validatePod(pod);
    if (fieldErrors.length > 0) throw invalid('Pod', '', pod.metadata?.name ?? a.name, fieldErrors);
    if (pod.status) setStatus(pod, { ...pod.status, qosClass: podQOSClass(pod.spec ?? { containers: [] }) });
  }
  for (const lr of ranges) {
    const violations = podLimitViolations(lr, pod);
    if (violations.length > 0) throw admissionForbidden(a, aggregateMessages(violations));
  }
}
