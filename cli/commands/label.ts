// skiffctl label TYPE NAME KEY=VALUE... KEY-...: add, change (--overwrite) or remove labels, as kubectl label does:
// `pod/x labeled`, `unlabeled` (only removals) or `not labeled` (nothing to do, nothing sent).
import type { Command } from 'commander';
import type { Runner } from '../command.ts';
import { completes } from '../completion.ts';
import { CliError, usageError } from '../errors.ts';
import { addPairFlags, runPairs, splitResourcesAndPairs, type PairOptions } from '../metadata-pairs.ts';

const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export function register(parent: Command, run: Runner): void {
  const cmd = parent.command('label')
    .summary('Update the labels on a resource')
    .argument('[args...]', 'TYPE NAME | TYPE/NAME ..., then KEY=VALUE ... KEY- ...');
  completes(cmd, 'resources');
  addPairFlags(cmd, 'labels');
  cmd.action(run<PairOptions>(async (session, opts, args) => {
    const { resources, pairs } = splitResourcesAndPairs(args, 'label');
    const { set, remove } = parseLabels(pairs);
    if (resources.length < 1 && !opts.filename?.length) {
      throw usageError('one or more resources must be specified as <resource> <name> or <resource>/<name>');
    }
    if (set.size === 0 && remove.length === 0 && !opts.list) throw usageError('at least one label update is required');
    await runPairs(session, opts, resources, 'labels', (obj) => {
      const labels = { ...obj.metadata?.labels };
      if (!opts.overwrite) {
        const clashes = [...set].filter(([k, v]) => k in labels && labels[k] !== v)
          .map(([k]) => `'${k}' already has a value (${labels[k]}), and --overwrite is false`);
        if (clashes.length === 1) throw usageError(clashes[0]);
        if (clashes.length > 1) throw new CliError(`error: [${clashes.join(', ')}]`);
      }
      let added = 0;
      let removed = 0;
      const notFound: string[] = [];
      for (const [k, v] of set) {
        if (labels[k] !== v) {
          labels[k] = v;
          added++;
        }
      }
      for (const k of remove) {
        if (k in labels) {
          delete labels[k];
          removed++;
        } else {
          notFound.push(k);
        }
      }
      obj.metadata = { ...obj.metadata, labels };
      // kubectl 1.32's words (later releases say `modified` when labels are both added and removed).
      const message = added > 0 ? 'labeled' : removed > 0 ? 'unlabeled' : 'not labeled';
      return { message, notFound };
    });
  }));
}

/** kubectl's parseLabels: `k=v` (one `=`, a valid value) or `k-`. */
export function parseLabels(pairs: string[]): { set: Map<string, string>; remove: string[] } {
  const set = new Map<string, string>();
  const remove: string[] = [];
  for (const spec of pairs) {
    if (spec.includes('=')) {
      const parts = spec.split('=');
      if (parts.length !== 2) throw usageError(`invalid label spec: ${spec}`);
      if (parts[1].length > 63 || !labelValue.test(parts[1])) {
        const problems = [];
        if (parts[1].length > 63) problems.push('must be no more than 63 characters');
        if (!labelValue.test(parts[1])) {
          problems.push("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
        }
        throw usageError(`invalid label value: "${spec}": ${problems.join(';')}`);
      }
      set.set(parts[0], parts[1]);
    } else if (spec.endsWith('-')) {
      remove.push(spec.slice(0, -1));
    } else {
      throw usageError(`unknown label spec: ${spec}`);
    }
  }
  if (remove.some((k) => set.has(k))) throw usageError('can not both modify and remove a label in the same command');
  return { set, remove };
}
