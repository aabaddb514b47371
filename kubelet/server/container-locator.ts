// Finds a pod's container (or its sandbox) in Docker by its labels, for the kubelet's logs, exec, attach and
// port-forward endpoints. The labels are the source of truth (as dockershim's were), so the server needs nothing
// from the pod workers: the newest attempt is the current container, the one before it is what
// `kubectl logs --previous` reads.
import { labels, nodeFilter, parseLabels, sandboxContainerName, type ContainerType } from '../runtime/naming.ts';
import type { ContainerRuntime, ContainerSummary } from '../runtime/runtime.ts';

export interface ContainerLocator {
  containerId(namespace: string, pod: string, container: string, opts?: { previous?: boolean }): Promise<string | undefined>;
  /** The pod's current sandbox (the pause container holding its network namespace), running or not. */
  sandboxId(namespace: string, pod: string): Promise<string | undefined>;
}

/**
 * Newest first: by attempt (the restartCount label), then by creation time for two containers of one attempt. A
 * pod deleted and created again under the same name has a new UID and starts again at attempt 0, so only the
 * containers of the most recently created UID count (what a kubelet not yet done cleaning up still has).
 */
export function rankAttempts(listed: ContainerSummary[], nodeName: string, type: ContainerType = 'container'): ContainerSummary[] {
  const ours = listed
    .map((c) => ({ c, identity: parseLabels(c.labels) }))
    .filter((x) => x.identity?.type === type && x.identity.nodeName === nodeName);
  const newest = ours.reduce<(typeof ours)[number] | undefined>(
    (best, x) => (!best || x.c.createdAt > best.c.createdAt ? x : best), undefined);
  const withIdentity = ours.filter((x) => x.identity!.pod.uid === newest?.identity!.pod.uid);
  withIdentity.sort((a, b) => b.identity!.attempt - a.identity!.attempt || b.c.createdAt.getTime() - a.c.createdAt.getTime());
  return withIdentity.map((x) => x.c);
}

export function dockerContainerLocator(runtime: ContainerRuntime, nodeName: string): ContainerLocator {
  return {
    async containerId(namespace, pod, container, opts = {}) {
      const listed = await runtime.listContainers({
        ...nodeFilter(nodeName), [labels.podNamespace]: namespace, [labels.podName]: pod, [labels.containerName]: container,
      });
      return rankAttempts(listed, nodeName)[opts.previous ? 1 : 0]?.id;
    },
    async sandboxId(namespace, pod) {
      const listed = await runtime.listContainers({
        ...nodeFilter(nodeName), [labels.podNamespace]: namespace, [labels.podName]: pod, [labels.containerName]: sandboxContainerName,
      });
      return rankAttempts(listed, nodeName, 'podsandbox')[0]?.id;
    },
  };
}
