// Label selectors: the string form clients send (`app=web,tier in (a,b),!canary`), the LabelSelector objects in
// specs (matchLabels/matchExpressions), matching, and label validation. The parser follows apimachinery's
// labels.Parse (Kubernetes 1.32) token for token, so the same input fails with the same message.
import { aggregateMessages, errors, fieldError, type FieldError } from './errors.ts';
import { goQuote, goStringSlice } from './go-format.ts';
import type { LabelSelector } from './types.ts';
import { isQualifiedName, isValidLabelValue } from './validation/names.ts';

export type Operator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Equals' | 'DoubleEquals' | 'NotEquals' | 'Gt' | 'Lt';

export interface Requirement {
  key: string;
  operator: Operator;
  values: string[];
}

/** An empty list of requirements selects everything. */
export interface Selector {
  requirements: Requirement[];
}

/** The selector that matches every object (shared: do not mutate). */
export const everything: Selector = Object.freeze({ requirements: [] as Requirement[] });

// ---- lexer ----

type TokenKind =
  | 'end' | 'closePar' | 'comma' | 'not' | 'doubleEquals' | 'equals' | 'greaterThan' | 'identifier' | 'in'
  | 'lessThan' | 'notEquals' | 'notIn' | 'openPar';

interface Token { kind: TokenKind; text: string }

const keywordTokens: Readonly<Record<string, TokenKind>> = {
  ')': 'closePar', ',': 'comma', '!': 'not', '==': 'doubleEquals', '=': 'equals', '>': 'greaterThan', in: 'in',
  '<': 'lessThan', '!=': 'notEquals', notin: 'notIn', '(': 'openPar',
};

const isWhitespace = (ch: string) => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecial = (ch: string) => '=!(),><'.includes(ch) && ch !== '';
// Go's lexer reads a NUL byte both at the end of the input and for a literal NUL in it; so do we.
const endMark = '\0';

function tokenize(s: string): Token[] {
  let pos = 0;
  const read = () => (pos < s.length ? s[pos++] : (pos++, endMark));
  const unread = () => { pos--; };
  const tokens: Token[] = [];
  for (;;) {
    let ch = read();
    while (isWhitespace(ch)) ch = read();
    if (ch === endMark) {
      tokens.push({ kind: 'end', text: '' });
      return tokens;
    }
    unread();
    tokens.push(isSpecial(ch) ? scanSymbol() : scanWord());
  }

  // The longest run of special characters that is still a token: "!=" and "==" are one token, "=(" is two.
  function scanSymbol(): Token {
    let buffer = '';
    let last: Token | undefined;
    for (;;) {
      const ch = read();
      if (ch === endMark) break;
      if (!isSpecial(ch)) { unread(); break; }
      buffer += ch;
      const kind = keywordTokens[buffer];
      if (kind) last = { kind, text: buffer };
      else if (last) { unread(); break; }
    }
    // Every special character is a token by itself, so `last` is always set here.
    return last ?? { kind: 'identifier', text: buffer };
  }

  function scanWord(): Token {
    let buffer = '';
    for (;;) {
      const ch = read();
      if (ch === endMark) break;
      if (isSpecial(ch) || isWhitespace(ch)) { unread(); break; }
      buffer += ch;
    }
    const kind = Object.hasOwn(keywordTokens, buffer) ? keywordTokens[buffer] : 'identifier';
    return { kind, text: buffer };
  }
}

// ---- parser ----

class ParseError extends Error {}

const binaryOperatorWords = 'in, notin, =, ==, !=, gt, lt';

/** Parses the string form, as labels.Parse does; a bad selector is a 400 BadRequest with Kubernetes' message. */
export function parseSelector(s: string): Selector {
  try {
    return { requirements: sortByKey(new Parser(tokenize(s)).parse()) };
  } catch (e) {
    if (e instanceof ParseError) throw errors.badRequest(e.message);
    throw e;
  }
}

class Parser {
  private position = 0;
  private readonly tokens: Token[];

  constructor(tokens: Token[]) {
    this.tokens = tokens;
  }

  // Where a value may stand, `in` and `notin` are plain words (a label may be called "in").
  private lookahead(asValue: boolean): Token {
    return this.asContext(this.tokens[this.position], asValue);
  }

