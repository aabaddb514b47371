// -o custom-columns=HEADER:.json.path,...: one row per object, each cell the JSONPath's results joined by commas,
// `<none>` when a path finds nothing. Headers are printed as given (kubectl does not upper-case them).
import { goSprint } from './go-values.ts';
import { JsonPath, JsonPathError, relaxedJsonPathExpression } from './jsonpath.ts';
import type { TabWriter } from './tabwriter.ts';

export interface CustomColumn {
  header: string;
  /** The template as kubectl normalizes it: `{.metadata.name}`. */
  fieldSpec: string;
  path: JsonPath;
}

/** Parses `NAME:.metadata.name,IMAGE:.spec.containers[*].image`. */
export function parseCustomColumns(spec: string): CustomColumn[] {
  if (spec === '') throw new JsonPathError('custom-columns format specified but no custom columns given');
  return spec.split(',').map((part) => {
    const colon = part.indexOf(':');
    if (colon < 0) throw new JsonPathError(`unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`);
    const fieldSpec = relaxedJsonPathExpression(part.slice(colon + 1));
    return { header: part.slice(0, colon), fieldSpec, path: new JsonPath(fieldSpec) };
  });
}

export function customColumnCells(columns: CustomColumn[], obj: unknown): string[] {
  return columns.map((col) => {
    const results = col.path.findResults(obj);
    if (results.length === 0 || results[0].length === 0) return '<none>';
    return results.flat().map((v) => goSprint(v).replaceAll('\x1b', '^[')).join(',');
  });
}

export function printCustomColumns(columns: CustomColumn[], objects: unknown[], w: TabWriter,
  opts: { noHeaders?: boolean } = {}): void {
  if (!opts.noHeaders) w.row(columns.map((c) => c.header));
  for (const obj of objects) w.row(customColumnCells(columns, obj));
}
