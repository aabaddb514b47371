// A JSON parser for request bodies. JSON.parse keeps the last of two equal keys without a word and reports syntax
// errors in V8's words; kube-apiserver (Go's encoding/json via sigs.k8s.io/json) reports every duplicate field with
// its path and words syntax errors its own way. Clients match on those messages, so this parser reproduces them.
// It also refuses keys that would poison an object's prototype.

/** A syntax error, worded as Go's encoding/json SyntaxError. */
export class JsonSyntaxError extends Error {}

/** A key that would reach Object.prototype if the value were ever merged into a plain object. */
export class ForbiddenKeyError extends Error {}

export interface ParsedJson {
  value: unknown;
  /** Paths of keys seen twice in one object, in kube's strict-decoding notation: `metadata.name`, `a[0].b`. */
  duplicates: string[];
}

export function parseJson(text: string): ParsedJson {
  const parser = new JsonParser(text);
  return parser.parseDocument();
}

const maxDepth = 1000;

class JsonParser {
  private readonly text: string;
  private pos = 0;
  private depth = 0;
  private readonly duplicates: string[] = [];

  constructor(text: string) {
    this.text = text;
  }

  parseDocument(): ParsedJson {
    this.skipSpace();
    const value = this.parseValue('');
    this.skipSpace();
    if (this.pos < this.text.length) throw this.invalid('after top-level value');
    return { value, duplicates: this.duplicates };
  }

  private parseValue(path: string): unknown {
    const c = this.peek();
    if (c === '{' || c === '[') {
      // Go's scanner stops at 10000 levels; this recursive parser stops at 1000, far deeper than any API object
      // and safely short of the JavaScript stack.
      if (++this.depth > maxDepth) throw this.invalid('exceeded max depth');
      const value = c === '{' ? this.parseObject(path) : this.parseArray(path);
      this.depth--;
      return value;
    }
    if (c === '"') return this.parseString();
    if (c === '-' || (c >= '0' && c <= '9')) return this.parseNumber();
    if (c === 't') return this.parseLiteral('true', true);
    if (c === 'f') return this.parseLiteral('false', false);
    if (c === 'n') return this.parseLiteral('null', null);
    throw this.invalid('looking for beginning of value');
  }

  private parseObject(path: string): Record<string, unknown> {
    this.pos++; // {
    const object: Record<string, unknown> = {};
    const seen = new Set<string>();
    this.skipSpace();
    if (this.peek() === '}') {
      this.pos++;
      return object;
    }
    for (;;) {
      if (this.peek() !== '"') throw this.invalid('looking for beginning of object key string');
      const key = this.parseString();
      const keyPath = path === '' ? key : `${path}.${key}`;
      if (key === '__proto__') throw new ForbiddenKeyError(keyPath);
      this.skipSpace();
      if (this.peek() !== ':') throw this.invalid('after object key');
      this.pos++;
      this.skipSpace();
      const value = this.parseValue(keyPath);
      if (key === 'constructor' && isObject(value) && 'prototype' in value) throw new ForbiddenKeyError(`${keyPath}.prototype`);
      if (seen.has(key)) this.duplicates.push(keyPath);
      seen.add(key);
      object[key] = value;
      this.skipSpace();
      const next = this.peek();
      this.pos++;
      if (next === '}') return object;
      if (next !== ',') {
        this.pos--;
        throw this.invalid('after object key:value pair');
      }
      this.skipSpace();
    }
  }

  private parseArray(path: string): unknown[] {
    this.pos++; // [
    const array: unknown[] = [];
    this.skipSpace();
    if (this.peek() === ']') {
      this.pos++;
      return array;
    }
    for (;;) {
      array.push(this.parseValue(`${path}[${array.length}]`));
      this.skipSpace();
      const next = this.peek();
      this.pos++;
      if (next === ']') return array;
      if (next !== ',') {
        this.pos--;
        throw this.invalid('after array element');
      }
      this.skipSpace();
    }
  }