  private consume(asValue: boolean): Token {
    return this.asContext(this.tokens[this.position++], asValue);
  }

  private asContext(t: Token, asValue: boolean): Token {
    return asValue && (t.kind === 'in' || t.kind === 'notIn') ? { kind: 'identifier', text: t.text } : t;
  }

  parse(): Requirement[] {
    const requirements: Requirement[] = [];
    for (;;) {
      const t = this.lookahead(true);
      if (t.kind === 'end') return requirements;
      if (t.kind !== 'identifier' && t.kind !== 'not') {
        throw new ParseError(`found '${t.text}', expected: !, identifier, or 'end of string'`);
      }
      try {
        requirements.push(this.parseRequirement());
      } catch (e) {
        if (e instanceof ParseError) throw new ParseError(`unable to parse requirement: ${e.message}`);
        throw e;
      }
      const after = this.consume(true);
      if (after.kind === 'end') return requirements;
      if (after.kind !== 'comma') throw new ParseError(`found '${after.text}', expected: ',' or 'end of string'`);
      const next = this.lookahead(true);
      if (next.kind !== 'identifier' && next.kind !== 'not') {
        throw new ParseError(`found '${next.text}', expected: identifier after ','`);
      }
    }
  }

  private parseRequirement(): Requirement {
    let t = this.consume(true);
    let operator: Operator | undefined;
    if (t.kind === 'not') {
      operator = 'DoesNotExist';
      t = this.consume(true);
    }
    if (t.kind !== 'identifier') throw new ParseError(`found '${t.text}', expected: identifier`);
    const key = t.text;
    const keyErrors = isQualifiedName(key);
    // labels.Parse validates the key at a nil field path, which Go prints as "<nil>".
    if (keyErrors.length > 0) throw new ParseError(`<nil>: Invalid value: ${goQuote(key)}: ${keyErrors.join('; ')}`);
    const next = this.lookahead(true);
    if (operator === undefined && (next.kind === 'end' || next.kind === 'comma')) operator = 'Exists';
    if (operator === 'Exists' || operator === 'DoesNotExist') return newRequirement(key, operator, []);

    const op = this.parseOperator();
    const values = op === 'In' || op === 'NotIn' ? this.parseValueSet() : this.parseExactValue();
    return newRequirement(key, op, values);
  }

  private parseOperator(): Operator {
    const t = this.consume(false);
    switch (t.kind) {
      case 'in': return 'In';
      case 'notIn': return 'NotIn';
      case 'equals': return 'Equals';
      case 'doubleEquals': return 'DoubleEquals';
      case 'notEquals': return 'NotEquals';
      case 'greaterThan': return 'Gt';
      case 'lessThan': return 'Lt';
      default: throw new ParseError(`found '${t.text}', expected: ${binaryOperatorWords}`);
    }
  }

  /** `(a,b)`: the values as a sorted set; empty entries (`()`, `(a,)`) stand for the empty value. */
  private parseValueSet(): string[] {
    const open = this.consume(true);
    if (open.kind !== 'openPar') throw new ParseError(`found '${open.text}' expected: '('`);
    const first = this.lookahead(true);
    if (first.kind === 'closePar') {
      this.consume(true);
      return [''];
    }
    if (first.kind !== 'identifier' && first.kind !== 'comma') {
      throw new ParseError(`found '${first.text}', expected: ',', ')' or identifier`);
    }
    const values = this.parseValueList();
    if (this.consume(true).kind !== 'closePar') throw new ParseError(`found '${first.text}', expected: ')'`);
    return values;
  }

  private parseValueList(): string[] {
    const values = new Set<string>();
    for (;;) {
      const t = this.consume(true);
      if (t.kind === 'identifier') {
        values.add(t.text);
        const next = this.lookahead(true);
        if (next.kind === 'comma') continue;
        if (next.kind === 'closePar') return sortedSet(values);
        throw new ParseError(`found '${next.text}', expected: ',' or ')'`);
      }
      if (t.kind === 'comma') {
        // A comma with nothing before or after it stands for the empty value.
        if (values.size === 0) values.add('');
        const next = this.lookahead(true);
        if (next.kind === 'closePar') {
          values.add('');
          return sortedSet(values);
        }
        if (next.kind === 'comma') {
          this.consume(true);
          values.add('');
        }
        continue;
      }
      throw new ParseError(`found '${t.text}', expected: ',', or identifier`);
    }
  }

