// The CronJob controller's pure decisions: next schedule times (across daylight-saving changes in a time zone),
// missed start times and the starting deadline, concurrency policies, Job names and history cleanup.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CronJob, Job } from '../../../apiserver/api/types.ts';
import { parseCronSchedule, type CronSchedule } from '../../../apiserver/api/validation/cron.ts';
import {
  concurrencyDecision, decideSchedule, jobNameFor, jobsToClean,
} from '../../../controllers/cronjob-plan.ts';
import { missedScheduleTimes, nextScheduleTime, rfc3339InZone } from '../../../controllers/cronjob-schedule.ts';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());
function cron(spec: string): CronSchedule {
  const s = parseCronSchedule(spec);
  if ('error' in s) throw new Error(s.error);
  return s;
}
const cronJob = (spec: Partial<NonNullable<CronJob['spec']>>, status: CronJob['status'] = {}): CronJob => ({
  metadata: { name: 'cj', creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { schedule: '*/5 * * * *', jobTemplate: {}, ...spec }, status,
});

describe('cron schedule times', () => {
  it('follows the five fields and descriptors in UTC', () => {
    assert.equal(iso(nextScheduleTime(cron('*/15 * * * *'), at('2026-01-01T00:07:30Z'))), '2026-01-01T00:15:00.000Z');
    assert.equal(iso(nextScheduleTime(cron('@hourly'), at('2026-01-01T00:00:00Z'))), '2026-01-01T01:00:00.000Z');
    assert.equal(iso(nextScheduleTime(cron('0 9 * * mon'), at('2026-01-01T00:00:00Z'))), '2026-01-05T09:00:00.000Z');
    // Both day fields restricted: either matches (the 1st, or any Friday).
    assert.equal(iso(nextScheduleTime(cron('0 0 1 * fri'), at('2026-01-01T00:00:00Z'))), '2026-01-02T00:00:00.000Z');
    assert.equal(nextScheduleTime(cron('0 0 30 2 *'), at('2026-01-01T00:00:00Z')), undefined);
  });

  it('reads the wall clock of spec.timeZone across daylight-saving changes', () => {
    const nine = cron('0 9 * * *');
    // New York springs forward on 2026-03-08: 09:00 is 14:00Z before and 13:00Z after.
    assert.equal(iso(nextScheduleTime(nine, at('2026-03-07T00:00:00Z'), 'America/New_York')), '2026-03-07T14:00:00.000Z');
    assert.equal(iso(nextScheduleTime(nine, at('2026-03-07T15:00:00Z'), 'America/New_York')), '2026-03-08T13:00:00.000Z');
    // 02:30 does not exist on 2026-03-08 in New York: that day is skipped (as robfig/cron does).
    const twoThirty = cron('30 2 * * *');
    assert.equal(iso(nextScheduleTime(twoThirty, at('2026-03-07T08:00:00Z'), 'America/New_York')), '2026-03-09T06:30:00.000Z');
    // 01:30 happens twice on 2026-11-01 (EDT, then EST): each instant fires.
    const oneThirty = cron('30 1 * * *');
    const first = nextScheduleTime(oneThirty, at('2026-11-01T00:00:00Z'), 'America/New_York');
    assert.equal(iso(first), '2026-11-01T05:30:00.000Z');
    assert.equal(iso(nextScheduleTime(oneThirty, first!, 'America/New_York')), '2026-11-01T06:30:00.000Z');
    // A TZ= prefix in the schedule wins.
    assert.equal(iso(nextScheduleTime(cron('TZ=Asia/Tokyo 0 9 * * *'), at('2026-01-01T00:00:00Z'))), '2026-01-02T00:00:00.000Z');
  });

  it('writes the scheduled time in the CronJob\'s zone', () => {
    assert.equal(rfc3339InZone(at('2026-03-08T13:00:00Z'), 'America/New_York'), '2026-03-08T09:00:00-04:00');
    assert.equal(rfc3339InZone(at('2026-01-01T00:05:00Z'), 'UTC'), '2026-01-01T00:05:00Z');
    assert.equal(rfc3339InZone(at('2026-01-01T00:05:00Z'), 'Asia/Kolkata'), '2026-01-01T05:35:00+05:30');
  });

  it('counts missed times and finds the latest even when there are very many', () => {
    const everyMinute = cron('* * * * *');
    assert.deepEqual(missedScheduleTimes(everyMinute, at('2026-01-01T00:00:00Z'), at('2026-01-01T00:03:30Z')),
      { missed: 3, mostRecentMs: at('2026-01-01T00:03:00Z') });
    const many = missedScheduleTimes(everyMinute, at('2026-01-01T00:00:00Z'), at('2026-01-20T07:42:10Z'));
    assert.equal(many.missed, 101);
    assert.equal(iso(many.mostRecentMs), '2026-01-20T07:42:00.000Z');
  });
});

describe('cronjob plan', () => {
  it('runs the latest due time since the last schedule', () => {
    const cj = cronJob({}, { lastScheduleTime: '2026-01-01T00:05:00Z' });
    assert.deepEqual(decideSchedule(cj, cron('*/5 * * * *'), at('2026-01-01T00:12:00Z')),
      { kind: 'run', scheduledMs: at('2026-01-01T00:10:00Z'), nextMs: at('2026-01-01T00:15:00Z'), tooMany: undefined });
    assert.deepEqual(decideSchedule(cj, cron('*/5 * * * *'), at('2026-01-01T00:09:00Z')),
      { kind: 'wait', nextMs: at('2026-01-01T00:10:00Z'), tooMany: undefined });
  });

  it('reports too many missed start times and still schedules only the latest', () => {
    const d = decideSchedule(cronJob({ schedule: '* * * * *' }), cron('* * * * *'), at('2026-01-02T00:00:30Z'));
    assert.equal(d.kind, 'run');
    assert.equal(d.tooMany, 101);
    assert.equal(d.kind === 'run' && iso(d.scheduledMs), '2026-01-02T00:00:00.000Z');
  });

  it('startingDeadlineSeconds: older times are not counted, a late start is missed', () => {
    const cj = cronJob({ schedule: '0 * * * *', startingDeadlineSeconds: 60 });
    const late = decideSchedule(cj, cron('0 * * * *'), at('2026-01-01T05:00:30Z'));
    assert.equal(late.kind, 'run');
    assert.equal(late.tooMany, undefined);
    const cjLong = cronJob({ schedule: '0 * * * *', startingDeadlineSeconds: 600 });
    const missed = decideSchedule(cjLong, cron('0 * * * *'), at('2026-01-01T05:09:00Z'));
    assert.equal(missed.kind, 'run');
    const tooLate = decideSchedule(cronJob({ schedule: '0 * * * *', startingDeadlineSeconds: 30 }), cron('0 * * * *'), at('2026-01-01T05:00:50Z'));
    assert.equal(tooLate.kind, 'wait');
  });

  it('applies the concurrency policy', () => {
    assert.equal(concurrencyDecision('Allow', 2), 'create');
    assert.equal(concurrencyDecision(undefined, 1), 'create');
    assert.equal(concurrencyDecision('Forbid', 1), 'skip');
    assert.equal(concurrencyDecision('Forbid', 0), 'create');
    assert.equal(concurrencyDecision('Replace', 1), 'replace');
  });

  it('names Jobs for the scheduled minute', () => {
    assert.equal(jobNameFor('backup', at('2026-01-01T00:05:00Z')), `backup-${at('2026-01-01T00:05:00Z') / 60_000}`);
  });

  it('keeps the newest successful (3) and failed (1) Jobs', () => {
    const job = (name: string, minute: number, type?: 'Complete' | 'Failed'): Job => ({
      metadata: { name },
      status: { startTime: `2026-01-01T00:0${minute}:00Z`, conditions: type ? [{ type, status: 'True' }] : [] },
    });
    const jobs = [job('s1', 1, 'Complete'), job('s2', 2, 'Complete'), job('f1', 3, 'Failed'), job('s3', 4, 'Complete'),
      job('s4', 5, 'Complete'), job('f2', 6, 'Failed'), job('running', 7)];
    assert.deepEqual(jobsToClean(cronJob({}), jobs).map((j) => j.metadata?.name), ['s1', 'f1']);
    assert.deepEqual(jobsToClean(cronJob({ successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 2 }), jobs).map((j) => j.metadata?.name),
      ['s1', 's2', 's3', 's4']);
  });

  it('breaks a tie of start times (whole seconds) by name, as kube does', () => {
    const done = (name: string): Job => ({
      metadata: { name }, status: { startTime: '2026-01-01T00:00:00Z', conditions: [{ type: 'Complete', status: 'True' }] },
    });
    const limitOne = cronJob({ successfulJobsHistoryLimit: 1 });
    assert.deepEqual(jobsToClean(limitOne, [done('b-2'), done('b-3'), done('b-1')]).map((j) => j.metadata?.name), ['b-1', 'b-2']);
  });
});
