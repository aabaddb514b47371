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

async function write<T>(registry: Registry, ri: Resource, name: string, result: Reconciled<T>, logger: Logger): Promise<void> {
  if (result.operation === 'none') return;
  if (result.protected) {
    logger.info({ kind: ri.kind, name, operation: result.operation }, 'bootstrap policy object differs but is not auto-updated');
    return;
  }
  // reconcile* hands back an object of its own (a clone or a fresh one), so it is written as it is.
  const object = result.object as unknown as KubeObject;
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
  for (const expected of bootstrapClusterRoles()) await ensure(registry, clusterRoles, expected, reconcileClusterRole, logger);
  for (const expected of bootstrapClusterRoleBindings()) {
    await ensure(registry, clusterRoleBindings, expected, reconcileClusterRoleBinding, logger);
  }
}

/**
 * Reads the object, reconciles it with what the policy expects and writes the result. The aggregation controller
 * may update admin/edit/view between our read and our write (a 409), or another apiserver may have created the
 * object (AlreadyExists): then read again and reconcile once more.
 */
async function ensure<T extends ClusterRole | ClusterRoleBinding>(
  registry: Registry, ri: Resource, expected: T, reconcile: (existing: T | undefined, expected: T) => Reconciled<T>, logger: Logger,
): Promise<void> {
  const name = expected.metadata!.name!;
  const attempt = async () => write(registry, ri, name, reconcile(await registry.find(ri, '', name) as T | undefined, expected), logger);
  try {
    await attempt();
  } catch (e) {
    if (!(e instanceof ApiError && e.code === 409)) throw e;
    await attempt();
  }
}
