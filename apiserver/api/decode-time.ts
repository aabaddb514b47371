// Timestamps as metav1.Time and metav1.MicroTime decode them: Go's time.Parse with RFC 3339 (Time) or RFC 3339
// with exactly six fractional digits (MicroTime), and its error messages, which reach clients in 400 responses.

export const rfc3339 = '2006-01-02T15:04:05Z07:00';
export const rfc3339Micro = '2006-01-02T15:04:05.000000Z07:00';

type Layout = typeof rfc3339 | typeof rfc3339Micro;

/** One step of a layout: a literal to match, then a field ('' when the literal ends the layout). */
interface Step { literal: string; field: string }

const steps: Record<Layout, Step[]> = {
  [rfc3339]: layoutSteps(false),
  [rfc3339Micro]: layoutSteps(true),
};

function layoutSteps(micro: boolean): Step[] {
  return [
    { literal: '', field: '2006' }, { literal: '-', field: '01' }, { literal: '-', field: '02' },
    { literal: 'T', field: '15' }, { literal: ':', field: '04' }, { literal: ':', field: '05' },
    ...(micro ? [{ literal: '', field: '.000000' }] : []),
    { literal: '', field: 'Z07:00' }, { literal: '', field: '' },
  ];
}

/** Returns Go's error text when `value` is not a valid timestamp in `layout`, undefined when it is. */
export function timeParseError(value: string, layout: Layout): string | undefined {
  const cannotParse = (rest: string, element: string) =>
    `parsing time ${quote(value)} as ${quote(layout)}: cannot parse ${quote(rest)} as ${quote(element)}`;
  const outOfRange = (what: string) => `parsing time ${quote(value)}: ${what} out of range`;
  let rest = value;
  let year = 0;
  let month = 0;
  let day = 0;
  for (const { literal, field } of steps[layout]) {
    if (!rest.startsWith(literal)) return cannotParse(rest, literal);
    rest = rest.slice(literal.length);
    if (field === '') return rest === '' ? validDay(year, month, day, outOfRange) : `parsing time ${quote(value)}: extra text: ${quote(rest)}`;
    const before = rest;
    switch (field) {
      case '2006': {
        if (!/^\d{4}/.test(rest)) return cannotParse(before, field);
        year = Number(rest.slice(0, 4));
        rest = rest.slice(4);
        break;
      }
      case '01': case '02': case '15': case '04': case '05': {
        const parsed = twoDigits(rest, field !== '15');
        if (!parsed) return cannotParse(before, field);
        rest = parsed.rest;
        const range: Record<string, [string, number, number]> = {
          '01': ['month', 1, 12], '15': ['hour', 0, 23], '04': ['minute', 0, 59], '05': ['second', 0, 59],
        };
        if (field === '01') month = parsed.n;
        if (field === '02') day = parsed.n;
        const limits = range[field];
        if (limits && (parsed.n < limits[1] || parsed.n > limits[2])) return outOfRange(limits[0]);
        // Go accepts fractional seconds after the seconds even where the layout has none.
        if (field === '05' && layout === rfc3339) rest = rest.replace(/^[.,]\d+/, '');
        break;
      }
      case '.000000': {
        if (!/^[.,]\d{6}/.test(rest)) return cannotParse(before, field);
        rest = rest.slice(7);
        break;
      }
      case 'Z07:00': {
        if (rest.startsWith('Z')) {
          rest = rest.slice(1);
          break;
        }
        const zone = /^[+-](\d\d):(\d\d)/.exec(rest);
        if (!zone) return cannotParse(before, field);
        if (Number(zone[1]) > 24) return outOfRange('time zone offset hour');
        if (Number(zone[2]) > 60) return outOfRange('time zone offset minute');
        rest = rest.slice(6);
        break;
      }
    }
  }
  return undefined;
}

function twoDigits(s: string, fixed: boolean): { n: number; rest: string } | undefined {
  if (!/^\d/.test(s)) return undefined;
  if (!/^\d\d/.test(s)) return fixed ? undefined : { n: Number(s[0]), rest: s.slice(1) };
  return { n: Number(s.slice(0, 2)), rest: s.slice(2) };
}

function validDay(year: number, month: number, day: number, outOfRange: (what: string) => string): string | undefined {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return day < 1 || day > daysInMonth ? outOfRange('day') : undefined;
}

/** Go's time package quotes values in errors with double quotes, escaping quotes and backslashes. */
function quote(s: string): string {
  return `"${s.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/**
 * The timestamp as Kubernetes writes it back after decoding: in UTC, whole seconds for Time (Go's RFC 3339
 * formatting drops the fraction), exactly six fractional digits for MicroTime. `value` must have parsed.
 */
export function normalizeTime(value: string, layout: Layout): string {
  const parts = /^(\d{4})-(\d\d)-(\d\d)T(\d\d?):(\d\d):(\d\d)(?:[.,](\d+))?(Z|([+-])(\d\d):(\d\d))/.exec(value);
  if (!parts) return value;
  const [, year, month, day, hour, minute, second, fraction = '', zone, sign, zoneHours, zoneMinutes] = parts;
  const offsetMinutes = zone === 'Z' ? 0 : (sign === '-' ? -1 : 1) * (Number(zoneHours) * 60 + Number(zoneMinutes));
  const utc = new Date(0);
  utc.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  utc.setUTCHours(Number(hour), Number(minute) - offsetMinutes, Number(second), 0);
  const seconds = utc.toISOString().slice(0, 19);
  return layout === rfc3339Micro ? `${seconds}.${fraction.padEnd(6, '0').slice(0, 6)}Z` : `${seconds}Z`;
}
