// kubectl get jobs: NAME STATUS COMPLETIONS DURATION AGE, wide: CONTAINERS IMAGES SELECTOR.
import type { Job } from '../../api/types.ts';
import { ageCell, kindPrinter } from './kind-printer.ts';
import { ageColumn, column, humanDuration, nameColumn } from './printer.ts';
import { formatLabelSelector } from './selectors.ts';
import { containerCells, containersColumn, imagesColumn } from './template-cells.ts';

export const jobPrinter = kindPrinter<Job>([
  nameColumn,
  column('Status', 'string', 'Status of the job.'),
  column('Completions', 'string', 'The number of pods which reached phase Succeeded. The value increases monotonically for a given spec. However, it may decrease in reaction to scale down of elastic indexed jobs.'),
  column('Duration', 'string', 'Time required to complete the job.'),
  ageColumn,
  containersColumn,
  imagesColumn,
  column('Selector', 'string', 'A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors', { priority: 1 }),
], (job, now) => [
  job.metadata?.name ?? '',
  jobStatus(job),
  jobCompletions(job),
  jobDuration(job, now),
  ageCell(job, now),
  ...containerCells(job.spec?.template?.spec?.containers),
  formatLabelSelector(job.spec?.selector),
]);

/** Terminal conditions first, then deletion, then the conditions a live job can carry; Running otherwise. */
export function jobStatus(job: Job): string {
  if (hasCondition(job, 'Complete')) return 'Complete';
  if (hasCondition(job, 'Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp) return 'Terminating';
  if (hasCondition(job, 'Suspended')) return 'Suspended';
  if (hasCondition(job, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

/** `succeeded/completions`; a job without completions needs one success, shown `n/1` (`n/1 of p` in parallel). */
export function jobCompletions(job: Job): string {
  const succeeded = job.status?.succeeded ?? 0;
  const completions = job.spec?.completions;
  if (completions !== undefined && completions !== null) return `${succeeded}/${completions}`;
  const parallelism = job.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

/** Start to completion, or start to now while running; empty before the job starts. */
export function jobDuration(job: Job, now: number): string {
  const start = timestamp(job.status?.startTime);
  if (start === undefined) return '';
  const completion = timestamp(job.status?.completionTime);
  return humanDuration((completion ?? now) - start);
}

function hasCondition(job: Job, type: string): boolean {
  // The first condition of the type decides.
  return (job.status?.conditions ?? []).find((c) => c.type === type)?.status === 'True';
}

function timestamp(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
