// kubectl explain's plaintext rendering (its plaintext.tmpl over an OpenAPI v3 document), as plain functions:
// follow the field path through properties, array items, map values and allOf; then DESCRIPTION (every
// description along $ref/allOf/items, wrapped at 76 columns) and FIELDS (each field's type guess, -required-,
// enum values and wrapped description), or with --recursive an indented tree of names and types.
import type { Schema } from '../apiserver/api/openapi/schema.ts';
import { refName } from './openapi.ts';

export interface ExplainDoc {
  schemas: Record<string, Schema>;
}

/** mitchellh/go-wordwrap's WrapString, which kubectl's word-wrap writer uses. */
export function wrapString(s: string, limit: number): string {
  let out = '';
  let current = 0;
  let word = '';
  let space = '';
  const len = (t: string): number => [...t].length;
  for (const ch of s) {
    if (ch === '\n') {
      out += space + word + ch;
      space = '';
      word = '';
      current = 0;
    } else if (/\s/.test(ch) && ch !== '\u00a0') {
      if (space === '' || word !== '') {
        current += len(space) + len(word);
        out += space + word;
        space = '';
        word = '';
      }
      space += ch;
    } else {
      word += ch;
      if (current + len(space) + len(word) > limit && len(word) < limit) {
        out += '\n';
        current = 0;
        space = '';
      }
    }
  }
  if (word === '') {
    if (current + len(space) <= limit) out += space;
  } else {
    out += space + word;
  }
  return out;
}

/** The template's `indent`: pad the first line and every line after a newline. */
export function indent(amount: number, s: string): string {
  const pad = ' '.repeat(amount);
  return pad + s.split('\n').join(`\n${pad}`);
}

function resolveRef(ref: string | undefined, doc: ExplainDoc): Schema | undefined {
  return ref ? doc.schemas[refName(ref)] : undefined;
}

const isMapSchema = (v: Schema['additionalProperties']): v is Schema => typeof v === 'object' && v !== null;

export function typeGuess(schema: Schema, doc: ExplainDoc): string {
  if (schema.items) return `[]${typeGuess(schema.items, doc)}`;
  if (isMapSchema(schema.additionalProperties)) return `map[string]${typeGuess(schema.additionalProperties, doc)}`;
  if (schema.allOf && !schema.properties && schema.allOf.length === 1) return typeGuess(schema.allOf[0], doc);
  if (schema.$ref) {
    const target = resolveRef(schema.$ref, doc);
    if (!target || !target.type || target.type === 'object') return refName(schema.$ref).split('.').at(-1) || 'Object';
    return target.type;
  }
  if (schema.type === 'object') return 'Object';
  return schema.type ?? 'Object';
}

function enumValue(v: string | number | boolean): string {
  return v === '' ? '""' : String(v);
}

/** ENUM: lines (one field's page) or an `enum: a, b, c, d, ....` line (a field list). */
function extractEnum(schema: Schema, longView: boolean, limit: number, indentAmount = 0): string {
  if (!schema.enum?.length) return '';
  let out = longView ? 'ENUM:' : `\n${' '.repeat(indentAmount)}enum: `;
  for (const [i, v] of schema.enum.entries()) {
    if (limit > -1 && i >= limit) {
      out += ', ....';
      break;
    }
    if (i > 0 && !longView) out += ', ';
    else if (longView) out += '\n    ';
    out += enumValue(v);
  }
  return out;
}

function description(schema: Schema, doc: ExplainDoc): string {
  const s = resolveRef(schema.$ref, doc) ?? schema;
  let out = s.description ? `${s.description}\n` : '';
  for (const sub of s.allOf ?? []) out += description(sub, doc);
  if (s.items) out += description(s.items, doc);
  if (isMapSchema(s.additionalProperties)) out += description(s.additionalProperties, doc);
  return out;
}

interface ExternalDocs { description?: string; url?: string }

function externalDocs(schema: Schema): string {
  const ext = (schema as { externalDocs?: ExternalDocs }).externalDocs;
  if (!ext) return '';
  let out = 'EXTERNAL DOCS:\n';
  if (ext.description) out += `${indent(4, wrapString(ext.description, 76))}\n`;
  if (ext.url) out += `${indent(4, `URL: ${ext.url}`)}\n`;
  return out;
}

