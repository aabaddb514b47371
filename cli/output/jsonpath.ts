// kubectl's JSONPath dialect (k8s.io/client-go/util/jsonpath), used by -o jsonpath and -o custom-columns. It is a
// template language, not RFC 9535: text outside {} is printed as is, `{range ...}{end}` loops, several results of one
// action print space-separated, and maps or lists print as compact JSON. The parser follows client-go's closely
// and the results were checked against kubectl 1.31 (negative indexes, steps, filters that skip elements without
// the field), because scripts depend on kubectl's exact output. No npm JSONPath library speaks this dialect.
import { goJson, goSprint, isJsonObject } from './go-values.ts';
import { FloatLiteral, JsonPathError, Parser, type JsonPathNode, type ListNode, type SliceParam } from './jsonpath-parse.ts';

export { JsonPathError, type JsonPathNode } from './jsonpath-parse.ts';

/** Go's reflect type names, for error messages that match kubectl's. */
function goTypeName(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof FloatLiteral) return 'float64';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  if (isJsonObject(v)) return 'map[string]interface {}';
  return 'interface {}';
}

type Kind = 'int' | 'float' | 'string' | 'bool' | 'other';

function basicKind(v: unknown): Kind {
  if (v instanceof FloatLiteral) return 'float';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  return 'other';
}

function plain(v: unknown): unknown {
  return v instanceof FloatLiteral ? v.value : v;
}

/** The comparisons of Go's text/template (eq, lt, ...), as client-go's forked copy defines them. */
function compare(op: string, left: unknown, right: unknown): boolean {
  const k1 = basicKind(left);
  const k2 = basicKind(right);
  if (op === '==' || op === '!=') {
    if (k1 === 'other' || k2 === 'other') throw new JsonPathError('invalid type for comparison');
    if (k1 !== k2) throw new JsonPathError('incompatible types for comparison');
    const eq = plain(left) === plain(right);
    return op === '==' ? eq : !eq;
  }
  if (k1 === 'other' || k2 === 'other' || k1 === 'bool' || k2 === 'bool') throw new JsonPathError('invalid type for comparison');
  if (k1 !== k2) throw new JsonPathError('incompatible types for comparison');
  const a = plain(left) as number | string;
  const b = plain(right) as number | string;
  switch (op) {
    case '<': return a < b;
    case '>': return a > b;
    case '<=': return a <= b;
    case '>=': return a >= b;
    default: throw new JsonPathError(`unrecognized filter operator ${op}`);
  }
}

function isIdentifier(node: JsonPathNode, name: string): boolean {
  return node.type === 'list' && node.nodes[0]?.type === 'identifier' && node.nodes[0].name === name;
}

/** A compiled template. `allowMissingKeys` is kubectl's default (--allow-missing-template-keys=true). */
export class JsonPath {
  private readonly root: ListNode;
  private readonly allowMissingKeys: boolean;

  constructor(template: string, opts: { allowMissingKeys?: boolean } = {}) {
    this.root = new Parser().parse(template);
    this.allowMissingKeys = opts.allowMissingKeys ?? true;
  }

  /** The values each top-level node produced, in order (what kubectl prints, before formatting). */
  findResults(data: unknown): unknown[][] {
    return this.evalSequence(this.root.nodes, [data]);
  }

  /** The template's output for `data`, as kubectl's JSONPath printer writes it. */
  execute(data: unknown): string {
    return this.findResults(data).map(printResults).join('');
  }

