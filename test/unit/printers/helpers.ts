// Shared clock and row helpers for the printer tests: a fixed `now`, timestamps relative to it, and a row
// read back by column name so expectations say which column they mean.
import type { KubeObject } from '../../../apiserver/api/types.ts';
import type { Printer } from '../../../apiserver/server/printers/printer.ts';

export const now = Date.parse('2024-05-01T12:00:00Z');

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;

/** An RFC 3339 timestamp the given time before `now`: ago({ m: 5 }). */
export function ago(parts: { s?: number; m?: number; h?: number; d?: number }): string {
  const ms = (parts.s ?? 0) * second + (parts.m ?? 0) * minute + (parts.h ?? 0) * hour + (parts.d ?? 0) * day;
  return new Date(now - ms).toISOString().replace('.000Z', 'Z');
}

/** The printer's cells for one object, keyed by column name. */
export function row(printer: Printer, obj: object): Record<string, unknown> {
  const cells = printer.cells(obj as KubeObject, now);
  if (cells.length !== printer.columns.length) {
    throw new Error(`${cells.length} cells for ${printer.columns.length} columns`);
  }
  return Object.fromEntries(printer.columns.map((c, i) => [c.name, cells[i]]));
}

/** Column names, the ones `kubectl get` shows and the ones only `-o wide` adds. */
export function columnNames(printer: Printer): { standard: string[]; wide: string[] } {
  return {
    standard: printer.columns.filter((c) => c.priority === 0).map((c) => c.name),
    wide: printer.columns.filter((c) => c.priority === 1).map((c) => c.name),
  };
}
