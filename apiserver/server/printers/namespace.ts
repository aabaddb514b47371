// kubectl get namespaces: NAME STATUS AGE.
import type { Namespace } from '../../api/types.ts';
import { ageCell, kindPrinter } from './kind-printer.ts';
import { ageColumn, column, nameColumn } from './printer.ts';

export const namespacePrinter = kindPrinter<Namespace>([
  nameColumn,
  column('Status', 'string', 'The status of the namespace'),
  ageColumn,
], (ns, now) => [ns.metadata?.name ?? '', ns.status?.phase ?? '', ageCell(ns, now)]);
