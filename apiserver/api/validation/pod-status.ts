// Writes to pods/status, after Kubernetes' ValidatePodStatusUpdate: the kubelet and the scheduler report what
// happened, but some facts may not be rewritten (the QoS class, the node, a finished container restarting
// under a restart policy that forbids it).
import { fieldError, type FieldError } from '../errors.ts';
import type { ContainerState, PodIP } from '../pod-types.ts';
import type { ContainerStatus, Pod, PodSpec } from '../types.ts';
import { child, immutable, index, invalidEach } from './common.ts';
import { isQualifiedName, isValidIP, nameIsDNSSubdomain } from './names.ts';
import { validatePodSpecificAnnotationUpdates } from './pod-annotations.ts';

const systemConditions = ['PodScheduled', 'Ready', 'Initialized'];

export function validatePodStatusUpdate(pod: Pod, old: Pod): FieldError[] {
  const status = pod.status ?? {};
  const oldStatus = old.status ?? {};
  const errs = validatePodSpecificAnnotationUpdates(pod.metadata?.annotations, old.metadata?.annotations, 'metadata.annotations');
  (status.conditions ?? []).forEach((c, i) => {
    if (systemConditions.includes(c.type)) return;
    // Kubernetes reports custom condition types under `metadata.conditions[i].Type`, its own path, kept as is.
    errs.push(...invalidEach(child(index('metadata.conditions', i), 'Type'), c.type ?? '', isQualifiedName(c.type ?? '')));
  });
  if ((pod.spec?.nodeName ?? '') !== (old.spec?.nodeName ?? '')) {
    errs.push(fieldError.forbidden('status.nodeName', 'may not be changed directly'));
  }
  const nominated = status.nominatedNodeName ?? '';
  if (nominated && nominated !== (oldStatus.nominatedNodeName ?? '')) {
    errs.push(...invalidEach('status.nominatedNodeName', nominated, nameIsDNSSubdomain(nominated, false)));
  }
  errs.push(...immutable(status.qosClass, oldStatus.qosClass, 'status.qosClass'));
  const oldSpec: PodSpec = old.spec ?? { containers: [] };
  errs.push(...validateStateTransitions(status.containerStatuses, oldStatus.containerStatuses, 'status.containerStatuses',
    oldSpec.restartPolicy, () => false));
  errs.push(...validateStateTransitions(status.initContainerStatuses, oldStatus.initContainerStatuses, 'status.initContainerStatuses',
    oldSpec.restartPolicy, (name) => (oldSpec.initContainers ?? []).some((c) => c.name === name && c.restartPolicy === 'Always')));
  // The kubelet never restarts an ephemeral container.
  errs.push(...validateStateTransitions(status.ephemeralContainerStatuses, oldStatus.ephemeralContainerStatuses,
    'status.ephemeralContainerStatuses', 'Never', () => false));
  errs.push(...validateIPs(status.podIPs, 'status.podIPs'));
  errs.push(...validateHostIPs(pod));
  return errs;
}

/**
 * Unless the pod restarts containers, a terminated container stays terminated: its status may not go back to
 * waiting or running. `restartable` names the sidecars, which restart whatever the pod's policy.
 */
function validateStateTransitions(
  now: ContainerStatus[] | undefined, before: ContainerStatus[] | undefined, path: string,
  restartPolicy: string | undefined, restartable: (name: string) => boolean,
): FieldError[] {
  if (restartPolicy === 'Always') return [];
  const errs: FieldError[] = [];
  (before ?? []).forEach((old, i) => {
    const terminated = old.state?.terminated;
    if (!terminated) return;
    if (terminated.exitCode !== 0 && restartPolicy === 'OnFailure') return;
    if (restartable(old.name)) return;
    for (const s of now ?? []) {
      if (s.name === old.name && !isTerminated(s.state)) {
        errs.push(fieldError.forbidden(child(index(path, i), 'state'), 'may not be transitioned to non-terminated state'));
      }
    }
  });
  return errs;
}

function isTerminated(state: ContainerState | undefined): boolean {
  return state?.terminated != null;
}

/** At most one address per IP family, each valid, none repeated. */
function validateIPs(ips: PodIP[] | undefined, path: string): FieldError[] {
  const list = ips ?? [];
  const errs: FieldError[] = [];
  list.forEach((ip, i) => errs.push(...invalidEach(index(path, i), ip.ip ?? '', isValidIP(ip.ip ?? ''))));
  if (list.length > 1 && errs.length === 0) {
    const families = new Set(list.map((ip) => ((ip.ip ?? '').includes(':') ? 6 : 4)));
    if (families.size !== list.length || list.length > 2) {
      errs.push(fieldError.invalid(path, list, 'may specify no more than one IP for each IP family'));
    }
    const seen = new Set<string>();
    list.forEach((ip, i) => {
      if (seen.has(ip.ip ?? '')) errs.push(fieldError.duplicate(index(path, i), ip));
      seen.add(ip.ip ?? '');
    });
  }
  return errs;
}

function validateHostIPs(pod: Pod): FieldError[] {
  const hostIPs = pod.status?.hostIPs ?? [];
  if (hostIPs.length === 0) return [];
  const errs: FieldError[] = [];
  // hostIP is the first of hostIPs, kept for clients that read only the single field.
  if ((pod.status?.hostIP ?? '') !== (hostIPs[0].ip ?? '')) {
    errs.push(fieldError.invalid('status.hostIPs[0].ip', hostIPs[0].ip ?? '', 'must be equal to `hostIP`'));
  }
  errs.push(...validateIPs(hostIPs, 'status.hostIPs'));
  return errs;
}
