// Go-style durations ("300ms", "50s", "5m", "1h30m") as Kubernetes components take them in flags.
const units: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds in a Go duration string; throws on anything else. "0" is allowed, as in Go. */
export function parseDuration(text: string): number {
  const s = text.trim();
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * units[m[2]];
    consumed = re.lastIndex;
  }
  if (consumed === 0 || consumed !== s.length) throw new Error(`invalid duration ${JSON.stringify(text)}: want a number and a unit (ms, s, m, h), e.g. 30s or 5m`);
  return total;
}
