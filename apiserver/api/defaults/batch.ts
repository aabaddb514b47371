// Defaults for Jobs and CronJobs, as Kubernetes' SetDefaults_Job and SetDefaults_CronJob.
import type { CronJob, Job } from '../types.ts';
import { defaultPodTemplateSpec } from './pod.ts';

/** With per-index limits the global limit would only get in the way, so it becomes "unlimited". */
const maxInt32 = 2147483647;

export function defaultJob(job: Job): void {
  const spec = job.spec;
  if (!spec) return;
  // A Job with neither set runs one pod to completion.
  if ((spec.completions === undefined || spec.completions === null)
    && (spec.parallelism === undefined || spec.parallelism === null)) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  spec.backoffLimit ??= typeof spec.backoffLimitPerIndex === 'number' ? maxInt32 : 6;
  const templateLabels = spec.template?.metadata?.labels;
  if (templateLabels && Object.keys(templateLabels).length > 0) {
    job.metadata ??= {};
    if (Object.keys(job.metadata.labels ?? {}).length === 0) job.metadata.labels = { ...templateLabels };
  }
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  // With a pod failure policy the controller must see a pod's final state before replacing it.
  spec.podReplacementPolicy ??= spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed';
  for (const rule of spec.podFailurePolicy?.rules ?? []) {
    for (const pattern of rule.onPodConditions ?? []) pattern.status ||= 'True';
  }
  if (spec.template) defaultPodTemplateSpec(spec.template);
}

/** The job template's own fields are defaulted when the Job is created; only its pod template is here. */
export function defaultCronJob(cronJob: CronJob): void {
  const spec = cronJob.spec;
  if (!spec) return;
  spec.concurrencyPolicy ||= 'Allow';
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  const template = spec.jobTemplate?.spec?.template;
  if (template) defaultPodTemplateSpec(template);
}
