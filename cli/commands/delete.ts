// skiffctl delete: by names (TYPE NAME..., TYPE/NAME), by -f manifests, by -l/--field-selector or --all, as kubectl
// delete does: one `kind "name" deleted` line per object, then (unless --wait=false) wait until every deleted object
// is gone (finalizers, graceful pod termination), honouring --timeout. Missing objects are errors unless
// --ignore-not-found (the default with --all and selectors).
import type { Command } from 'commander';
import type { ApiObject } from '../../apiserver/client/object.ts';
import type { DeleteOptions } from '../../apiserver/client/rest.ts';
import { isNotFound } from '../../apiserver/client/status-error.ts';
import { collect, type Runner } from '../command.ts';
import { completes } from '../completion.ts';
import { kindPrefix } from '../discovery.ts';
import { noResourcesError, throwCollected, usageError, withSource } from '../errors.ts';
import { collectInfos, type Info } from '../infos.ts';
import { addDryRunFlag, parseDryRun, type DryRun } from '../mutation.ts';
import type { Session } from '../session.ts';
import { parseTimeout, waitForObject } from '../wait.ts';

export interface DeleteFlags {
  filename?: string[];
  recursive?: boolean;
  selector?: string;
  fieldSelector?: string;
  all?: boolean;
  allNamespaces?: boolean;
  cascade?: string | boolean;
  gracePeriod?: string;
  now?: boolean;
  force?: boolean;
  wait?: boolean;
  timeout?: string;
  ignoreNotFound?: boolean;
  output?: string;
  dryRun?: string | boolean;
}

export function register(parent: Command, run: Runner): void {
  const cmd = parent.command('delete')
    .summary('Delete resources by file names, stdin, resources and names, or by resources and label selector')
    .argument('[resources...]', 'TYPE NAME... | TYPE/NAME... | TYPE (with -l or --all)')
    .option('-f, --filename <file>', 'file, directory or - (stdin) naming the objects to delete', collect)
    .option('-R, --recursive', 'process the directories named by -f recursively')
    .option('-l, --selector <selector>', 'label selector')
    .option('--field-selector <selector>', 'field selector')
    .option('--all', 'delete all objects of the types in the namespace')
    .option('-A, --all-namespaces', 'with -l or --all: across all namespaces')
    .option('--cascade [strategy]', 'background (default), foreground or orphan: what happens to dependents')
    .option('--grace-period <seconds>', 'seconds given to terminate gracefully (-1: the object\'s default)', '-1')
    .option('--now', 'signal immediate shutdown (--grace-period=1)')
    .option('--force', 'remove immediately, without waiting for graceful termination')
    .option('--wait', 'wait for the objects to be gone (the default)', true)
    .option('--no-wait', 'return once deletion is requested')
    .option('--timeout <duration>', 'how long to wait for deletion (0: a week)', '0s')
    .option('--ignore-not-found', 'treat "not found" as deleted (default with --all and selectors)')
    .option('-o, --output <format>', 'name: print resource/name only');
  completes(cmd, 'resources');
  addDryRunFlag(cmd);
  cmd.action(run<DeleteFlags>(async (session, opts, args, command) => {
    const ignoreSource = command.getOptionValueSource('ignoreNotFound');
    await runDelete(session, opts, args, ignoreSource === undefined || ignoreSource === 'default');
  }));
}

/** The server's DeleteOptions for the flags: propagation, grace period (kubectl's conversions of 0 and --now). */
export function deleteOptionsFor(session: Session, opts: DeleteFlags): { options: DeleteOptions; gracePeriod: number } {
  let grace = Number(opts.gracePeriod ?? -1);
  if (!Number.isInteger(grace)) throw usageError(`invalid argument "${opts.gracePeriod}" for "--grace-period" flag: strconv.ParseInt: parsing "${opts.gracePeriod}": invalid syntax`);
  if (opts.now) {
    if (grace !== -1) throw usageError('--now and --grace-period cannot be specified together');
    grace = 1;
  }
  // kubectl turns --grace-period=0 into 1 unless --force asks for immediate removal.
  if (grace === 0 && !opts.force) grace = 1;
  if (opts.force && grace < 0) grace = 0;
  if (opts.force && grace > 0) throw usageError('--force and --grace-period greater than 0 cannot be specified together');
  if (opts.force && grace === 0) {
    session.err('Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n');
  }
  const options: DeleteOptions = { propagationPolicy: cascadeOf(session, opts.cascade) };
  if (grace >= 0) options.gracePeriodSeconds = grace;
  return { options, gracePeriod: grace };
}

