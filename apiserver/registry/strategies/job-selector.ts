// The selector the apiserver generates for a Job: its pods carry the Job's uid and name as labels and the Job
// selects on the uid, so no two Jobs can ever claim each other's pods (Kubernetes' generateSelector).
import { jobLabels } from '../../api/validation/job.ts';
import type { Job } from '../../api/types.ts';

/** Labels the user already set are left alone: a conflicting value is rejected by validation instead. */
export function generateJobSelector(job: Job): void {
  const spec = job.spec;
  if (!spec || spec.manualSelector === true) return;
  const uid = job.metadata?.uid ?? '';
  const name = job.metadata?.name ?? '';
  spec.template ??= {};
  spec.template.metadata ??= {};
  const labels = (spec.template.metadata.labels ??= {});
  for (const label of [jobLabels.legacyJobName, jobLabels.jobName]) labels[label] ??= name;
  for (const label of [jobLabels.legacyControllerUid, jobLabels.controllerUid]) labels[label] ??= uid;
  spec.selector ??= {};
  const matchLabels = (spec.selector.matchLabels ??= {});
  matchLabels[jobLabels.controllerUid] ??= uid;
}