  private parseExactValue(): string[] {
    const next = this.lookahead(true);
    if (next.kind === 'end' || next.kind === 'comma') return [''];
    const t = this.consume(true);
    if (t.kind === 'identifier') return [t.text];
    throw new ParseError(`found '${t.text}', expected: identifier`);
  }
}

// ---- requirements ----

/**
 * labels.NewRequirement: checks the key, the number of values the operator takes, and each value. Errors are
 * reported with its field paths (`key`, `values`, `values[0][app]`) and joined the way an aggregate error is.
 */
function newRequirement(key: string, operator: Operator, values: string[], nilValues = false): Requirement {
  const problems: string[] = [];
  const keyErrors = isQualifiedName(key);
  if (keyErrors.length > 0) problems.push(`key: Invalid value: ${goQuote(key)}: ${keyErrors.join('; ')}`);
  const shown = goStringSlice(nilValues && values.length === 0 ? undefined : values);
  switch (operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) problems.push(`values: Invalid value: ${shown}: for 'in', 'notin' operators, values set can't be empty`);
      break;
    case 'Equals':
    case 'DoubleEquals':
    case 'NotEquals':
      if (values.length !== 1) problems.push(`values: Invalid value: ${shown}: exact-match compatibility requires one single value`);
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length !== 0) problems.push(`values: Invalid value: ${shown}: values set must be empty for exists and does not exist`);
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) problems.push(`values: Invalid value: ${shown}: for 'Gt', 'Lt' operators, exactly one value is required`);
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) problems.push(`values[${i}]: Invalid value: ${goQuote(v)}: for 'Gt', 'Lt' operators, the value must be an integer`);
      });
      break;
  }
  values.forEach((v, i) => {
    const valueErrors = isValidLabelValue(v);
    if (valueErrors.length > 0) problems.push(`values[${i}][${key}]: Invalid value: ${goQuote(v)}: ${valueErrors.join('; ')}`);
  });
  if (problems.length > 0) throw new ParseError(aggregateMessages(problems));
  return { key, operator, values };
}

const int64Min = -(2n ** 63n);
const int64Max = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64): an optional sign, decimal digits, within int64. */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n >= int64Min && n <= int64Max ? n : undefined;
}

function sortedSet(values: Set<string>): string[] {
  return [...values].sort(compareStrings);
}

// Go compares strings byte by byte; for the ASCII that valid keys are made of, code unit order is the same.
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortByKey(reqs: Requirement[]): Requirement[] {
  return [...reqs].sort((a, b) => compareStrings(a.key, b.key));
}

// ---- LabelSelector objects ----

/**
 * metav1.LabelSelectorAsSelector: a missing selector selects nothing, an empty one everything. Invalid keys,
 * values or operators throw a 400 BadRequest with Kubernetes' message, so validate specs with
 * validateLabelSelector first.
 */
export function selectorFromLabelSelector(ls: LabelSelector | undefined | null): Selector | 'nothing' {
  if (ls === undefined || ls === null) return 'nothing';
  const matchLabels = ls.matchLabels ?? {};
  const expressions = ls.matchExpressions ?? [];
  if (Object.keys(matchLabels).length + expressions.length === 0) return { requirements: [] };
  try {
    const reqs: Requirement[] = [];
    for (const key of Object.keys(matchLabels).sort(compareStrings)) reqs.push(newRequirement(key, 'Equals', [matchLabels[key]]));
    for (const expr of expressions) {
      const operator = expr.operator;
      if (operator !== 'In' && operator !== 'NotIn' && operator !== 'Exists' && operator !== 'DoesNotExist') {
        throw new ParseError(`${goQuote(String(operator))} is not a valid label selector operator`);
      }
      reqs.push(newRequirement(expr.key ?? '', operator, [...(expr.values ?? [])], true));
    }
    return { requirements: sortByKey(reqs) };
  } catch (e) {
    if (e instanceof ParseError) throw errors.badRequest(e.message);
    throw e;
  }
}

