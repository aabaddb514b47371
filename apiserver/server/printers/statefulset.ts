// kubectl get statefulsets: NAME READY AGE, wide: CONTAINERS IMAGES.
import type { StatefulSet } from '../../api/types.ts';
import { ageCell, kindPrinter } from './kind-printer.ts';
import { ageColumn, column, nameColumn } from './printer.ts';
import { containerCells, containersColumn, imagesColumn } from './template-cells.ts';

export const statefulSetPrinter = kindPrinter<StatefulSet>([
  nameColumn,
  column('Ready', 'string', 'Number of the pod with ready state'),
  ageColumn,
  containersColumn,
  imagesColumn,
], (sts, now) => [
  sts.metadata?.name ?? '',
  `${sts.status?.readyReplicas ?? 0}/${sts.spec?.replicas ?? 0}`,
  ageCell(sts, now),
  ...containerCells(sts.spec?.template?.spec?.containers),
]);
