// Cron schedule syntax: what Kubernetes' CronJob accepts, and what each field expands to.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isValidCronSchedule, parseCronSchedule, parseGoDuration, type CronFields } from '../../../apiserver/api/validation/cron.ts';

function fields(schedule: string): CronFields {
  const parsed = parseCronSchedule(schedule);
  assert.ok(!('error' in parsed), `expected ${schedule} to parse, got ${JSON.stringify(parsed)}`);
  assert.equal(parsed.kind, 'fields');
  return parsed as CronFields;
}

const sorted = (s: Set<number>): number[] => [...s].sort((a, b) => a - b);

describe('isValidCronSchedule', () => {
  const valid = [
    '* * * * *', '*/5 * * * *', '0 0 * * 0', '0 9-17 * * mon-fri', '15,45 * * * *', '0 0 1 jan,jul *', '5/15 * * * *',
    '0 0 ? * SUN', '0-59/10 0-23/2 1-31 1-12 0-6', '  30 2 * * *  ', '@hourly', '@daily', '@midnight', '@weekly',
    '@monthly', '@yearly', '@annually', '@every 1h30m', '@every 90s', 'TZ=UTC 0 * * * *', 'CRON_TZ=Asia/Tokyo @daily',
  ];
  for (const schedule of valid) {
    it(`accepts ${JSON.stringify(schedule)}`, () => assert.deepEqual(isValidCronSchedule(schedule), []));
  }

  const invalid: [string, RegExp][] = [
    ['', /empty spec string/],
    ['* * * *', /expected exactly 5 fields, found 4/],
    ['* * * * * *', /expected exactly 5 fields, found 6/],
    ['60 * * * *', /end of range \(60\) above maximum \(59\)/],
    ['* 24 * * *', /above maximum \(23\)/],
    ['* * 0 * *', /beginning of range \(0\) below minimum \(1\)/],
    ['* * * 13 *', /above maximum \(12\)/],
    ['* * * * 7', /above maximum \(6\)/],
    ['5-1 * * * *', /beginning of range \(5\) beyond end of range \(1\)/],
    ['*/0 * * * *', /step of range should be a positive number/],
    ['a * * * *', /failed to parse int from a/],
    ['1,,2 * * * *', /failed to parse int from/],
    ['1-2-3 * * * *', /too many hyphens/],
    ['1/2/3 * * * *', /too many slashes/],
    ['* * * foo *', /failed to parse int from foo/],
    ['@often', /unrecognized descriptor: @often/],
    ['@every soon', /failed to parse duration/],
    ['TZ= 0 * * * *', /bad location/],
  ];
  for (const [schedule, message] of invalid) {
    it(`rejects ${JSON.stringify(schedule)}`, () => {
      const errs = isValidCronSchedule(schedule);
      assert.equal(errs.length, 1, `expected one error for ${schedule}`);
      assert.match(errs[0], message);
    });
  }
});

describe('parseCronSchedule', () => {
  it('expands steps, ranges, lists and names', () => {
    const s = fields('*/15 9-11 1,15 jan-mar mon-fri');
    assert.deepEqual(sorted(s.minutes), [0, 15, 30, 45]);
    assert.deepEqual(sorted(s.hours), [9, 10, 11]);
    assert.deepEqual(sorted(s.daysOfMonth), [1, 15]);
    assert.deepEqual(sorted(s.months), [1, 2, 3]);
    assert.deepEqual(sorted(s.daysOfWeek), [1, 2, 3, 4, 5]);
    assert.equal(s.daysOfMonthIsWildcard, false);
    assert.equal(s.daysOfWeekIsWildcard, false);
  });

  it('reads a single start with a step as running to the end of the range', () => {
    assert.deepEqual(sorted(fields('5/20 * * * *').minutes), [5, 25, 45]);
  });

  it('marks wildcard day fields', () => {
    const s = fields('0 0 * * *');
    assert.equal(s.daysOfMonthIsWildcard, true);
    assert.equal(s.daysOfWeekIsWildcard, true);
    assert.equal(s.daysOfMonth.size, 31);
    assert.equal(s.daysOfWeek.size, 7);
  });

  it('expands descriptors', () => {
    const weekly = fields('@weekly');
    assert.deepEqual(sorted(weekly.minutes), [0]);
    assert.deepEqual(sorted(weekly.hours), [0]);
    assert.deepEqual(sorted(weekly.daysOfWeek), [0]);
    assert.equal(weekly.daysOfMonthIsWildcard, true);
  });

  it('keeps the zone of a TZ prefix', () => {
    assert.equal(fields('TZ=Europe/Berlin 0 8 * * *').timeZone, 'Europe/Berlin');
  });

  it('reads @every intervals, rounding up to a second', () => {
    assert.deepEqual(parseCronSchedule('@every 1h30m'), { kind: 'every', intervalSeconds: 5400, timeZone: undefined });
    assert.deepEqual(parseCronSchedule('@every 10ms'), { kind: 'every', intervalSeconds: 1, timeZone: undefined });
  });
});

describe('parseGoDuration', () => {
  it('reads Go duration syntax', () => {
    assert.equal(parseGoDuration('1h'), 3600);
    assert.equal(parseGoDuration('1.5h'), 5400);
    assert.equal(parseGoDuration('2m30s'), 150);
    assert.equal(parseGoDuration('0'), 0);
    assert.equal(parseGoDuration('500ms'), 0.5);
  });

  it('rejects anything else', () => {
    for (const text of ['', '1', 'h', '1d', '-1h', '1h 30m']) assert.equal(parseGoDuration(text), undefined, text);
  });
});
