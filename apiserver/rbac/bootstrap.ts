// Creates and reconciles the bootstrap policy at every apiserver start (kube's rbac/bootstrap-roles post-start
// hook), through the registry like any write, so the objects are validated, stored and watched as usual.
import type { Logger } from 'pino';
import { ApiError } from '../api/errors.ts';
import { resourceFor } from '../api/resources.ts';
import type { ClusterRole, ClusterRoleBinding, KubeObject } from '../api/types.ts';
import type { Registry } from '../registry/registry.ts';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from './bootstrap-policy.ts';
import { reconcileClusterRole, reconcileClusterRoleBinding, type Reconciled } from './reconcile.ts';

const clusterRoles = resourceFor('rbac.authorization.k8s.io', 'v1', 'clusterroles')!;
const clusterRoleBindings = resourceFor('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings')!;

type Resource = typeof clusterRoles;

async function getOrUndefined<T>(registry: Registry, ri: Resource, name: string): Promise<T | undefined> {
  try {
    return await registry.get(ri, '', name) as unknown as T;
  } catch (e) {
    if (e instanceof ApiError && e.code === 404) return undefined;
    throw e;
  }
}

async function write<T>(registry: Registry, ri: Resource, name: string, result: Reconciled<T>, logger: Logger): Promise<void> {
  if (result.operation === 'none') return;
  if (result.protected) {
    logger.info({ kind: ri.kind, name, operation: result.operation }, 'bootstrap policy object differs but is not auto-updated');
    return;
  }
  const object = structuredClone(result.object) as unknown as KubeObject;
  switch (result.operation) {
    case 'create':
      await registry.create(ri, '', object);
      break;
    case 'update':
      await registry.update(ri, '', name, object, '');
      break;
    case 'recreate':
      await registry.delete(ri, '', name, {});
      delete object.metadata?.resourceVersion;
      delete object.metadata?.uid;
      await registry.create(ri, '', object);
      break;
  }
  logger.info({ kind: ri.kind, name, operation: result.operation }, 'bootstrap policy reconciled');
}

export async function ensureBootstrapPolicy(registry: Registry, logger: Logger): Promise<void> {
  for (const expected of bootstrapClusterRoles()) {
    const name = expected.metadata!.name!;
    const existing = await getOrUndefined<ClusterRole>(registry, clusterRoles, name);
    await retryOnConflict(() => write(registry, clusterRoles, name, reconcileClusterRole(existing, expected), logger), async () => {
      const current = await getOrUndefined<ClusterRole>(registry, clusterRoles, name);
      await write(registry, clusterRoles, name, reconcileClusterRole(current, expected), logger);
    });
  }
  for (const expected of bootstrapClusterRoleBindings()) {
    const name = expected.metadata!.name!;
    const existing = await getOrUndefined<ClusterRoleBinding>(registry, clusterRoleBindings, name);
    await retryOnConflict(() => write(registry, clusterRoleBindings, name, reconcileClusterRoleBinding(existing, expected), logger), async () => {
      const current = await getOrUndefined<ClusterRoleBinding>(registry, clusterRoleBindings, name);
      await write(registry, clusterRoleBindings, name, reconcileClusterRoleBinding(current, expected), logger);
    });
  }
}

/**
 * The aggregation controller may update admin/edit/view between our read and our write (a 409), or another
 * apiserver may have created the object (AlreadyExists): read again and reconcile once more.
 */
async function retryOnConflict(first: () => Promise<void>, again: () => Promise<void>): Promise<void> {
  try {
    await first();
  } catch (e) {
    if (!(e instanceof ApiError && (e.code === 409))) throw e;
    await again();
  }
}
