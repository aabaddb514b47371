// The lines kubectl logs on stderr through klog (what runtime.HandleError prints), so that skiffctl's read the same:
// `E1206 06:10:10.580566   19678 portforward.go:413] "Unhandled Error" err="..."`. The header is the severity,
// local date and time to the microsecond, the process id right-aligned in 7 columns, the Go source line; then the
// message and key/value pairs, strings quoted as Go's strconv.Quote does (multi-line ones as klog's `key=<` block).
import { goQuote } from '../apiserver/api/go-format.ts';

function value(key: string, v: string): string {
  if (!v.includes('\n')) return `${key}=${goQuote(v)}`;
  return `${key}=<\n${v.split('\n').map((l) => `\t${l}`).join('\n')}\n >`;
}

const pad = (n: number, width: number, fill = '0'): string => String(n).padStart(width, fill);

/** `Lmmdd hh:mm:ss.uuuuuu     PID ` (no source line) for a time in microseconds since the epoch. */
export function klogStamp(severity: string, micros: number, pid: number): string {
  const t = new Date(Math.floor(micros / 1000));
  return `${severity}${pad(t.getMonth() + 1, 2)}${pad(t.getDate(), 2)} ${pad(t.getHours(), 2)}:${pad(t.getMinutes(), 2)}:`
    + `${pad(t.getSeconds(), 2)}.${pad(micros % 1_000_000, 6)} ${pad(pid, 7, ' ')} `;
}

/** `Lmmdd hh:mm:ss.uuuuuu PID file:line] ` for a time in microseconds since the epoch. */
export function klogHeader(severity: 'I' | 'W' | 'E', site: string, micros: number, pid: number): string {
  return `${klogStamp(severity, micros, pid)}${site}] `;
}

/** One structured klog line, newline included. */
export function klogLine(severity: 'I' | 'W' | 'E', site: string, message: string, kv: [string, string][] = [],
  micros = Math.floor((performance.timeOrigin + performance.now()) * 1000), pid = process.pid): string {
  return `${klogHeader(severity, site, micros, pid)}${[goQuote(message), ...kv.map(([k, v]) => value(k, v))].join(' ')}\n`;
}
