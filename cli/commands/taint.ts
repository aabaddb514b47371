// skiffctl taint nodes NAME... KEY[=VALUE]:EFFECT ... KEY[:EFFECT]-: add and remove node taints, as kubectl taint
// does: new taints first, then the old ones not replaced; `node/x tainted`, `untainted` or `modified` (both, or
// --overwrite). Adding a key and effect the node already has needs --overwrite.
import type { Command } from 'commander';
import { createTwoWayMergePatch, createJsonMergePatch } from '../../apiserver/api/patch/three-way.ts';
import type { Node, Taint } from '../../apiserver/api/types.ts';
import type { Runner } from '../command.ts';
import { AggregateCliError, CliError, goError, usageError } from '../errors.ts';
import { helpHint } from '../generator.ts';
import { argInfos } from '../infos.ts';
import { addDryRunFlag, addFieldManagerFlag, addValidateFlag, parseDryRun, parseResultFormat, ResultPrinter, writeOptions } from '../mutation.ts';
import { resolveSingleType } from '../resolve.ts';
import type { Session } from '../session.ts';

interface TaintOptions {
  all?: boolean;
  selector?: string;
  overwrite?: boolean;
  output?: string;
  dryRun?: string | boolean;
  validate?: string;
  fieldManager?: string;
}

const effects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const qualifiedName = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

export function register(parent: Command, run: Runner): void {
  const cmd = parent.command('taint')
    .summary('Update the taints on one or more nodes')
    .argument('[args...]', 'nodes NAME... KEY[=VALUE]:EFFECT ... KEY[:EFFECT]- ...')
    .option('--all', 'every node')
    .option('-l, --selector <selector>', 'the nodes with these labels')
    .option('--overwrite', 'replace taints with the same key and effect')
    .option('-o, --output <format>', 'json|yaml|name|jsonpath=...');
  addFieldManagerFlag(addValidateFlag(addDryRunFlag(cmd)), 'kubectl-taint');
  cmd.action(run<TaintOptions>(taint));
}

/** `key=value:Effect`, `key:Effect`, `key` (kubectl's Taint.ToString). */
function taintString(t: Taint): string {
  if (!t.effect) return t.value ? `${t.key}=${t.value}:` : t.key;
  return t.value ? `${t.key}=${t.value}:${t.effect}` : `${t.key}:${t.effect}`;
}

function parseTaint(spec: string): Taint {
  const parts = spec.split(':');
  let key: string;
  let value = '';
  let effect = '';
  if (parts.length === 1) {
    key = parts[0];
  } else if (parts.length === 2) {
    effect = parts[1];
    if (!effects.includes(effect)) throw usageError(`invalid taint effect: ${effect}, unsupported taint effect`);
    const kv = parts[0].split('=');
    if (kv.length > 2) throw usageError(`invalid taint spec: ${spec}`);
    key = kv[0];
    if (kv.length === 2) {
      value = kv[1];
      if (value.length > 63 || !labelValue.test(value)) {
        throw usageError(`invalid taint spec: ${spec}, a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`);
      }
    }
  } else {
    throw usageError(`invalid taint spec: ${spec}`);
  }
  if (!qualifiedName.test(key) || key.split('/').at(-1)!.length > 63) {
    throw usageError(`invalid taint spec: ${spec}, name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`);
  }
  return { key, ...(value ? { value } : {}), effect: effect as Taint['effect'] };
}

export function parseTaints(specs: string[]): { add: Taint[]; remove: Taint[] } {
  const add: Taint[] = [];
  const remove: Taint[] = [];
  const seen = new Set<string>();
  for (const spec of specs) {
    if (spec.endsWith('-')) {
      const t = parseTaint(spec.slice(0, -1));
      remove.push({ key: t.key, effect: t.effect });
      continue;
    }
    const t = parseTaint(spec);
    if (!t.effect) throw usageError(`invalid taint spec: ${spec}`);
    const id = `${t.effect}/${t.key}`;
    if (seen.has(id)) throw usageError(`duplicated taints with the same key and effect: {${t.key} ${t.value ?? ''} ${t.effect} <nil>}`);
    seen.add(id);
    add.push(t);
  }
  return { add, remove };
}

const sameTaint = (a: Taint, b: Taint): boolean => a.key === b.key && a.effect === b.effect;

