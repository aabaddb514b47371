// skiffctl apply -f: create what is missing, patch what differs, as kubectl's client-side apply does. Each object
// carries its applied configuration in the last-applied annotation; the patch is the three-way strategic merge
// patch from (that annotation, the new manifest, the live object), so fields other writers set survive and fields
// dropped from the manifest are removed. `{}` means nothing to do (`unchanged`). --server-side sends the manifest
// as a server-side apply patch instead. Once everything applied, --prune deletes what earlier applies left behind
// (apply-prune.ts); the last-applied subcommands (view, set, edit) live in apply-*-last-applied.ts.
import type { Command } from 'commander';
import type { ApiObject } from '../../apiserver/client/object.ts';
import type { WriteOptions } from '../../apiserver/client/rest.ts';
import { ApiStatusError, isNotFound } from '../../apiserver/client/status-error.ts';
import { collect, type Runner } from '../command.ts';
import { apiVersionOf, type DiscoveredResource } from '../discovery.ts';
import { usageError, withSource } from '../errors.ts';
import { applyPatch } from '../apply-patch.ts';
import { forEachManifest, infoString, type Info } from '../infos.ts';
import { lastAppliedAnnotation, withLastApplied } from '../last-applied.ts';
import {
  addDryRunFlag, addValidateFlag, parseDryRun, parseResultFormat, ResultPrinter, writeOptions, type DryRun, type ResultFormat,
} from '../mutation.ts';
import { ObjectPrinter } from '../output/objects.ts';
import type { Session } from '../session.ts';
import { parsePruneAllowlist, prune, type PruneKind } from './apply-prune.ts';
import * as editLastApplied from './apply-edit-last-applied.ts';
import * as setLastApplied from './apply-set-last-applied.ts';
import * as viewLastApplied from './apply-view-last-applied.ts';

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
  pruneAllowlist?: string[];
  all?: boolean;
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
    .option('--prune', 'delete the objects applied before (they carry the last-applied annotation) that the files no longer have; with -l or --all')
    .option('--prune-allowlist <group/version/kind>', 'with --prune: a kind to prune (core/v1/ConfigMap), instead of the default list; repeatable', appendValue)
    .option('--all', 'with --prune: every object of the prune kinds, not only those -l selects');
  addValidateFlag(addDryRunFlag(apply));
  // `apply view-last-applied -f x`: the -f after a subcommand's name is the subcommand's.
  apply.enablePositionalOptions().allowExcessArguments();
  apply.action(run<ApplyOptions>(applyFiles));
  for (const sub of [viewLastApplied, setLastApplied, editLastApplied]) sub.register(apply, run);
}

