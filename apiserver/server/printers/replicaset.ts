// kubectl get replicasets: NAME DESIRED CURRENT READY AGE, wide: CONTAINERS IMAGES SELECTOR.
import type { ReplicaSet } from '../../api/types.ts';
import { ageCell, kindPrinter } from './kind-printer.ts';
import { ageColumn, column, nameColumn } from './printer.ts';
import { formatLabelSelector } from './selectors.ts';
import { containerCells, containersColumn, imagesColumn } from './template-cells.ts';

export const replicaSetPrinter = kindPrinter<ReplicaSet>([
  nameColumn,
  column('Desired', 'integer', 'Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller'),
  column('Current', 'integer', 'Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller'),
  column('Ready', 'integer', 'The number of ready replicas for this replica set.'),
  ageColumn,
  containersColumn,
  imagesColumn,
  column('Selector', 'string', 'Selector is a label query over pods that should match the replica count. If the selector is empty, it is defaulted to the labels present on the pod template. Label keys and values that must match in order to be controlled by this replica set. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors', { priority: 1 }),
], (rs, now) => [
  rs.metadata?.name ?? '',
  rs.spec?.replicas ?? 0,
  rs.status?.replicas ?? 0,
  rs.status?.readyReplicas ?? 0,
  ageCell(rs, now),
  ...containerCells(rs.spec?.template?.spec?.containers),
  formatLabelSelector(rs.spec?.selector),
]);
