// kubectl get controllerrevisions: NAME CONTROLLER REVISION AGE.
import type { ControllerRevision } from '../../api/types.ts';
import { ageCell, kindPrinter } from './kind-printer.ts';
import { ageColumn, column, nameColumn } from './printer.ts';

export const controllerRevisionPrinter = kindPrinter<ControllerRevision>([
  nameColumn,
  column('Controller', 'string', 'Controller of the object'),
  column('Revision', 'string', 'revision indicates the revision of the state represented by Data.'),
  ageColumn,
], (rev, now) => [rev.metadata?.name ?? '', controllerName(rev), rev.revision, ageCell(rev, now)]);

/** The owning controller as `kind.group/name` in lower case (`daemonset.apps/fluentd`), `<none>` without one. */
function controllerName(rev: ControllerRevision): string {
  const owner = (rev.metadata?.ownerReferences ?? []).find((ref) => ref.controller === true);
  if (!owner) return '<none>';
  const slash = owner.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : owner.apiVersion.slice(0, slash);
  if (!group && !owner.kind) return owner.name;
  const groupKind = group ? `${owner.kind}.${group}` : owner.kind;
  return `${groupKind.toLowerCase()}/${owner.name}`;
}
