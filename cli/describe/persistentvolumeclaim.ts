// describe persistentvolumeclaim: kubectl's PersistentVolumeClaimDescriber: class, phase, the bound volume with its
// capacity and access modes, the pods that mount the claim (or own it), conditions and events.
import { claimClass } from '../../apiserver/api/storage-class.ts';
import type { PersistentVolumeClaim, Pod } from '../../apiserver/api/types.ts';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { accessModesCell } from '../../apiserver/server/printers/volume-cells.ts';
import { podsResource } from '../pods-for.ts';
import { eventsFor, listAll, type DescribeContext } from './context.ts';
import {
  describeEvents, goList, printAnnotationsMultiline, printLabelsMultiline, printNamesMultiline, quantityString, rfc1123z, since,
} from './format.ts';
import { LEVEL_0, LEVEL_1, PrefixWriter } from './prefix-writer.ts';

/** getPodsForPVC: pods with a volume naming the claim (once per such volume, as kubectl), then owning pods. */
export function podsUsingClaim(pvc: PersistentVolumeClaim, pods: Pod[]): string[] {
  const using: Pod[] = [];
  for (const pod of pods) {
    for (const v of pod.spec?.volumes ?? []) {
      if (v.persistentVolumeClaim?.claimName === pvc.metadata?.name) using.push(pod);
    }
  }
  for (const ref of pvc.metadata?.ownerReferences ?? []) {
    if (ref.kind !== 'Pod') continue;
    const owner = pods.find((p) => p.metadata?.uid === ref.uid);
    if (owner && !using.some((p) => p.metadata?.uid === owner.metadata?.uid)) using.push(owner);
  }
  return using.map((p) => p.metadata?.name ?? '');
}

export async function describePersistentVolumeClaim(ctx: DescribeContext, _resource: unknown, obj: ApiObject): Promise<string> {
  const pvc = obj as PersistentVolumeClaim;
  const pods = await listAll<Pod>(ctx, podsResource, pvc.metadata?.namespace);
  return renderPersistentVolumeClaim(pvc, podsUsingClaim(pvc, pods), await eventsFor(ctx, obj, 'PersistentVolumeClaim'), ctx.now);
}

export function renderPersistentVolumeClaim(pvc: PersistentVolumeClaim, usedBy: string[], events: Parameters<typeof describeEvents>[0], now: number): string {
  const w = new PrefixWriter();
  const spec = pvc.spec;
  w.write(LEVEL_0, `Name:\t${pvc.metadata?.name ?? ''}\n`);
  w.write(LEVEL_0, `Namespace:\t${pvc.metadata?.namespace ?? ''}\n`);
  w.write(LEVEL_0, `StorageClass:\t${claimClass(pvc)}\n`);
  if (pvc.metadata?.deletionTimestamp) w.write(LEVEL_0, `Status:\tTerminating (lasts ${since(pvc.metadata.deletionTimestamp, now)})\n`);
  else w.write(LEVEL_0, `Status:\t${pvc.status?.phase ?? ''}\n`);
  w.write(LEVEL_0, `Volume:\t${spec?.volumeName ?? ''}\n`);
  printLabelsMultiline(w, 'Labels', pvc.metadata?.labels);
  printAnnotationsMultiline(w, 'Annotations', pvc.metadata?.annotations);
  w.write(LEVEL_0, `Finalizers:\t${goList(pvc.metadata?.finalizers)}\n`);
  // Capacity and access modes are the bound volume's, from status; an unbound claim shows neither.
  const bound = Boolean(spec?.volumeName);
  w.write(LEVEL_0, `Capacity:\t${bound ? quantityString(pvc.status?.capacity?.storage) : ''}\n`);
  w.write(LEVEL_0, `Access Modes:\t${bound ? accessModesCell(pvc.status?.accessModes) : ''}\n`);
  if (spec?.volumeMode) w.write(LEVEL_0, `VolumeMode:\t${spec.volumeMode}\n`);
  if (spec?.dataSource) {
    w.write(LEVEL_0, 'DataSource:\n');
    if (spec.dataSource.apiGroup !== undefined) w.write(LEVEL_1, `APIGroup:\t${spec.dataSource.apiGroup}\n`);
    w.write(LEVEL_1, `Kind:\t${spec.dataSource.kind}\n`);
    w.write(LEVEL_1, `Name:\t${spec.dataSource.name}\n`);
  }
  printNamesMultiline(w, 'Used By', usedBy);
  const conditions = pvc.status?.conditions ?? [];
  if (conditions.length > 0) {
    w.write(LEVEL_0, 'Conditions:\n');
    w.write(LEVEL_1, 'Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage\n');
    w.write(LEVEL_1, '----\t------\t-----------------\t------------------\t------\t-------\n');
    for (const c of conditions) {
      w.write(LEVEL_1, `${c.type} \t${c.status} \t${rfc1123z(c.lastProbeTime)} \t${rfc1123z(c.lastTransitionTime)} \t${c.reason ?? ''} \t${c.message ?? ''}\n`);
    }
  }
  if (events) describeEvents(events, w, now);
  return w.toString();
}
