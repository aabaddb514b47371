// What every verb that changes objects shares with kubectl: the --dry-run and --validate flags, the -o formats
// such verbs allow, and the one-line result (`deployment.apps/web created`, `... configured (server dry run)`).
import type { Command } from 'commander';
import type { ApiObject } from '../apiserver/client/object.ts';
import type { WriteOptions } from '../apiserver/client/rest.ts';
import { kindPrefix, type DiscoveredResource } from './discovery.ts';
import { usageError } from './errors.ts';
import { klogHeader } from './klog.ts';
import { parseOutputFormat, type OutputFormat } from './output/format.ts';
import { ObjectPrinter } from './output/objects.ts';
import type { Session } from './session.ts';

export type DryRun = 'none' | 'client' | 'server';

/** `--dry-run` alone means client, as kubectl's NoOptDefVal ("unchanged") does, with its deprecation warning. */
export function addDryRunFlag(cmd: Command): Command {
  return cmd.option('--dry-run [strategy]', 'none, client (print what would be sent) or server (submit without persisting)', 'none');
}

export function addValidateFlag(cmd: Command): Command {
  return cmd.option('--validate <mode>', 'strict (or true), warn, ignore (or false): how the server treats unknown or duplicate fields', 'strict');
}

export function addFieldManagerFlag(cmd: Command, manager: string): Command {
  return cmd.option('--field-manager <name>', 'name of the manager used to track field ownership', manager);
}

export function parseDryRun(session: Session, value: string | boolean | undefined): DryRun {
  if (value === true) {
    warn(session, '--dry-run is deprecated and can be replaced with --dry-run=client.');
    return 'client';
  }
  if (value === undefined || value === false) return 'none';
  switch (value) {
    case 'client':
    case 'server':
    case 'none':
      return value;
    case 'true':
      warn(session, '--dry-run=true is deprecated (boolean value) and can be replaced with --dry-run=client.');
      return 'client';
    case 'false':
      warn(session, '--dry-run=false is deprecated (boolean value) and can be replaced with --dry-run=none.');
      return 'none';
    default:
      throw usageError(`Invalid dry-run value (${value}). Must be "none", "server", or "client".`);
  }
}

export function parseValidate(value: string | undefined): 'Strict' | 'Warn' | 'Ignore' {
  switch ((value ?? 'strict').toLowerCase()) {
    case 'strict':
    case 'true':
    case '1':
    case 't':
      return 'Strict';
    case 'warn':
      return 'Warn';
    case 'ignore':
    case 'false':
    case '0':
    case 'f':
      return 'Ignore';
    default:
      throw usageError(`invalid - validate option "${value}"; must be one of: strict (or true), warn, ignore (or false)`);
  }
}

/**
 * klog's warning shape (`W0102 15:04:05.000000   pid file:line] msg`), close enough to read the same; `where` is the
 * kubectl source line that logs it.
 */
export function warn(session: Session, message: string, where = 'helpers.go:703'): void {
  session.err(`${klogHeader('W', where, Date.now() * 1000, process.pid)}${message}\n`);
}

export function writeOptions(dryRun: DryRun, fieldManager: string | undefined, validate?: string): WriteOptions {
  return {
    dryRun: dryRun === 'server',
    fieldManager,
    fieldValidation: validate === undefined ? undefined : parseValidate(validate),
  };
}

const allowedMutationFormats = 'go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml';

/** The -o of a mutating verb: the result line when absent, else json/yaml/name/jsonpath (no tables). */
export type ResultFormat = { type: 'line' } | Exclude<OutputFormat, { type: 'table' } | { type: 'custom-columns' }>;

export function parseResultFormat(value: string | undefined): ResultFormat {
  if (value === undefined || value === '') return { type: 'line' };
  const name = value.split('=')[0];
  if (!['json', 'yaml', 'name', 'jsonpath', 'jsonpath-file'].includes(name)) {
    throw usageError(`unable to match a printer suitable for the output format "${value}", allowed formats are: ${allowedMutationFormats}`);
  }
  return parseOutputFormat(value) as ResultFormat;
}

/** `deployment.apps/web`, from the object's own apiVersion and kind when it has them. */
export function resultName(obj: ApiObject, resource?: Pick<DiscoveredResource, 'kind' | 'group'>): string {
  const name = obj.metadata?.name ?? '';
  if (resource) return `${kindPrefix(resource)}/${name}`;
  const apiVersion = obj.apiVersion ?? '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return `${kindPrefix({ kind: obj.kind ?? '', group })}/${name}`;
}

/** Prints one result: `pod/x created` (+ the dry-run note), or the object in the -o format. */
export class ResultPrinter {
  private readonly format: ResultFormat;
  private readonly session: Session;
  private readonly dryRun: DryRun;
  private readonly objects: ObjectPrinter | undefined;

  constructor(session: Session, format: ResultFormat, dryRun: DryRun = 'none') {
    this.session = session;
    this.format = format;
    this.dryRun = dryRun;
    this.objects = format.type === 'line' ? undefined : new ObjectPrinter(format, (t) => session.out(t));
  }

  print(obj: ApiObject, operation: string, resource?: Pick<DiscoveredResource, 'kind' | 'group' | 'version'>): void {
    if (this.format.type === 'line') {
      const note = this.dryRun === 'client' ? ' (dry run)' : this.dryRun === 'server' ? ' (server dry run)' : '';
      this.session.out(`${resultName(obj, resource)} ${operation}${note}\n`);
      return;
    }
    const typed = resource && !obj.kind
      ? { ...obj, apiVersion: resource.group ? `${resource.group}/${resource.version}` : resource.version, kind: resource.kind }
      : obj;
    this.objects?.print([typed], true);
  }
}