function fieldDetail(name: string, parent: Schema, short: boolean, level: number, doc: ExplainDoc): string {
  const amount = level * 2;
  const field = parent.properties?.[name] ?? {};
  let out = `${indent(amount, name)}\t<${typeGuess(field, doc)}>`;
  if (parent.required?.includes(name)) out += ' -required-';
  out += extractEnum(field, false, 4, amount);
  out += '\n';
  if (!short) {
    out += `${indent(amount + 2, wrapString(field.description || '<no description>', 78 - amount))}\n`;
    const ext = (field as { externalDocs?: ExternalDocs }).externalDocs;
    if (ext) {
      out += `\n${indent(amount + 2, 'EXTERNAL DOCS:')}\n`;
      if (ext.description) out += `${indent(amount + 4, wrapString(ext.description, 76 - amount))}\n`;
      if (ext.url) out += `${indent(amount + 4, `URL: ${ext.url}`)}\n`;
    }
    out += '\n';
  }
  return out;
}

function fieldList(schema: Schema, level: number, history: Set<string>, recursive: boolean, maxDepth: number, doc: ExplainDoc): string {
  const ref = schema.$ref ?? '';
  if (ref && history.has(ref)) return '';
  const next = new Set(history).add(ref);
  const resolved = resolveRef(ref, doc) ?? schema;
  let out = '';
  for (const name of Object.keys(resolved.properties ?? {}).sort()) {
    out += fieldDetail(name, resolved, recursive, level, doc);
    if (recursive && (maxDepth === 0 || level < maxDepth)) {
      out += fieldList(resolved.properties?.[name] ?? {}, level + 1, next, recursive, maxDepth, doc);
    }
  }
  for (const sub of resolved.allOf ?? []) out += fieldList(sub, level, next, recursive, maxDepth, doc);
  if (resolved.items) out += fieldList(resolved.items, level, next, recursive, maxDepth, doc);
  if (isMapSchema(resolved.additionalProperties)) out += fieldList(resolved.additionalProperties, level, next, recursive, maxDepth, doc);
  return out;
}

/** The template's "output": '' when the field path leads nowhere. */
function output(schema: Schema, path: string[], history: Set<string>, recursive: boolean, maxDepth: number, doc: ExplainDoc): string {
  const ref = schema.$ref ?? '';
  const next = new Set(history).add(ref);
  const resolved = resolveRef(ref, doc) ?? schema;
  if (path.length === 0) {
    let out = `DESCRIPTION:\n${indent(4, wrapString(description(resolved, doc) || '<empty>', 76))}\n`;
    const ext = externalDocs(resolved);
    if (ext) out += `\n${ext}`;
    const fields = fieldList(resolved, 1, new Set(), recursive, maxDepth, doc);
    if (fields) out += `FIELDS:\n${fields}`;
    return out;
  }
  if (ref && history.has(ref)) return '';
  const sub = resolved.properties?.[path[0]];
  if (sub) {
    let out = '';
    if (path.length === 1) out += `FIELD: ${path[0]} <${typeGuess(sub, doc)}>\n${extractEnum(sub, true, -1)}\n\n`;
    return out + output(sub, path.slice(1), new Set(), recursive, maxDepth, doc);
  }
  if (resolved.items) return output(resolved.items, path, next, recursive, maxDepth, doc);
  if (isMapSchema(resolved.additionalProperties)) return output(resolved.additionalProperties, path, next, recursive, maxDepth, doc);
  for (const alt of resolved.allOf ?? []) {
    const out = output(alt, path, next, recursive, maxDepth, doc);
    if (out) return out;
  }
  return '';
}

export interface ExplainRequest {
  group: string;
  version: string;
  kind: string;
  schema: Schema;
  fieldPath: string[];
  recursive: boolean;
  maxDepth: number;
}

/** The whole page, or undefined when the field path does not exist (the caller words the error). */
export function renderExplain(req: ExplainRequest, doc: ExplainDoc): string | undefined {
  const body = output(req.schema, req.fieldPath, new Set(), req.recursive, req.maxDepth, doc);
  if (!body) return undefined;
  const head = `${req.group ? `GROUP:      ${req.group}\n` : ''}KIND:       ${req.kind}\nVERSION:    ${req.version}\n\n`;
  return `${head}${body}\n`;
}