/** A repeatable flag kept whole: kubectl's StringArray flags do not split on commas. */
function appendValue(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

async function applyFiles(session: Session, opts: ApplyOptions, args: string[]): Promise<void> {
  // kubectl's order: ToOptions (arguments, --dry-run, -f, the allowlist), then Validate.
  if (args.length > 0) throw usageError(`Unexpected args: [${args.join(' ')}]\nSee 'skiffctl apply -h' for help and examples`);
  const dryRun = parseDryRun(session, opts.dryRun);
  if (!opts.filename?.length) throw usageError('must specify one of -f and -k');
  let allowlist: PruneKind[] | undefined;
  if (opts.prune && opts.pruneAllowlist?.length) allowlist = parsePruneAllowlist(await session.discovery(), opts.pruneAllowlist);
  if (opts.forceConflicts && !opts.serverSide) throw usageError('--force-conflicts only works with --server-side');
  if (opts.serverSide && dryRun === 'client') throw usageError('--dry-run=client doesn\'t work with --server-side (did you mean --dry-run=server instead?)');
  if (opts.all && opts.selector) throw usageError('cannot set --all and --selector at the same time');
  if (opts.prune && !opts.all && !opts.selector) {
    throw usageError('all resources selected for prune without explicitly passing --all. To prune all resources, pass the --all flag. If you did not mean to prune all resources, specify a label selector');
  }
  if (opts.prune && opts.serverSide) throw usageError('--prune is in alpha and doesn\'t currently work on objects created by server-side apply');

  const format = parseResultFormat(opts.output);
  const report = new AppliedReport(session, format, dryRun);
  const manager = opts.fieldManager ?? (opts.serverSide ? 'kubectl' : 'kubectl-client-side-apply');
  const write = writeOptions(dryRun, manager, opts.validate);
  // What --prune must keep: the namespaces applied to (-n first, as kubectl enforces it) and the objects, by uid.
  const visitedNamespaces = new Set<string>(session.flags.namespace ? [session.namespace()] : []);
  const visitedUids = new Set<string>();
  const count = await forEachManifest(session, { filename: opts.filename ?? [], recursive: opts.recursive, selector: opts.selector }, async (info) => {
    if (info.namespace !== undefined) visitedNamespaces.add(info.namespace);
    const applied = opts.serverSide
      ? await serverSideApply(session, info, write, Boolean(opts.forceConflicts), report)
      : await clientSideApply(session, info, dryRun, write, report);
    visitedUids.add(applied.metadata?.uid ?? '');
  });
  if (count === 0) throw usageError('no objects passed to apply');
  report.flush();
  if (opts.prune) {
    await prune(session, { allowlist, selector: opts.selector, visitedUids, visitedNamespaces, dryRun, format });
  }
}

/**
 * How apply reports: result lines (or names) as it goes; -o json/yaml/jsonpath once every object applied, one object
 * alone or several as a List, as kubectl's printObjects does.
 */
class AppliedReport {
  private readonly lines: ResultPrinter | undefined;
  private readonly format: ResultFormat;
  private readonly session: Session;
  private readonly objects: ApiObject[] = [];

  constructor(session: Session, format: ResultFormat, dryRun: DryRun) {
    this.session = session;
    this.format = format;
    this.lines = format.type === 'line' || format.type === 'name' ? new ResultPrinter(session, format, dryRun) : undefined;
  }

  add(obj: ApiObject, operation: string, resource: DiscoveredResource): void {
    if (this.lines) this.lines.print(obj, operation, resource);
    else this.objects.push(obj.kind ? obj : { ...obj, apiVersion: apiVersionOf(resource), kind: resource.kind });
  }

  flush(): void {
    if (this.lines || this.objects.length === 0) return;
    const printer = new ObjectPrinter(this.format as Exclude<ResultFormat, { type: 'line' }>, (t) => this.session.out(t));
    const value = this.objects.length === 1 ? this.objects[0] : { apiVersion: 'v1', items: this.objects, kind: 'List', metadata: {} } as ApiObject;
    printer.print([value], true);
  }
}

/** Creates or patches one object; answers the object as the server (or a client dry run) has it now. */
async function clientSideApply(session: Session, info: Info, dryRun: DryRun, write: WriteOptions, report: AppliedReport): Promise<ApiObject> {
  const client = session.client();
  const modified = withLastApplied(info.object as ApiObject);
  let live: ApiObject;
  try {
    live = await client.get(info.resource, info.namespace, info.name);
  } catch (e) {
    if (!isNotFound(e)) throw withSource(`retrieving current configuration of:\n${infoString(info)}\nfrom server for:`, info.source, e);
    let created = modified;
    if (dryRun !== 'client') {
      try {
        created = await client.create(info.resource, info.namespace, modified, write);
      } catch (err) {
        throw withSource('creating', info.source, err);
      }
    }
    report.add(created, 'created', info.resource);
    return created;
  }
  if (dryRun === 'client') {
    // kubectl computes no patch for a client dry run: the object is reported as configured.
    report.add(live, 'configured', info.resource);
    return live;
  }
  if (!live.metadata?.annotations?.[lastAppliedAnnotation]) {
    session.err(`Warning: resource ${info.resource.plural}/${info.name} is missing the ${lastAppliedAnnotation} annotation which is required by skiffctl apply. skiffctl apply should only be used on resources created declaratively by either skiffctl create --save-config or skiffctl apply. The missing annotation will be patched automatically.\n`);
  }
  for (let attempt = 1; ; attempt++) {
    const { patch, type } = await applyPatch(session, info.resource, live, modified);
    if (Object.keys(patch).length === 0) {
      report.add(live, 'unchanged', info.resource);
      return live;
    }
    try {
      const patched = await client.patch<ApiObject>(info.resource, info.namespace, info.name, patch, type, write);
      report.add(patched, 'configured', info.resource);
      return patched;
    } catch (e) {
      const conflict = (e as { code?: number }).code === 409;
      if (!conflict || attempt >= maxPatchRetries) {
        throw withSource(`applying patch:\n${JSON.stringify(patch)}\nto:\n${infoString(info)}\nfor:`, info.source, e);
      }
      live = await client.get(info.resource, info.namespace, info.name);
    }
  }
}

async function serverSideApply(session: Session, info: Info, write: WriteOptions, force: boolean, report: AppliedReport): Promise<ApiObject> {
  const obj = { ...(info.object as ApiObject), apiVersion: apiVersionOf(info.resource), kind: info.resource.kind };
  try {
    const applied = await session.client().patch<ApiObject>(info.resource, info.namespace, info.name, obj, 'apply', { ...write, force });
    report.add(applied, 'serverside-applied', info.resource);
    return applied;
  } catch (e) {
    if (e instanceof ApiStatusError && e.code === 415) throw usageError(`Server-side apply not available on the server: (${e.message})`);
    throw withSource('patching', info.source, e);
  }
}
