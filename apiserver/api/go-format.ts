// Kubernetes builds some messages with Go's fmt verbs: %q for a string, %#v for a []string. Clients match on
// those messages, so the few places that quote values that way use these helpers instead of JSON.stringify.

const namedEscapes: Record<string, string> = {
  '\u0007': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u000b': '\\v', '\\': '\\\\', '"': '\\"',
};

// strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Go's %q (strconv.Quote): printable characters as they are, everything else escaped. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const named = namedEscapes[ch];
    if (named) {
      out += named;
      continue;
    }
    if (printable.test(ch)) {
      out += ch;
      continue;
    }
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x80) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/** Go's %#v of a []string: `[]string(nil)` for a nil slice, `[]string{"a", "b"}` otherwise. */
export function goStringSlice(values: readonly string[] | undefined): string {
  if (values === undefined) return '[]string(nil)';
  return `[]string{${values.map(goQuote).join(', ')}}`;
}

/** A value Kubernetes prints with %#v that JSON cannot spell, such as a Go struct: the text exactly as Go prints it. */
export class GoValue {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

/**
 * Go's strconv.ParseUint(s, 10, 16): the number, or the error's text. `quote` spells the input in the message (Go
 * uses %q, goQuote; callers that have always printed it otherwise pass their own).
 */
export function parseUint16(s: string, quote: (s: string) => string = goQuote): number | string {
  if (!/^[0-9]+$/.test(s)) return `strconv.ParseUint: parsing ${quote(s)}: invalid syntax`;
  const n = Number(s);
  return n > 65535 ? `strconv.ParseUint: parsing ${quote(s)}: value out of range` : n;
}

/** Go's net.JoinHostPort: a host with a colon (IPv6) goes in brackets. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
