// skiffctl annotate TYPE NAME KEY=VALUE... KEY-...: add, change (--overwrite) or remove annotations, as kubectl
// annotate does (`deployment.apps/web annotated`).
import type { Command } from 'commander';
import type { Runner } from '../command.ts';
import { completes } from '../completion.ts';
import { usageError } from '../errors.ts';
import { addPairFlags, runPairs, splitResourcesAndPairs, type PairOptions } from '../metadata-pairs.ts';

/** kubectl's change-cause annotation may always be overwritten. */
const changeCause = 'kubernetes.io/change-cause';

export function register(parent: Command, run: Runner): void {
  const cmd = parent.command('annotate')
    .summary('Update the annotations on a resource')
    .argument('[args...]', 'TYPE NAME | TYPE/NAME ..., then KEY=VALUE ... KEY- ...');
  completes(cmd, 'resources');
  addPairFlags(cmd, 'annotations');
  cmd.action(run<PairOptions>(async (session, opts, args) => {
    const { resources, pairs } = splitResourcesAndPairs(args, 'annotation');
    const { set, remove } = parseAnnotations(pairs);
    if (opts.list && opts.output) throw usageError('--list and --output may not be specified together');
    if (resources.length < 1 && !opts.filename?.length) {
      throw usageError('one or more resources must be specified as <resource> <name> or <resource>/<name>');
    }
    if (set.size === 0 && remove.length === 0 && !opts.list) throw usageError('at least one annotation update is required');
    const both = remove.filter((k) => set.has(k));
    if (both.length > 0) throw usageError(`can not both modify and remove the following annotation(s) in the same command: ${both.join(', ')}`);
    await runPairs(session, opts, resources, 'annotations', (obj) => {
      const annotations = { ...obj.metadata?.annotations };
      if (!opts.overwrite) {
        const clashes = [...set].filter(([k, v]) => k !== changeCause && k in annotations && annotations[k] !== v)
          .map(([k]) => `'${k}' already has a value (${annotations[k]})`);
        if (clashes.length > 0) throw usageError(`--overwrite is false but found the following declared annotation(s): ${clashes.join('; ')}`);
      }
      for (const [k, v] of set) annotations[k] = v;
      for (const k of remove) delete annotations[k];
      obj.metadata = { ...obj.metadata, annotations };
      return { message: 'annotated', notFound: [] };
    });
  }));
}

/** kubectl's ParsePairs: `k=v` (the value may hold more `=`) or `k-`; the invalid ones named together. */
export function parseAnnotations(pairs: string[]): { set: Map<string, string>; remove: string[] } {
  const set = new Map<string, string>();
  const remove: string[] = [];
  const invalid: string[] = [];
  for (const pair of pairs) {
    if (pair.includes('=') && pair[0] !== '=') {
      const eq = pair.indexOf('=');
      set.set(pair.slice(0, eq), pair.slice(eq + 1));
    } else if (pair.endsWith('-') && pair !== '-') {
      remove.push(pair.slice(0, -1));
    } else {
      invalid.push(pair);
    }
  }
  if (invalid.length > 0) throw usageError(`invalid annotation format: ${invalid.join(', ')}`);
  return { set, remove };
}
