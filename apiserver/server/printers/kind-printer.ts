// Adapts a print function written against one kind's own type to the registry's generic Printer.
import type { KubeObject } from '../../api/types.ts';
import { humanAge, type ColumnDefinition, type Printer } from './printer.ts';

export function kindPrinter<T>(columns: ColumnDefinition[], cells: (obj: T, now: number) => unknown[]): Printer {
  // The registry hands a printer only objects of the resource it is registered for; this is the one place
  // the stored object is read as its kind.
  return { columns, cells: (obj: KubeObject, now: number) => cells(obj as T, now) };
}

/** The AGE cell every kind ends its standard columns with. */
export function ageCell(obj: { metadata?: { creationTimestamp?: string } }, now: number): string {
  return humanAge(obj.metadata?.creationTimestamp, now);
}
