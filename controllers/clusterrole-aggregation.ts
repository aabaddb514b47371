// clusterrole-aggregation-controller (kube's pkg/controller/clusterroleaggregation): keeps the rules of every
// ClusterRole that has an aggregationRule equal to the union of the ClusterRoles its selectors match. That is how
// admin, edit and view grow when a role labelled rbac.authorization.k8s.io/aggregate-to-view appears. Any change
// to any ClusterRole may change an aggregate, so every change requeues every aggregated role (there are few).
import { resourceFor } from '../apiserver/api/resources.ts';
import type { ClusterRole } from '../apiserver/api/types.ts';
import { isNotFound } from '../apiserver/client/index.ts';
import { aggregatedRules, rulesUpToDate } from './clusterrole-aggregation-plan.ts';
import { controllerBasics, type Controller, type ControllerContext } from './framework/controller.ts';

const clusterRolesResource = resourceFor('rbac.authorization.k8s.io', 'v1', 'clusterroles')!;

export function newClusterRoleAggregationController(ctx: ControllerContext): Controller {
  const name = 'clusterrole-aggregation-controller';
  const { queue, logger } = controllerBasics(ctx, name);
  const clusterRoles = ctx.informers.informerFor<ClusterRole>(clusterRolesResource);

  const enqueueAggregated = () => {
    for (const role of clusterRoles.list()) {
      if (role.aggregationRule && role.metadata?.name) queue.add(role.metadata.name);
    }
  };
  clusterRoles.addEventHandler({ onAdd: enqueueAggregated, onUpdate: enqueueAggregated, onDelete: enqueueAggregated });

  async function reconcile(key: string): Promise<void> {
    const role = clusterRoles.get(key);
    if (!role) return;
    const rules = aggregatedRules(role, clusterRoles.list());
    if (!rules || rulesUpToDate(role, rules)) return;
    try {
      // The cached object's resourceVersion makes this a compare-and-swap: a conflict is retried from a fresher cache.
      await ctx.client.update<ClusterRole>(clusterRolesResource, undefined, { ...structuredClone(role), rules });
      logger.info({ clusterRole: key, rules: rules.length }, 'aggregated cluster role rules');
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
  }

  // kube runs it with five workers; Skiff's handful of aggregated roles need one.
  return { name, queue, workers: 1, reconcile };
}
