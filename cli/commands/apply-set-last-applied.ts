// skiffctl apply set-last-applied -f: make the last-applied annotation of live objects say what the files say,
// changing nothing else, as if `apply -f` had run (a JSON merge patch of that one annotation). As kubectl: every
// object is checked first (it must exist, and carry the annotation unless --create-annotation), those already
// recording the file say `no changes required`, and only then are the others patched (`configmap/x configured`).
import type { Command } from 'commander';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { isNotFound } from '../../apiserver/client/status-error.ts';
import { collect, type Runner } from '../command.ts';
import { noResourcesError, usageError, withSource } from '../errors.ts';
import { getObject } from '../fetch.ts';
import { infoString, manifestInfos, type Info } from '../infos.ts';
import { lastAppliedAnnotation, lastAppliedPatch, recordedConfiguration } from '../last-applied.ts';
import { addDryRunFlag, parseDryRun, parseResultFormat, ResultPrinter } from '../mutation.ts';
import type { Session } from '../session.ts';

interface SetOptions {
  filename?: string[];
  createAnnotation?: boolean;
  dryRun?: string | boolean;
  output?: string;
}

export function register(apply: Command, run: Runner): void {
  const cmd = apply.command('set-last-applied')
    .summary('Set the last-applied-configuration annotation on a live object to match the contents of a file')
    .description('Record the files\' objects in the last-applied-configuration annotations of the live objects, as though apply -f had run, without changing anything else.')
    .option('-f, --filename <file>', 'file, directory or - with the configurations to record', collect)
    .option('--create-annotation', 'create the annotation on objects that have none')
    .option('-o, --output <format>', 'json|yaml|name|jsonpath=...');
  addDryRunFlag(cmd);
  // kubectl's command takes no arguments but does not refuse them either.
  cmd.allowExcessArguments();
  cmd.action(run<SetOptions>(setLastApplied));
}

async function setLastApplied(session: Session, opts: SetOptions): Promise<void> {
  const dryRun = parseDryRun(session, opts.dryRun);
  const printer = new ResultPrinter(session, parseResultFormat(opts.output), dryRun);
  if (!opts.filename?.length) throw noResourcesError();
  const client = session.client();
  const changes: { info: Info; value: string; live: ApiObject }[] = [];
  for (const entry of await manifestInfos(session, opts.filename)) {
    if (!entry.info) throw entry.error;
    const { info } = entry;
    const value = recordedConfiguration(info.object as ApiObject);
    let live: ApiObject;
    try {
      live = await getObject(client, info.resource, info.namespace, info.name);
    } catch (e) {
      if (isNotFound(e)) throw e;
      throw withSource(`retrieving current configuration of:\n${infoString(info)}\nfrom server for:`, info.source, e);
    }
    const recorded = live.metadata?.annotations?.[lastAppliedAnnotation];
    if (recorded === undefined && !opts.createAnnotation) {
      throw usageError(`no last-applied-configuration annotation found on resource: ${info.name}, to create the annotation, run the command with --create-annotation`);
    }
    if (recorded === value) session.out(`set-last-applied ${info.name}: no changes required.\n`);
    else changes.push({ info, value, live });
  }
  for (const { info, value, live } of changes) {
    const result = dryRun === 'client' ? live
      : await client.patch<ApiObject>(info.resource, info.namespace, info.name, lastAppliedPatch(value), 'merge', { dryRun: dryRun === 'server' });
    printer.print(result, 'configured', info.resource);
  }
}
