// describe statefulset: kubectl's StatefulSetDescriber: replicas, the update strategy, how its pods are doing, the
// pod template, the volume claim templates and events.
import { selectorFromLabelSelector, selectorToString } from '../../apiserver/api/labels.ts';
import { claimClass } from '../../apiserver/api/storage-class.ts';
import type { PersistentVolumeClaim, StatefulSet } from '../../apiserver/api/types.ts';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { eventsFor, type DescribeContext } from './context.ts';
import { describeEvents, goList, printAnnotationsMultiline, printLabelsMultiline, quantityString, rfc1123z } from './format.ts';
import { describePodTemplate } from './pod-spec.ts';
import { LEVEL_0, LEVEL_1, PrefixWriter } from './prefix-writer.ts';
import { podPhasesFor, podStatusLine, type PodPhaseCounts } from './replicaset.ts';

export async function describeStatefulSet(ctx: DescribeContext, _resource: unknown, obj: ApiObject): Promise<string> {
  const sts = obj as StatefulSet;
  const phases = await podPhasesFor(ctx, sts.metadata?.namespace, sts.spec?.selector, sts.metadata?.uid);
  return renderStatefulSet(sts, phases, await eventsFor(ctx, obj, 'StatefulSet'), ctx.now);
}

/** describeVolumeClaimTemplates: kubectl prints a template's annotations as it prints labels (`k=v`). */
export function describeVolumeClaimTemplates(templates: PersistentVolumeClaim[] | undefined, w: PrefixWriter): void {
  if (!templates || templates.length === 0) {
    w.write(LEVEL_0, 'Volume Claims:\t<none>\n');
    return;
  }
  w.write(LEVEL_0, 'Volume Claims:\n');
  for (const pvc of templates) {
    w.write(LEVEL_1, `Name:\t${pvc.metadata?.name ?? ''}\n`);
    w.write(LEVEL_1, `StorageClass:\t${claimClass(pvc)}\n`);
    printLabelsMultiline(w, 'Labels', pvc.metadata?.labels, '  ');
    printLabelsMultiline(w, 'Annotations', pvc.metadata?.annotations, '  ');
    const storage = pvc.spec?.resources?.requests?.storage;
    w.write(LEVEL_1, `Capacity:\t${storage === undefined ? '<default>' : quantityString(storage)}\n`);
    w.write(LEVEL_1, `Access Modes:\t${goList(pvc.spec?.accessModes)}\n`);
  }
}

export function renderStatefulSet(sts: StatefulSet, phases: PodPhaseCounts, events: Parameters<typeof describeEvents>[0], now: number): string {
  const w = new PrefixWriter();
  const spec = sts.spec;
  w.write(LEVEL_0, `Name:\t${sts.metadata?.name ?? ''}\n`);
  w.write(LEVEL_0, `Namespace:\t${sts.metadata?.namespace ?? ''}\n`);
  w.write(LEVEL_0, `CreationTimestamp:\t${rfc1123z(sts.metadata?.creationTimestamp)}\n`);
  w.write(LEVEL_0, `Selector:\t${selectorToString(selectorFromLabelSelector(spec?.selector))}\n`);
  printLabelsMultiline(w, 'Labels', sts.metadata?.labels);
  printAnnotationsMultiline(w, 'Annotations', sts.metadata?.annotations);
  w.write(LEVEL_0, `Replicas:\t${spec?.replicas ?? 1} desired | ${sts.status?.replicas ?? 0} total\n`);
  w.write(LEVEL_0, `Update Strategy:\t${spec?.updateStrategy?.type ?? ''}\n`);
  const ru = spec?.updateStrategy?.rollingUpdate;
  // kubectl shows MaxUnavailable only together with a partition.
  if (ru?.partition !== undefined) {
    w.write(LEVEL_1, `Partition:\t${ru.partition}\n`);
    if (ru.maxUnavailable !== undefined) w.write(LEVEL_1, `MaxUnavailable:\t${ru.maxUnavailable}\n`);
  }
  w.write(LEVEL_0, `Pods Status:\t${podStatusLine(phases)}\n`);
  describePodTemplate(spec?.template ?? {}, w);
  describeVolumeClaimTemplates(spec?.volumeClaimTemplates, w);
  if (events) describeEvents(events, w, now);
  return w.toString();
}
