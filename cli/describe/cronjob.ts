// describe cronjob: kubectl's CronJobDescriber: schedule and policies, the job template (its selector, parallelism
// and completions, then the pod template), when it last ran and which of its jobs are active.
import type { CronJob } from '../../apiserver/api/types.ts';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { eventsFor, type DescribeContext } from './context.ts';
import { boolPtr, describeEvents, printAnnotationsMultiline, printLabelsMultiline, rfc1123z } from './format.ts';
import { selectorLine } from './job.ts';
import { describePodTemplate } from './pod-spec.ts';
import { LEVEL_0, PrefixWriter } from './prefix-writer.ts';

export async function describeCronJob(ctx: DescribeContext, _resource: unknown, obj: ApiObject): Promise<string> {
  return renderCronJob(obj as CronJob, await eventsFor(ctx, obj, 'CronJob'), ctx.now);
}

const orUnset = (n: number | undefined): string => (n === undefined ? '<unset>' : String(n));

export function renderCronJob(cj: CronJob, events: Parameters<typeof describeEvents>[0], now: number): string {
  const w = new PrefixWriter();
  const spec = cj.spec;
  w.write(LEVEL_0, `Name:\t${cj.metadata?.name ?? ''}\n`);
  w.write(LEVEL_0, `Namespace:\t${cj.metadata?.namespace ?? ''}\n`);
  printLabelsMultiline(w, 'Labels', cj.metadata?.labels);
  printAnnotationsMultiline(w, 'Annotations', cj.metadata?.annotations);
  w.write(LEVEL_0, `Schedule:\t${spec?.schedule ?? ''}\n`);
  w.write(LEVEL_0, `Concurrency Policy:\t${spec?.concurrencyPolicy ?? ''}\n`);
  w.write(LEVEL_0, `Suspend:\t${boolPtr(spec?.suspend)}\n`);
  w.write(LEVEL_0, `Successful Job History Limit:\t${orUnset(spec?.successfulJobsHistoryLimit)}\n`);
  w.write(LEVEL_0, `Failed Job History Limit:\t${orUnset(spec?.failedJobsHistoryLimit)}\n`);
  const deadline = spec?.startingDeadlineSeconds;
  w.write(LEVEL_0, `Starting Deadline Seconds:\t${deadline === undefined ? '<unset>' : `${deadline}s`}\n`);
  const jobSpec = spec?.jobTemplate?.spec;
  w.write(LEVEL_0, jobSpec?.selector ? selectorLine(jobSpec.selector) : 'Selector:\t<unset>\n');
  w.write(LEVEL_0, `Parallelism:\t${orUnset(jobSpec?.parallelism)}\n`);
  w.write(LEVEL_0, `Completions:\t${orUnset(jobSpec?.completions)}\n`);
  if (jobSpec?.activeDeadlineSeconds !== undefined) w.write(LEVEL_0, `Active Deadline Seconds:\t${jobSpec.activeDeadlineSeconds}s\n`);
  // kubectl passes the address of the template it holds, so a missing one prints as an empty template.
  describePodTemplate(jobSpec?.template ?? {}, w);
  const last = cj.status?.lastScheduleTime;
  w.write(LEVEL_0, `Last Schedule Time:\t${last ? rfc1123z(last) : '<unset>'}\n`);
  const active = cj.status?.active ?? [];
  w.write(LEVEL_0, `Active Jobs:\t${active.length === 0 ? '<none>' : active.map((j) => j.name ?? '').join(', ')}\n`);
  if (events) describeEvents(events, w, now);
  return w.toString();
}
