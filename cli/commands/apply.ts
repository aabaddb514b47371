// skiffctl apply -f: create what is missing, patch what differs, as kubectl's client-side apply does. Each object
// carries its applied configuration in the last-applied annotation; the patch is the three-way strategic merge
// patch from (that annotation, the new manifest, the live object), so fields other writers set survive and fields
// dropped from the manifest are removed. `{}` means nothing to do (`unchanged`). --server-side sends the manifest
// as a server-side apply patch instead.
import type { Command } from 'commander';
import type { ApiObject } from '../../apiserver/client/object.ts';
import type { WriteOptions } from '../../apiserver/client/rest.ts';
import { ApiStatusError, isNotFound } from '../../apiserver/client/status-error.ts';
import { collect, type Runner } from '../command.ts';
import { apiVersionOf } from '../discovery.ts';
import { usageError, withSource } from '../errors.ts';
import { applyPatch } from '../apply-patch.ts';
import { forEachManifest, type Info } from '../infos.ts';
import { lastAppliedAnnotation, withLastApplied } from '../last-applied.ts';
import {
  addDryRunFlag, addValidateFlag, parseDryRun, parseResultFormat, ResultPrinter, writeOptions, type DryRun,
} from '../mutation.ts';
import type { Session } from '../session.ts';

interface ApplyOptions {
  filename?: string[];
  recursive?: boolean;
  output?: string;
  dryRun?: string | boolean;
  validate?: string;
  fieldManager?: string;
  selector?: string;
  serverSide?: boolean;
  forceConflicts?: boolean;
  prune?: boolean;
}

/** kubectl's patcher retries a patch that lost a race this many times, reading the object again each time. */
const maxPatchRetries = 5;

export function register(parent: Command, run: Runner): void {
  const apply = parent.command('apply')
    .summary('Apply a configuration to a resource by file name or stdin')
    .description('Create or update objects from files (-f; directories, -R, - for stdin), merging with what the cluster has.')
    .option('-f, --filename <file>', 'file, directory or - (stdin) with the objects to apply', collect)
    .option('-R, --recursive', 'process the directories named by -f recursively')
    .option('-o, --output <format>', 'json|yaml|name|jsonpath=...')
    .option('-l, --selector <selector>', 'apply only the objects with these labels')
    .option('--server-side', 'apply on the server (server-side apply) instead of computing a patch here')
    .option('--force-conflicts', 'with --server-side: take over fields other managers own')
    .option('--field-manager <name>', 'name of the manager used to track field ownership (default kubectl-client-side-apply, or kubectl with --server-side)')
    .option('--prune', 'not supported by skiffctl');
  addValidateFlag(addDryRunFlag(apply));
  apply.action(run<ApplyOptions>(applyFiles));
}

/** `Resource: "apps/v1, Resource=deployments", GroupVersionKind: ...`: how kubectl names an object in apply errors. */
function describeInfo(info: Info): string {
  const gv = `${info.resource.group}/${info.resource.version}`;
  return `Resource: "${gv}, Resource=${info.resource.plural}", GroupVersionKind: "${gv}, Kind=${info.resource.kind}"\nName: "${info.name}", Namespace: "${info.namespace ?? ''}"`;
}

async function applyFiles(session: Session, opts: ApplyOptions, args: string[]): Promise<void> {
  if (opts.prune) throw usageError('--prune is not supported by skiffctl');
  if (!opts.filename?.length) throw usageError('must specify one of -f and -k');
  if (args.length > 0) throw usageError(`Unexpected args: [${args.join(' ')}]\nSee 'skiffctl apply -h' for help and examples`);
  if (opts.forceConflicts && !opts.serverSide) throw usageError('--force-conflicts only works with --server-side');
  const dryRun = parseDryRun(session, opts.dryRun);
  if (opts.serverSide && dryRun === 'client') throw usageError('--dry-run=client doesn\'t work with --server-side (did you mean --dry-run=server instead?)');
  const printer = new ResultPrinter(session, parseResultFormat(opts.output), dryRun);
  const manager = opts.fieldManager ?? (opts.serverSide ? 'kubectl' : 'kubectl-client-side-apply');
  const write = writeOptions(dryRun, manager, opts.validate);
  const count = await forEachManifest(session, { filename: opts.filename ?? [], recursive: opts.recursive, selector: opts.selector }, (info) =>
    (opts.serverSide ? serverSideApply(session, info, write, Boolean(opts.forceConflicts), printer) : clientSideApply(session, info, dryRun, write, printer)));
  if (count === 0) throw usageError('no objects passed to apply');
}

async function clientSideApply(session: Session, info: Info, dryRun: DryRun, write: WriteOptions, printer: ResultPrinter): Promise<void> {
  const client = session.client();
  const modified = withLastApplied(info.object as ApiObject);
  let live: ApiObject;
  try {
    live = await client.get(info.resource, info.namespace, info.name);
  } catch (e) {
    if (!isNotFound(e)) throw withSource(`retrieving current configuration of:\n${describeInfo(info)}\nfrom server for:`, info.source, e);
    let created = modified;
    if (dryRun !== 'client') {
      try {
        created = await client.create(info.resource, info.namespace, modified, write);
      } catch (err) {
        throw withSource('creating', info.source, err);
      }
    }
    printer.print(created, 'created', info.resource);
    return;
  }
  if (dryRun === 'client') {
    // kubectl computes no patch for a client dry run: the object is reported as configured.
    printer.print(live, 'configured', info.resource);
    return;
  }
  if (!live.metadata?.annotations?.[lastAppliedAnnotation]) {
    session.err(`Warning: resource ${info.resource.plural}/${info.name} is missing the ${lastAppliedAnnotation} annotation which is required by skiffctl apply. skiffctl apply should only be used on resources created declaratively by either skiffctl create --save-config or skiffctl apply. The missing annotation will be patched automatically.\n`);
  }
  for (let attempt = 1; ; attempt++) {
    const { patch, type } = await applyPatch(session, info.resource, live, modified);
    if (Object.keys(patch).length === 0) {
      printer.print(live, 'unchanged', info.resource);
      return;
    }
    try {
      const patched = await client.patch<ApiObject>(info.resource, info.namespace, info.name, patch, type, write);
      printer.print(patched, 'configured', info.resource);
      return;
    } catch (e) {
      const conflict = (e as { code?: number }).code === 409;
      if (!conflict || attempt >= maxPatchRetries) {
        throw withSource(`applying patch:\n${JSON.stringify(patch)}\nto:\n${describeInfo(info)}\nfor:`, info.source, e);
      }
      live = await client.get(info.resource, info.namespace, info.name);
    }
  }
}

async function serverSideApply(session: Session, info: Info, write: WriteOptions, force: boolean, printer: ResultPrinter): Promise<void> {
  const obj = { ...(info.object as ApiObject), apiVersion: apiVersionOf(info.resource), kind: info.resource.kind };
  try {
    const applied = await session.client().patch<ApiObject>(info.resource, info.namespace, info.name, obj, 'apply', { ...write, force });
    printer.print(applied, 'serverside-applied', info.resource);
  } catch (e) {
    if (e instanceof ApiStatusError && e.code === 415) throw usageError(`Server-side apply not available on the server: (${e.message})`);
    throw withSource('patching', info.source, e);
  }
}
