// An app or init container's runtime settings from the pod spec: command, env, user and capabilities (container
// securityContext over the pod's), namespaces, cgroup resources, labels for adoption. Pure: env and mounts are
// resolved by the caller.
import type { Container, Pod } from '../../apiserver/api/types.ts';
import { containerLabels, containerName } from '../runtime/naming.ts';
import { containerResources } from '../runtime/resources.ts';
import type { ContainerConfig, Mount, PidNamespace } from '../runtime/runtime.ts';
import { containerSpecHash } from '../runtime/spec-hash.ts';
import { podRef } from './sandbox-config.ts';

export interface ContainerSettings {
  nodeName: string;
  /** For the Burstable OOM score. */
  nodeMemoryCapacityBytes: number;
}

export function pidNamespace(pod: Pod): PidNamespace {
  if (pod.spec?.hostPID) return 'host';
  return pod.spec?.shareProcessNamespace ? 'pod' : 'container';
}

export function containerConfig(pod: Pod, container: Container, input: {
  sandboxId: string;
  attempt: number;
  env: { name: string; value: string }[];
  mounts: Mount[];
  settings: ContainerSettings;
}): ContainerConfig {
  const spec = pod.spec ?? { containers: [] };
  const podSc = spec.securityContext ?? {};
  const sc = container.securityContext ?? {};
  const ref = podRef(pod);
  const runAsUser = sc.runAsUser ?? podSc.runAsUser;
  const runAsGroup = sc.runAsGroup ?? podSc.runAsGroup;
  const groups = [...(podSc.supplementalGroups ?? []), ...(podSc.fsGroup !== undefined ? [podSc.fsGroup] : [])];
  const config: ContainerConfig = {
    name: containerName(ref, container.name, input.attempt),
    image: container.image ?? '',
    sandboxId: input.sandboxId,
    pidNamespace: pidNamespace(pod),
    hostIpc: spec.hostIPC ?? false,
    env: input.env,
    mounts: input.mounts,
    tty: container.tty ?? false,
    stdin: container.stdin ?? false,
    stdinOnce: container.stdinOnce ?? false,
    resources: containerResources(pod, container, input.settings.nodeMemoryCapacityBytes),
    labels: containerLabels({
      pod: ref, containerName: container.name, restartCount: input.attempt, nodeName: input.settings.nodeName,
      sandboxId: input.sandboxId, specHash: containerSpecHash(container),
      terminationMessagePath: container.terminationMessagePath ?? '/dev/termination-log',
      terminationMessagePolicy: container.terminationMessagePolicy ?? 'File',
      terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds,
    }),
  };
  if (container.command?.length) config.command = container.command;
  if (container.args?.length) config.args = container.args;
  if (container.workingDir) config.workingDir = container.workingDir;
  if (runAsUser !== undefined) config.user = runAsUser;
  if (runAsGroup !== undefined && runAsUser !== undefined) config.group = runAsGroup;
  if (groups.length > 0) config.supplementalGroups = [...new Set(groups)];
  if (sc.readOnlyRootFilesystem) config.readOnlyRootfs = true;
  if (sc.privileged) config.privileged = true;
  if (sc.capabilities?.add?.length) config.capAdd = [...sc.capabilities.add];
  if (sc.capabilities?.drop?.length) config.capDrop = [...sc.capabilities.drop];
  if (sc.allowPrivilegeEscalation === false) config.noNewPrivileges = true;
  return config;
}
