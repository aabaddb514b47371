// describe storageclass: kubectl's StorageClassDescriber: whether it is the default, its provisioner and
// parameters, expansion, mount options, reclaim and binding modes, allowed topologies and events. Annotations are
// one `k=v,...` line here (labels.FormatLabels), unlike other kinds.
import { isDefaultClass } from '../../apiserver/api/storage-class.ts';
import type { StorageClass } from '../../apiserver/api/types.ts';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { formatLabels } from '../../apiserver/server/printers/selectors.ts';
import { eventsFor, type DescribeContext } from './context.ts';
import { boolPtr, describeEvents } from './format.ts';
import { LEVEL_0, LEVEL_1, PrefixWriter } from './prefix-writer.ts';

export async function describeStorageClass(ctx: DescribeContext, _resource: unknown, obj: ApiObject): Promise<string> {
  return renderStorageClass(obj as StorageClass, await eventsFor(ctx, obj, 'StorageClass'), ctx.now);
}

/** printAllowedTopologies: each term's label requirements, `key in [a, b]`. */
function printAllowedTopologies(w: PrefixWriter, topologies: NonNullable<StorageClass['allowedTopologies']>): void {
  w.write(LEVEL_0, 'AllowedTopologies:\t');
  if (topologies.length === 0) {
    w.writeLine('<none>');
    return;
  }
  w.writeLine('');
  topologies.forEach((term, i) => {
    w.write(LEVEL_1, `Term ${i}:\t`);
    const reqs = term.matchLabelExpressions ?? [];
    if (reqs.length === 0) {
      w.writeLine('<none>');
      return;
    }
    reqs.forEach((req, j) => {
      if (j !== 0) w.write(LEVEL_1, '\t');
      w.write(LEVEL_0, `${req.key} in${req.values.length > 0 ? ` [${req.values.join(', ')}]` : ''}\n`);
    });
  });
}

export function renderStorageClass(sc: StorageClass, events: Parameters<typeof describeEvents>[0], now: number): string {
  const w = new PrefixWriter();
  w.write(LEVEL_0, `Name:\t${sc.metadata?.name ?? ''}\n`);
  w.write(LEVEL_0, `IsDefaultClass:\t${isDefaultClass(sc) ? 'Yes' : 'No'}\n`);
  w.write(LEVEL_0, `Annotations:\t${formatLabels(sc.metadata?.annotations)}\n`);
  w.write(LEVEL_0, `Provisioner:\t${sc.provisioner}\n`);
  w.write(LEVEL_0, `Parameters:\t${formatLabels(sc.parameters)}\n`);
  w.write(LEVEL_0, `AllowVolumeExpansion:\t${boolPtr(sc.allowVolumeExpansion)}\n`);
  const options = sc.mountOptions ?? [];
  if (options.length === 0) w.write(LEVEL_0, 'MountOptions:\t<none>\n');
  else {
    w.write(LEVEL_0, 'MountOptions:\n');
    for (const o of options) w.write(LEVEL_1, `${o}\n`);
  }
  if (sc.reclaimPolicy) w.write(LEVEL_0, `ReclaimPolicy:\t${sc.reclaimPolicy}\n`);
  if (sc.volumeBindingMode) w.write(LEVEL_0, `VolumeBindingMode:\t${sc.volumeBindingMode}\n`);
  if (sc.allowedTopologies) printAllowedTopologies(w, sc.allowedTopologies);
  if (events) describeEvents(events, w, now);
  return w.toString();
}
