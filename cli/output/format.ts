// -o: which printer a command uses. Table output (default and wide) comes from the server's Table; every other
// format prints the objects themselves, a List when there are several (or when a whole collection was asked for).
import fs from 'node:fs';
import { usageError } from '../errors.ts';
import { parseCustomColumns, type CustomColumn } from './custom-columns.ts';
import { JsonPath, JsonPathError } from './jsonpath.ts';

export type OutputFormat =
  | { type: 'table'; wide: boolean }
  | { type: 'json' }
  | { type: 'yaml' }
  | { type: 'name' }
  | { type: 'jsonpath'; template: string; path: JsonPath }
  | { type: 'custom-columns'; columns: CustomColumn[] };

const allowed = 'custom-columns,custom-columns-file,json,jsonpath,jsonpath-file,name,wide,yaml';

export function parseOutputFormat(value: string | undefined, opts: { allowMissingTemplateKeys?: boolean } = {}): OutputFormat {
  if (value === undefined || value === '') return { type: 'table', wide: false };
  const eq = value.indexOf('=');
  const name = eq < 0 ? value : value.slice(0, eq);
  const arg = eq < 0 ? undefined : value.slice(eq + 1);
  switch (name) {
    case 'wide': return { type: 'table', wide: true };
    case 'json': return { type: 'json' };
    case 'yaml': return { type: 'yaml' };
    case 'name': return { type: 'name' };
    case 'jsonpath':
    case 'jsonpath-file': {
      if (arg === undefined || arg === '') throw usageError('template format specified but no template given');
      const template = name === 'jsonpath' ? arg : readFile(arg);
      try {
        return { type: 'jsonpath', template, path: new JsonPath(template, { allowMissingKeys: opts.allowMissingTemplateKeys ?? true }) };
      } catch (e) {
        throw usageError(`error parsing jsonpath ${template}, ${(e as Error).message}`);
      }
    }
    case 'custom-columns':
    case 'custom-columns-file': {
      const spec = name === 'custom-columns' ? arg ?? '' : customColumnsFromFile(readFile(arg ?? ''));
      try {
        return { type: 'custom-columns', columns: parseCustomColumns(spec) };
      } catch (e) {
        if (e instanceof JsonPathError) throw usageError(e.message);
        throw e;
      }
    }
    default:
      throw usageError(`unable to match a printer suitable for the output format "${value}", allowed formats are: ${allowed}`);
  }
}

function readFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw usageError(`error reading template ${file}, ${(e as Error).message}`);
  }
}

/** A custom-columns file: a header line and a line of paths, whitespace-separated, in the same order. */
function customColumnsFromFile(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length !== 2) throw usageError('custom-columns file must have exactly two lines: headers and paths');
  const headers = lines[0].trim().split(/\s+/);
  const paths = lines[1].trim().split(/\s+/);
  if (headers.length !== paths.length) {
    throw usageError(`number of headers (${headers.length}) and number of field specifications (${paths.length}) don't match`);
  }
  return headers.map((h, i) => `${h}:${paths[i]}`).join(',');
}
