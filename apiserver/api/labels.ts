// Label selectors: the string form clients send (`app=web,tier in (a,b),!canary`), the LabelSelector objects in
// specs (matchLabels/matchExpressions), matching, and label validation.
import { errors, fieldError, type FieldError } from './errors.ts';
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

export const everything: Selector = { requirements: [] };

type Token =
  | { kind: 'identifier'; text: string }
  | { kind: 'op'; text: '=' | '==' | '!=' | '>' | '<' | '!' | ',' | '(' | ')' }
  | { kind: 'end' };

function tokenize(s: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') { i++; continue; }
    const two = s.slice(i, i + 2);
    if (two === '==' || two === '!=') { tokens.push({ kind: 'op', text: two }); i += 2; continue; }
    if ('=><!,()'.includes(c)) { tokens.push({ kind: 'op', text: c as '=' }); i++; continue; }
    let j = i;
    while (j < s.length && !' \t\n\r=><!,()'.includes(s[j])) j++;
    tokens.push({ kind: 'identifier', text: s.slice(i, j) });
    i = j;
  }
  tokens.push({ kind: 'end' });
  return tokens;
}

function fail(detail: string): never {
  throw errors.badRequest(`unable to parse requirement: ${detail}`);
}

function describe(t: Token): string {
  return t.kind === 'end' ? 'EOS' : t.text;
}

/** Parses the string form, as labels.Parse does; a bad selector is a 400 BadRequest. */
export function parseSelector(s: string): Selector {
  const tokens = tokenize(s);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => tokens[pos++];
  const requirements: Requirement[] = [];
  if (peek().kind === 'end') return everything;
  for (;;) {
    let negated = false;
    if (peek().kind === 'op' && (peek() as { text: string }).text === '!') { negated = true; next(); }
    const keyTok = next();
    if (keyTok.kind !== 'identifier') fail(`found '${describe(keyTok)}', expected: identifier`);
    const key = (keyTok as { text: string }).text;
    validateKey(key);
    const opTok = peek();
    if (negated) {
      requirements.push({ key, operator: 'DoesNotExist', values: [] });
    } else if (opTok.kind === 'end' || (opTok.kind === 'op' && opTok.text === ',')) {
      requirements.push({ key, operator: 'Exists', values: [] });
    } else {
      next();
      const op = operatorOf(opTok);
      if (op === 'In' || op === 'NotIn') {
        const open = next();
        if (open.kind !== 'op' || open.text !== '(') fail(`found '${describe(open)}', expected: '('`);
        const values: string[] = [];
        for (;;) {
          const t = next();
          if (t.kind === 'identifier') {
            values.push(t.text);
            const after = next();
            if (after.kind === 'op' && after.text === ')') break;
            if (after.kind === 'op' && after.text === ',') continue;
            fail(`found '${describe(after)}', expected: ',' or ')'`);
          } else if (t.kind === 'op' && t.text === ')') {
            values.push('');
            break;
          } else if (t.kind === 'op' && t.text === ',') {
            values.push('');
          } else {
            fail(`found '${describe(t)}', expected: ',', ')' or identifier`);
          }
        }
        values.forEach(validateValue);
        requirements.push({ key, operator: op, values });
      } else {
        const t = peek();
        let value = '';
        if (t.kind === 'identifier') { value = t.text; next(); } else if (!(t.kind === 'end' || (t.kind === 'op' && t.text === ','))) {
          fail(`found '${describe(t)}', expected: identifier`);
        }
        if ((op === 'Gt' || op === 'Lt') && !/^-?\d+$/.test(value)) {
          fail(`for 'Gt', 'Lt' operators, the value must be an integer`);
        }
        validateValue(value);
        requirements.push({ key, operator: op, values: [value] });
      }
    }
    const sep = next();
    if (sep.kind === 'end') break;
    if (sep.kind !== 'op' || sep.text !== ',') fail(`found '${describe(sep)}', expected: ',' or 'end of string'`);
    if (peek().kind === 'end') fail(`found 'EOS', expected: identifier after ','`);
  }
  return { requirements: sortRequirements(requirements) };
}

function operatorOf(t: Token): Operator {
  if (t.kind === 'identifier') {
    if (t.text === 'in') return 'In';
    if (t.text === 'notin') return 'NotIn';
  } else if (t.kind === 'op') {
    switch (t.text) {
      case '=': return 'Equals';
      case '==': return 'DoubleEquals';
      case '!=': return 'NotEquals';
      case '>': return 'Gt';
      case '<': return 'Lt';
      default: break;
    }
  }
  return fail(`found '${describe(t)}', expected: in, notin, =, ==, !=, gt, lt`);
}

