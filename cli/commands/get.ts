// skiffctl get: display one or many resources, as kubectl get does. Tables come from the server (the columns are
// the server's printers, so they match kubectl's); other -o formats print the objects. Several kinds print as
// separate tables with `kind/name` names; errors for individual names are reported after what could be printed.
import type { Command } from 'commander';
import { isNotFound } from '../../apiserver/client/status-error.ts';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { collect, type Runner } from '../command.ts';
import { completes } from '../completion.ts';
import { kindPrefix, type DiscoveredResource } from '../discovery.ts';
import { AggregateCliError, CliError, usageError } from '../errors.ts';
import { getObject, getTable, listObjects, listTable, type Selectors } from '../fetch.ts';
import { parseOutputFormat, type OutputFormat } from '../output/format.ts';
import { ObjectPrinter } from '../output/objects.ts';
import { Sorter } from '../output/sort.ts';
import { TablePrinter, type Table } from '../output/table-printer.ts';
import { getTableOptions, TabWriter } from '../output/tabwriter.ts';
import { parseResourceArgs, resolveResourceArgs, type ResourceArgs, type ResourceTarget } from '../resolve.ts';
import type { Session } from '../session.ts';
import { watchGet } from './get-watch.ts';

export interface GetOptions {
  output?: string;
  selector?: string;
  fieldSelector?: string;
  allNamespaces?: boolean;
  showLabels?: boolean;
  /** commander's negation of --no-headers. */
  headers?: boolean;
  labelColumns?: string[];
  watch?: boolean;
  watchOnly?: boolean;
  outputWatchEvents?: boolean;
  ignoreNotFound?: boolean;
  chunkSize?: string;
  showKind?: boolean;
  allowMissingTemplateKeys?: boolean;
  sortBy?: string;
}

export const requiredResourceMessage = `You must specify the type of resource to get. Use "skiffctl api-resources" for a complete list of supported resources.

error: Required resource not specified.
Use "skiffctl explain <resource>" for a detailed description of that resource (e.g. skiffctl explain pods).
See 'skiffctl get -h' for help and examples`;

export function register(parent: Command, run: Runner): void {
  completes(parent.command('get')
    .summary('Display one or many resources')
    .description('Display one or many resources: a table by default, or -o json|yaml|wide|name|jsonpath=...|custom-columns=....')
    .argument('[resources...]', 'TYPE[.GROUP][,TYPE...] [NAME...] | TYPE/NAME ... | all')
    .option('-o, --output <format>', 'json|yaml|wide|name|jsonpath=...|jsonpath-file=...|custom-columns=...|custom-columns-file=...')
    .option('-l, --selector <selector>', 'label selector (e.g. -l key1=value1,key2=value2)')
    .option('--field-selector <selector>', 'field selector (e.g. --field-selector metadata.name=web)')
    .option('-A, --all-namespaces', 'list the requested objects across all namespaces')
    .option('--show-labels', 'show all labels as the last column')
    .option('-L, --label-columns <keys>', 'a column for each of these label keys', collect)
    .option('--no-headers', 'do not print headers')
    .option('-w, --watch', 'after listing, watch for changes')
    .option('--watch-only', 'watch for changes without listing first')
    .option('--output-watch-events', 'print an EVENT column (ADDED, MODIFIED, DELETED) when watching')
    .option('--ignore-not-found', 'treat "resource not found" as a successful retrieval')
    .option('--show-kind', 'list the resource type for each object')
    .option('--chunk-size <n>', 'return large lists in chunks rather than all at once', '500')
    .option('--sort-by <field>', 'sort by this JSONPath field (e.g. .metadata.name, {.status.startTime})')
    .option('--no-allow-missing-template-keys', 'fail when a jsonpath field is missing')
    .action(run<GetOptions>(get)), 'resources');
}

/** Whether kubectl would print one object alone instead of a List: exactly one type and one name. */
export function singleItemImplied(args: ResourceArgs, selectors: Selectors): boolean {
  if (selectors.labelSelector || selectors.fieldSelector) return false;
  if (args.form === 'pairs') return args.pairs.length === 1;
  return args.types.length === 1 && args.names.length === 1;
}

