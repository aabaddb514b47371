// Go's text/tabwriter (elastic tabstops), as kubectl uses it through github.com/liggitt/tabwriter. Text is written
// with '\t' ending each aligned cell and '\n' ending each line; the last cell of a line is never padded. A column's
// width is decided per block of consecutive lines that have a cell in that column, which is why `describe` output
// aligns in runs broken by section headers. With rememberWidths (kubectl get), widths seen before a flush are kept,
// so rows printed later by a watch stay aligned with the rows above them.

export interface TabWriterOptions {
  /** Minimal cell width, padding included. */
  minWidth: number;
  /** Spaces added to the widest cell of a column. */
  padding: number;
  rememberWidths?: boolean;
}

/** kubectl get: printers.GetNewTabWriter (minwidth 6, padding 3, RememberWidths). */
export const getTableOptions: TabWriterOptions = { minWidth: 6, padding: 3, rememberWidths: true };
/** kubectl describe: tabwriter.NewWriter(out, 0, 8, 2, ' ', 0). */
export const describeOptions: TabWriterOptions = { minWidth: 0, padding: 2 };

type Line = string[];

export class TabWriter {
  private readonly opts: TabWriterOptions;
  private readonly sink: (text: string) => void;
  private pending = '';
  private maxWidths: number[] = [];

  constructor(sink: (text: string) => void, opts: TabWriterOptions) {
    this.sink = sink;
    this.opts = opts;
  }

  write(text: string): void {
    this.pending += text;
  }

  /** Writes cells as one tab-separated line. */
  row(cells: readonly string[]): void {
    this.pending += `${cells.join('\t')}\n`;
  }

  /** Forgets remembered widths (kubectl does this when it starts a table of another kind). */
  resetWidths(): void {
    this.maxWidths = [];
  }

  /** Formats and writes everything buffered. */
  flush(): void {
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    const endsWithNewline = text.endsWith('\n');
    const lines: Line[] = (endsWithNewline ? text.slice(0, -1) : text).split('\n').map((l) => l.split('\t'));
    const out: string[] = [];
    this.format(lines, [], 0, lines.length, out);
    this.sink(out.join('\n') + (endsWithNewline ? '\n' : ''));
  }

  private format(lines: Line[], widths: number[], line0: number, line1: number, out: string[]): void {
    const column = widths.length;
    let start = line0;
    for (let i = line0; i < line1; i++) {
      if (column >= lines[i].length - 1) continue;
      // A block of lines with a cell in this column begins at i.
      this.writeLines(lines, widths, start, i, out);
      start = i;
      let width = this.opts.minWidth;
      for (; i < line1; i++) {
        if (column >= lines[i].length - 1) break;
        width = Math.max(width, cellWidth(lines[i][column]) + this.opts.padding);
      }
      if (this.opts.rememberWidths) {
        const remembered = this.maxWidths[column];
        if (remembered === undefined || remembered < width) this.maxWidths[column] = width;
        else width = remembered;
      }
      this.format(lines, [...widths, width], start, i, out);
      start = i;
      i--;
    }
    this.writeLines(lines, widths, start, line1, out);
  }

  private writeLines(lines: Line[], widths: number[], line0: number, line1: number, out: string[]): void {
    for (let i = line0; i < line1; i++) {
      let text = '';
      const cells = lines[i];
      cells.forEach((cell, j) => {
        text += cell;
        if (j < widths.length && j < cells.length - 1) text += ' '.repeat(Math.max(0, widths[j] - cellWidth(cell)));
      });
      out.push(text);
    }
  }
}

/** Go counts runes, not UTF-16 units. */
function cellWidth(cell: string): number {
  let n = 0;
  for (const _ of cell) n++;
  return n;
}
