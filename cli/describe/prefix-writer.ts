// kubectl describe's PrefixWriter: each write is indented two spaces per level, and everything goes through one
// tab writer (minwidth 0, padding 2) so `Key:\tvalue` lines align in runs, exactly as kubectl's do.
import { describeOptions, TabWriter } from '../output/tabwriter.ts';

export const LEVEL_0 = 0;
export const LEVEL_1 = 1;
export const LEVEL_2 = 2;
export const LEVEL_3 = 3;

export class PrefixWriter {
  private readonly tw: TabWriter | undefined;
  private output = '';

  /**
   * `raw`: no alignment, tabs kept, as kubectl's NewPrefixWriter over a plain buffer (`rollout history
   * --revision`, `rollout undo --dry-run` print pod templates that way).
   */
  constructor(opts: { raw?: boolean } = {}) {
    this.tw = opts.raw ? undefined : new TabWriter((t) => { this.output += t; }, describeOptions);
  }

  private emit(text: string): void {
    if (this.tw) this.tw.write(text);
    else this.output += text;
  }

  /** Writes `text` indented by `level`; like kubectl's Write(level, format, ...), text need not end a line. */
  write(level: number, text: string): void {
    this.emit('  '.repeat(level) + text);
  }

  /** Writes the rest of a line, without indentation. */
  writeLine(text: string): void {
    this.emit(`${text}\n`);
  }

  /** Aligns and emits what was written so far; later lines align among themselves (kubectl does this before Events). */
  flush(): void {
    this.tw?.flush();
  }

  /** Everything written, formatted. */
  toString(): string {
    this.tw?.flush();
    return this.output;
  }
}
