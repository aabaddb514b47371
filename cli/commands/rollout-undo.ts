// skiffctl rollout undo [--to-revision=N]: put back the pod template of an earlier revision, as kubectl's
// rollbackers do. A Deployment gets a JSON patch replacing spec.template (the ReplicaSet's, without its
// pod-template-hash label) and the annotations that travel with it; a DaemonSet or StatefulSet gets its
// ControllerRevision's template as a strategic merge patch that replaces spec.template. Already matching: skipped.
import type { Command } from 'commander';
import type { Deployment, PodTemplateSpec } from '../../apiserver/api/types.ts';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { canonicalJson } from '../../controllers/controller-revision.ts';
import { equalIgnoreHash, podTemplateHashLabel } from '../../controllers/deployment-replicasets.ts';
import {
  desiredReplicasAnnotation, maxReplicasAnnotation, revisionAnnotation, revisionHistoryAnnotation, rollbackToAnnotation,
} from '../../controllers/deployment-revisions.ts';
import { collect, type Runner } from '../command.ts';
import { completes } from '../completion.ts';
import { CliError, usageError, wrapError } from '../errors.ts';
import { collectInfos, type Info } from '../infos.ts';
import { lastAppliedAnnotation } from '../last-applied.ts';
import { addDryRunFlag, parseDryRun, parseResultFormat, ResultPrinter, type DryRun } from '../mutation.ts';
import { hasHistory, revisionsOf, type Revision } from '../revisions.ts';
import type { Session } from '../session.ts';
import { templateText } from './rollout-history.ts';

interface UndoOptions {
  toRevision?: string;
  output?: string;
  dryRun?: string | boolean;
  selector?: string;
  filename?: string[];
  recursive?: boolean;
}

/** Annotations a rollback keeps from the Deployment rather than taking from the ReplicaSet. */
const annotationsToSkip = new Set([
  lastAppliedAnnotation, revisionAnnotation, revisionHistoryAnnotation, desiredReplicasAnnotation, maxReplicasAnnotation, rollbackToAnnotation,
]);

export function register(rollout: Command, run: Runner): void {
  const cmd = rollout.command('undo')
    .summary('Undo a previous rollout')
    .argument('[resources...]', 'TYPE NAME | TYPE/NAME (deployments, daemonsets, statefulsets)')
    .option('--to-revision <n>', 'the revision to roll back to (0: the previous one)', '0')
    .option('-o, --output <format>', 'json|yaml|name|jsonpath=...')
    .option('-l, --selector <selector>', 'label selector')
    .option('-f, --filename <file>', 'file, directory or - naming the objects', collect)
    .option('-R, --recursive', 'process the directories named by -f recursively');
  addDryRunFlag(cmd);
  completes(cmd, 'resources');
  cmd.action(run<UndoOptions>(undo));
}

function revisionNotFound(revision: number): CliError {
  return usageError(`unable to find specified revision ${revision} in history`);
}

async function undo(session: Session, opts: UndoOptions, args: string[]): Promise<void> {
  const toRevision = Number(opts.toRevision ?? 0);
  if (!Number.isInteger(toRevision)) throw usageError(`invalid argument "${opts.toRevision}" for "--to-revision" flag: strconv.ParseInt: parsing "${opts.toRevision}": invalid syntax`);
  const dryRun = parseDryRun(session, opts.dryRun);
  const printer = new ResultPrinter(session, parseResultFormat(opts.output), dryRun);
  if (args.length === 0 && !opts.filename?.length) {
    throw usageError('required resource not specified');
  }
  const entries = await collectInfos(session, args, {
    filenames: opts.filename, recursive: opts.recursive, selector: opts.selector, typeMeansAll: true, fetchNamed: true,
  });
  for (const entry of entries) {
    const { info } = entry;
    if (!info) throw entry.error;
    if (!hasHistory(info.resource)) throw usageError(`no rollbacker has been implemented for "${info.resource.kind}"`);
    const result = info.resource.kind === 'Deployment'
      ? await rollbackDeployment(session, info, toRevision, dryRun)
      : await rollbackFromControllerRevision(session, info, toRevision, dryRun);
    printer.print(info.object as ApiObject, result, info.resource);
  }
}

/** The revision to go back to: the given one, or the newest before the current (second highest). */
function pick(revisions: Revision[], toRevision: number): Revision | undefined {
  if (toRevision > 0) return revisions.find((r) => r.revision === toRevision);
  return revisions.length >= 2 ? revisions[revisions.length - 2] : undefined;
}

async function rollbackDeployment(session: Session, info: Info, toRevision: number, dryRun: DryRun): Promise<string> {
  if (toRevision < 0) throw revisionNotFound(toRevision);
  const d = info.object as Deployment;
  const revisions = await revisionsOf(session, info.resource, d);
  const target = pick(revisions, toRevision);
  if (!target) {
    if (toRevision > 0) throw revisionNotFound(toRevision);
    throw usageError(`no rollout history found for deployment "${info.name}"`);
  }
  if (dryRun === 'client') return templateText(target.template);
  if (d.spec?.paused) throw usageError("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again");
  if (equalIgnoreHash(target.template, d.spec?.template)) return `skipped rollback (current template already matches revision ${toRevision})`;
  const labels = { ...target.template.metadata?.labels };
  delete labels[podTemplateHashLabel];
  const template: PodTemplateSpec = { ...target.template, metadata: { ...target.template.metadata, labels } };
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) if (annotationsToSkip.has(k)) annotations[k] = v;
  for (const [k, v] of Object.entries(target.source.metadata?.annotations ?? {})) if (!annotationsToSkip.has(k)) annotations[k] = v;
  const patch = [
    { op: 'replace', path: '/spec/template', value: template },
    { op: 'replace', path: '/metadata/annotations', value: annotations },
  ];
  try {
    await session.client().patch(info.resource, info.namespace, info.name, patch, 'json', { dryRun: dryRun === 'server' });
  } catch (e) {
    throw wrapError(`failed restoring revision ${toRevision}`, e);
  }
  return 'rolled back';
}

async function rollbackFromControllerRevision(session: Session, info: Info, toRevision: number, dryRun: DryRun): Promise<string> {
  if (toRevision < 0) throw revisionNotFound(toRevision);
  const owner = info.object as ApiObject & { spec?: { template?: PodTemplateSpec } };
  const revisions = await revisionsOf(session, info.resource, owner);
  if (toRevision === 0 && revisions.length <= 1) throw usageError('no last revision to roll back to');
  const target = pick(revisions, toRevision);
  if (!target) throw revisionNotFound(toRevision);
  if (dryRun === 'client') return `will roll back to ${templateText(target.template)}`;
  if (canonicalJson(target.template) === canonicalJson(owner.spec?.template ?? {})) {
    return `skipped rollback (current template already matches revision ${toRevision})`;
  }
  // kube stores `$patch: replace` in the revision so that applying it replaces the template, not merges into it.
  const patch = { spec: { template: { ...target.template, $patch: 'replace' } } };
  try {
    await session.client().patch(info.resource, info.namespace, info.name, patch, 'strategic', { dryRun: dryRun === 'server' });
  } catch (e) {
    throw wrapError(`failed restoring revision ${toRevision}`, e);
  }
  return 'rolled back';
}
