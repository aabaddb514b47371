// What the runtime holds for one pod, read back from Docker by labels: its sandboxes and containers, newest first.
// The pod worker compares this with the spec; nothing here is remembered by the kubelet itself, so a restarted
// kubelet sees exactly what the old one left (kube's kubecontainer.PodStatus).
import { labels, parseLabels } from '../runtime/naming.ts';
import type { ContainerRuntime, ContainerState, ContainerStatus } from '../runtime/runtime.ts';

export interface RuntimeContainer {
  id: string;
  /** The Kubernetes container name. */
  name: string;
  /** The restart count this container was created with. */
  attempt: number;
  state: ContainerState;
  exitCode: number | undefined;
  reason: string | undefined;
  message: string | undefined;
  createdAt: Date;
  startedAt: Date | undefined;
  finishedAt: Date | undefined;
  image: string;
  imageId: string;
  specHash: string | undefined;
  sandboxId: string | undefined;
}

export interface RuntimeSandbox {
  id: string;
  attempt: number;
  state: ContainerState;
  ip: string | undefined;
  createdAt: Date;
}

export interface RuntimePod {
  uid: string;
  name: string;
  namespace: string;
  /** Newest attempt first. */
  sandboxes: RuntimeSandbox[];
  /** Newest first (by attempt, then creation). */
  containers: RuntimeContainer[];
}

export function emptyRuntimePod(uid: string, name: string, namespace: string): RuntimePod {
  return { uid, name, namespace, sandboxes: [], containers: [] };
}

/** The newest container of that name, and the one before it (kube's lastState). */
export function latestContainers(rp: RuntimePod, name: string): { current?: RuntimeContainer; previous?: RuntimeContainer } {
  const mine = rp.containers.filter((c) => c.name === name);
  return { current: mine[0], previous: mine[1] };
}

export function runningSandbox(rp: RuntimePod): RuntimeSandbox | undefined {
  const newest = rp.sandboxes[0];
  return newest?.state === 'running' ? newest : undefined;
}

/**
 * Inspects one pod's containers. Exited containers never change, so their inspection is cached by id; `cache` is
 * owned by the caller and pruned of ids that disappear.
 */
export async function readRuntimePod(runtime: ContainerRuntime, nodeName: string, uid: string, name: string, namespace: string,
  cache: Map<string, ContainerStatus>): Promise<RuntimePod> {
  const listed = await runtime.listContainers({ [labels.node]: nodeName, [labels.podUid]: uid });
  const rp = emptyRuntimePod(uid, name, namespace);
  for (const summary of listed) {
    const identity = parseLabels(summary.labels);
    if (!identity) continue;
    let status = cache.get(summary.id);
    if (!status || status.state !== 'exited') {
      try {
        status = await runtime.inspectContainer(summary.id);
      } catch {
        continue; // removed between list and inspect
      }
      if (status.state === 'exited') cache.set(summary.id, status);
    }
    if (identity.type === 'podsandbox') {
      rp.sandboxes.push({ id: status.id, attempt: identity.attempt, state: status.state, ip: status.ip, createdAt: status.createdAt });
    } else {
      rp.containers.push({
        id: status.id, name: identity.containerName, attempt: identity.attempt, state: status.state,
        exitCode: status.exitCode, reason: status.reason, message: status.message,
        createdAt: status.createdAt, startedAt: status.startedAt, finishedAt: status.finishedAt,
        image: status.image, imageId: status.imageId, specHash: identity.specHash, sandboxId: identity.sandboxId,
      });
    }
  }
  const newestFirst = (a: { attempt: number; createdAt: Date }, b: { attempt: number; createdAt: Date }) =>
    b.attempt - a.attempt || b.createdAt.getTime() - a.createdAt.getTime();
  rp.sandboxes.sort(newestFirst);
  rp.containers.sort(newestFirst);
  return rp;
}
