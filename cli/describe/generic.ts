// describe for kinds without their own describer: kubectl's generic describer, which walks the object and prints
// every field under a "smart" label (creationTimestamp becomes Creation Timestamp, apiVersion API Version).
import type { ApiObject } from '../../apiserver/client/object.ts';
import type { DiscoveredResource } from '../discovery.ts';
import { goSprint, isJsonObject } from '../output/go-values.ts';
import { eventsFor, type DescribeContext } from './context.ts';
import { describeEvents, printAnnotationsMultiline, printLabelsMultiline } from './format.ts';
import { LEVEL_0, PrefixWriter } from './prefix-writer.ts';

const acronyms = new Set(['API', 'URL', 'UID', 'OSB', 'GUID']);

/** fatih/camelcase.Split: runs of lower-case, upper-case and other characters, an upper run giving its last letter to a following lower run. */
function camelSplit(s: string): string[] {
  const kind = (c: string): number => (/\p{Ll}/u.test(c) ? 1 : /\p{Lu}/u.test(c) ? 2 : /\p{Nd}/u.test(c) ? 3 : 4);
  const runs: string[][] = [];
  let last = 0;
  for (const c of s) {
    const k = kind(c);
    if (k === last) runs[runs.length - 1].push(c);
    else runs.push([c]);
    last = k;
  }
  for (let i = 0; i < runs.length - 1; i++) {
    if (kind(runs[i][0]) === 2 && kind(runs[i + 1][0]) === 1) {
      runs[i + 1].unshift(runs[i].pop() ?? '');
    }
  }
  return runs.filter((r) => r.length > 0).map((r) => r.join(''));
}

export function smartLabelFor(field: string): string {
  if (/[^\p{L}-]/u.test(field)) return field;
  return camelSplit(field).filter((p) => p !== '_').map((p) => {
    if (acronyms.has(p.toUpperCase())) return p.toUpperCase();
    return p.charAt(0).toUpperCase() + p.slice(1).toLowerCase();
  }).join(' ');
}

function printContent(w: PrefixWriter, level: number, content: Record<string, unknown>, prefix: string, skip: Set<string>): void {
  for (const field of Object.keys(content).sort()) {
    const value = content[field];
    const path = `${prefix}.${field}`;
    if (skip.has(path)) continue;
    if (isJsonObject(value)) {
      w.write(level, `${smartLabelFor(field)}:\n`);
      printContent(w, level + 1, value, path, skip);
    } else if (Array.isArray(value)) {
      w.write(level, `${smartLabelFor(field)}:\n`);
      for (const child of value) {
        if (isJsonObject(child)) printContent(w, level + 1, child, path, skip);
        else w.write(level + 1, `${goSprint(child)}\n`);
      }
    } else {
      w.write(level, `${smartLabelFor(field)}:\t${goSprint(value)}\n`);
    }
  }
}

const skipped = new Set(['.metadata.managedFields', '.metadata.name', '.metadata.namespace', '.metadata.labels', '.metadata.annotations']);

export async function describeGeneric(ctx: DescribeContext, resource: DiscoveredResource, obj: ApiObject): Promise<string> {
  const events = await eventsFor(ctx, obj, resource.kind);
  return renderGeneric(obj, events, ctx.now);
}

export function renderGeneric(obj: ApiObject, events: Parameters<typeof describeEvents>[0], now: number): string {
  const w = new PrefixWriter();
  w.write(LEVEL_0, `Name:\t${obj.metadata?.name ?? ''}\n`);
  w.write(LEVEL_0, `Namespace:\t${obj.metadata?.namespace ?? ''}\n`);
  printLabelsMultiline(w, 'Labels', obj.metadata?.labels);
  printAnnotationsMultiline(w, 'Annotations', obj.metadata?.annotations);
  printContent(w, LEVEL_0, obj as Record<string, unknown>, '', skipped);
  if (events) describeEvents(events, w, now);
  return w.toString();
}
