// skiffctl get -w: print the list (or the named object), then one row per change, as kubectl get --watch does. The
// watch asks for Tables too, so each event's row comes from the server's printer and lines up under the list
// (the tab writer remembers column widths). A list's watch starts at the list's resourceVersion; an object's
// starts at "0", whose first (synthetic ADDED) event repeats what was printed and is skipped.
import type { ApiObject } from '../../apiserver/client/object.ts';
import { resourcePath } from '../../apiserver/client/paths.ts';
import { ApiStatusError, statusFromWatchError } from '../../apiserver/client/status-error.ts';
import { LineSplitter, parseWatchLine, type RawWatchEvent } from '../../apiserver/client/watch-lines.ts';
import { apiVersionOf, type DiscoveredResource } from '../discovery.ts';
import { usageError } from '../errors.ts';
import { getObject, getTable, listObjects, listTable, namespaceFor, tableAccept, type Selectors } from '../fetch.ts';
import type { OutputFormat } from '../output/format.ts';
import { ObjectPrinter, withTypeMeta } from '../output/objects.ts';
import { TablePrinter, type Table } from '../output/table-printer.ts';
import { getTableOptions, TabWriter } from '../output/tabwriter.ts';
import type { ResourceTarget } from '../resolve.ts';
import type { Session } from '../session.ts';
import type { GetOptions } from './get.ts';

export interface WatchRequest {
  targets: ResourceTarget[];
  format: OutputFormat;
  namespace: string | undefined;
  selectors: Selectors;
  opts: GetOptions;
}

export async function watchGet(session: Session, req: WatchRequest): Promise<void> {
  const count = req.targets.reduce((n, t) => n + Math.max(1, t.names.length), 0);
  if (req.targets.length !== 1 || req.targets[0].names.length > 1) {
    throw usageError(`watch is only supported on individual resources and resource collections, but ${count} resources were found`);
  }
  const { resource, names } = req.targets[0];
  const name = names[0];
  const selectors: Selectors = name
    ? { ...req.selectors, fieldSelector: [req.selectors.fieldSelector, `metadata.name=${name}`].filter(Boolean).join(',') }
    : req.selectors;
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (req.format.type === 'table') await watchTables(session, req, resource, name, selectors, req.format.wide, stop.signal);
    else await watchObjects(session, req, resource, name, selectors, req.format, stop.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function watchTables(session: Session, req: WatchRequest, resource: DiscoveredResource, name: string | undefined,
  selectors: Selectors, wide: boolean, signal: AbortSignal): Promise<void> {
  const { opts } = req;
  const client = session.client();
  const w = new TabWriter((t) => session.out(t), getTableOptions);
  const printer = new TablePrinter({
    wide,
    noHeaders: opts.headers === false,
    withNamespace: Boolean(opts.allNamespaces) && resource.namespaced,
    showLabels: opts.showLabels,
    columnLabels: opts.labelColumns,
  });
  const first = name ? await getTable(client, resource, req.namespace, name) : await listTable(client, resource, req.namespace, selectors);
  const events = opts.outputWatchEvents ? 'ADDED' : undefined;
  printer.print(opts.watchOnly ? { ...first, rows: [] } : first, w, events);
  w.flush();
  let skipFirst = Boolean(name);
  await streamEvents(session, resource, req.namespace, selectors, name ? '0' : first.metadata?.resourceVersion ?? '0', signal, (ev) => {
    if (skipFirst) {
      skipFirst = false;
      return;
    }
    const table = ev.object as Table;
    table.rows ??= [];
    printer.print(table, w, opts.outputWatchEvents ? ev.type : undefined);
    w.flush();
  }, tableAccept);
}

async function watchObjects(session: Session, req: WatchRequest, resource: DiscoveredResource, name: string | undefined,
  selectors: Selectors, format: Exclude<OutputFormat, { type: 'table' }>, signal: AbortSignal): Promise<void> {
  const client = session.client();
  const printer = new ObjectPrinter(format, (t) => session.out(t), { noHeaders: req.opts.headers === false });
  let rv = '0';
  if (name) {
    const obj = await getObject(client, resource, req.namespace, name);
    if (!req.opts.watchOnly) printer.print([obj], true);
  } else {
    const list = await listObjects(client, resource, req.namespace, selectors);
    if (!req.opts.watchOnly) for (const obj of list.items) printer.print([obj], true);
    rv = list.metadata?.resourceVersion ?? '0';
  }
  let skipFirst = Boolean(name);
  await streamEvents(session, resource, req.namespace, selectors, rv, signal, (ev) => {
    if (skipFirst) {
      skipFirst = false;
      return;
    }
    const [obj] = withTypeMeta([ev.object as ApiObject], apiVersionOf(resource), resource.kind);
    printer.print([obj], true);
  });
}

/**
 * Streams watch events until `signal` aborts, reconnecting from the last resourceVersion seen when the server ends
 * the stream. BOOKMARKs only move the resourceVersion; an ERROR event ends the command with the server's Status.
 */
export async function streamEvents(session: Session, resource: DiscoveredResource, namespace: string | undefined,
  selectors: Selectors, startRv: string, signal: AbortSignal, onEvent: (ev: RawWatchEvent) => void, accept?: string): Promise<void> {
  const client = session.client();
  let rv = startRv;
  while (!signal.aborted) {
    let res;
    try {
      res = await client.stream('GET', resourcePath(resource, namespaceFor(resource, namespace)), {
        signal,
        accept,
        query: { watch: 'true', resourceVersion: rv, allowWatchBookmarks: 'true', ...selectors },
      });
    } catch (e) {
      if (signal.aborted) return;
      throw e;
    }
    const splitter = new LineSplitter();
    try {
      for await (const chunk of res) {
        for (const line of splitter.push(chunk as Buffer)) {
          const ev = parseWatchLine(line);
          if (!ev || 'error' in ev) continue;
          if (ev.type === 'ERROR') throw new ApiStatusError(statusFromWatchError(ev.object));
          const next = resourceVersionOf(ev.object);
          if (next) rv = next;
          if (ev.type !== 'BOOKMARK') onEvent(ev);
        }
      }
    } catch (e) {
      if (signal.aborted) return;
      throw e;
    } finally {
      res.destroy();
    }
  }
}

/** The resourceVersion of a watched object, or of the object inside a Table row. */
function resourceVersionOf(obj: unknown): string | undefined {
  const o = obj as { kind?: string; metadata?: { resourceVersion?: string }; rows?: { object?: { metadata?: { resourceVersion?: string } } }[] };
  if (o.kind === 'Table') return o.rows?.[0]?.object?.metadata?.resourceVersion ?? o.metadata?.resourceVersion;
  return o.metadata?.resourceVersion;
}
