// skiffctl replace -f: PUT each manifest over the live object, as kubectl replace does (`configmap/x replaced`). A
// manifest without a resourceVersion replaces whatever is there. --force deletes the objects, waits for them to be
// gone and creates them again. The last-applied annotation is refreshed when the manifest has one, or recorded
// with --save-config.
import type { Command } from 'commander';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { collect, type Runner } from '../command.ts';
import { throwCollected, usageError, withSource } from '../errors.ts';
import { manifestInfos, type Info } from '../infos.ts';
import { lastAppliedAnnotation, withLastApplied } from '../last-applied.ts';
import {
  addDryRunFlag, addFieldManagerFlag, addValidateFlag, parseDryRun, parseResultFormat, ResultPrinter, writeOptions,
} from '../mutation.ts';
import type { Session } from '../session.ts';
import { deleteOptionsFor, waitUntilGone, type DeleteFlags } from './delete.ts';
import { kindPrefix } from '../discovery.ts';

interface ReplaceOptions extends DeleteFlags {
  validate?: string;
  fieldManager?: string;
  saveConfig?: boolean;
}

export function register(parent: Command, run: Runner): void {
  const cmd = parent.command('replace')
    .summary('Replace a resource by file name or stdin')
    .option('-f, --filename <file>', 'file, directory or - (stdin) with the objects to replace', collect)
    .option('-R, --recursive', 'process the directories named by -f recursively')
    .option('-o, --output <format>', 'json|yaml|name|jsonpath=...')
    .option('--save-config', 'record the configuration in the last-applied annotation, for a later apply')
    .option('--force', 'delete and re-create the objects')
    .option('--cascade [strategy]', 'with --force: background (default), foreground or orphan')
    .option('--grace-period <seconds>', 'with --force: seconds given to terminate gracefully', '-1')
    .option('--wait', 'with --force: wait for the objects to be gone before creating them again', true)
    .option('--timeout <duration>', 'with --force: how long to wait for deletion', '0s');
  addValidateFlag(addDryRunFlag(cmd));
  addFieldManagerFlag(cmd, 'kubectl-replace');
  cmd.action(run<ReplaceOptions>(replace));
}

function annotated(obj: ApiObject, save: boolean): ApiObject {
  // kubectl's CreateOrUpdateAnnotation: recorded on request, else refreshed only where the manifest carries one.
  if (save || obj.metadata?.annotations?.[lastAppliedAnnotation] !== undefined) return withLastApplied(obj);
  return obj;
}

async function replace(session: Session, opts: ReplaceOptions, args: string[]): Promise<void> {
  if (args.length > 0) throw usageError(`Unexpected args: [${args.join(' ')}]\nSee 'skiffctl replace -h' for help and examples`);
  const dryRun = parseDryRun(session, opts.dryRun);
  if (!opts.force && opts.gracePeriod !== '-1') throw usageError('--grace-period must have --force specified');
  if (!opts.force && opts.timeout !== '0s') throw usageError('--timeout must have --force specified');
  if (opts.force && dryRun !== 'none') throw usageError('--dry-run can not be used when --force is set');
  if (!opts.filename?.length) throw usageError('must specify one of -f and -k');
  const printer = new ResultPrinter(session, parseResultFormat(opts.output), dryRun);
  const write = writeOptions(dryRun, opts.fieldManager, opts.validate);
  const entries = await manifestInfos(session, opts.filename, { recursive: opts.recursive });
  if (opts.force) {
    await forceReplace(session, opts, entries.flatMap((e) => (e.info ? [e.info] : [])), printer, write);
    throwCollected(entries.filter((e) => !e.info).map((e) => e.error));
    return;
  }
  const client = session.client();
  const errors: unknown[] = [];
  for (const entry of entries) {
    const { info } = entry;
    if (!info) {
      errors.push(entry.error);
      continue;
    }
    const obj = annotated(info.object as ApiObject, Boolean(opts.saveConfig));
    if (dryRun === 'client') {
      printer.print(obj, 'replaced', info.resource);
      continue;
    }
    try {
      const replaced = await client.update(info.resource, info.namespace, obj, write);
      printer.print(replaced, 'replaced', info.resource);
    } catch (e) {
      errors.push(withSource('replacing', info.source, e));
    }
  }
  throwCollected(errors);
}

/** kubectl replace --force: delete everything (ignoring what is already gone), wait, create everything. */
async function forceReplace(session: Session, opts: ReplaceOptions, infos: Info[], printer: ResultPrinter,
  write: ReturnType<typeof writeOptions>): Promise<void> {
  const client = session.client();
  // --force here means delete-and-create, not the immediate deletion of `delete --force`.
  const { options } = deleteOptionsFor(session, { ...opts, force: false });
  const deleted: { info: Info; uid?: string }[] = [];
  for (const info of infos) {
    try {
      const response = await client.delete<ApiObject>(info.resource, info.namespace, info.name, options);
      deleted.push({ info, uid: response?.metadata?.uid });
      session.out(`${kindPrefix(info.resource)} "${info.name}" deleted\n`);
    } catch (e) {
      if ((e as { code?: number }).code !== 404) throw withSource('deleting', info.source, e);
    }
  }
  if (opts.wait !== false) await waitUntilGone(session, deleted, 0);
  const errors: unknown[] = [];
  let count = 0;
  for (const info of infos) {
    const obj = annotated(info.object as ApiObject, Boolean(opts.saveConfig));
    try {
      const created = await client.create(info.resource, info.namespace, obj, write);
      count++;
      printer.print(created, 'replaced', info.resource);
    } catch (e) {
      errors.push(withSource('creating', info.source, e));
    }
  }
  throwCollected(errors);
  if (count === 0) throw usageError('no objects passed to replace');
}
