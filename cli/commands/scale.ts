// skiffctl scale TYPE NAME --replicas=N: set the replica count through the scale subresource, as kubectl scale
// does (`deployment.apps/web scaled`). --current-replicas and --resource-version are preconditions checked against
// the Scale first; --timeout waits until the status has the new count.
import type { Command } from 'commander';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { isConflict } from '../../apiserver/client/status-error.ts';
import { collect, type Runner } from '../command.ts';
import { completes } from '../completion.ts';
import { noResourcesError, usageError } from '../errors.ts';
import { collectInfos, type Info } from '../infos.ts';
import { addDryRunFlag, parseDryRun, parseResultFormat, ResultPrinter } from '../mutation.ts';
import type { Session } from '../session.ts';
import { parseTimeout, waitForObject } from '../wait.ts';

interface ScaleOptions {
  replicas?: string;
  currentReplicas: string;
  resourceVersion?: string;
  timeout?: string;
  all?: boolean;
  selector?: string;
  filename?: string[];
  recursive?: boolean;
  output?: string;
  dryRun?: string | boolean;
}

interface Scale {
  metadata?: { resourceVersion?: string };
  spec?: { replicas?: number };
  status?: { replicas?: number };
}

export function register(parent: Command, run: Runner): void {
  const cmd = parent.command('scale')
    .summary('Set a new size for a deployment, replica set, replication controller, or stateful set')
    .argument('[resources...]', 'TYPE NAME... | TYPE/NAME...')
    .option('--replicas <count>', 'the new number of replicas')
    .option('--current-replicas <count>', 'precondition: the current number of replicas (-1: no precondition)', '-1')
    .option('--resource-version <version>', 'precondition: the current resourceVersion')
    .option('--timeout <duration>', 'wait this long for the new size to be reached (0: do not wait)', '0s')
    .option('--all', 'every object of the types in the namespace')
    .option('-l, --selector <selector>', 'label selector')
    .option('-f, --filename <file>', 'file, directory or - naming the objects to scale', collect)
    .option('-R, --recursive', 'process the directories named by -f recursively')
    .option('-o, --output <format>', 'json|yaml|name|jsonpath=...');
  completes(cmd, 'resources');
  addDryRunFlag(cmd);
  cmd.action(run<ScaleOptions>(scale));
}

function intFlag(value: string | undefined): number | undefined {
  return value !== undefined && /^-?\d+$/.test(value) ? Number(value) : undefined;
}

async function scale(session: Session, opts: ScaleOptions, args: string[]): Promise<void> {
  if (opts.replicas === undefined) throw usageError('required flag(s) "replicas" not set');
  const replicas = intFlag(opts.replicas);
  if (replicas === undefined || replicas < 0) throw usageError('The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0');
  const current = intFlag(opts.currentReplicas) ?? -1;
  if (current < -1) throw usageError('The --current-replicas must specify an integer of -1 or greater');
  const dryRun = parseDryRun(session, opts.dryRun);
  const timeoutMs = parseTimeout(opts.timeout);
  const printer = new ResultPrinter(session, parseResultFormat(opts.output), dryRun);
  if (args.length === 0 && !opts.filename?.length) {
    throw noResourcesError();
  }
  const entries = await collectInfos(session, args, {
    filenames: opts.filename, recursive: opts.recursive, selector: opts.selector, all: opts.all, fetchNamed: true,
  });
  const infos = entries.flatMap((e) => (e.info ? [e.info] : []));
  const infoError = entries.find((e) => !e.info)?.error;
  if (opts.resourceVersion && infos.length > 1) throw usageError('cannot use --resource-version with multiple resources');
  // kubectl 1.32 says this even when the only object named was not found.
  if (infos.length === 0) throw usageError('no objects passed to scale');
  const precondition = current !== -1 || opts.resourceVersion ? { replicas: current, resourceVersion: opts.resourceVersion } : undefined;
  for (const info of infos) {
    let size = replicas;
    if (dryRun !== 'client') size = await scaleOne(session, info, replicas, precondition, dryRun === 'server');
    const obj = info.object as ApiObject & { spec?: Record<string, unknown> };
    printer.print({ ...obj, spec: { ...obj.spec, replicas: size } } as ApiObject, 'scaled', info.resource);
    if (timeoutMs > 0 && dryRun === 'none') await waitForReplicas(session, info, replicas, timeoutMs);
  }
  if (infoError !== undefined) throw infoError;
}

/** kubectl's ScaleSimple, retried on conflicts: with preconditions a read-check-update, else a merge patch. */
async function scaleOne(session: Session, info: Info, replicas: number,
  precondition: { replicas: number; resourceVersion?: string } | undefined, dryRun: boolean): Promise<number> {
  const client = session.client();
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      if (!precondition) {
        const patched = await client.patch<Scale>(info.resource, info.namespace, info.name, { spec: { replicas } }, 'merge',
          { subresource: 'scale', dryRun });
        return patched.spec?.replicas ?? replicas;
      }
      const current = await client.getSubresource<Scale & ApiObject>(info.resource, info.namespace, info.name, 'scale');
      const actual = current.spec?.replicas ?? 0;
      if (precondition.replicas !== -1 && actual !== precondition.replicas) {
        throw usageError(`Expected replicas to be ${precondition.replicas}, was ${actual}`);
      }
      if (precondition.resourceVersion && current.metadata?.resourceVersion !== precondition.resourceVersion) {
        throw usageError(`Expected resource version to be ${precondition.resourceVersion}, was ${current.metadata?.resourceVersion ?? ''}`);
      }
      const updated = await client.updateSubresource<Scale>(info.resource, info.namespace, info.name, 'scale',
        { ...current, spec: { ...current.spec, replicas } }, { dryRun });
      return updated.spec?.replicas ?? replicas;
    } catch (e) {
      if (!isConflict(e) || Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** --timeout: until the status has the desired count (or someone set another count), watching the object. */
async function waitForReplicas(session: Session, info: Info, replicas: number, timeoutMs: number): Promise<void> {
  type Scaled = ApiObject & { spec?: { replicas?: number }; status?: { replicas?: number } };
  await waitForObject(session, info.resource, info.namespace, info.name, (obj) => {
    const o = obj as Scaled | undefined;
    return !o || o.spec?.replicas !== replicas || (o.status?.replicas ?? 0) === replicas;
  }, { timeoutMs, timeoutMessage: `timed out waiting for "${info.name}" to be synced` });
}
