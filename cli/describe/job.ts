// describe job: kubectl's JobDescriber: the selector, the owner (a CronJob), the completion settings, when it ran,
// how its pods did (from status), the pod template and events.
import { selectorFromLabelSelector, selectorToString } from '../../apiserver/api/labels.ts';
import type { Job, LabelSelector } from '../../apiserver/api/types.ts';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { humanDuration } from '../../apiserver/server/printers/printer.ts';
import { eventsFor, type DescribeContext } from './context.ts';
import { describeEvents, printAnnotationsMultiline, printLabelsMultiline, rfc1123z } from './format.ts';
import { controllerOf } from './pod.ts';
import { describePodTemplate } from './pod-spec.ts';
import { LEVEL_0, PrefixWriter } from './prefix-writer.ts';

/** `Selector:` as Job and CronJob print it: labels.Selector's String(), empty for none. */
export function selectorLine(selector: LabelSelector | undefined): string {
  try {
    return `Selector:\t${selectorToString(selectorFromLabelSelector(selector))}\n`;
  } catch (e) {
    return `Selector:\tFailed to get selector: ${e instanceof Error ? e.message : String(e)}\n`;
  }
}

/** capIndexesListOrNone: the completed-index ranges, cut at the first comma from the 50th character on. */
export function capIndexes(indexes: string | undefined, softLimit = 50): string {
  if (!indexes) return '<none>';
  const comma = indexes.indexOf(',', softLimit);
  return comma === -1 ? indexes : `${indexes.slice(0, comma + 1)}...`;
}

export async function describeJob(ctx: DescribeContext, _resource: unknown, obj: ApiObject): Promise<string> {
  return renderJob(obj as Job, await eventsFor(ctx, obj, 'Job'), ctx.now);
}

export function renderJob(job: Job, events: Parameters<typeof describeEvents>[0], now: number): string {
  const w = new PrefixWriter();
  const spec = job.spec;
  const status = job.status;
  w.write(LEVEL_0, `Name:\t${job.metadata?.name ?? ''}\n`);
  w.write(LEVEL_0, `Namespace:\t${job.metadata?.namespace ?? ''}\n`);
  w.write(LEVEL_0, selectorLine(spec?.selector));
  printLabelsMultiline(w, 'Labels', job.metadata?.labels);
  printAnnotationsMultiline(w, 'Annotations', job.metadata?.annotations);
  const controlledBy = controllerOf(job);
  if (controlledBy) w.write(LEVEL_0, `Controlled By:\t${controlledBy}\n`);
  if (spec?.parallelism !== undefined) w.write(LEVEL_0, `Parallelism:\t${spec.parallelism}\n`);
  w.write(LEVEL_0, `Completions:\t${spec?.completions ?? '<unset>'}\n`);
  if (spec?.completionMode !== undefined) w.write(LEVEL_0, `Completion Mode:\t${spec.completionMode}\n`);
  if (spec?.suspend !== undefined) w.write(LEVEL_0, `Suspend:\t${spec.suspend}\n`);
  if (spec?.backoffLimit !== undefined) w.write(LEVEL_0, `Backoff Limit:\t${spec.backoffLimit}\n`);
  if (spec?.ttlSecondsAfterFinished !== undefined) w.write(LEVEL_0, `TTL Seconds After Finished:\t${spec.ttlSecondsAfterFinished}\n`);
  if (status?.startTime) w.write(LEVEL_0, `Start Time:\t${rfc1123z(status.startTime)}\n`);
  if (status?.completionTime) w.write(LEVEL_0, `Completed At:\t${rfc1123z(status.completionTime)}\n`);
  if (status?.startTime && status.completionTime) {
    w.write(LEVEL_0, `Duration:\t${humanDuration(Date.parse(status.completionTime) - Date.parse(status.startTime))}\n`);
  }
  if (spec?.activeDeadlineSeconds !== undefined) w.write(LEVEL_0, `Active Deadline Seconds:\t${spec.activeDeadlineSeconds}s\n`);
  const counts = `${status?.succeeded ?? 0} Succeeded / ${status?.failed ?? 0} Failed`;
  if (status?.ready === undefined) w.write(LEVEL_0, `Pods Statuses:\t${status?.active ?? 0} Active / ${counts}\n`);
  else w.write(LEVEL_0, `Pods Statuses:\t${status.active ?? 0} Active (${status.ready} Ready) / ${counts}\n`);
  if (spec?.completionMode === 'Indexed') w.write(LEVEL_0, `Completed Indexes:\t${capIndexes(status?.completedIndexes)}\n`);
  describePodTemplate(spec?.template ?? {}, w);
  if (events) describeEvents(events, w, now);
  return w.toString();
}
