// skiffctl rollout: status, history and undo (each in its own file), and the three small ones here, as kubectl's:
// pause and resume flip a Deployment's spec.paused; restart stamps kubectl.kubernetes.io/restartedAt on the pod
// template of a Deployment, DaemonSet or StatefulSet so its pods are replaced. Each sends a strategic merge patch.
import type { Command } from 'commander';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { collect, type Runner } from '../command.ts';
import { completes } from '../completion.ts';
import { qualifiedPlural } from '../discovery.ts';
import { goError, throwCollected, usageError, wrapError } from '../errors.ts';
import { collectInfos, type Info } from '../infos.ts';
import { addFieldManagerFlag, parseResultFormat, ResultPrinter } from '../mutation.ts';
import type { Session } from '../session.ts';
import * as history from './rollout-history.ts';
import * as status from './rollout-status.ts';
import * as undo from './rollout-undo.ts';

interface RolloutOptions {
  output?: string;
  selector?: string;
  filename?: string[];
  recursive?: boolean;
  fieldManager?: string;
}

/** The patch for one object, or the reason there is none (`is already paused`). */
type Change = (info: Info) => { patch: Record<string, unknown> } | { problem: string } | { unchanged: true };

export function register(parent: Command, run: Runner): void {
  const rollout = parent.command('rollout')
    .summary('Manage the rollout of a resource (deployments, daemonsets, statefulsets)');
  status.register(rollout, run);
  history.register(rollout, run);
  undo.register(rollout, run);
  simple(rollout, run, 'pause', 'Mark the provided resource as paused', 'kubectl-rollout', pause);
  simple(rollout, run, 'resume', 'Resume a paused resource', 'kubectl-rollout', resume);
  simple(rollout, run, 'restart', 'Restart a resource', 'kubectl-rollout', restart);
}

const isDeployment = (info: Info): boolean => info.resource.group === 'apps' && info.resource.kind === 'Deployment';
const paused = (info: Info): boolean => Boolean((info.object as { spec?: { paused?: boolean } }).spec?.paused);

const pause: Change = (info) => {
  if (!isDeployment(info)) return { problem: 'pausing is not supported' };
  if (paused(info)) return { unchanged: true };
  return { patch: { spec: { paused: true } } };
};

const resume: Change = (info) => {
  if (!isDeployment(info)) return { problem: 'resuming is not supported' };
  if (!paused(info)) return { unchanged: true };
  // Go leaves `paused: false` out of the modified object, so the two-way patch removes the field.
  return { patch: { spec: { paused: null } } };
};

/** time.Now().Format(time.RFC3339): local time with its offset, `Z` for UTC. */
export function rfc3339Now(now = new Date()): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const offset = -now.getTimezoneOffset();
  const zone = offset === 0 ? 'Z' : `${offset > 0 ? '+' : '-'}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}T${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}${zone}`;
}

const restart: Change = (info) => {
  const supported = info.resource.group === 'apps' && ['Deployment', 'DaemonSet', 'StatefulSet'].includes(info.resource.kind);
  if (!supported) return { problem: 'restarting is not supported' };
  if (isDeployment(info) && paused(info)) return { problem: "can't restart paused deployment (run rollout resume first)" };
  const stamp = rfc3339Now();
  const current = (info.object as { spec?: { template?: { metadata?: { annotations?: Record<string, string> } } } })
    .spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'];
  // Within the same second the stamp would not change: kubectl reports that as a failed patch.
  if (current === stamp) return { unchanged: true };
  return { patch: { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': stamp } } } } } };
};

function simple(rollout: Command, run: Runner, verb: 'pause' | 'resume' | 'restart', summary: string, manager: string, change: Change): void {
  const cmd = rollout.command(verb)
    .summary(summary)
    .argument('[resources...]', 'TYPE NAME | TYPE/NAME')
    .option('-o, --output <format>', 'json|yaml|name|jsonpath=...')
    .option('-l, --selector <selector>', 'label selector')
    .option('-f, --filename <file>', 'file, directory or - naming the objects', collect)
    .option('-R, --recursive', 'process the directories named by -f recursively');
  addFieldManagerFlag(cmd, manager);
  completes(cmd, 'resources');
  cmd.action(run<RolloutOptions>(async (session, opts, args) => runSimple(session, opts, args, verb, change)));
}

const done: Record<'pause' | 'resume' | 'restart', string> = { pause: 'paused', resume: 'resumed', restart: 'restarted' };

async function runSimple(session: Session, opts: RolloutOptions, args: string[], verb: 'pause' | 'resume' | 'restart',
  change: Change): Promise<void> {
  if (args.length === 0 && !opts.filename?.length) {
    throw usageError('required resource not specified');
  }
  const printer = new ResultPrinter(session, parseResultFormat(opts.output));
  const entries = await collectInfos(session, args, {
    filenames: opts.filename, recursive: opts.recursive, selector: opts.selector, typeMeansAll: true, fetchNamed: true,
  });
  const errors: unknown[] = entries.filter((e) => !e.info).map((e) => e.error);
  const infos = entries.flatMap((e) => (e.info ? [e.info] : []));
  if (infos.length === 0 && errors.length === 0) {
    session.err(`No resources found in ${session.namespace()} namespace.\n`);
    return;
  }
  for (const info of infos) {
    const what = `${qualifiedPlural(info.resource)} "${info.name}"`;
    const c = change(info);
    if ('problem' in c) {
      errors.push(goError(`error: ${what} ${c.problem}`));
      continue;
    }
    if ('unchanged' in c) {
      if (verb === 'restart') {
        errors.push(usageError(`failed to create patch for ${info.name}: if restart has already been triggered within the past second, please wait before attempting to trigger another`));
      } else if (verb === 'pause') {
        errors.push(goError(`error: ${what} is already paused`));
      } else {
        errors.push(goError(`error: ${what} is not paused`));
      }
      continue;
    }
    try {
      const patched = await session.client().patch<ApiObject>(info.resource, info.namespace, info.name, c.patch, 'strategic',
        { fieldManager: opts.fieldManager });
      printer.print(patched, done[verb], info.resource);
    } catch (e) {
      errors.push(wrapError('failed to patch', e));
    }
  }
  throwCollected(errors);
}
