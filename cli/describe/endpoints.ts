// describe endpoints: kubectl's EndpointsDescriber: each subset's ready and not-ready addresses and its ports.
import type { Endpoints } from '../../apiserver/api/types.ts';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { eventsFor, type DescribeContext } from './context.ts';
import { describeEvents, printAnnotationsMultiline, printLabelsMultiline } from './format.ts';
import { LEVEL_0, LEVEL_1, LEVEL_2, PrefixWriter } from './prefix-writer.ts';

export async function describeEndpoints(ctx: DescribeContext, _resource: unknown, obj: ApiObject): Promise<string> {
  return renderEndpoints(obj as Endpoints, await eventsFor(ctx, obj, 'Endpoints'), ctx.now);
}

const ipsOrNone = (addresses: { ip: string }[] | undefined): string => (addresses ?? []).map((a) => a.ip).join(',') || '<none>';

export function renderEndpoints(ep: Endpoints, events: Parameters<typeof describeEvents>[0], now: number): string {
  const w = new PrefixWriter();
  w.write(LEVEL_0, `Name:\t${ep.metadata?.name ?? ''}\n`);
  w.write(LEVEL_0, `Namespace:\t${ep.metadata?.namespace ?? ''}\n`);
  printLabelsMultiline(w, 'Labels', ep.metadata?.labels);
  printAnnotationsMultiline(w, 'Annotations', ep.metadata?.annotations);
  w.write(LEVEL_0, 'Subsets:\n');
  for (const subset of ep.subsets ?? []) {
    w.write(LEVEL_1, `Addresses:\t${ipsOrNone(subset.addresses)}\n`);
    w.write(LEVEL_1, `NotReadyAddresses:\t${ipsOrNone(subset.notReadyAddresses)}\n`);
    if (subset.ports && subset.ports.length > 0) {
      w.write(LEVEL_1, 'Ports:\n');
      w.write(LEVEL_2, 'Name\tPort\tProtocol\n');
      w.write(LEVEL_2, '----\t----\t--------\n');
      for (const p of subset.ports) w.write(LEVEL_2, `${p.name || '<unset>'}\t${p.port}\t${p.protocol ?? ''}\n`);
    }
    w.write(LEVEL_0, '\n');
  }
  if (events) describeEvents(events, w, now);
  return w.toString();
}
