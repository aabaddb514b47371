// When a CronJob's schedule fires, in the CronJob's time zone (IANA names through Intl; UTC by default).
// Times are found by walking instants forward a minute (or an hour, when the hour or day cannot match) at a time and
// reading the wall clock in the zone, so daylight-saving changes need no special cases: a wall time skipped by a
// spring-forward never fires that day, and a wall time repeated by a fall-back fires once for each instant that
// shows it.
import type { CronSchedule } from '../apiserver/api/validation/cron.ts';

const minuteMs = 60_000;
/** A schedule that does not fire within five years (e.g. `0 0 30 2 *`) never fires. */
const searchHorizonMs = 5 * 366 * 24 * 3600_000;

interface WallClock {
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: number;
}

const weekdays: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Whether Intl knows the zone (the CronJob's spec.timeZone). */
export function isKnownTimeZone(zone: string): boolean {
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short',
    });
    formatters.set(zone, f);
  }
  return f;
}

function wallClock(ms: number, zone: string): WallClock {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(zone).formatToParts(ms)) parts[p.type] = p.value;
  return {
    month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour), minute: Number(parts.minute),
    weekday: weekdays[parts.weekday] ?? 0,
  };
}

/** Cron's day rule: with both day fields restricted either may match; a `*` in one defers to the other. */
function dayMatches(s: Extract<CronSchedule, { kind: 'fields' }>, w: WallClock): boolean {
  if (!s.months.has(w.month)) return false;
  const dom = s.daysOfMonth.has(w.day);
  const dow = s.daysOfWeek.has(w.weekday);
  if (s.daysOfMonthIsWildcard || s.daysOfWeekIsWildcard) return dom && dow;
  return dom || dow;
}

/** The first time strictly after `afterMs` the schedule fires, or undefined if it never does. */
export function nextScheduleTime(schedule: CronSchedule, afterMs: number, zone = 'UTC'): number | undefined {
  if (schedule.kind === 'every') {
    // robfig/cron's ConstantDelaySchedule: whole seconds after the previous time.
    return Math.floor(afterMs / 1000) * 1000 + schedule.intervalSeconds * 1000;
  }
  const tz = schedule.timeZone ?? zone;
  let t = Math.floor(afterMs / minuteMs) * minuteMs + minuteMs;
  const limit = t + searchHorizonMs;
  while (t < limit) {
    const w = wallClock(t, tz);
    if (!dayMatches(schedule, w) || !schedule.hours.has(w.hour)) {
      // Jump to the next hour boundary of the wall clock (zones shift by whole or half hours, at hour boundaries).
      t += (60 - w.minute) * minuteMs;
      continue;
    }
    if (schedule.minutes.has(w.minute)) return t;
    t += minuteMs;
  }
  return undefined;
}

export interface MissedTimes {
  /** The latest schedule time in (earliest, now], if any. */
  mostRecentMs?: number;
  /** How many schedule times fell in (earliest, now] (counted up to tooManyMissed + 1). */
  missed: number;
}

/** kube's limit: more unmet start times than this means clock skew or a long outage, and only the latest runs. */
export const tooManyMissed = 100;

/** The schedule times in (earliestMs, nowMs]: how many there were (up to 101) and the latest. */
export function missedScheduleTimes(schedule: CronSchedule, earliestMs: number, nowMs: number, zone = 'UTC'): MissedTimes {
  let missed = 0;
  let mostRecentMs: number | undefined;
  for (let t = nextScheduleTime(schedule, earliestMs, zone); t !== undefined && t <= nowMs; t = nextScheduleTime(schedule, t, zone)) {
    missed++;
    mostRecentMs = t;
    if (missed > tooManyMissed) {
      return { missed, mostRecentMs: latestBefore(schedule, t, nowMs, zone) };
    }
  }
  return { missed, mostRecentMs };
}

/** The latest time in (floorMs, nowMs], searching back from now in doubling windows rather than forward from floor. */
function latestBefore(schedule: CronSchedule, floorMs: number, nowMs: number, zone: string): number {
  for (let window = 3600_000; ; window *= 2) {
    const from = Math.max(floorMs, nowMs - window);
    let latest: number | undefined;
    for (let t = nextScheduleTime(schedule, from, zone); t !== undefined && t <= nowMs; t = nextScheduleTime(schedule, t, zone)) latest = t;
    if (latest !== undefined) return latest;
    if (from === floorMs) return floorMs;
  }
}

/** RFC 3339 in the zone's local time with its offset (`2026-03-08T09:00:00-04:00`), as kube writes the annotation. */
export function rfc3339InZone(ms: number, zone: string): string {
  const parts: Record<string, string> = {};
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'longOffset',
  });
  for (const p of f.formatToParts(ms)) parts[p.type] = p.value;
  // longOffset reads `GMT+09:00` (or `GMT`); Go's RFC 3339 writes a zero offset as `Z`.
  const raw = (parts.timeZoneName ?? 'GMT').replace(/^GMT/, '');
  const offset = raw === '' || raw === '+00:00' || raw === '-00:00' ? 'Z' : raw;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
}
