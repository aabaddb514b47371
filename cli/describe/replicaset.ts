// describe replicaset: kubectl's ReplicaSetDescriber: the selector, the owner, replica counts, how its pods are
// doing, the pod template and events.
import { selectorFromLabelSelector, selectorToString } from '../../apiserver/api/labels.ts';
import type { LabelSelector, Pod, ReplicaSet } from '../../apiserver/api/types.ts';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { podsResource } from '../pods-for.ts';
import { eventsFor, listAll, type DescribeContext } from './context.ts';
import { describeEvents, printAnnotationsMultiline, printConditions, printLabelsMultiline } from './format.ts';
import { controllerOf } from './pod.ts';
import { describePodTemplate } from './pod-spec.ts';
import { LEVEL_0, PrefixWriter } from './prefix-writer.ts';

export interface PodPhaseCounts { running: number; waiting: number; succeeded: number; failed: number }

/** getPodStatusForController: the phases of the pods the selector finds that `uid` controls. */
export async function podPhasesFor(ctx: DescribeContext, namespace: string | undefined, selector: LabelSelector | undefined,
  uid: string | undefined): Promise<PodPhaseCounts> {
  const counts = { running: 0, waiting: 0, succeeded: 0, failed: 0 };
  const sel = selectorFromLabelSelector(selector);
  if (sel === 'nothing') return counts;
  const pods = await listAll<Pod>(ctx, podsResource, namespace, { labelSelector: selectorToString(sel) });
  for (const pod of pods) {
    if (!pod.metadata?.ownerReferences?.some((o) => o.controller && o.uid === uid)) continue;
    switch (pod.status?.phase) {
      case 'Running': counts.running++; break;
      case 'Pending': counts.waiting++; break;
      case 'Succeeded': counts.succeeded++; break;
      case 'Failed': counts.failed++; break;
      default: break;
    }
  }
  return counts;
}

/** The `Pods Status:` value the workload describers share. */
export function podStatusLine(p: PodPhaseCounts): string {
  return `${p.running} Running / ${p.waiting} Waiting / ${p.succeeded} Succeeded / ${p.failed} Failed`;
}

/** metav1.FormatLabelSelector. */
export function formatLabelSelector(selector: LabelSelector | undefined): string {
  const sel = selectorFromLabelSelector(selector);
  if (sel === 'nothing') return '<none>';
  const text = selectorToString(sel);
  return text === '' ? '<none>' : text;
}

export async function describeReplicaSet(ctx: DescribeContext, _resource: unknown, obj: ApiObject): Promise<string> {
  const rs = obj as ReplicaSet;
  let phases: PodPhaseCounts | string;
  try {
    phases = await podPhasesFor(ctx, rs.metadata?.namespace, rs.spec?.selector, rs.metadata?.uid);
  } catch (e) {
    phases = e instanceof Error ? e.message : String(e);
  }
  return renderReplicaSet(rs, phases, await eventsFor(ctx, obj, 'ReplicaSet'), ctx.now);
}

export function renderReplicaSet(rs: ReplicaSet, phases: PodPhaseCounts | string, events: Parameters<typeof describeEvents>[0], now: number): string {
  return renderReplicaSetLike(rs, formatLabelSelector(rs.spec?.selector), controllerOf(rs), phases, events, now);
}

/** What the ReplicaSet layout reads of a ReplicaSet or a ReplicationController. */
export type ReplicaSetLike = Pick<ReplicaSet, 'metadata'> & {
  spec?: { replicas?: number; template?: NonNullable<ReplicaSet['spec']>['template'] };
  status?: { replicas?: number; conditions?: readonly { type: string; status: string; reason?: string }[] };
};

/**
 * The ReplicaSet describer's layout, which kubectl's ReplicationControllerDescriber shares: `selector` as the kind
 * prints it, and the `Controlled By:` line when `controlledBy` is not ''.
 */
export function renderReplicaSetLike(obj: ReplicaSetLike, selector: string, controlledBy: string, phases: PodPhaseCounts | string,
  events: Parameters<typeof describeEvents>[0], now: number): string {
  const w = new PrefixWriter();
  w.write(LEVEL_0, `Name:\t${obj.metadata?.name ?? ''}\n`);
  w.write(LEVEL_0, `Namespace:\t${obj.metadata?.namespace ?? ''}\n`);
  w.write(LEVEL_0, `Selector:\t${selector}\n`);
  printLabelsMultiline(w, 'Labels', obj.metadata?.labels);
  printAnnotationsMultiline(w, 'Annotations', obj.metadata?.annotations);
  if (controlledBy) w.write(LEVEL_0, `Controlled By:\t${controlledBy}\n`);
  w.write(LEVEL_0, `Replicas:\t${obj.status?.replicas ?? 0} current / ${obj.spec?.replicas ?? 1} desired\n`);
  w.write(LEVEL_0, 'Pods Status:\t');
  if (typeof phases === 'string') w.write(LEVEL_0, `error in fetching pods: ${phases}\n`);
  else w.write(LEVEL_0, `${podStatusLine(phases)}\n`);
  describePodTemplate(obj.spec?.template, w);
  printConditions(w, obj.status?.conditions);
  if (events) describeEvents(events, w, now);
  return w.toString();
}
