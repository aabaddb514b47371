// skiffctl create -f: create every object of the manifests, as kubectl create does: one result line per object
// (`configmap/a created`), failures (already exists, unknown kinds, bad files) reported after the rest was created.
// The generators (`create deployment|namespace|configmap|secret generic|service ...`) are subcommands, each in its
// own file.
import type { Command } from 'commander';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { collect, type Runner } from '../command.ts';
import { usageError, withSource } from '../errors.ts';
import { forEachManifest } from '../infos.ts';
import { lastAppliedValue, lastAppliedAnnotation } from '../last-applied.ts';
import {
  addDryRunFlag, addFieldManagerFlag, addValidateFlag, parseDryRun, parseResultFormat, ResultPrinter, writeOptions,
} from '../mutation.ts';
import type { Session } from '../session.ts';
import * as configmap from './create-configmap.ts';
import * as deployment from './create-deployment.ts';
import * as namespace from './create-namespace.ts';
import * as secret from './create-secret.ts';
import * as service from './create-service.ts';

interface CreateOptions {
  filename?: string[];
  recursive?: boolean;
  output?: string;
  dryRun?: string | boolean;
  validate?: string;
  fieldManager?: string;
  saveConfig?: boolean;
  selector?: string;
}

export function register(parent: Command, run: Runner): void {
  const create = parent.command('create')
    .summary('Create a resource from a file or from stdin')
    .description('Create resources from files (-f; directories, -R, - for stdin; JSON or YAML), or one object with a generator subcommand.')
    .option('-f, --filename <file>', 'file, directory or - (stdin) with the objects to create', collect)
    .option('-R, --recursive', 'process the directories named by -f recursively')
    .option('-o, --output <format>', 'json|yaml|name|jsonpath=...')
    .option('-l, --selector <selector>', 'create only the objects with these labels')
    .option('--save-config', 'record the configuration in the last-applied annotation, for a later apply');
  addValidateFlag(addDryRunFlag(create));
  addFieldManagerFlag(create, 'kubectl-create');
  create.action(run<CreateOptions>(createFromFiles));
  for (const sub of [deployment, namespace, configmap, secret, service]) sub.register(create, run);
}

async function createFromFiles(session: Session, opts: CreateOptions, args: string[]): Promise<void> {
  if (!opts.filename?.length) throw usageError('must specify one of -f and -k');
  if (args.length > 0) throw usageError(`Unexpected args: [${args.join(' ')}]\nSee 'skiffctl create -h' for help and examples`);
  const dryRun = parseDryRun(session, opts.dryRun);
  const printer = new ResultPrinter(session, parseResultFormat(opts.output), dryRun);
  const write = writeOptions(dryRun, opts.fieldManager, opts.validate);
  const count = await forEachManifest(session, { filename: opts.filename ?? [], recursive: opts.recursive, selector: opts.selector }, async (info) => {
    let object = info.object as ApiObject;
    if (opts.saveConfig) {
      object = { ...object, metadata: { ...object.metadata, annotations: { ...object.metadata?.annotations, [lastAppliedAnnotation]: lastAppliedValue(object) } } };
    }
    try {
      if (dryRun !== 'client') object = await session.client().create(info.resource, info.namespace, object, write);
    } catch (e) {
      throw withSource('creating', info.source, e);
    }
    printer.print(object, 'created', info.resource);
  });
  if (count === 0) throw usageError('no objects passed to create');
}
