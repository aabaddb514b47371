// CronJob schedules: the standard five-field cron syntax Kubernetes accepts (robfig/cron's ParseStandard).
//   minute hour day-of-month month day-of-week
// Each field is `*` or `?`, a number or name, a range `a-b`, any of those with a step `/n`, or a comma list.
// Also the descriptors @yearly @annually @monthly @weekly @daily @midnight @hourly and `@every <duration>`,
// and an optional `TZ=<zone>` / `CRON_TZ=<zone>` prefix (the CronJob validator decides whether that is allowed).

export interface CronFields {
  kind: 'fields';
  minutes: Set<number>;
  hours: Set<number>;
  daysOfMonth: Set<number>;
  months: Set<number>;
  daysOfWeek: Set<number>;
  /** Cron's rule: when both day fields are restricted a day matches if either does; `*` in one defers to the other. */
  daysOfMonthIsWildcard: boolean;
  daysOfWeekIsWildcard: boolean;
  /** The zone of a `TZ=` prefix, if any. */
  timeZone?: string;
}

export interface CronInterval {
  kind: 'every';
  /** At least one second, as robfig/cron rounds shorter intervals up. */
  intervalSeconds: number;
  timeZone?: string;
}

export type CronSchedule = CronFields | CronInterval;

interface FieldBounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const monthNames = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const dayNames = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const bounds: FieldBounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: Object.fromEntries(monthNames.map((n, i) => [n, i + 1])) },
  { min: 0, max: 6, names: Object.fromEntries(dayNames.map((n, i) => [n, i])) },
];

const descriptors: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** Why a schedule is not valid cron syntax; empty when it is. */
export function isValidCronSchedule(schedule: string): string[] {
  const result = parseCronSchedule(schedule);
  return 'error' in result ? [result.error] : [];
}

/** Parses a schedule into the sets of values each field allows, or the first problem found. */
export function parseCronSchedule(schedule: string): CronSchedule | { error: string } {
  let spec = schedule.trim();
  if (spec === '') return { error: 'empty spec string' };
  let timeZone: string | undefined;
  const tz = /^(?:CRON_)?TZ=(\S*)\s*/.exec(spec);
  if (tz) {
    timeZone = tz[1];
    spec = spec.slice(tz[0].length).trim();
    if (timeZone === '') return { error: `provided bad location in ${schedule}` };
  }
  if (spec.startsWith('@')) return parseDescriptor(spec, timeZone);

  const fields = spec.split(/\s+/);
  if (fields.length !== 5) {
    return { error: `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]` };
  }
  const sets: Set<number>[] = [];
  for (let i = 0; i < 5; i++) {
    const parsed = parseField(fields[i], bounds[i]);
    if (typeof parsed === 'string') return { error: parsed };
    sets.push(parsed);
  }
  return {
    kind: 'fields',
    minutes: sets[0], hours: sets[1], daysOfMonth: sets[2], months: sets[3], daysOfWeek: sets[4],
    daysOfMonthIsWildcard: isWildcard(fields[2]),
    daysOfWeekIsWildcard: isWildcard(fields[4]),
    timeZone,
  };
}

function parseDescriptor(spec: string, timeZone: string | undefined): CronSchedule | { error: string } {
  const expanded = descriptors[spec];
  if (expanded) {
    const parsed = parseCronSchedule(expanded);
    return 'error' in parsed ? parsed : { ...parsed, timeZone };
  }
  const every = /^@every\s+(\S+)$/.exec(spec);
  if (every) {
    const seconds = parseGoDuration(every[1]);
    if (seconds === undefined) return { error: `failed to parse duration ${spec}: invalid duration "${every[1]}"` };
    return { kind: 'every', intervalSeconds: Math.max(1, Math.ceil(seconds)), timeZone };
  }
  return { error: `unrecognized descriptor: ${spec}` };
}

/** `*` and `?` leave the field unrestricted, with or without a step of 1. */
function isWildcard(field: string): boolean {
  return field === '*' || field === '?' || field === '*/1' || field === '?/1';
}

/** A comma list of ranges; returns the allowed values or the reason the field is malformed. */
function parseField(field: string, b: FieldBounds): Set<number> | string {
  const values = new Set<number>();
  for (const expr of field.split(',')) {
    const range = parseRange(expr, b);
    if (typeof range === 'string') return range;
    for (let v = range.start; v <= range.end; v += range.step) values.add(v);
  }
  return values;
}

function parseRange(expr: string, b: FieldBounds): { start: number; end: number; step: number } | string {
  const rangeAndStep = expr.split('/');
  if (rangeAndStep.length > 2) return `too many slashes: ${expr}`;
  const lowAndHigh = rangeAndStep[0].split('-');
  if (lowAndHigh.length > 2) return `too many hyphens: ${expr}`;

  let start: number;
  let end: number;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    if (lowAndHigh.length > 1) return `too many hyphens: ${expr}`;
    start = b.min;
    end = b.max;
  } else {
    const low = parseValue(lowAndHigh[0], b);
    if (typeof low === 'string') return low;
    start = low;
    if (lowAndHigh.length === 2) {
      const high = parseValue(lowAndHigh[1], b);
      if (typeof high === 'string') return high;
      end = high;
    } else {
      end = start;
    }
  }

  let step = 1;
  if (rangeAndStep.length === 2) {
    const parsed = parseNumber(rangeAndStep[1]);
    if (typeof parsed === 'string') return parsed;
    step = parsed;
    // `5/15` means "from 5 to the end, every 15".
    if (lowAndHigh.length === 1 && lowAndHigh[0] !== '*' && lowAndHigh[0] !== '?') end = b.max;
  }

  if (start < b.min) return `beginning of range (${start}) below minimum (${b.min}): ${expr}`;
  if (end > b.max) return `end of range (${end}) above maximum (${b.max}): ${expr}`;
  if (start > end) return `beginning of range (${start}) beyond end of range (${end}): ${expr}`;
  if (step === 0) return `step of range should be a positive number: ${expr}`;
  return { start, end, step };
}

function parseValue(text: string, b: FieldBounds): number | string {
  const named = b.names?.[text.toLowerCase()];
  return named ?? parseNumber(text);
}

function parseNumber(text: string): number | string {
  if (!/^[+-]?\d+$/.test(text)) return `failed to parse int from ${text}: not a number`;
  const n = Number.parseInt(text, 10);
  if (n < 0) return `negative number (${n}) not allowed: ${text}`;
  return n;
}

const durationUnits: Record<string, number> = {
  ns: 1e-9, us: 1e-6, 'µs': 1e-6, 'μs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600,
};

/** Go's time.ParseDuration syntax (`1h30m`, `90s`, `1.5h`), in seconds; undefined when malformed or negative. */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const match = /^\+?((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(text);
  if (!match) return undefined;
  let seconds = 0;
  for (const part of text.replace(/^\+/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    seconds += Number.parseFloat(part[1]) * durationUnits[part[2]];
  }
  return seconds;
}
