// kubectl prints decoded JSON the way Go does: fmt.Sprint for cells and custom columns (`map[a:b]`, `[x y]`), and
// encoding/json (sorted keys, HTML-safe escapes) for -o json and for maps/lists in jsonpath output. Objects arrive
// here from JSON.parse; kubectl's unstructured decoder keeps integral numbers as int64, so do we.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export function isJsonObject(v: unknown): v is { [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Go's %v of a float64: strconv 'g' with the shortest precision, which uses an exponent from 1e6 on or below 1e-4. */
function goFloatV(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const exp = Math.floor(Math.log10(Math.abs(n)));
  if (exp < -4 || exp >= 6) return goExponent(n);
  return String(n);
}

/** 1.5e+06 in Go's spelling: at least two exponent digits. */
function goExponent(n: number): string {
  const [mant, e] = n.toExponential().split('e');
  const sign = e.startsWith('-') ? '-' : '+';
  const digits = e.replace(/^[+-]/, '');
  return `${mant}e${sign}${digits.padStart(2, '0')}`;
}

export function goNumber(n: number): string {
  return Number.isInteger(n) && Math.abs(n) < 2 ** 63 ? BigInt(n).toString() : goFloatV(n);
}

/** fmt.Sprint of a value decoded from JSON. */
export function goSprint(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return `[${v.map(goSprint).join(' ')}]`;
  if (isJsonObject(v)) {
    return `map[${Object.keys(v).sort().map((k) => `${k}:${goSprint(v[k])}`).join(' ')}]`;
  }
  return String(v);
}

/** encoding/json's string escaping, including its HTML-safe escapes of <, > and &. */
export function goJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029) {
      out += `\\u${c.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

/** encoding/json's float64: 'f' form unless the exponent is below -6 or at least 21. */
function goJsonNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 63) return BigInt(n).toString();
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    // Go writes e-07 as e-7.
    return goExponent(n).replace(/e([+-])0(\d)$/, 'e$1$2');
  }
  return String(n);
}

/** json.Marshal (indent '') or json.MarshalIndent(v, '', indent), keys sorted as Go sorts map keys. */
export function goJson(v: unknown, indent = '', level = 0): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goJsonString(v);
  if (typeof v === 'number') return goJsonNumber(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  const pad = indent ? `\n${indent.repeat(level + 1)}` : '';
  const close = indent ? `\n${indent.repeat(level)}` : '';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[${v.map((x) => pad + goJson(x, indent, level + 1)).join(',')}${close}]`;
  }
  if (isJsonObject(v)) {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort();
    if (keys.length === 0) return '{}';
    const sep = indent ? ': ' : ':';
    return `{${keys.map((k) => `${pad}${goJsonString(k)}${sep}${goJson(v[k], indent, level + 1)}`).join(',')}${close}}`;
  }
  return 'null';
}
