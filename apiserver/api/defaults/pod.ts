// Pod defaults, as kube-apiserver applies them when a pod (or a workload's pod template) is decoded:
// SetDefaults_PodSpec and the nested container and volume defaulters for every PodSpec, plus SetDefaults_Pod's
// extras that only a real Pod gets (requests from limits, enableServiceLinks, host ports under hostNetwork).
// Every function is idempotent: defaulting a defaulted object changes nothing.
import type { ContainerLike } from '../pod-types.ts';
import type { Pod, PodSpec, PodTemplateSpec } from '../types.ts';
import { defaultContainer, defaultRequestsFromLimits } from './container.ts';
import { defaultResourceList } from './resource-list.ts';
import { defaultVolume } from './volume.ts';

export { podQOSClass, type PodQOSClass } from './pod-qos.ts';

export const defaultTerminationGracePeriodSeconds = 30;
export const defaultSchedulerName = 'default-scheduler';

export function defaultPodSpec(spec: PodSpec): void {
  if (!spec.dnsPolicy) spec.dnsPolicy = 'ClusterFirst';
  if (!spec.restartPolicy) spec.restartPolicy = 'Always';
  if (spec.securityContext == null) spec.securityContext = {};
  if (spec.terminationGracePeriodSeconds == null) spec.terminationGracePeriodSeconds = defaultTerminationGracePeriodSeconds;
  if (!spec.schedulerName) spec.schedulerName = defaultSchedulerName;
  // serviceAccount is the pre-1.0 name of serviceAccountName. Kubernetes' v1 conversion reads the old field when
  // the new one is empty and always writes both, so old and new clients see the same account.
  if (!spec.serviceAccountName && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
  for (const volume of spec.volumes ?? []) defaultVolume(volume);
  for (const c of allContainers(spec)) defaultContainer(c);
  defaultResourceList(spec.overhead);
}

export function defaultPod(pod: Pod): void {
  // Go decodes a missing spec as an empty one and defaults it; validation then asks for containers.
  pod.spec ??= { containers: [] };
  const spec = pod.spec;
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) defaultRequestsFromLimits(c);
  if (spec.enableServiceLinks == null) spec.enableServiceLinks = true;
  if (spec.hostNetwork) {
    // On the host's network a container port is a host port.
    for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
      for (const port of c.ports ?? []) {
        if (!port.hostPort) port.hostPort = port.containerPort;
      }
    }
  }
  defaultPodSpec(spec);
}

/**
 * A workload's pod template gets the PodSpec defaults only: Kubernetes leaves requests-from-limits,
 * enableServiceLinks and host ports to the moment a real Pod is created from it.
 */
export function defaultPodTemplateSpec(t: PodTemplateSpec): void {
  t.spec ??= { containers: [] };
  defaultPodSpec(t.spec);
}

function allContainers(spec: PodSpec): ContainerLike[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
}
