// describe daemonset: kubectl's DaemonSetDescriber: selectors, how many nodes run (or should run) the pod, how its
// pods are doing, the pod template and events. kubectl prints no Namespace line for daemon sets.
import type { DaemonSet } from '../../apiserver/api/types.ts';
import { selectorFromLabelSelector, selectorToString } from '../../apiserver/api/labels.ts';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { formatLabels } from '../../apiserver/server/printers/selectors.ts';
import { eventsFor, type DescribeContext } from './context.ts';
import { describeEvents, printAnnotationsMultiline, printLabelsMultiline } from './format.ts';
import { describePodTemplate } from './pod-spec.ts';
import { LEVEL_0, PrefixWriter } from './prefix-writer.ts';
import { podPhasesFor, podStatusLine, type PodPhaseCounts } from './replicaset.ts';

export async function describeDaemonSet(ctx: DescribeContext, _resource: unknown, obj: ApiObject): Promise<string> {
  const ds = obj as DaemonSet;
  // Unlike the ReplicaSet describer, a failure to read the pods fails the whole describe, as in kubectl.
  const phases = await podPhasesFor(ctx, ds.metadata?.namespace, ds.spec?.selector, ds.metadata?.uid);
  return renderDaemonSet(ds, phases, await eventsFor(ctx, obj, 'DaemonSet'), ctx.now);
}

export function renderDaemonSet(ds: DaemonSet, phases: PodPhaseCounts, events: Parameters<typeof describeEvents>[0], now: number): string {
  const w = new PrefixWriter();
  const s = ds.status;
  w.write(LEVEL_0, `Name:\t${ds.metadata?.name ?? ''}\n`);
  w.write(LEVEL_0, `Selector:\t${selectorToString(selectorFromLabelSelector(ds.spec?.selector))}\n`);
  w.write(LEVEL_0, `Node-Selector:\t${formatLabels(ds.spec?.template?.spec?.nodeSelector)}\n`);
  printLabelsMultiline(w, 'Labels', ds.metadata?.labels);
  printAnnotationsMultiline(w, 'Annotations', ds.metadata?.annotations);
  w.write(LEVEL_0, `Desired Number of Nodes Scheduled: ${s?.desiredNumberScheduled ?? 0}\n`);
  w.write(LEVEL_0, `Current Number of Nodes Scheduled: ${s?.currentNumberScheduled ?? 0}\n`);
  w.write(LEVEL_0, `Number of Nodes Scheduled with Up-to-date Pods: ${s?.updatedNumberScheduled ?? 0}\n`);
  w.write(LEVEL_0, `Number of Nodes Scheduled with Available Pods: ${s?.numberAvailable ?? 0}\n`);
  w.write(LEVEL_0, `Number of Nodes Misscheduled: ${s?.numberMisscheduled ?? 0}\n`);
  w.write(LEVEL_0, `Pods Status:\t${podStatusLine(phases)}\n`);
  describePodTemplate(ds.spec?.template ?? {}, w);
  if (events) describeEvents(events, w, now);
  return w.toString();
}
