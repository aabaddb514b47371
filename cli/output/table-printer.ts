// Prints the server's meta.k8s.io Table as kubectl's HumanReadablePrinter does: upper-case headers, priority-1
// columns only with -o wide, NAMESPACE first with -A, LABELS last with --show-labels, `kind/name` when several kinds
// are printed, and the EVENT column for `get -w --output-watch-events`. Headers are printed once per run of tables
// with the same columns, so the rows of a watch line up under the list that started it.
import type { ObjectMeta } from '../../apiserver/api/types.ts';
import { goSprint } from './go-values.ts';
import { formatLabels } from './labels.ts';
import type { TabWriter } from './tabwriter.ts';

export interface TableColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
}

export interface TableRow {
  cells: unknown[];
  object?: { metadata?: ObjectMeta } | null;
}

export interface Table {
  kind?: string;
  apiVersion?: string;
  metadata?: { resourceVersion?: string; continue?: string };
  columnDefinitions: TableColumn[];
  rows: TableRow[];
}

export interface TablePrintOptions {
  wide?: boolean;
  noHeaders?: boolean;
  withNamespace?: boolean;
  showLabels?: boolean;
  /** `-L key`: one column per label key. */
  columnLabels?: string[];
  /** Lower-case `kind` or `kind.group` put before each name when several kinds are printed. */
  kindPrefix?: string;
}

const eventNames: Record<string, string> = {
  ADDED: 'ADDED   ', MODIFIED: 'MODIFIED', DELETED: 'DELETED ', ERROR: 'ERROR   ',
};

/** kubectl's cell text: the first line of a string (with `...` when cut), other values as Go prints them. */
export function cellText(cell: unknown): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'string') {
    const cut = cell.search(/[\f\n\r]/);
    return escapeTerminal(cut >= 0 ? `${cell.slice(0, cut)}...` : cell);
  }
  return escapeTerminal(goSprint(cell));
}

/** printers.EscapeTerminal: an escape character in a value must not reach the terminal. */
function escapeTerminal(s: string): string {
  return s.replaceAll('\x1b', '^[');
}

export class TablePrinter {
  private readonly opts: TablePrintOptions;
  private lastColumns: TableColumn[] | undefined;
  private printedHeaders = false;

  constructor(opts: TablePrintOptions) {
    this.opts = opts;
  }

  /** Writes the table's rows (and its header when due) to `w`; `eventType` adds kubectl's EVENT column. */
  print(table: Table, w: TabWriter, eventType?: string): void {
    let noHeaders = this.opts.noHeaders ?? false;
    const defs = table.columnDefinitions ?? [];
    if (this.printedHeaders && (defs.length === 0 || sameColumns(defs, this.lastColumns))) noHeaders = true;
    let columns = defs;
    if (defs.length === 0) columns = this.lastColumns ?? [];
    else if (!sameColumns(defs, this.lastColumns)) {
      this.lastColumns = defs;
      this.printedHeaders = false;
    }
    if (table.rows.length > 0) this.printedHeaders = true;
    const { headers, rows } = this.decorate(columns, table.rows);
    if (eventType) {
      headers.unshift('EVENT');
      for (const r of rows) r.unshift(eventNames[eventType] ?? eventType);
    }
    if (rows.length === 0) return;
    if (!noHeaders) w.row(headers);
    for (const r of rows) w.row(r);
  }

  private decorate(columns: TableColumn[], rows: TableRow[]): { headers: string[]; rows: string[][] } {
    const { wide, withNamespace, showLabels, kindPrefix } = this.opts;
    const labelKeys = this.opts.columnLabels ?? [];
    const visible = columns.map((c, i) => ({ c, i })).filter(({ c }) => wide || !c.priority);
    const nameColumn = kindPrefix ? columns.findIndex((c) => c.format === 'name' && c.type === 'string') : -1;
    const headers = visible.map(({ c }) => c.name.toUpperCase());
    if (withNamespace) headers.unshift('NAMESPACE');
    for (const key of labelKeys) headers.push((key.split('/').at(-1) ?? key).toUpperCase());
    if (showLabels) headers.push('LABELS');

    const out = rows.map((row) => {
      const meta = row.object?.metadata;
      const cells = visible.map(({ i }) => {
        const text = cellText(row.cells[i]);
        return i === nameColumn ? `${kindPrefix}/${text}` : text;
      });
      if (withNamespace) cells.unshift(meta?.namespace ?? '');
      for (const key of labelKeys) cells.push(meta?.labels?.[key] ?? '');
      if (showLabels) cells.push(meta ? formatLabels(meta.labels) : '');
      return cells;
    });
    return { headers, rows: out };
  }
}

function sameColumns(a: TableColumn[], b: TableColumn[] | undefined): boolean {
  if (!b || a.length !== b.length) return false;
  return a.every((c, i) => c.name === b[i].name && c.type === b[i].type && (c.format ?? '') === (b[i].format ?? '')
    && (c.priority ?? 0) === (b[i].priority ?? 0) && (c.description ?? '') === (b[i].description ?? ''));
}
