// kubectl get deployments: NAME READY UP-TO-DATE AVAILABLE AGE, wide: CONTAINERS IMAGES SELECTOR.
import type { Deployment } from '../../api/types.ts';
import { ageCell, kindPrinter } from './kind-printer.ts';
import { ageColumn, column, nameColumn } from './printer.ts';
import { labelSelectorString } from './selectors.ts';
import { containerCells, containersColumn, imagesColumn } from './template-cells.ts';

export const deploymentPrinter = kindPrinter<Deployment>([
  nameColumn,
  column('Ready', 'string', 'Number of the pod with ready state'),
  column('Up-to-date', 'string', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
  column('Available', 'string', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
  ageColumn,
  containersColumn,
  imagesColumn,
  column('Selector', 'string', 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.', { priority: 1 }),
], (deploy, now) => [
  deploy.metadata?.name ?? '',
  `${deploy.status?.readyReplicas ?? 0}/${deploy.spec?.replicas ?? 0}`,
  deploy.status?.updatedReplicas ?? 0,
  deploy.status?.availableReplicas ?? 0,
  ageCell(deploy, now),
  ...containerCells(deploy.spec?.template?.spec?.containers),
  // Unlike the other workloads, a Deployment prints its selector raw: empty rather than <none>.
  labelSelectorString(deploy.spec?.selector) ?? '<invalid>',
]);