  private parseString(): string {
    this.pos++; // opening quote
    let out = '';
    let chunkStart = this.pos;
    for (;;) {
      const c = this.peek();
      if (c === '"') {
        out += this.text.slice(chunkStart, this.pos);
        this.pos++;
        return out;
      }
      if (c === '\\') {
        out += this.text.slice(chunkStart, this.pos);
        out += this.parseEscape();
        chunkStart = this.pos;
        continue;
      }
      if (c === '' || c.charCodeAt(0) < 0x20) throw this.invalid('in string literal');
      this.pos++;
    }
  }

  private parseEscape(): string {
    this.pos++; // backslash
    const c = this.peek();
    this.pos++;
    switch (c) {
      case '"': return '"';
      case '\\': return '\\';
      case '/': return '/';
      case 'b': return '\b';
      case 'f': return '\f';
      case 'n': return '\n';
      case 'r': return '\r';
      case 't': return '\t';
      case 'u': {
        let code = 0;
        for (let i = 0; i < 4; i++) {
          const h = this.peek();
          if (!/[0-9a-fA-F]/.test(h)) throw this.invalid('in \\u hexadecimal character escape');
          code = code * 16 + Number.parseInt(h, 16);
          this.pos++;
        }
        return String.fromCharCode(code);
      }
      default:
        this.pos--;
        throw this.invalid('in string escape code');
    }
  }

  private parseNumber(): number {
    const start = this.pos;
    if (this.peek() === '-') {
      this.pos++;
      if (!isDigit(this.peek())) throw this.invalid('in numeric literal');
    }
    // Go's scanner: a leading 0 ends the integer part (`01` is `0` followed by an unexpected `1`).
    if (this.peek() === '0') this.pos++;
    else this.skipDigits();
    if (this.peek() === '.') {
      this.pos++;
      if (!isDigit(this.peek())) throw this.invalid('after decimal point in numeric literal');
      this.skipDigits();
    }
    if (this.peek() === 'e' || this.peek() === 'E') {
      this.pos++;
      if (this.peek() === '+' || this.peek() === '-') this.pos++;
      if (!isDigit(this.peek())) throw this.invalid('in exponent of numeric literal');
      this.skipDigits();
    }
    return Number(this.text.slice(start, this.pos));
  }

  private parseLiteral<T>(word: string, value: T): T {
    for (let i = 0; i < word.length; i++) {
      if (this.peek() !== word[i]) {
        throw i === 0 ? this.invalid('looking for beginning of value') : this.invalid(`in literal ${word} (expecting '${word[i]}')`);
      }
      this.pos++;
    }
    return value;
  }

  private skipDigits(): void {
    while (isDigit(this.peek())) this.pos++;
  }

  private skipSpace(): void {
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') return;
      this.pos++;
    }
  }

  /** The next character; '' at the end (the caller's check then fails and invalid() reports the end). */
  private peek(): string {
    return this.pos < this.text.length ? this.text[this.pos] : '';
  }

  private invalid(context: string): JsonSyntaxError {
    if (this.pos >= this.text.length) return new JsonSyntaxError('unexpected end of JSON input');
    return new JsonSyntaxError(`invalid character ${quoteChar(this.text.codePointAt(this.pos) ?? 0)} ${context}`);
  }
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Go's quoteChar: the offending byte in single quotes, escaped as strconv.Quote would. Go reads the input as bytes,
 * so a non-ASCII character shows as its first UTF-8 byte taken as a Latin-1 character (`é` reads as `Ã`).
 */
function quoteChar(codePoint: number): string {
  const byte = codePoint < 0x80 ? codePoint : Buffer.from(String.fromCodePoint(codePoint), 'utf8')[0];
  if (byte === 0x27) return `'\\''`;
  if (byte === 0x22) return `'"'`;
  const named: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 0x5c: '\\\\' };
  if (named[byte]) return `'${named[byte]}'`;
  if (byte < 0x20 || byte === 0x7f) return `'\\x${byte.toString(16).padStart(2, '0')}'`;
  if (byte >= 0x80 && (byte < 0xa1 || byte === 0xad)) return `'\\u${byte.toString(16).padStart(4, '0')}'`;
  return `'${String.fromCharCode(byte)}'`;
}
