// root-ca-cert-publisher (kube's pkg/controller/certificates/rootcacertpublisher): every namespace has a
// kube-root-ca.crt ConfigMap holding the CA that signed the apiserver's serving certificate, so the projected
// kube-api-access volume can give each pod the ca.crt its in-cluster client verifies the apiserver with. The CA
// comes from --root-ca-file, or else the controller-manager's own kubeconfig (settings.rootCA either way).
import { resourceFor } from '../apiserver/api/resources.ts';
import type { ConfigMap, Namespace } from '../apiserver/api/types.ts';
import { ApiStatusError, isAlreadyExists, isNotFound, objectKey } from '../apiserver/client/index.ts';
import { controllerBasics, type Controller, type ControllerContext } from './framework/controller.ts';
import { planRootCAConfigMap, rootCAConfigMapName } from './rootcacertpublisher-plan.ts';

const namespacesResource = resourceFor('', 'v1', 'namespaces')!;
const configMapsResource = resourceFor('', 'v1', 'configmaps')!;

/** A create refused because the namespace is going away (or already gone): nothing to publish there. */
function namespaceGoingAway(err: unknown): boolean {
  return isNotFound(err)
    || (err instanceof ApiStatusError && (err.status.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating'));
}

export function newRootCACertPublisher(ctx: ControllerContext): Controller {
  const name = 'root-ca-cert-publisher';
  const { queue, logger } = controllerBasics(ctx, name);
  const rootCA = ctx.settings.rootCA ?? '';
  const namespaces = ctx.informers.informerFor<Namespace>(namespacesResource);
  const configMaps = ctx.informers.informerFor<ConfigMap>(configMapsResource);
  if (!rootCA) logger.warn('no root CA (neither --root-ca-file nor a CA in the kubeconfig): kube-root-ca.crt is not published');

  namespaces.addEventHandler({
    onAdd: (ns) => queue.add(objectKey(ns)),
    onUpdate: (_old, ns) => queue.add(objectKey(ns)),
  });
  // Someone changed or deleted the ConfigMap: put it back.
  const ours = (cm: ConfigMap) => {
    if (cm.metadata?.name === rootCAConfigMapName && cm.metadata.namespace) queue.add(cm.metadata.namespace);
  };
  configMaps.addEventHandler({ onUpdate: (_old, cm) => ours(cm), onDelete: ours });

  async function reconcile(key: string): Promise<void> {
    const ns = namespaces.get(key);
    if (!ns || !rootCA) return;
    const plan = planRootCAConfigMap(ns, configMaps.getByName(key, rootCAConfigMapName), rootCA);
    try {
      switch (plan.action) {
        case 'none': return;
        case 'create':
          await ctx.client.create(configMapsResource, key, plan.configMap);
          logger.info({ namespace: key }, `published ${rootCAConfigMapName}`);
          return;
        case 'update':
          await ctx.client.update(configMapsResource, key, plan.configMap);
          logger.info({ namespace: key }, `restored ${rootCAConfigMapName}`);
          return;
      }
    } catch (err) {
      // The cache was behind (created meanwhile: the update event requeues if it differs), or the namespace is
      // going away; a conflict is retried by the queue.
      if (isAlreadyExists(err) || namespaceGoingAway(err)) return;
      throw err;
    }
  }

  return { name, queue, workers: 1, reconcile };
}
