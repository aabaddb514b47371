// skiffctl rollout history: the revisions of a Deployment, DaemonSet or StatefulSet (REVISION, CHANGE-CAUSE), or
// with --revision=N the pod template of one, worded and laid out as kubectl's history viewers do.
import type { Command } from 'commander';
import { collect, type Runner } from '../command.ts';
import { completes } from '../completion.ts';
import { usageError } from '../errors.ts';
import { collectInfos } from '../infos.ts';
import { parseResultFormat, resultName } from '../mutation.ts';
import { describePodTemplate } from '../describe/pod-spec.ts';
import { PrefixWriter } from '../describe/prefix-writer.ts';
import { ObjectPrinter, withTypeMeta } from '../output/objects.ts';
import { describeOptions, TabWriter } from '../output/tabwriter.ts';
import { hasHistory, revisionsOf, type Revision } from '../revisions.ts';
import type { Session } from '../session.ts';
import type { PodTemplateSpec } from '../../apiserver/api/types.ts';
import type { ApiObject } from '../../apiserver/client/object.ts';

interface HistoryOptions {
  revision?: string;
  output?: string;
  selector?: string;
  filename?: string[];
  recursive?: boolean;
}

export function register(rollout: Command, run: Runner): void {
  completes(rollout.command('history')
    .summary('View rollout history')
    .argument('[resources...]', 'TYPE NAME | TYPE/NAME (deployments, daemonsets, statefulsets)')
    .option('--revision <n>', 'show the pod template of this revision', '0')
    .option('-o, --output <format>', 'json|yaml|name|jsonpath=...: print the revision objects')
    .option('-l, --selector <selector>', 'label selector')
    .option('-f, --filename <file>', 'file, directory or - naming the objects', collect)
    .option('-R, --recursive', 'process the directories named by -f recursively')
    .action(run<HistoryOptions>(history)), 'resources');
}

/** kubectl's printTemplate: DescribePodTemplate through a prefix writer straight into a buffer (tabs kept). */
export function templateText(template: PodTemplateSpec): string {
  const w = new PrefixWriter({ raw: true });
  describePodTemplate(template, w);
  return w.toString();
}

/** The REVISION/CHANGE-CAUSE table (tabwriter: minwidth 0, tabwidth 8, padding 2). */
function historyTable(revisions: Revision[]): string {
  if (revisions.length === 0) return 'No rollout history found.';
  let text = '';
  const w = new TabWriter((t) => { text += t; }, describeOptions);
  w.row(['REVISION', 'CHANGE-CAUSE']);
  for (const r of revisions) w.row([String(r.revision), r.changeCause || '<none>']);
  w.flush();
  return text;
}

async function history(session: Session, opts: HistoryOptions, args: string[]): Promise<void> {
  const revision = Number(opts.revision ?? 0);
  if (!Number.isInteger(revision) || revision < 0) throw usageError(`revision must be a positive integer: ${opts.revision}`);
  if (args.length === 0 && !opts.filename?.length) {
    throw usageError('required resource not specified');
  }
  const format = opts.output ? parseResultFormat(opts.output) : undefined;
  const entries = await collectInfos(session, args, {
    filenames: opts.filename, recursive: opts.recursive, selector: opts.selector, typeMeansAll: true, fetchNamed: true,
  });
  for (const entry of entries) {
    const { info } = entry;
    if (!info) throw entry.error;
    if (!hasHistory(info.resource)) throw usageError(`no history viewer has been implemented for "${info.resource.kind}"`);
    const revisions = await revisionsOf(session, info.resource, info.object as ApiObject);
    if (format && format.type !== 'line') {
      const printer = new ObjectPrinter(format, (t) => session.out(t));
      const chosen = revision > 0 ? revisions.filter((r) => r.revision === revision) : revisions;
      if (revision > 0 && chosen.length === 0) throw usageError('unable to find the specified revision');
      const kind = info.resource.kind === 'Deployment' ? 'ReplicaSet' : 'ControllerRevision';
      for (const r of chosen) printer.print(withTypeMeta([r.source], 'apps/v1', kind), true);
      continue;
    }
    let text: string;
    if (revision > 0) {
      const found = revisions.find((r) => r.revision === revision);
      if (!found) throw usageError('unable to find the specified revision');
      text = templateText(found.template);
    } else {
      text = historyTable(revisions);
    }
    // kubectl prints this through its name printer, the history as the "operation".
    session.out(`${resultName(info.object as ApiObject, info.resource)} ${revision > 0 ? `with revision #${revision}` : ''}\n${text}\n`);
  }
}