async function get(session: Session, opts: GetOptions, args: string[]): Promise<void> {
  if (args.length === 0) throw new CliError(requiredResourceMessage);
  const format = parseOutputFormat(opts.output, { allowMissingTemplateKeys: opts.allowMissingTemplateKeys });
  const discovery = await session.discovery();
  const parsed = parseResourceArgs(args);
  const targets = resolveResourceArgs(discovery, parsed);
  const namespace = opts.allNamespaces ? undefined : session.namespace();
  const selectors: Selectors = { labelSelector: opts.selector, fieldSelector: opts.fieldSelector };
  if (opts.allNamespaces && targets.some((t) => t.names.length > 0 && t.resource.namespaced)) {
    throw usageError('a resource cannot be retrieved by name across all namespaces');
  }
  if (opts.watch || opts.watchOnly) {
    await watchGet(session, { targets, format, namespace, selectors, opts });
    return;
  }
  if (format.type === 'table') await getTables(session, targets, namespace, selectors, opts, format.wide);
  else await getObjects(session, targets, namespace, selectors, opts, format, singleItemImplied(parsed, selectors));
}

interface TableInfo {
  resource: DiscoveredResource;
  table: Table;
}

async function getTables(session: Session, targets: ResourceTarget[], namespace: string | undefined,
  selectors: Selectors, opts: GetOptions, wide: boolean): Promise<void> {
  const client = session.client();
  const sorter = opts.sortBy ? new Sorter(opts.sortBy) : undefined;
  const include = sorter ? 'Object' : undefined;
  const infos: TableInfo[] = [];
  const errors: unknown[] = [];
  for (const { resource, names } of targets) {
    if (names.length === 0) {
      try {
        const table = await listTable(client, resource, namespace, selectors, Number(opts.chunkSize ?? 500), include);
        if (sorter) table.rows = sorter.sort(table.rows, (row) => row.object);
        infos.push({ resource, table });
      } catch (e) {
        errors.push(e);
      }
      continue;
    }
    for (const name of names) {
      try {
        infos.push({ resource, table: await getTable(client, resource, namespace, name, include) });
      } catch (e) {
        if (!(opts.ignoreNotFound && isNotFound(e))) errors.push(e);
      }
    }
  }

  const withKind = opts.showKind || new Set(infos.map((i) => i.resource)).size > 1;
  let written = 0;
  let separatorDue = false;
  const w = new TabWriter((text) => {
    if (text === '') return;
    if (separatorDue) {
      session.out('\n');
      separatorDue = false;
    }
    written += text.length;
    session.out(text);
  }, getTableOptions);
  let printer: TablePrinter | undefined;
  let last: DiscoveredResource | undefined;
  let allNamespaced = !opts.allNamespaces;
  // kubectl's printer flags are shared between kinds, so once one kind printed a NAMESPACE column every later
  // kind does too, cluster-scoped or not. Matching it keeps the output identical.
  let withNamespace = false;
  for (const info of infos) {
    allNamespaced &&= info.resource.namespaced;
    withNamespace ||= Boolean(opts.allNamespaces) && info.resource.namespaced;
    if (info.resource !== last) {
      w.flush();
      w.resetWidths();
      if (last && opts.headers !== false && written > 0) separatorDue = true;
      printer = new TablePrinter({
        wide,
        noHeaders: opts.headers === false,
        withNamespace,
        showLabels: opts.showLabels,
        columnLabels: opts.labelColumns,
        kindPrefix: withKind ? kindPrefix(info.resource) : undefined,
      });
      last = info.resource;
    }
    printer?.print(info.table, w);
  }
  w.flush();
  if (written === 0 && !opts.ignoreNotFound && errors.length === 0) {
    session.err(allNamespaced ? `No resources found in ${session.namespace()} namespace.\n` : 'No resources found\n');
  }
  if (errors.length > 0) throw errors.length === 1 ? errors[0] : new AggregateCliError(errors);
}

async function getObjects(session: Session, targets: ResourceTarget[], namespace: string | undefined,
  selectors: Selectors, opts: GetOptions, format: Exclude<OutputFormat, { type: 'table' }>, single: boolean): Promise<void> {
  const client = session.client();
  const objects: ApiObject[] = [];
  const errors: unknown[] = [];
  for (const { resource, names } of targets) {
    if (names.length === 0) {
      try {
        objects.push(...(await listObjects(client, resource, namespace, selectors, Number(opts.chunkSize ?? 500))).items);
      } catch (e) {
        errors.push(e);
      }
      continue;
    }
    for (const name of names) {
      try {
        objects.push(await getObject(client, resource, namespace, name));
      } catch (e) {
        if (single && !(opts.ignoreNotFound && isNotFound(e))) throw e;
        if (!(opts.ignoreNotFound && isNotFound(e))) errors.push(e);
      }
    }
  }
  if (!(single && objects.length === 0 && opts.ignoreNotFound)) {
    const sorted = opts.sortBy ? new Sorter(opts.sortBy).sort(objects) : objects;
    new ObjectPrinter(format, (t) => session.out(t), { noHeaders: opts.headers === false }).print(sorted, single);
  }
  if (errors.length > 0) throw errors.length === 1 ? errors[0] : new AggregateCliError(errors);
}