function validateKey(key: string): void {
  const msgs = isQualifiedName(key);
  if (msgs.length > 0) fail(`key: Invalid value: ${JSON.stringify(key)}: ${msgs.join('; ')}`);
}

function validateValue(value: string): void {
  const msgs = isValidLabelValue(value);
  if (msgs.length > 0) fail(`values[0]: Invalid value: ${JSON.stringify(value)}: ${msgs.join('; ')}`);
}

function sortRequirements(reqs: Requirement[]): Requirement[] {
  return [...reqs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * metav1.LabelSelectorAsSelector: a missing selector selects nothing, an empty one everything. Invalid
 * expressions throw, so callers validate specs with validateLabelSelector first.
 */
export function selectorFromLabelSelector(ls: LabelSelector | undefined | null): Selector | 'nothing' {
  if (ls === undefined || ls === null) return 'nothing';
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(ls.matchLabels ?? {})) reqs.push({ key, operator: 'Equals', values: [value] });
  for (const expr of ls.matchExpressions ?? []) {
    const values = expr.values ?? [];
    switch (expr.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) throw new Error(`for 'in', 'notin' operators, values set can't be empty`);
        reqs.push({ key: expr.key, operator: expr.operator, values: [...values] });
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) throw new Error(`values set must be empty for exists and does not exist`);
        reqs.push({ key: expr.key, operator: expr.operator, values: [] });
        break;
      default:
        throw new Error(`${JSON.stringify(expr.operator)} is not a valid label selector operator`);
    }
  }
  return { requirements: sortRequirements(reqs) };
}

export function matchesSelector(sel: Selector | 'nothing', labels: Record<string, string> | undefined): boolean {
  if (sel === 'nothing') return false;
  const l = labels ?? {};
  return sel.requirements.every((r) => matchesRequirement(r, l));
}

function matchesRequirement(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case 'Equals':
    case 'DoubleEquals':
    case 'In':
      return has && r.values.includes(v!);
    case 'NotEquals':
    case 'NotIn':
      return !has || !r.values.includes(v!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (!has || !/^-?\d+$/.test(v!)) return false;
      const n = BigInt(v!);
      const bound = BigInt(r.values[0]);
      return r.operator === 'Gt' ? n > bound : n < bound;
    }
  }
}

/** The canonical string: requirements sorted by key, set values sorted (what `kubectl get -l` round-trips). */
export function selectorToString(sel: Selector | 'nothing'): string {
  if (sel === 'nothing') return '';
  return sel.requirements.map((r) => {
    const values = [...r.values].sort();
    switch (r.operator) {
      case 'Equals': return `${r.key}=${r.values[0]}`;
      case 'DoubleEquals': return `${r.key}==${r.values[0]}`;
      case 'NotEquals': return `${r.key}!=${r.values[0]}`;
      case 'In': return `${r.key} in (${values.join(',')})`;
      case 'NotIn': return `${r.key} notin (${values.join(',')})`;
      case 'Exists': return r.key;
      case 'DoesNotExist': return `!${r.key}`;
      case 'Gt': return `${r.key}>${r.values[0]}`;
      case 'Lt': return `${r.key}<${r.values[0]}`;
    }
  }).join(',');
}

/** A plain label map (a Service or RC selector) as a selector. */
export function selectorFromMap(labels: Record<string, string> | undefined): Selector {
  return { requirements: sortRequirements(Object.entries(labels ?? {}).map(([key, v]) => ({ key, operator: 'Equals' as const, values: [v] }))) };
}

export function validateLabels(labels: unknown, path: string): FieldError[] {
  if (labels === undefined || labels === null) return [];
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

/** metav1validation.ValidateLabelSelector. */
export function validateLabelSelector(ls: LabelSelector | undefined, path: string): FieldError[] {
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
        errs.push(fieldError.invalid(`${p}.operator`, expr.operator, 'not a valid selector operator'));
    }
    for (const msg of isQualifiedName(expr.key ?? '')) errs.push(fieldError.invalid(`${p}.key`, expr.key, msg));
    values.forEach((v, j) => {
      for (const msg of isValidLabelValue(v)) errs.push(fieldError.invalid(`${p}.values[${j}]`, v, msg));
    });
  });
  return errs;
}
