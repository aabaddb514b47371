// Reading `-f` inputs as kubectl's resource builder does: files (any extension when named), directories (their
// .json/.yaml/.yml files, subdirectories only with -R), `-` for stdin (named "STDIN" in messages); each stream
// split into YAML (or JSON) documents, empty ones skipped, `kind: List` flattened into its items. A syntax error
// stops that stream and names the file and line; the streams after it are still read, as kubectl continues.
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, type Document, type Tags } from 'yaml';
import type { ApiObject } from '../apiserver/client/object.ts';
import { CliError, usageError } from './errors.ts';

export const stdinSource = 'STDIN';
const extensions = ['.json', '.yaml', '.yml'];

/** One document read from a stream, or the error that ended the stream. */
export type ManifestEntry =
  | { source: string; object: ApiObject; error?: undefined }
  | { source: string; error: CliError; object?: undefined };

export interface ManifestOptions {
  recursive?: boolean;
  /** Reads standard input (injectable for tests). */
  readStdin?: () => string;
}

/** The file paths `-f` names expand to, in kubectl's order; a missing path fails before anything is read. */
export function expandPaths(filenames: readonly string[], recursive: boolean): string[] {
  const out: string[] = [];
  for (const name of filenames) {
    if (name === '-') {
      out.push(stdinSource);
      continue;
    }
    if (/^https?:\/\//.test(name)) throw usageError(`reading manifests from URLs is not supported: ${name}`);
    if (!fs.existsSync(name)) throw usageError(`the path "${name}" does not exist`);
    if (fs.statSync(name).isDirectory()) out.push(...walk(name, recursive));
    else out.push(name);
  }
  if (out.length === 0) {
    throw usageError(`error reading [${filenames.join(' ')}]: recognized file extensions are [${extensions.join(' ')}]`);
  }
  return out;
}

/** filepath.Walk: lexical order, files of a directory before nothing else; subdirectories only when recursive. */
function walk(dir: string, recursive: boolean): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (recursive) out.push(...walk(full, recursive));
    } else if (extensions.includes(path.extname(entry.name))) {
      out.push(full);
    }
  }
  return out;
}

/** Every document of every input, in order. */
export function readManifests(filenames: readonly string[], opts: ManifestOptions = {}): ManifestEntry[] {
  const entries: ManifestEntry[] = [];
  for (const source of expandPaths(filenames, opts.recursive ?? false)) {
    const text = source === stdinSource ? (opts.readStdin ?? readStdin)() : fs.readFileSync(source, 'utf8');
    entries.push(...parseManifests(text, source));
  }
  return entries;
}

function readStdin(): string {
  return fs.readFileSync(0, 'utf8');
}

// kubectl converts YAML to JSON with go-yaml v2's YAML 1.1 rules (0644 is octal, `yes` a boolean), but keeps
// timestamps as the strings they were written as.
const withoutTimestamps = (tags: Tags): Tags => tags.filter((t) => (typeof t === 'string' ? t !== 'timestamp' : t.tag !== 'tag:yaml.org,2002:timestamp'));

/** The documents of one stream; a syntax error ends the stream with an error naming `source` and the line. */
export function parseManifests(text: string, source: string): ManifestEntry[] {
  const docs = parseAllDocuments(text.replace(/^\uFEFF/, ''), { version: '1.1', customTags: withoutTimestamps, merge: true });
  const entries: ManifestEntry[] = [];
  for (const doc of Array.isArray(docs) ? docs : []) {
    const problem = doc.errors[0];
    if (problem) {
      const line = problem.linePos?.[0].line;
      const message = problem.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      entries.push({ source, error: usageError(`error parsing ${source}: error converting YAML to JSON: yaml: ${line ? `line ${line}: ` : ''}${message}`) });
      return entries;
    }
    const value = toJson(doc);
    if (value === null || value === undefined) continue;
    const problems = typeof value === 'object' && !Array.isArray(value)
      ? typeMetaProblems(value as Record<string, unknown>) : ['invalid object to validate'];
    if (problems.length > 0) {
      const listed = problems.length === 1 ? problems[0] : `[${problems.join(', ')}]`;
      entries.push({ source, error: usageError(`error validating "${source}": error validating data: ${listed}; if you choose to ignore these errors, turn validation off with --validate=false`) });
      return entries;
    }
    for (const object of flattenList(value as ApiObject)) entries.push({ source, object });
  }
  return entries;
}

function toJson(doc: Document): unknown {
  // Through JSON, as kubectl's YAML-to-JSON conversion: no Dates, Maps or undefined survive.
  const js: unknown = doc.toJS({ maxAliasCount: 100 });
  return js === undefined ? undefined : JSON.parse(JSON.stringify(js)) as unknown;
}

function typeMetaProblems(obj: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (obj.apiVersion === undefined || obj.apiVersion === null) problems.push('apiVersion not set');
  else if (typeof obj.apiVersion !== 'string') problems.push("apiVersion isn't string type");
  if (obj.kind === undefined || obj.kind === null) problems.push('kind not set');
  else if (typeof obj.kind !== 'string') problems.push("kind isn't string type");
  return problems;
}

/** `kind: List` (or any `*List` with items) becomes its items, recursively. */
function flattenList(obj: ApiObject): ApiObject[] {
  const items = (obj as { items?: unknown }).items;
  if (typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(items)) {
    return items.flatMap((item) => (item && typeof item === 'object' ? flattenList(item as ApiObject) : []));
  }
  return [obj];
}
