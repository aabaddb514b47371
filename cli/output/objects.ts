// Printing API objects (not tables): -o json, yaml, name, jsonpath and custom-columns, as kubectl's printGeneric does.
// Several objects, or a collection even with one item, print as `kind: List`; one object asked for by name prints
// alone. Items get apiVersion and kind back, which list responses leave out.
import { Document, visit } from 'yaml';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { customColumnCells, printCustomColumns } from './custom-columns.ts';
import type { OutputFormat } from './format.ts';
import { goJson } from './go-values.ts';
import { JsonPathError } from './jsonpath.ts';
import { getTableOptions, TabWriter } from './tabwriter.ts';
import { usageError } from '../errors.ts';

/** What kubectl makes of several objects: a v1 List with an empty resourceVersion. */
export function asList(items: ApiObject[]): Record<string, unknown> {
  return { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } };
}

/** kubectl -o json: 4-space indent, keys sorted, HTML-safe escapes, a final newline. */
export function toJson(obj: unknown): string {
  return `${goJson(obj, '    ')}\n`;
}

const yaml11Tags = new Document(null, { version: '1.1' }).schema.tags;

/** Whether a plain scalar `s` would read back as something other than a string (`1`, `yes`, `~`, a date). */
function resolvesToOtherType(s: string): boolean {
  return yaml11Tags.some((t) => t.tag !== 'tag:yaml.org,2002:str' && 'test' in t && t.test instanceof RegExp && t.test.test(s));
}

/**
 * kubectl -o yaml (sigs.k8s.io/yaml over go-yaml v2): keys sorted, lists not indented, YAML 1.1 quoting. go-yaml
 * double-quotes strings that would read back as another type (and those with tabs) and single-quotes the other
 * strings that cannot be plain (`'***'`, `'a: b'`).
 */
export function toYaml(obj: unknown): string {
  const doc = new Document(obj, { version: '1.1', sortMapEntries: true, aliasDuplicateObjects: false });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && (resolvesToOtherType(node.value) || node.value.includes('\t'))) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ indentSeq: false, lineWidth: 80, minContentWidth: 0, singleQuote: true });
}

/** `pod/web`, `deployment.apps/web`. */
export function objectName(obj: ApiObject): string {
  const apiVersion = obj.apiVersion ?? '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const kind = (obj.kind ?? '').toLowerCase();
  return `${group ? `${kind}.${group}` : kind}/${obj.metadata?.name ?? ''}`;
}

/** Fills in apiVersion and kind on list items, as kubectl's unstructured decoding does. */
export function withTypeMeta<T extends ApiObject>(items: T[], apiVersion: string, kind: string): T[] {
  return items.map((item) => ({ ...item, apiVersion: item.apiVersion ?? apiVersion, kind: item.kind ?? kind }));
}

/**
 * Stateful across calls so a watch prints like kubectl: YAML documents separated by `---`, custom-columns headers
 * once, aligned rows.
 */
export class ObjectPrinter {
  private readonly format: Exclude<OutputFormat, { type: 'table' }>;
  private readonly noHeaders: boolean;
  private readonly sink: (text: string) => void;
  private readonly columns: TabWriter;
  private printed = 0;

  constructor(format: Exclude<OutputFormat, { type: 'table' }>, sink: (text: string) => void, opts: { noHeaders?: boolean } = {}) {
    this.format = format;
    this.noHeaders = opts.noHeaders ?? false;
    this.sink = sink;
    this.columns = new TabWriter(sink, getTableOptions);
  }

  /** Prints one object, or a List of `items` when `single` is false. */
  print(objects: ApiObject[], single: boolean): void {
    const value: ApiObject | Record<string, unknown> = single && objects.length === 1 ? objects[0] : asList(objects);
    const f = this.format;
    switch (f.type) {
      case 'json':
        this.sink(toJson(value));
        break;
      case 'yaml':
        if (this.printed > 0) this.sink('---\n');
        this.sink(toYaml(value));
        break;
      case 'name':
        for (const obj of objects) this.sink(`${objectName(obj)}\n`);
        break;
      case 'jsonpath':
        try {
          this.sink(f.path.execute(value));
        } catch (e) {
          if (e instanceof JsonPathError) throw usageError(`error executing jsonpath ${JSON.stringify(f.template)}: Error executing template: ${e.message}`);
          throw e;
        }
        break;
      case 'custom-columns':
        if (this.printed === 0) printCustomColumns(f.columns, objects, this.columns, { noHeaders: this.noHeaders });
        else for (const obj of objects) this.columns.row(customColumnCells(f.columns, obj));
        this.columns.flush();
        break;
    }
    this.printed++;
  }
}
