// describe deployment: kubectl's DeploymentDescriber: replicas, strategy, the pod template, conditions, the old
// and new ReplicaSets (found as the deployment controller finds them) and the rollout events.
import type { Deployment, ReplicaSet } from '../../apiserver/api/types.ts';
import { selectorFromLabelSelector, selectorToString } from '../../apiserver/api/labels.ts';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { findNewReplicaSet, findOldReplicaSets } from '../../controllers/deployment-replicasets.ts';
import { eventsFor, type DescribeContext } from './context.ts';
import { describeEvents, printAnnotationsMultiline, printConditions, printLabelsMultiline, rfc1123z } from './format.ts';
import { describePodTemplate } from './pod-spec.ts';
import { LEVEL_0, PrefixWriter } from './prefix-writer.ts';

const replicaSetsResource = { group: 'apps', version: 'v1', plural: 'replicasets', namespaced: true };

function replicaSetSummary(rss: ReplicaSet[]): string {
  const list = rss.map((rs) => `${rs.metadata?.name ?? ''} (${rs.status?.replicas ?? 0}/${rs.spec?.replicas ?? 1} replicas created)`).join(', ');
  return list === '' ? '<none>' : list;
}

export async function describeDeployment(ctx: DescribeContext, _resource: unknown, obj: ApiObject): Promise<string> {
  const d = obj as Deployment;
  const events = await eventsFor(ctx, obj, 'Deployment');
  let owned: ReplicaSet[] = [];
  try {
    const selector = selectorFromLabelSelector(d.spec?.selector);
    if (selector !== 'nothing') {
      const list = await ctx.client.list<ReplicaSet>(replicaSetsResource, d.metadata?.namespace, { labelSelector: selectorToString(selector) });
      owned = list.items.filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.controller && o.uid === d.metadata?.uid));
    }
  } catch {
    // kubectl leaves the ReplicaSet lines out when it cannot list them.
  }
  return renderDeployment(d, owned, events, ctx.now);
}

export function renderDeployment(d: Deployment, replicaSets: ReplicaSet[], events: Parameters<typeof describeEvents>[0], now: number): string {
  const w = new PrefixWriter();
  const selector = selectorFromLabelSelector(d.spec?.selector);
  w.write(LEVEL_0, `Name:\t${d.metadata?.name ?? ''}\n`);
  w.write(LEVEL_0, `Namespace:\t${d.metadata?.namespace ?? ''}\n`);
  w.write(LEVEL_0, `CreationTimestamp:\t${rfc1123z(d.metadata?.creationTimestamp)}\n`);
  printLabelsMultiline(w, 'Labels', d.metadata?.labels);
  printAnnotationsMultiline(w, 'Annotations', d.metadata?.annotations);
  w.write(LEVEL_0, `Selector:\t${selector === 'nothing' ? '<none>' : selectorToString(selector)}\n`);
  const s = d.status;
  w.write(LEVEL_0, `Replicas:\t${d.spec?.replicas ?? 1} desired | ${s?.updatedReplicas ?? 0} updated | ${s?.replicas ?? 0} total | ${s?.availableReplicas ?? 0} available | ${s?.unavailableReplicas ?? 0} unavailable\n`);
  w.write(LEVEL_0, `StrategyType:\t${d.spec?.strategy?.type ?? ''}\n`);
  w.write(LEVEL_0, `MinReadySeconds:\t${d.spec?.minReadySeconds ?? 0}\n`);
  const ru = d.spec?.strategy?.rollingUpdate;
  if (ru) w.write(LEVEL_0, `RollingUpdateStrategy:\t${String(ru.maxUnavailable ?? 0)} max unavailable, ${String(ru.maxSurge ?? 0)} max surge\n`);
  describePodTemplate(d.spec?.template, w);
  printConditions(w, s?.conditions);
  if (replicaSets.length > 0) {
    const newRS = findNewReplicaSet(d, replicaSets);
    w.write(LEVEL_0, `OldReplicaSets:\t${replicaSetSummary(findOldReplicaSets(d, replicaSets))}\n`);
    w.write(LEVEL_0, `NewReplicaSet:\t${replicaSetSummary(newRS ? [newRS] : [])}\n`);
  }
  if (events) describeEvents(events, w, now);
  return w.toString();
}
