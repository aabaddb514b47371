// The Pod's behaviour in the generic registry, after kube-apiserver's podStrategy and podStatusStrategy:
// defaulting, a fresh Pending status with the QoS class and the `default` ServiceAccount on create, the default
// not-ready/unreachable tolerations (DefaultTolerationSeconds admission), status kept out of spec writes and spec
// kept out of status writes.
import { addDefaultTolerations } from '../../admission/default-toleration-seconds.ts';
import type { FieldError } from '../../api/errors.ts';
import { defaultPod, podQOSClass } from '../../api/defaults/pod.ts';
import { syncPodStatusIPs } from '../../api/defaults/pod-status.ts';
import type { PodAffinityTerm } from '../../api/pod-types.ts';
import type { KubeObject, Pod } from '../../api/types.ts';
import { validatePod } from '../../api/validation/pod.ts';
import { mirrorPodAnnotation } from '../../api/validation/pod-annotations.ts';
import { validatePodStatusUpdate } from '../../api/validation/pod-status.ts';
import { validatePodUpdate } from '../../api/validation/pod-update.ts';
import { setStatus } from '../../api/writable-status.ts';
import type { Strategy } from '../strategy.ts';

/** The registry hands every kind over as a KubeObject; this strategy is only ever registered for pods. */
function asPod(obj: KubeObject): Pod {
  return obj as unknown as Pod;
}

export const podStrategy: Strategy = {
  hasStatusSubresource: true,

  default(obj: KubeObject): void {
    defaultPod(asPod(obj));
  },

  prepareForCreate(obj: KubeObject): void {
    const pod = asPod(obj);
    // Status is the kubelet's and scheduler's to write; whatever the client sent is replaced.
    setStatus(pod, { phase: 'Pending', qosClass: podQOSClass(pod.spec ?? { containers: [] }) });
    markSchedulingGated(pod);
    mergeMatchLabelKeys(pod);
    defaultServiceAccount(pod);
    addDefaultTolerations(pod);
  },

  prepareForUpdate(obj: KubeObject, old: KubeObject): void {
    setStatus(asPod(obj), asPod(old).status);
    addDefaultTolerations(asPod(obj));
  },

  prepareForStatusUpdate(obj: KubeObject, old: KubeObject): void {
    const pod = asPod(obj);
    const oldPod = asPod(old);
    pod.spec = oldPod.spec;
    if (!pod.status) return;
    // The QoS class is fixed at creation; older kubelets drop it from the status they send back.
    if (!pod.status.qosClass && oldPod.status?.qosClass) pod.status.qosClass = oldPod.status.qosClass;
    syncPodStatusIPs(pod.status);
  },

  validate(obj: KubeObject): FieldError[] {
    return validatePod(asPod(obj));
  },

  validateUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
    return validatePodUpdate(asPod(obj), asPod(old));
  },

  validateStatusUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
    return validatePodStatusUpdate(asPod(obj), asPod(old));
  },
};

/**
 * Every pod runs as some ServiceAccount: `default` unless it names one, as kube's ServiceAccount admission plugin
 * sets on create. Mirror pods are left alone: their kubelet compares the spec with its static pod's and would
 * delete a pod the apiserver changed.
 */
function defaultServiceAccount(pod: Pod): void {
  const spec = pod.spec;
  if (!spec || spec.serviceAccountName || mirrorPodAnnotation in (pod.metadata?.annotations ?? {})) return;
  spec.serviceAccountName = 'default';
  // The deprecated alias always mirrors the name (defaultPodSpec keeps them in step on every later write).
  spec.serviceAccount = 'default';
}

/** A gated pod says why it is not scheduled yet, so `kubectl get` shows SchedulingGated rather than Pending. */
function markSchedulingGated(pod: Pod): void {
  if (!pod.spec?.schedulingGates?.length || !pod.status) return;
  const conditions = pod.status.conditions ?? [];
  if (conditions.some((c) => c.type === 'PodScheduled')) return;
  conditions.push({
    type: 'PodScheduled', status: 'False', reason: 'SchedulingGated',
    message: 'Scheduling is blocked due to non-empty scheduling gates',
  });
  pod.status.conditions = conditions;
}

/**
 * Pod (anti-)affinity terms with matchLabelKeys (mismatchLabelKeys) select pods sharing (not sharing) this
 * pod's values for those labels. Kubernetes turns them into selector requirements once, at creation, so the
 * scheduler only ever reads plain label selectors.
 */
function mergeMatchLabelKeys(pod: Pod): void {
  const affinity = pod.spec?.affinity;
  if (!affinity) return;
  const labels = pod.metadata?.labels ?? {};
  const terms: PodAffinityTerm[] = [];
  for (const a of [affinity.podAffinity, affinity.podAntiAffinity]) {
    if (!a) continue;
    terms.push(...(a.requiredDuringSchedulingIgnoredDuringExecution ?? []));
    terms.push(...(a.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => w.podAffinityTerm));
  }
  for (const term of terms) {
    const selector = term.labelSelector;
    // A missing selector matches nothing; there is nothing to narrow.
    if (!selector || (!term.matchLabelKeys?.length && !term.mismatchLabelKeys?.length)) continue;
    const expressions = selector.matchExpressions ?? [];
    for (const [keys, operator] of [[term.matchLabelKeys, 'In'], [term.mismatchLabelKeys, 'NotIn']] as const) {
      for (const k of keys ?? []) {
        if (k in labels) expressions.push({ key: k, operator, values: [labels[k]] });
      }
    }
    selector.matchExpressions = expressions;
  }
}
