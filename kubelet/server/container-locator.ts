// Finds a pod's container in Docker by its labels, for the kubelet's logs endpoint: the newest attempt, or the
// one before it for `previous`.
import { labels, nodeFilter, parseLabels } from '../runtime/naming.ts';
import type { ContainerRuntime } from '../runtime/runtime.ts';

export async function locateContainer(runtime: ContainerRuntime, nodeName: string, namespace: string, pod: string,
  container: string, previous = false): Promise<string | undefined> {
  const listed = await runtime.listContainers({ ...nodeFilter(nodeName), [labels.podNamespace]: namespace, [labels.podName]: pod, [labels.containerName]: container });
  const attempts = listed
    .map((c) => ({ id: c.id, createdAt: c.createdAt, identity: parseLabels(c.labels) }))
    .filter((c) => c.identity?.type === 'container')
    .sort((a, b) => b.identity!.attempt - a.identity!.attempt || b.createdAt.getTime() - a.createdAt.getTime());
  return attempts[previous ? 1 : 0]?.id;
}
