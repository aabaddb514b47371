// CronJob validation (batch/v1), after Kubernetes' ValidateCronJob(Create|Update).
import type { JobTemplateSpec } from 'kubernetes-types/batch/v1.d.ts';
import { fieldError, type FieldError } from '../errors.ts';
import { validateLabels } from '../labels.ts';
import type { CronJob } from '../types.ts';
import { nonNegative, oneOf } from './common.ts';
import { isValidCronSchedule } from './cron.ts';
import { validateJobSpec } from './job.ts';

/** Jobs are named <cronjob>-<scheduled minute as a number>: 11 characters must fit in a 63-character label. */
const maxCronJobNameLength = 52;

export function validateCronJob(cronJob: CronJob): FieldError[] {
  const errs: FieldError[] = [];
  const name = cronJob.metadata?.name ?? '';
  if (name.length > maxCronJobNameLength) {
    errs.push(fieldError.invalid('metadata.name', name, `must be no more than ${maxCronJobNameLength} characters`));
  }
  const spec = cronJob.spec;
  if (!spec) return [...errs, fieldError.required('spec')];
  if (!spec.schedule) {
    errs.push(fieldError.required('spec.schedule'));
  } else {
    errs.push(...validateSchedule(spec.schedule));
  }
  errs.push(...validateTimeZone(spec.timeZone));
  errs.push(...nonNegative(spec.startingDeadlineSeconds, 'spec.startingDeadlineSeconds'));
  errs.push(...oneOf(spec.concurrencyPolicy, 'spec.concurrencyPolicy', ['Allow', 'Forbid', 'Replace']));
  errs.push(...validateJobTemplateSpec(spec.jobTemplate, 'spec.jobTemplate'));
  errs.push(...nonNegative(spec.successfulJobsHistoryLimit, 'spec.successfulJobsHistoryLimit'));
  errs.push(...nonNegative(spec.failedJobsHistoryLimit, 'spec.failedJobsHistoryLimit'));
  return errs;
}

/** A CronJob has no fields that are immutable beyond its metadata. */
export function validateCronJobUpdate(_cronJob: CronJob, _old: CronJob): FieldError[] {
  return [];
}

function validateSchedule(schedule: string): FieldError[] {
  const errs = isValidCronSchedule(schedule).map((msg) => fieldError.invalid('spec.schedule', schedule, msg));
  // The zone belongs in spec.timeZone, where it is validated and visible.
  if (schedule.includes('TZ')) {
    errs.push(fieldError.invalid('spec.schedule', schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  }
  return errs;
}

const timeZonePart = /^[A-Za-z._+\-0-9]{1,14}$/;

/** An IANA zone name the runtime knows, spelled as the tz database spells it (Go's lookup is case-sensitive). */
export function validateTimeZone(timeZone: string | undefined | null): FieldError[] {
  if (timeZone === undefined || timeZone === null) return [];
  const path = 'spec.timeZone';
  if (timeZone === '') return [fieldError.invalid(path, timeZone, 'timeZone must be nil or non-empty string')];
  const unknown = [fieldError.invalid(path, timeZone, `unknown time zone ${timeZone}`)];
  for (const part of timeZone.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !timeZonePart.test(part)) return unknown;
  }
  if (timeZone.toLowerCase() === 'local') {
    return [fieldError.invalid(path, timeZone,
      'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones')];
  }
  return isKnownTimeZone(timeZone) ? [] : unknown;
}

function isKnownTimeZone(timeZone: string): boolean {
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    return false;
  }
  // Intl matches names case-insensitively ("utc" -> "UTC"); a name that only differs in case is not one.
  return resolved === timeZone || resolved.toLowerCase() !== timeZone.toLowerCase();
}

/** The Job a CronJob stamps out: a valid Job spec whose selector the apiserver will generate. */
function validateJobTemplateSpec(template: JobTemplateSpec | undefined, path: string): FieldError[] {
  if (!template) return [fieldError.required(path)];
  const errs: FieldError[] = [];
  if (template.metadata?.labels) errs.push(...validateLabels(template.metadata.labels, `${path}.metadata.labels`));
  const spec = template.spec;
  if (!spec) return [...errs, fieldError.required(`${path}.spec`)];
  errs.push(...validateJobSpec(spec, `${path}.spec`));
  if (spec.selector) {
    errs.push(fieldError.invalid(`${path}.spec.selector`, spec.selector, '`selector` will be auto-generated'));
  }
  if (spec.manualSelector === true) {
    errs.push(fieldError.notSupported(`${path}.spec.manualSelector`, spec.manualSelector, ['nil', 'false']));
  }
  return errs;
}
