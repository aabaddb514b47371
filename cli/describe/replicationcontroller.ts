// describe replicationcontroller: kubectl's ReplicationControllerDescriber, the ReplicaSet layout for the older
// kind: a map selector, replica counts, how its pods are doing, the pod template, conditions and events.
import type { ReplicationController } from '../../apiserver/api/types.ts';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { formatLabels } from '../../apiserver/server/printers/selectors.ts';
import { eventsFor, type DescribeContext } from './context.ts';
import { describeEvents, printAnnotationsMultiline, printLabelsMultiline } from './format.ts';
import { describePodTemplate } from './pod-spec.ts';
import { LEVEL_0, LEVEL_1, PrefixWriter } from './prefix-writer.ts';
import { podPhasesFor, podStatusLine, type PodPhaseCounts } from './replicaset.ts';

export async function describeReplicationController(ctx: DescribeContext, _resource: unknown, obj: ApiObject): Promise<string> {
  const rc = obj as ReplicationController;
  // SelectorFromSet: an RC's map selector, where an empty map selects every pod.
  const phases = await podPhasesFor(ctx, rc.metadata?.namespace, { matchLabels: rc.spec?.selector ?? {} }, rc.metadata?.uid);
  return renderReplicationController(rc, phases, await eventsFor(ctx, obj, 'ReplicationController'), ctx.now);
}

export function renderReplicationController(rc: ReplicationController, phases: PodPhaseCounts, events: Parameters<typeof describeEvents>[0], now: number): string {
  const w = new PrefixWriter();
  w.write(LEVEL_0, `Name:\t${rc.metadata?.name ?? ''}\n`);
  w.write(LEVEL_0, `Namespace:\t${rc.metadata?.namespace ?? ''}\n`);
  w.write(LEVEL_0, `Selector:\t${formatLabels(rc.spec?.selector)}\n`);
  printLabelsMultiline(w, 'Labels', rc.metadata?.labels);
  printAnnotationsMultiline(w, 'Annotations', rc.metadata?.annotations);
  w.write(LEVEL_0, `Replicas:\t${rc.status?.replicas ?? 0} current / ${rc.spec?.replicas ?? 1} desired\n`);
  w.write(LEVEL_0, `Pods Status:\t${podStatusLine(phases)}\n`);
  // kubectl passes the RC's template pointer, which may be nil: then "<unset>" without a newline.
  describePodTemplate(rc.spec?.template, w);
  const conditions = rc.status?.conditions ?? [];
  if (conditions.length > 0) {
    w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\tReason\n');
    w.write(LEVEL_1, '----\t------\t------\n');
    for (const c of conditions) w.write(LEVEL_1, `${c.type} \t${c.status}\t${c.reason ?? ''}\n`);
  }
  if (events) describeEvents(events, w, now);
  return w.toString();
}