/** kubectl's reorganizeTaints: the new list and the word for what happened (errors for taints not there). */
export function reorganize(old: Taint[], add: Taint[], remove: Taint[], overwrite: boolean): { taints: Taint[]; operation: string; errors: string[] } {
  const taints = [...add];
  for (const o of old) if (!taints.some((t) => sameTaint(t, o))) taints.push(o);
  const added = old.length !== taints.length;
  const errors: string[] = [];
  let removed = false;
  let list = taints;
  for (const r of remove) {
    const before = list.length;
    list = r.effect ? list.filter((t) => !sameTaint(t, r)) : list.filter((t) => t.key !== r.key);
    // kubectl keeps only the last removal's outcome for the word it prints.
    removed = list.length !== before;
    if (!removed) errors.push(`taint "${taintString(r)}" not found`);
  }
  const operation = (added && removed) || overwrite ? 'modified' : added ? 'tainted' : 'untainted';
  return { taints: list, operation, errors };
}

async function taint(session: Session, opts: TaintOptions, args: string[], cmd: Command): Promise<void> {
  const resources: string[] = [];
  const specs: string[] = [];
  for (const s of args) {
    const isTaint = s.includes('=') || s.includes(':') || s.endsWith('-');
    if (isTaint) specs.push(s);
    else if (specs.length === 0) resources.push(s);
    else throw usageError(`all resources must be specified before taint changes: ${s}`);
  }
  if (resources.length < 1) throw usageError('one or more resources must be specified as <resource> <name>');
  if (specs.length < 1) throw usageError('at least one taint update is required');
  let parsed: { add: Taint[]; remove: Taint[] };
  try {
    parsed = parseTaints(specs);
  } catch (e) {
    throw new CliError(`${(e as Error).message}\n${helpHint(cmd)}`);
  }
  const resource = resolveSingleType(await session.discovery(), resources[0]);
  if (resource.kind !== 'Node') throw usageError(`invalid resource type ${resources[0].toLowerCase()}, only node types are supported`);
  const conflicts = parsed.remove.filter((r) => parsed.add.some((a) => a.key === r.key && (!r.effect || a.effect === r.effect)))
    .map((r) => `${r.key}=${r.effect ?? ''}`);
  if (conflicts.length > 0) throw usageError(`can not both modify and remove the following taint(s) in the same command: ${conflicts.join(', ')}`);
  if (opts.all && opts.selector) throw usageError("setting 'all' parameter with a non empty selector is prohibited");
  if (!opts.all && !opts.selector && resources.length < 2) throw usageError("at least one resource name must be specified since 'all' parameter is not set");

  const dryRun = parseDryRun(session, opts.dryRun);
  // kubectl taint words its result the same with or without a dry run.
  const printer = new ResultPrinter(session, parseResultFormat(opts.output));
  const entries = await argInfos(session, opts.all || opts.selector ? [resources[0]] : resources, {
    all: opts.all, selector: opts.selector, fetchNamed: true,
  });
  const kind = await session.openapi().kind(resource.group, resource.version, resource.kind);
  for (const entry of entries) {
    const { info } = entry;
    if (!info) throw entry.error;
    const node = info.object as Node;
    const old = node.spec?.taints ?? [];
    if (!opts.overwrite) {
      const exists = parsed.add.filter((a) => old.some((o) => sameTaint(a, o))).map((a) => a.key);
      if (exists.length > 0) throw usageError(`node ${info.name} already has ${exists.join(',')} taint(s) with same effect(s) and --overwrite is false`);
    }
    const { taints, operation, errors } = reorganize(old, parsed.add, parsed.remove, Boolean(opts.overwrite));
    if (errors.length === 1) throw goError(errors[0]);
    if (errors.length > 1) throw new AggregateCliError(errors.map((m) => goError(m)));
    const spec = { ...node.spec };
    if (taints.length > 0) spec.taints = taints;
    else delete spec.taints;
    const after: Node = { ...node, spec };
    if (dryRun === 'client') {
      printer.print(after, operation, info.resource);
      continue;
    }
    const patch = kind ? createTwoWayMergePatch(node, after, kind.schema, kind.set.resolve) : createJsonMergePatch(node, after);
    const patched = await session.client().patch<Node>(info.resource, undefined, info.name, patch, kind ? 'strategic' : 'merge',
      writeOptions(dryRun, opts.fieldManager, opts.validate));
    printer.print(patched, operation, info.resource);
  }
}
