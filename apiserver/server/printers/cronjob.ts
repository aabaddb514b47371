// kubectl get cronjobs: NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE, wide: CONTAINERS IMAGES SELECTOR.
import type { CronJob } from '../../api/types.ts';
import { ageCell, kindPrinter } from './kind-printer.ts';
import { ageColumn, column, humanAge, nameColumn } from './printer.ts';
import { formatLabelSelector } from './selectors.ts';
import { containerCells, containersColumn, imagesColumn } from './template-cells.ts';

export const cronJobPrinter = kindPrinter<CronJob>([
  nameColumn,
  column('Schedule', 'string', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
  column('Timezone', 'string', 'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this will default to the time zone of the kube-controller-manager process. The set of valid time zone names and the time zone offset is loaded from the system-wide time zone database by the API server during CronJob validation and the controller manager during execution. If no system-wide time zone database can be found a bundled version of the database is used instead. If the time zone name becomes invalid during the lifetime of a CronJob or due to a change in host configuration, the controller will stop creating new new Jobs and will create a system event with the reason UnknownTimeZone. More information can be found in https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones'),
  column('Suspend', 'boolean', 'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false.'),
  column('Active', 'integer', 'A list of pointers to currently running jobs.'),
  column('Last Schedule', 'string', 'Information when was the last time the job was successfully scheduled.'),
  ageColumn,
  containersColumn,
  imagesColumn,
  column('Selector', 'string', 'A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors', { priority: 1 }),
], (cj, now) => {
  const podSpec = cj.spec?.jobTemplate?.spec?.template?.spec;
  return [
    cj.metadata?.name ?? '',
    cj.spec?.schedule ?? '',
    cj.spec?.timeZone ?? '<none>',
    optionalBoolCell(cj.spec?.suspend),
    (cj.status?.active ?? []).length,
    cj.status?.lastScheduleTime ? humanAge(cj.status.lastScheduleTime, now) : '<none>',
    ageCell(cj, now),
    ...containerCells(podSpec?.containers),
    formatLabelSelector(cj.spec?.jobTemplate?.spec?.selector),
  ];
});

/** The SUSPEND cell is text even though the column says boolean: True, False, or <unset> (Go's printBoolPtr). */
function optionalBoolCell(value: boolean | undefined): string {
  if (value === undefined || value === null) return '<unset>';
  return value ? 'True' : 'False';
}