/** A plain label map (a Service or RC selector) as a selector (SelectorFromSet: the map is not validated). */
export function selectorFromMap(labels: Record<string, string> | undefined): Selector {
  const entries = Object.entries(labels ?? {});
  return { requirements: sortByKey(entries.map(([key, v]) => ({ key, operator: 'Equals' as const, values: [v] }))) };
}

// ---- matching and printing ----

export function matchesSelector(sel: Selector | 'nothing', labels: Record<string, string> | undefined): boolean {
  if (sel === 'nothing') return false;
  const l = labels ?? {};
  return sel.requirements.every((r) => matchesRequirement(r, l));
}

function matchesRequirement(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const v = has ? labels[r.key] : '';
  switch (r.operator) {
    case 'Equals':
    case 'DoubleEquals':
    case 'In':
      return has && r.values.includes(v);
    case 'NotEquals':
    case 'NotIn':
      return !has || !r.values.includes(v);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      // Both sides must read as int64; anything else never matches.
      const actual = has ? parseInt64(v) : undefined;
      const bound = r.values.length === 1 ? parseInt64(r.values[0]) : undefined;
      if (actual === undefined || bound === undefined) return false;
      return r.operator === 'Gt' ? actual > bound : actual < bound;
    }
  }
}

const operatorText: Readonly<Record<Operator, string>> = {
  Equals: '=', DoubleEquals: '==', NotEquals: '!=', In: ' in ', NotIn: ' notin ', Gt: '>', Lt: '<', Exists: '', DoesNotExist: '',
};

/** Requirement.String(): `k=v`, `k in (a,b)` with sorted values, `k`, `!k`. */
function requirementToString(r: Requirement): string {
  if (r.operator === 'Exists') return r.key;
  if (r.operator === 'DoesNotExist') return `!${r.key}`;
  const values = r.values.length === 1 ? r.values[0] : [...r.values].sort(compareStrings).join(',');
  const set = r.operator === 'In' || r.operator === 'NotIn';
  return `${r.key}${operatorText[r.operator]}${set ? `(${values})` : values}`;
}

/** The canonical string: requirements in order (parsed selectors are sorted by key), set values sorted. */
export function selectorToString(sel: Selector | 'nothing'): string {
  if (sel === 'nothing') return '';
  return sel.requirements.map(requirementToString).join(',');
}

// ---- validation ----

/** metav1validation.ValidateLabels: every key a qualified name, every value a label value, reported at `path`. */
export function validateLabels(labels: unknown, path: string): FieldError[] {
  if (labels === undefined || labels === null) return [];
  // Kubernetes' decoder rejects a non-map before validation; Skiff's untyped JSON reaches here, so say so.
  if (typeof labels !== 'object' || Array.isArray(labels)) return [fieldError.invalid(path, labels, 'must be a map of string keys to string values')];
  const errs: FieldError[] = [];
  for (const [key, value] of Object.entries(labels as Record<string, unknown>)) {
    for (const msg of isQualifiedName(key)) errs.push(fieldError.invalid(path, key, msg));
    if (typeof value !== 'string') {
      errs.push(fieldError.invalid(path, value, 'must be a string'));
      continue;
    }
    for (const msg of isValidLabelValue(value)) errs.push(fieldError.invalid(path, value, msg));
  }
  return errs;
}

/** metav1validation.ValidateLabelSelector: operators known, values as the operator requires, keys and values valid. */
export function validateLabelSelector(ls: LabelSelector | undefined | null, path: string): FieldError[] {
  if (!ls) return [];
  const errs = validateLabels(ls.matchLabels, `${path}.matchLabels`);
  (ls.matchExpressions ?? []).forEach((expr, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    const values = expr.values ?? [];
    switch (expr.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errs.push(fieldError.required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) errs.push(fieldError.forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(fieldError.invalid(`${p}.operator`, expr.operator ?? '', 'not a valid selector operator'));
    }
    const key = typeof expr.key === 'string' ? expr.key : '';
    for (const msg of isQualifiedName(key)) errs.push(fieldError.invalid(`${p}.key`, key, msg));
    values.forEach((v, j) => {
      for (const msg of isValidLabelValue(v)) errs.push(fieldError.invalid(`${p}.values[${j}]`, v, msg));
    });
  });
  return errs;
}
