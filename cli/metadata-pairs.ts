// What `label` and `annotate` share, as kubectl's label and annotate commands do: the arguments split into
// resources and KEY=VALUE / KEY- pairs, the objects read fresh from the server, each change sent as a JSON merge
// patch of the whole object (so only metadata.labels / annotations move), and --list.
import type { Command } from 'commander';
import { createJsonMergePatch } from '../apiserver/api/patch/merge-patch.ts';
import type { ApiObject } from '../apiserver/client/object.ts';
import { collect } from './command.ts';
import { usageError } from './errors.ts';
import { collectInfos, type Info } from './infos.ts';
import { addDryRunFlag, addFieldManagerFlag, parseDryRun, parseResultFormat, ResultPrinter } from './mutation.ts';
import type { Session } from './session.ts';

export interface PairOptions {
  overwrite?: boolean;
  all?: boolean;
  allNamespaces?: boolean;
  selector?: string;
  fieldSelector?: string;
  list?: boolean;
  local?: boolean;
  output?: string;
  dryRun?: string | boolean;
  resourceVersion?: string;
  filename?: string[];
  recursive?: boolean;
  fieldManager?: string;
}

export function addPairFlags(cmd: Command, what: string): Command {
  cmd.option('--overwrite', `allow ${what} to replace existing values`)
    .option('--all', 'every object of the types in the namespace')
    .option('-A, --all-namespaces', 'across all namespaces')
    .option('-l, --selector <selector>', 'label selector')
    .option('--field-selector <selector>', 'field selector')
    .option('--list', `list the ${what} of each object`)
    .option('-o, --output <format>', 'json|yaml|name|jsonpath=...')
    .option('--resource-version <version>', 'only if the object is still at this resourceVersion')
    .option('-f, --filename <file>', 'file, directory or - naming the objects', collect)
    .option('-R, --recursive', 'process the directories named by -f recursively');
  return addFieldManagerFlag(addDryRunFlag(cmd), what === 'labels' ? 'kubectl-label' : 'kubectl-annotate');
}

/** kubectl's GetResourcesAndPairs: resources first, then pairs (`k=v`, `k-`); a resource after a pair is an error. */
export function splitResourcesAndPairs(args: readonly string[], pairType: string): { resources: string[]; pairs: string[] } {
  const resources: string[] = [];
  const pairs: string[] = [];
  let foundPair = false;
  for (const s of args) {
    const isPair = (s.includes('=') && s[0] !== '=') || (s.endsWith('-') && s !== '-');
    if (isPair) {
      foundPair = true;
      pairs.push(s);
    } else if (!foundPair) {
      resources.push(s);
    } else {
      throw usageError(`all resources must be specified before ${pairType} changes: ${s}`);
    }
  }
  return { resources, pairs };
}

export type Change = (obj: ApiObject) => { message: string; notFound: string[] };

/**
 * Runs label/annotate: reads each object, applies `change` to a copy, and sends the difference as a merge patch
 * (nothing when unchanged). `message` is the result word (`labeled`, `not labeled`, `annotated`).
 */
export async function runPairs(session: Session, opts: PairOptions, resources: string[], field: 'labels' | 'annotations',
  change: Change): Promise<void> {
  const dryRun = parseDryRun(session, opts.dryRun);
  if (opts.list && opts.output) throw usageError('--list and --output may not be specified together');
  if (opts.all && opts.selector) throw usageError('cannot set --all and --selector at the same time');
  if (opts.all && opts.fieldSelector) throw usageError('cannot set --all and --field-selector at the same time');
  const printer = new ResultPrinter(session, parseResultFormat(opts.output), dryRun);
  const entries = await collectInfos(session, resources, {
    filenames: opts.filename, recursive: opts.recursive, selector: opts.selector, fieldSelector: opts.fieldSelector,
    all: opts.all, allNamespaces: opts.allNamespaces, fetchNamed: true,
  });
  const single = entries.length === 1 && !opts.selector && !opts.all && !opts.fieldSelector
    && (resources.length === 2 || (resources.length === 1 && resources[0].includes('/')) || (opts.filename?.length ?? 0) > 0);
  if (!single && opts.resourceVersion) throw usageError('--resource-version may only be used with a single resource');
  const client = session.client();
  for (const entry of entries) {
    const { info } = entry;
    if (!info) throw entry.error;
    let before = info.object as ApiObject;
    if (opts.resourceVersion) before = { ...before, metadata: { ...before.metadata, resourceVersion: undefined } };
    let after: ApiObject = JSON.parse(JSON.stringify(before)) as ApiObject;
    const { message, notFound } = change(after);
    if (opts.resourceVersion) after = { ...after, metadata: { ...after.metadata, resourceVersion: opts.resourceVersion } };
    let output = after;
    if (dryRun !== 'client' && !opts.list) {
      for (const key of notFound) session.out(`${field === 'labels' ? 'label' : 'annotation'} "${key}" not found.\n`);
      const patch = createJsonMergePatch(before, after);
      if (Object.keys(patch).length > 0) {
        output = await client.patch<ApiObject>(info.resource, info.namespace, info.name, patch, 'merge',
          { dryRun: dryRun === 'server', fieldManager: opts.fieldManager });
      }
    }
    if (opts.list) {
      listPairs(session, info, output, field, single);
      continue;
    }
    printer.print(field === 'labels' ? after : output, message, info.resource);
  }
}

function listPairs(session: Session, info: Info, obj: ApiObject, field: 'labels' | 'annotations', single: boolean): void {
  const values = (field === 'labels' ? obj.metadata?.labels : obj.metadata?.annotations) ?? {};
  let indent = '';
  if (!single) {
    indent = ' ';
    session.out(`Listing ${field} for ${info.resource.kind}.${info.resource.group}/${info.name}:\n`);
  }
  for (const [k, v] of Object.entries(values)) session.out(`${indent}${k}=${v}\n`);
}
