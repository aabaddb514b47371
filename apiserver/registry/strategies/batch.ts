// Strategies of batch/v1: Job and CronJob, both with a status subresource.
import { defaultCronJob, defaultJob } from '../../api/defaults/batch.ts';
import type { CronJob, Job } from '../../api/types.ts';
import { validateCronJob, validateCronJobUpdate } from '../../api/validation/cronjob.ts';
import { validateJob, validateJobStatusUpdate, validateJobUpdate } from '../../api/validation/job.ts';
import type { Strategy } from '../strategy.ts';
import { generateJobSelector } from './job-selector.ts';
import { kindStrategy, statusSplit } from './kind-strategy.ts';

export const jobStrategy: Strategy = kindStrategy<Job>({
  ...statusSplit({}),
  // Runs after the uid is assigned, which the generated selector is made of.
  prepareForCreate: (job) => {
    generateJobSelector(job);
    job.status = {};
  },
  default: defaultJob,
  validate: validateJob,
  validateUpdate: validateJobUpdate,
  validateStatusUpdate: validateJobStatusUpdate,
});

export const cronJobStrategy: Strategy = kindStrategy<CronJob>({
  ...statusSplit({ resetStatus: (cj) => { cj.status = {}; } }),
  default: defaultCronJob,
  validate: validateCronJob,
  validateUpdate: validateCronJobUpdate,
});
