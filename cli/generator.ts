// What kubectl's generator commands (`create deployment|namespace|configmap|secret|service`, `expose`, `run`) share:
// one NAME argument, the flags of a mutating verb, and one run: build the object locally, optionally record the
// last-applied configuration (--save-config), then send it (unless --dry-run=client) and print the result line.
import type { Command } from 'commander';
import type { ApiObject } from '../apiserver/client/object.ts';
import { CliError, usageError } from './errors.ts';
import { resourceForKind } from './infos.ts';
import { lastAppliedAnnotation, lastAppliedValue } from './last-applied.ts';
import {
  addDryRunFlag, addFieldManagerFlag, addValidateFlag, parseDryRun, parseResultFormat, ResultPrinter, writeOptions,
} from './mutation.ts';
import type { Session } from './session.ts';

export interface GeneratorOptions {
  output?: string;
  dryRun?: string | boolean;
  validate?: string;
  fieldManager?: string;
  saveConfig?: boolean;
}

export function addGeneratorFlags(cmd: Command, manager = 'kubectl-create'): Command {
  // NAME is checked by exactlyOneName, with kubectl's message.
  cmd.allowExcessArguments()
    .option('-o, --output <format>', 'json|yaml|name|jsonpath=...')
    .option('--save-config', 'record the configuration in the last-applied annotation, for a later apply');
  addValidateFlag(addDryRunFlag(cmd));
  return addFieldManagerFlag(cmd, manager);
}

/** `skiffctl create secret generic`: the command's full name, for "See '... -h' for help and examples". */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

export function helpHint(cmd: Command): string {
  return `See '${commandPath(cmd)} -h' for help and examples`;
}

/**
 * How many of `args` came before a `--` on the command line (all of them when there was none): cobra's
 * ArgsLenAtDash. Commander drops the `--`, so count what followed it in the raw arguments.
 */
export function argsLenAtDash(cmd: Command, args: readonly string[]): number {
  let root = cmd;
  while (root.parent) root = root.parent;
  const raw = (root as unknown as { rawArgs?: string[] }).rawArgs ?? [];
  const dash = raw.indexOf('--');
  return dash < 0 ? args.length : Math.max(0, args.length - (raw.length - dash - 1));
}

/** kubectl's NameFromCommandArgs: exactly one argument before any `--`. */
export function exactlyOneName(args: readonly string[], cmd: Command): string {
  const count = argsLenAtDash(cmd, args);
  if (count !== 1) throw new CliError(`error: exactly one NAME is required, got ${count}\n${helpHint(cmd)}`);
  return args[0];
}

/**
 * A generated object as kubectl's typed structs serialize it (`creationTimestamp: null`, `status: {}` ...), so that
 * `--dry-run=client -o yaml` prints what kubectl prints.
 */
export function generated(obj: Record<string, unknown>): ApiObject {
  return obj as ApiObject;
}

/** The namespace a generated object names: only an explicit -n is written into it, as kubectl does. */
export function generatedNamespace(session: Session): { namespace?: string } {
  return session.flags.namespace ? { namespace: session.flags.namespace } : {};
}

/**
 * Sends a generated object (namespaced kinds go to the session's namespace) and prints the result.
 * `failure` words a server error the way the generator does (`failed to create configmap: ...`).
 */
export async function runGenerator(session: Session, opts: GeneratorOptions, object: ApiObject,
  failure: (e: unknown) => unknown, operation = 'created'): Promise<ApiObject> {
  const dryRun = parseDryRun(session, opts.dryRun);
  const printer = new ResultPrinter(session, parseResultFormat(opts.output), dryRun);
  const write = writeOptions(dryRun, opts.fieldManager, opts.validate);
  let obj = object;
  if (opts.saveConfig) {
    obj = { ...obj, metadata: { ...obj.metadata, annotations: { ...obj.metadata?.annotations, [lastAppliedAnnotation]: lastAppliedValue(obj) } } };
  }
  const discovery = await session.discovery();
  const resource = resourceForKind(discovery, obj.apiVersion ?? '', obj.kind ?? '');
  if (!resource) throw usageError(`the server doesn't have a resource type for ${obj.apiVersion} ${obj.kind}`);
  if (dryRun !== 'client') {
    try {
      obj = await session.client().create(resource, resource.namespaced ? session.namespace() : undefined, obj, write);
    } catch (e) {
      throw failure(e);
    }
  }
  printer.print(obj, operation, resource);
  return obj;
}
