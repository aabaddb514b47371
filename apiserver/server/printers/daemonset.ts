// kubectl get daemonsets: NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE,
// wide: CONTAINERS IMAGES SELECTOR.
import type { DaemonSet } from '../../api/types.ts';
import { ageCell, kindPrinter } from './kind-printer.ts';
import { ageColumn, column, nameColumn } from './printer.ts';
import { formatLabelSelector, formatLabels } from './selectors.ts';
import { containerCells, containersColumn, imagesColumn } from './template-cells.ts';

export const daemonSetPrinter = kindPrinter<DaemonSet>([
  nameColumn,
  column('Desired', 'integer', 'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod). More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/'),
  column('Current', 'integer', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod. More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/'),
  column('Ready', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.'),
  column('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod'),
  column('Available', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)'),
  column('Node Selector', 'string', 'NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node\'s labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/'),
  ageColumn,
  containersColumn,
  imagesColumn,
  column('Selector', 'string', 'A label query over pods that are managed by the daemon set. Must match in order to be controlled. If empty, defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors', { priority: 1 }),
], (ds, now) => [
  ds.metadata?.name ?? '',
  ds.status?.desiredNumberScheduled ?? 0,
  ds.status?.currentNumberScheduled ?? 0,
  ds.status?.numberReady ?? 0,
  ds.status?.updatedNumberScheduled ?? 0,
  ds.status?.numberAvailable ?? 0,
  formatLabels(ds.spec?.template?.spec?.nodeSelector),
  ageCell(ds, now),
  ...containerCells(ds.spec?.template?.spec?.containers),
  formatLabelSelector(ds.spec?.selector),
]);
