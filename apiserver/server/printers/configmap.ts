// kubectl get configmaps: NAME DATA AGE.
import type { ConfigMap } from '../../api/types.ts';
import { ageCell, kindPrinter } from './kind-printer.ts';
import { ageColumn, column, nameColumn } from './printer.ts';

export const configMapPrinter = kindPrinter<ConfigMap>([
  nameColumn,
  column('Data', 'string', 'Data contains the configuration data. Each key must consist of alphanumeric characters, \'-\', \'_\' or \'.\'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.'),
  ageColumn,
], (cm, now) => [
  cm.metadata?.name ?? '',
  // DATA counts text and binary keys together.
  Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length,
  ageCell(cm, now),
]);
