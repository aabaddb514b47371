// describe persistentvolume: kubectl's PersistentVolumeDescriber: class, phase, claim, policies, capacity, node
// affinity and where the storage lives: hostPath, local, NFS, CSI (what Skiff's provisioners and binder use) and
// the GCE and AWS disks in kubectl's words.
import { volumeClass } from '../../apiserver/api/storage-class.ts';
import type { PersistentVolume } from '../../apiserver/api/types.ts';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { accessModesCell } from '../../apiserver/server/printers/volume-cells.ts';
import { eventsFor, type DescribeContext } from './context.ts';
import { describeEvents, goList, printAnnotationsMultiline, printLabelsMultiline, quantityString, since } from './format.ts';
import { describeHostPathSource, describeNFSSource } from './pod-spec.ts';
import { LEVEL_0, LEVEL_1, LEVEL_2, PrefixWriter } from './prefix-writer.ts';

type Spec = NonNullable<PersistentVolume['spec']>;

export async function describePersistentVolume(ctx: DescribeContext, _resource: unknown, obj: ApiObject): Promise<string> {
  return renderPersistentVolume(obj as PersistentVolume, await eventsFor(ctx, obj, 'PersistentVolume'), ctx.now);
}

/** printVolumeNodeAffinity: each required term's expressions, `key in [a, b]`. */
function printNodeAffinity(w: PrefixWriter, affinity: Spec['nodeAffinity']): void {
  w.write(LEVEL_0, 'Node Affinity:\t');
  const required = affinity?.required;
  if (!required) {
    w.writeLine('<none>');
    return;
  }
  w.writeLine('');
  w.write(LEVEL_1, 'Required Terms:\t');
  if (required.nodeSelectorTerms.length === 0) {
    w.writeLine('<none>');
    return;
  }
  w.writeLine('');
  required.nodeSelectorTerms.forEach((term, i) => {
    w.write(LEVEL_2, `Term ${i}:\t`);
    const exprs = term.matchExpressions ?? [];
    if (exprs.length === 0) {
      w.writeLine('<none>');
      return;
    }
    exprs.forEach((req, j) => {
      if (j !== 0) w.write(LEVEL_2, '\t');
      const values = req.values && req.values.length > 0 ? ` [${req.values.join(', ')}]` : '';
      w.write(LEVEL_0, `${req.key} ${req.operator.toLowerCase()}${values}\n`);
    });
  });
}

/**
 * printCSIPersistentVolumeAttributesMultiline: kubectl indents every piece at level 2, so continuation lines carry
 * the indent twice before the tab.
 */
function printVolumeAttributes(w: PrefixWriter, attributes: Record<string, string> | undefined): void {
  w.write(LEVEL_2, 'VolumeAttributes:\t');
  const keys = Object.keys(attributes ?? {}).sort();
  if (keys.length === 0) {
    w.writeLine('<none>');
    return;
  }
  keys.forEach((key, i) => {
    if (i !== 0) {
      w.write(LEVEL_2, '');
      w.write(LEVEL_2, '\t');
    }
    const line = `${key}=${attributes?.[key] ?? ''}`;
    w.write(LEVEL_2, line.length > 140 ? `${line.slice(0, 140)}...\n` : `${line}\n`);
  });
}

function printSource(w: PrefixWriter, spec: Spec | undefined): void {
  if (spec?.hostPath) {
    describeHostPathSource(spec.hostPath, w);
  } else if (spec?.nfs) {
    describeNFSSource(spec.nfs, w);
  } else if (spec?.local) {
    w.write(LEVEL_2, `Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n    Path:\t${spec.local.path}\n`);
  } else if (spec?.csi) {
    const csi = spec.csi;
    w.write(LEVEL_2, `Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\t${csi.driver}\n    FSType:\t${csi.fsType ?? ''}\n    VolumeHandle:\t${csi.volumeHandle}\n    ReadOnly:\t${csi.readOnly === true}\n`);
    printVolumeAttributes(w, csi.volumeAttributes);
  } else if (spec?.gcePersistentDisk) {
    const d = spec.gcePersistentDisk;
    w.write(LEVEL_2, `Type:\tGCEPersistentDisk (a Persistent Disk resource in Google Compute Engine)\n    PDName:\t${d.pdName}\n    FSType:\t${d.fsType ?? ''}\n    Partition:\t${d.partition ?? 0}\n    ReadOnly:\t${d.readOnly === true}\n`);
  } else if (spec?.awsElasticBlockStore) {
    const d = spec.awsElasticBlockStore;
    w.write(LEVEL_2, `Type:\tAWSElasticBlockStore (a Persistent Disk resource in AWS)\n    VolumeID:\t${d.volumeID}\n    FSType:\t${d.fsType ?? ''}\n    Partition:\t${d.partition ?? 0}\n    ReadOnly:\t${d.readOnly === true}\n`);
  } else {
    // The remaining in-tree kinds (iSCSI, RBD, Cinder, ...) are not detailed yet; kubectl names them.
    w.write(LEVEL_1, '<unknown>\n');
  }
}

export function renderPersistentVolume(pv: PersistentVolume, events: Parameters<typeof describeEvents>[0], now: number): string {
  const w = new PrefixWriter();
  const spec = pv.spec;
  w.write(LEVEL_0, `Name:\t${pv.metadata?.name ?? ''}\n`);
  printLabelsMultiline(w, 'Labels', pv.metadata?.labels);
  printAnnotationsMultiline(w, 'Annotations', pv.metadata?.annotations);
  w.write(LEVEL_0, `Finalizers:\t${goList(pv.metadata?.finalizers)}\n`);
  w.write(LEVEL_0, `StorageClass:\t${volumeClass(pv)}\n`);
  if (pv.metadata?.deletionTimestamp) w.write(LEVEL_0, `Status:\tTerminating (lasts ${since(pv.metadata.deletionTimestamp, now)})\n`);
  else w.write(LEVEL_0, `Status:\t${pv.status?.phase ?? ''}\n`);
  w.write(LEVEL_0, `Claim:\t${spec?.claimRef ? `${spec.claimRef.namespace ?? ''}/${spec.claimRef.name ?? ''}` : ''}\n`);
  w.write(LEVEL_0, `Reclaim Policy:\t${spec?.persistentVolumeReclaimPolicy ?? ''}\n`);
  w.write(LEVEL_0, `Access Modes:\t${accessModesCell(spec?.accessModes)}\n`);
  if (spec?.volumeMode) w.write(LEVEL_0, `VolumeMode:\t${spec.volumeMode}\n`);
  w.write(LEVEL_0, `Capacity:\t${quantityString(spec?.capacity?.storage)}\n`);
  printNodeAffinity(w, spec?.nodeAffinity);
  w.write(LEVEL_0, `Message:\t${pv.status?.message ?? ''}\n`);
  w.write(LEVEL_0, 'Source:\n');
  printSource(w, spec);
  if (events) describeEvents(events, w, now);
  return w.toString();
}