  /**
   * Evaluates template nodes in order from `cur`. `{range X}...{end}` evaluates its body once per value of X with
   * that value as the current object (nested ranges included), then the template goes on after `{end}`.
   */
  private evalSequence(nodes: JsonPathNode[], cur: unknown[]): unknown[][] {
    const out: unknown[][] = [];
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i];
      if (isIdentifier(node, 'end')) throw new JsonPathError('not in range, nothing to end');
      if (!isIdentifier(node, 'range')) {
        out.push(this.walk(cur, node));
        continue;
      }
      let depth = 1;
      let j = i + 1;
      for (; j < nodes.length; j++) {
        if (isIdentifier(nodes[j], 'range')) depth++;
        if (isIdentifier(nodes[j], 'end') && --depth === 0) break;
      }
      const over = (node as ListNode).nodes.slice(1);
      const values = this.walk(cur, { type: 'list', nodes: over });
      const body = nodes.slice(i + 1, j);
      for (const v of values) out.push(...this.evalSequence(body, [v]));
      i = j;
    }
    return out;
  }

  private walk(input: unknown[], node: JsonPathNode): unknown[] {
    switch (node.type) {
      case 'list': {
        let cur = input;
        for (const n of node.nodes) cur = this.walk(cur, n);
        return cur;
      }
      case 'text': return [node.text];
      case 'field': return this.evalField(input, node.name);
      case 'array': return this.evalArray(input, node.params);
      case 'filter': return this.evalFilter(input, node);
      case 'int': return input.map(() => node.value);
      case 'float': return input.map(() => new FloatLiteral(node.value));
      case 'bool': return input.map(() => node.value);
      case 'wildcard': return input.flatMap(children);
      case 'recursive': return this.evalRecursive(input);
      case 'union': return node.nodes.flatMap((list) => this.walk(input, list));
      case 'identifier': throw new JsonPathError(`unrecognized identifier ${node.name}`);
    }
  }

  private evalField(input: unknown[], name: string): unknown[] {
    const results: unknown[] = [];
    for (const v of input) {
      if (isJsonObject(v) && Object.hasOwn(v, name)) results.push(v[name]);
    }
    if (results.length === 0 && input.length > 0 && !this.allowMissingKeys) throw new JsonPathError(`${name} is not found`);
    return results;
  }

  private evalArray(input: unknown[], params: SliceParam[]): unknown[] {
    const result: unknown[] = [];
    for (const value of input) {
      if (value === null || value === undefined) continue;
      if (!Array.isArray(value)) throw new JsonPathError(`${goTypeName(value)} is not array or slice`);
      const len = value.length;
      let start = params[0].known ? params[0].value : 0;
      if (start < 0) start += len;
      // [i] is [i:i+1], counted from the normalized start so that [-1] is the last element.
      let end = params[1].derived ? start + 1 : params[1].known ? params[1].value : len;
      if (end < 0) end += len;
      if (end !== start) {
        if (start >= len || start < 0) throw new JsonPathError(`array index out of bounds: index ${start}, length ${len}`);
        if (end > len) throw new JsonPathError(`array index out of bounds: index ${end - 1}, length ${len}`);
      }
      const step = params[2].known ? params[2].value : 1;
      if (step <= 0) throw new JsonPathError(`step must be greater than zero, got ${step}`);
      for (let i = start; i < end; i += step) result.push(value[i]);
    }
    return result;
  }

  private evalFilter(input: unknown[], node: Extract<JsonPathNode, { type: 'filter' }>): unknown[] {
    const results: unknown[] = [];
    for (const value of input) {
      if (!Array.isArray(value)) throw new JsonPathError(`${goSprint(value)} is not array or slice and cannot be filtered`);
      for (const item of value) {
        let lefts: unknown[];
        try {
          lefts = this.walk([item], node.left);
        } catch (e) {
          if (node.operator === 'exists') continue;
          throw e;
        }
        if (node.operator === 'exists') {
          if (lefts.length > 0) results.push(item);
          continue;
        }
        // An element without the compared field is left out, not an error.
        if (lefts.length === 0) continue;
        if (lefts.length > 1) throw new JsonPathError('can only compare one element at a time');
        const rights = this.walk([item], node.right);
        if (rights.length === 0) continue;
        if (rights.length > 1) throw new JsonPathError('can only compare one element at a time');
        if (compare(node.operator, lefts[0], rights[0])) results.push(item);
      }
    }
    return results;
  }

  private evalRecursive(input: unknown[]): unknown[] {
    const result: unknown[] = [];
    for (const value of input) {
      if (value === null || value === undefined) continue;
      const kids = children(value);
      if (kids.length > 0) {
        result.push(value);
        result.push(...this.evalRecursive(kids));
      }
    }
    return result;
  }
}

/** Wildcard and recursive descent: map values (in key order, where Go's is random), list items, string characters. */
function children(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (isJsonObject(v)) return Object.keys(v).sort().map((k) => v[k]);
  if (typeof v === 'string') return [...Buffer.from(v, 'utf8')];
  return [];
}

/** One action's results: maps and lists as compact JSON, scalars as Go prints them, separated by spaces. */
function printResults(results: unknown[]): string {
  return results.map((r) => {
    if (Array.isArray(r) || isJsonObject(r)) return goJson(r);
    return goSprint(plain(r));
  }).join(' ');
}

/**
 * custom-columns accepts `.a.b`, `a.b`, `{.a.b}` and `{a.b}` and turns each into `{.a.b}`
 * (kubectl's RelaxedJSONPathExpression).
 */
export function relaxedJsonPathExpression(expr: string): string {
  if (expr === '') return expr;
  const m = /^\{\.?([^{}]+)\}$|^\.?([^{}]+)$/.exec(expr);
  if (!m) {
    throw new JsonPathError("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'");
  }
  return `{.${m[1] || m[2]}}`;
}
