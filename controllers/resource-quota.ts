// resourcequota-controller (kube's pkg/controller/resourcequota): keeps every ResourceQuota's status true —
// status.hard as spec.hard, status.used as measured from the namespace's objects. Admission raises status.used as
// it lets objects in; this controller is what lowers it again when objects go away or finish, and what fixes it
// whenever it drifted (a create charged but then not stored). A quota is measured again when its spec changes,
// when an object of a kind it limits is added, changes what it uses, or is deleted, and every five minutes.
import { resources, resourceFor, type ResourceInfo } from '../apiserver/api/resources.ts';
import type { KubeObject, ResourceQuota } from '../apiserver/api/types.ts';
import { evaluatorFor, quotaMatches, type QuotaEvaluator } from '../apiserver/quota/evaluators.ts';
import { equal } from '../apiserver/quota/resource-list.ts';
import { isConflict, isNotFound, objectKey, type ApiObject, type Informer } from '../apiserver/client/index.ts';
import { controllerBasics, type Controller, type ControllerContext } from './framework/controller.ts';
import { measureQuota, planQuotaStatus, quotaSpecChanged, usageRaised } from './resource-quota-plan.ts';

const quotasResource = resourceFor('', 'v1', 'resourcequotas')!;

/** kube's --resource-quota-sync-period default: every quota is measured again this often regardless of events. */
const fullResyncMs = 5 * 60_000;
/** How long after admission last raised a quota its usage may be lowered (see resource-quota-plan.ts). */
export const settleMs = 1_000;

/** The kinds watched from the start (kube's quota monitor watches every kind; the rest are watched once a quota names them). */
const watchedFromStart = ['pods', 'services', 'persistentvolumeclaims', 'configmaps', 'secrets', 'replicationcontrollers', 'resourcequotas'];

function namespacedResource(group: string, plural: string): ResourceInfo | undefined {
  return resources.find((r) => r.group === group && r.plural === plural && r.namespaced);
}

export function newResourceQuotaController(ctx: ControllerContext): Controller {
  const name = 'resourcequota-controller';
  const { queue, logger } = controllerBasics(ctx, name);
  const quotas = ctx.informers.informerFor<ResourceQuota>(quotasResource);
  const watched = new Map<string, Informer<ApiObject>>();
  /** When this controller last saw admission raise each quota's usage. */
  const raisedAt = new Map<string, number>();

  const enqueueAll = (): void => {
    for (const q of quotas.list()) queue.add(objectKey(q));
  };

  quotas.addEventHandler({
    onAdd: (q) => queue.add(objectKey(q)),
    onUpdate: (old, q) => {
      const key = objectKey(q);
      if (quotaSpecChanged(old, q)) queue.add(key);
      if (old !== q && usageRaised(old, q)) {
        raisedAt.set(key, ctx.clock());
        // A charge for an object that then failed to be stored is given back once the quota has settled.
        queue.addAfter(key, settleMs + 50);
      }
    },
    onDelete: (q) => {
      raisedAt.delete(objectKey(q));
      queue.add(objectKey(q));
    },
  });

  /** The quotas in an object's namespace that limit something objects of this kind use. */
  const quotasLimiting = (evaluator: QuotaEvaluator, obj: KubeObject): ResourceQuota[] =>
    quotas.byIndex('namespace', obj.metadata?.namespace ?? '').filter((q) =>
      evaluator.matchingResources(Object.keys(q.status?.hard ?? q.spec?.hard ?? {})).length > 0);

  const replenish = (limiting: readonly ResourceQuota[]): void => {
    for (const q of limiting) queue.add(objectKey(q));
  };

  function watch(ri: ResourceInfo): Informer<ApiObject> {
    const key = `${ri.group}/${ri.plural}`;
    let informer = watched.get(key);
    if (informer) return informer;
    informer = ctx.informers.informerFor<ApiObject>(ri);
    const evaluator = evaluatorFor(ri.group, ri.plural);
    informer.addEventHandler({
      // The initial list is measured by every quota's own first sync.
      onAdd: (obj, initial) => { if (!initial) replenish(quotasLimiting(evaluator, obj as KubeObject)); },
      onUpdate: (old, obj) => {
        if (old === obj) return;
        // Most namespaces have no quota limiting this kind: nothing to measure.
        const limiting = quotasLimiting(evaluator, obj as KubeObject);
        if (limiting.length === 0) return;
        const now = ctx.clock();
        const usageChanged = !equal(evaluator.usage(old as KubeObject, now), evaluator.usage(obj as KubeObject, now));
        // Scopes (Terminating, BestEffort...) are read from the object; a change of them moves its usage between quotas.
        const scopesChanged = (): boolean => limiting.some((q) =>
          quotaMatches(q, evaluator, old as KubeObject) !== quotaMatches(q, evaluator, obj as KubeObject));
        if (usageChanged || scopesChanged()) replenish(limiting);
      },
      onDelete: (obj) => replenish(quotasLimiting(evaluator, obj as KubeObject)),
    });
    watched.set(key, informer);
    return informer;
  }

  for (const plural of watchedFromStart) watch(resourceFor('', 'v1', plural)!);

  async function reconcile(key: string): Promise<void> {
    const quota = quotas.get(key);
    if (!quota) {
      raisedAt.delete(key);
      return;
    }
    const namespace = quota.metadata?.namespace ?? '';
    let unsynced = false;
    const objectsOf = (group: string, plural: string): readonly KubeObject[] | undefined => {
      const ri = namespacedResource(group, plural);
      if (!ri) return undefined;
      const informer = watch(ri);
      if (!informer.hasSynced()) {
        unsynced = true;
        return undefined;
      }
      return informer.byIndex('namespace', namespace) as KubeObject[];
    };
    const now = ctx.clock();
    const measured = measureQuota(quota, objectsOf, now);
    // A kind watched only since this quota named it: measure once its first list is in.
    if (unsynced) queue.addAfter(key, 500);
    const raised = raisedAt.get(key);
    const plan = planQuotaStatus(quota, measured, { msSinceRaised: raised === undefined ? undefined : now - raised, settleMs });
    switch (plan.action) {
      case 'none': return;
      case 'wait':
        queue.addAfter(key, plan.afterMs);
        return;
      case 'update':
        try {
          await ctx.client.updateStatus<ResourceQuota>(quotasResource, namespace, { ...quota, status: plan.status });
        } catch (err) {
          if (isNotFound(err)) return;
          // Admission charged it meanwhile: measure again against the quota as it now is.
          if (isConflict(err)) {
            queue.addRateLimited(key);
            return;
          }
          throw err;
        }
        logger.debug({ quota: key, used: plan.status.used }, 'quota usage updated');
    }
  }

  return { name, queue, workers: 2, reconcile, tick: { everyMs: fullResyncMs, run: enqueueAll } };
}
