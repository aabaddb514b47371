// What exists from the start: the four system namespaces, created through the registry like any object.
import { ApiError } from '../api/errors.ts';
import { resourceFor } from '../api/resources.ts';
import type { Registry } from '../registry/registry.ts';

export const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export async function bootstrapNamespaces(registry: Registry): Promise<void> {
  const namespaces = resourceFor('', 'v1', 'namespaces')!;
  for (const name of systemNamespaces) {
    try {
      await registry.create(namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    } catch (e) {
      if (!(e instanceof ApiError && e.reason === 'AlreadyExists')) throw e;
    }
  }
}
