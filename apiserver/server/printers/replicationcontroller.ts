// kubectl get replicationcontrollers: NAME DESIRED CURRENT READY AGE, wide: CONTAINERS IMAGES SELECTOR.
import type { ReplicationController } from '../../api/types.ts';
import { ageCell, kindPrinter } from './kind-printer.ts';
import { ageColumn, column, nameColumn } from './printer.ts';
import { formatLabels } from './selectors.ts';
import { containerCells, containersColumn, imagesColumn } from './template-cells.ts';

export const replicationControllerPrinter = kindPrinter<ReplicationController>([
  nameColumn,
  column('Desired', 'integer', 'Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller'),
  column('Current', 'integer', 'Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller'),
  column('Ready', 'integer', 'The number of ready replicas for this replication controller.'),
  ageColumn,
  containersColumn,
  imagesColumn,
  column('Selector', 'string', 'Selector is a label query over pods that should match the Replicas count. If Selector is empty, it is defaulted to the labels present on the Pod template. Label keys and values that must match in order to be controlled by this replication controller, if empty defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors', { priority: 1 }),
], (rc, now) => [
  rc.metadata?.name ?? '',
  rc.spec?.replicas ?? 0,
  rc.status?.replicas ?? 0,
  rc.status?.readyReplicas ?? 0,
  ageCell(rc, now),
  ...containerCells(rc.spec?.template?.spec?.containers),
  // A ReplicationController's selector is a plain label map.
  formatLabels(rc.spec?.selector),
]);
