// serviceaccount-controller (kube's pkg/controller/serviceaccount): every active namespace has a `default`
// ServiceAccount, made when the namespace appears and made again whenever it is deleted. Pods that name no
// account run as it (the apiserver's pod strategy fills in spec.serviceAccountName).
import { resourceFor } from '../apiserver/api/resources.ts';
import type { Namespace, ServiceAccount } from '../apiserver/api/types.ts';
import { ApiStatusError, isAlreadyExists, objectKey } from '../apiserver/client/index.ts';
import { controllerBasics, type Controller, type ControllerContext } from './framework/controller.ts';

const namespacesResource = resourceFor('', 'v1', 'namespaces')!;
const serviceAccountsResource = resourceFor('', 'v1', 'serviceaccounts')!;

/** The accounts every namespace gets (kube's --service-account-names default: just `default`). */
export const managedServiceAccounts = ['default'];

/** The managed accounts a namespace lacks; none for a namespace that is not Active (it takes no new objects). */
export function missingServiceAccounts(ns: Namespace, exists: (name: string) => boolean): string[] {
  if (ns.status?.phase !== 'Active') return [];
  return managedServiceAccounts.filter((name) => !exists(name));
}

/** A create refused because the namespace began terminating meanwhile: nothing to do there any more. */
function namespaceTerminating(err: unknown): boolean {
  return err instanceof ApiStatusError && (err.status.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');
}

export function newServiceAccountController(ctx: ControllerContext): Controller {
  const name = 'serviceaccount-controller';
  const { queue, logger } = controllerBasics(ctx, name);
  const namespaces = ctx.informers.informerFor<Namespace>(namespacesResource);
  const serviceAccounts = ctx.informers.informerFor<ServiceAccount>(serviceAccountsResource);

  namespaces.addEventHandler({
    onAdd: (ns) => queue.add(objectKey(ns)),
    onUpdate: (_old, ns) => queue.add(objectKey(ns)),
  });
  serviceAccounts.addEventHandler({
    onDelete: (sa) => {
      const namespace = sa.metadata?.namespace;
      if (namespace && managedServiceAccounts.includes(sa.metadata?.name ?? '')) queue.add(namespace);
    },
  });

  async function reconcile(key: string): Promise<void> {
    const ns = namespaces.get(key);
    if (!ns) return;
    const missing = missingServiceAccounts(ns, (sa) => serviceAccounts.getByName(key, sa) !== undefined);
    for (const saName of missing) {
      try {
        await ctx.client.create<ServiceAccount>(serviceAccountsResource, key,
          { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: saName, namespace: key } });
        logger.info({ namespace: key, serviceAccount: saName }, 'created service account');
      } catch (err) {
        // The cache had not caught up with an account already there, or the namespace is going away.
        if (isAlreadyExists(err) || namespaceTerminating(err)) continue;
        throw err;
      }
    }
  }

  // kube runs this controller with one worker.
  return { name, queue, workers: 1, reconcile };
}