function cascadeOf(session: Session, value: string | boolean | undefined): 'Background' | 'Foreground' | 'Orphan' {
  if (value === undefined || value === true) return 'Background';
  switch (value) {
    case 'background': return 'Background';
    case 'foreground': return 'Foreground';
    case 'orphan': return 'Orphan';
    case 'true':
      session.err('warning: --cascade=true is deprecated (boolean value) and can be replaced with --cascade=background.\n');
      return 'Background';
    case 'false':
      session.err('warning: --cascade=false is deprecated (boolean value) and can be replaced with --cascade=orphan.\n');
      return 'Orphan';
    default:
      throw usageError(`invalid cascade value (${String(value)}). Must be "background", "foreground", or "orphan"`);
  }
}

/** `deployment.apps "web" deleted`, or `deployment.apps/web` with -o name. */
function printDeleted(session: Session, info: Info, output: string | undefined, grace: number, dryRun: DryRun): void {
  const kind = kindPrefix(info.resource);
  if (output === 'name') {
    session.out(`${kind}/${info.name}\n`);
    return;
  }
  let operation = grace === 0 ? 'force deleted' : 'deleted';
  if (dryRun === 'client') operation += ' (dry run)';
  else if (dryRun === 'server') operation += ' (server dry run)';
  session.out(`${kind} "${info.name}" ${operation}\n`);
}

export async function runDelete(session: Session, opts: DeleteFlags, args: string[], ignoreNotFoundDefault: boolean): Promise<void> {
  if (opts.output !== undefined && opts.output !== 'name') throw usageError(`unexpected -o output mode: ${opts.output}. We only support '-o name'`);
  const dryRun = parseDryRun(session, opts.dryRun);
  const { options, gracePeriod } = deleteOptionsFor(session, opts);
  const ignoreNotFound = opts.ignoreNotFound ?? (ignoreNotFoundDefault && Boolean(opts.all || opts.selector || opts.fieldSelector));
  if (opts.all && (opts.selector || opts.fieldSelector)) throw usageError("setting 'all' parameter but found a non empty selector. ");
  if (args.length === 0 && !opts.filename?.length) throw noResourcesError();
  const timeoutMs = parseTimeout(opts.timeout);
  const entries = await collectInfos(session, args, {
    filenames: opts.filename, recursive: opts.recursive, selector: opts.selector, fieldSelector: opts.fieldSelector,
    all: opts.all, allNamespaces: opts.allNamespaces,
  });
  const client = session.client();
  const errors: unknown[] = [];
  const deleted: { info: Info; uid?: string }[] = [];
  // kubectl counts what it tried to delete: a name ignored as not found still means "resources were given".
  let found = 0;
  let warnClusterScope = Boolean(session.flags.namespace) && !opts.allNamespaces;
  for (const entry of entries) {
    const { info } = entry;
    if (!info) {
      if (!(ignoreNotFound && isNotFound(entry.error))) errors.push(entry.error);
      continue;
    }
    if (warnClusterScope && !info.resource.namespaced) {
      session.err('Warning: deleting cluster-scoped resources, not scoped to the provided namespace\n');
      warnClusterScope = false;
    }
    found++;
    if (dryRun === 'client') {
      deleted.push({ info });
      printDeleted(session, info, opts.output, gracePeriod, dryRun);
      continue;
    }
    try {
      const response = await client.delete<ApiObject & { details?: { uid?: string } }>(info.resource, info.namespace, info.name,
        { ...options, dryRun: dryRun === 'server' });
      deleted.push({ info, uid: response?.kind === 'Status' ? response.details?.uid : response?.metadata?.uid });
      printDeleted(session, info, opts.output, gracePeriod, dryRun);
    } catch (e) {
      if (ignoreNotFound && isNotFound(e)) continue;
      errors.push(withSource('deleting', info.source, e));
    }
  }
  throwCollected(errors);
  if (found === 0) {
    session.out('No resources found\n');
    return;
  }
  if (opts.wait === false || dryRun !== 'none' || deleted.length === 0) return;
  await waitUntilGone(session, deleted, timeoutMs);
}

/** Waits for every deleted object to be gone (or replaced by a new one of the same name). */
export async function waitUntilGone(session: Session, deleted: { info: Info; uid?: string }[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + (timeoutMs || 7 * 24 * 3600_000);
  const progress = process.stderr.isTTY;
  for (const { info, uid } of deleted) {
    if (progress) session.err(`waiting for ${kindPrefix(info.resource)}/${info.name} to be deleted...\n`);
    await waitForObject(session, info.resource, info.namespace, info.name,
      (obj) => obj === undefined || (uid !== undefined && obj.metadata?.uid !== uid),
      { timeoutMs: Math.max(1, deadline - Date.now()), timeoutMessage: `timed out waiting for the condition on ${info.resource.plural}/${info.name}` });
  }
}
