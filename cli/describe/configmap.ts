// describe configmap: kubectl's ConfigMapDescriber: each key with its value under a dashed rule, then BinaryData
// sizes. (kubectl walks Go maps in random order; keys are sorted here.)
import type { ConfigMap } from '../../apiserver/api/types.ts';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { eventsFor, type DescribeContext } from './context.ts';
import { describeEvents, printAnnotationsMultiline, printLabelsMultiline } from './format.ts';
import { LEVEL_0, PrefixWriter } from './prefix-writer.ts';

export async function describeConfigMap(ctx: DescribeContext, _resource: unknown, obj: ApiObject): Promise<string> {
  return renderConfigMap(obj as ConfigMap, await eventsFor(ctx, obj, 'ConfigMap'), ctx.now);
}

export function renderConfigMap(cm: ConfigMap, events: Parameters<typeof describeEvents>[0], now: number): string {
  const w = new PrefixWriter();
  w.write(LEVEL_0, `Name:\t${cm.metadata?.name ?? ''}\n`);
  w.write(LEVEL_0, `Namespace:\t${cm.metadata?.namespace ?? ''}\n`);
  printLabelsMultiline(w, 'Labels', cm.metadata?.labels);
  printAnnotationsMultiline(w, 'Annotations', cm.metadata?.annotations);
  w.write(LEVEL_0, '\nData\n====\n');
  for (const k of Object.keys(cm.data ?? {}).sort()) {
    w.write(LEVEL_0, `${k}:\n----\n`);
    w.write(LEVEL_0, `${cm.data?.[k] ?? ''}\n`);
    w.write(LEVEL_0, '\n');
  }
  w.write(LEVEL_0, '\nBinaryData\n====\n');
  for (const k of Object.keys(cm.binaryData ?? {}).sort()) {
    w.write(LEVEL_0, `${k}: ${Buffer.from(cm.binaryData?.[k] ?? '', 'base64').length} bytes\n`);
  }
  w.write(LEVEL_0, '\n');
  if (events) describeEvents(events, w, now);
  return w.toString();
}
