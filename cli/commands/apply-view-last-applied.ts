// skiffctl apply view-last-applied: print the configuration recorded in the last-applied annotation of live objects
// (named, selected with -l or --all, or read from -f and fetched again), as YAML by default or as the annotation's
// own JSON re-indented (-o json), one after the other. As kubectl: an object named without the annotation prints
// nothing, one read from a file is an error, and every object is read before anything is printed.
import type { Command } from 'commander';
import { matchesSelector, parseSelector } from '../../apiserver/api/labels.ts';
import { collect, type Runner } from '../command.ts';
import { completes } from '../completion.ts';
import { noResourcesError, usageError } from '../errors.ts';
import { getObject } from '../fetch.ts';
import { argInfos, manifestInfos, type Info, type InfoOrError } from '../infos.ts';
import { lastAppliedAnnotation } from '../last-applied.ts';
import { goIndentJson } from '../output/json-indent.ts';
import { toYaml } from '../output/objects.ts';
import { parseResourceArgs } from '../resolve.ts';
import type { Session } from '../session.ts';

interface ViewOptions {
  output: string;
  all?: boolean;
  filename?: string[];
  recursive?: boolean;
  selector?: string;
}

export function register(apply: Command, run: Runner): void {
  const cmd = apply.command('view-last-applied')
    .summary('View the latest last-applied-configuration annotations of a resource/object')
    .description('Print the last-applied-configuration annotations of objects by TYPE/NAME, TYPE -l, or file, as YAML (default) or JSON.')
    .argument('[resources...]', 'TYPE [NAME | -l label] | TYPE/NAME')
    .option('-o, --output <format>', 'yaml or json', 'yaml')
    .option('--all', 'every object of the types given, in the namespace')
    .option('-f, --filename <file>', 'file, directory or - naming the objects', collect)
    .option('-R, --recursive', 'process the directories named by -f recursively')
    .option('-l, --selector <selector>', 'only the objects with these labels');
  completes(cmd, 'resources');
  cmd.action(run<ViewOptions>(view));
}

async function view(session: Session, opts: ViewOptions, args: string[]): Promise<void> {
  const configurations: string[] = [];
  for (const info of await liveInfos(session, args, opts)) {
    const value = info.object?.metadata?.annotations?.[lastAppliedAnnotation];
    if (value !== undefined) {
      configurations.push(value);
      continue;
    }
    // kubectl wraps a nil error with the file's name: named objects pass silently, objects from files fail so.
    if (info.source) throw usageError(`error when no last-applied-configuration annotation found on resource: ${info.name}\n ${JSON.stringify(info.source)}: <nil>`);
  }
  for (const text of configurations) {
    switch (opts.output) {
      case 'json':
        session.out(goIndentJson(text, '  '));
        break;
      case 'yaml':
        session.out(toYaml(JSON.parse(text)));
        break;
      default:
        throw usageError(`Unexpected -o output mode: ${opts.output}, the flag 'output' must be one of yaml|json\nSee 'skiffctl apply view-last-applied -h' for help and examples`);
    }
  }
}

function firstOk(entries: InfoOrError[]): Info[] {
  const failed = entries.find((e) => !e.info);
  if (failed) throw failed.error;
  return entries.flatMap((e) => (e.info ? [e.info] : []));
}

/**
 * The live objects, found as kubectl's resource builder finds them for this command (not continuing on errors):
 * its argument checks in its order, then -f (filtered by -l, then read again), a selection, or names. With -n a type
 * alone means all of its objects (ResourceTypeOrNameArgs(enforceNamespace, ...)).
 */
async function liveInfos(session: Session, args: string[], opts: ViewOptions): Promise<Info[]> {
  const files = opts.filename ?? [];
  const parsed = args.length > 0 ? parseResourceArgs(args) : undefined;
  const typeAlone = parsed?.form === 'types' && parsed.names.length === 0 && Boolean(session.flags.namespace);
  const selector = opts.selector?.trim() ?? '';
  if (opts.all && typeAlone) throw usageError("setting 'all' parameter but found a non empty selector. ");
  if (opts.all && selector) throw usageError(`found non-empty label selector ${JSON.stringify(opts.selector)} with previously set 'all' parameter. `);
  if (files.length > 0) {
    if (parsed?.form === 'types') throw usageError('when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well');
    if (parsed?.form === 'pairs') throw usageError('resource/name arguments cannot be provided when a path is specified');
    const labels = selector ? parseSelector(selector) : undefined;
    const infos = firstOk(await manifestInfos(session, files, { recursive: opts.recursive }))
      .filter((i) => !labels || matchesSelector(labels, i.object?.metadata?.labels));
    const client = session.client();
    const out: Info[] = [];
    for (const info of infos) out.push({ ...info, object: await getObject(client, info.resource, info.namespace, info.name) });
    return out;
  }
  if (!parsed) {
    if (opts.all || selector) throw usageError('at least one resource must be specified to use a selector');
    throw noResourcesError();
  }
  if (opts.all || selector || typeAlone) {
    if (parsed.form === 'pairs') throw usageError('selectors and the all flag cannot be used when passing resource/name arguments');
    if (parsed.names.length > 0) throw usageError('name cannot be provided when a selector is specified');
    return firstOk(await argInfos(session, args, { selector: selector || undefined, all: true }));
  }
  return firstOk(await argInfos(session, args, { fetchNamed: true }));
}
