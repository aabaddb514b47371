// skiffctl patch TYPE NAME -p PATCH [--type strategic|merge|json]: send the patch (JSON or YAML) to each named
// object, as kubectl patch does: `deployment.apps/web patched`, or `patched (no change)` when the server's object
// came back unchanged. --dry-run=client patches locally (strategic merge with the server's schema).
import fs from 'node:fs';
import type { Command } from 'commander';
import { parseDocument } from 'yaml';
import { applyJsonPatch } from '../../apiserver/api/patch/json-patch.ts';
import { applyMergePatch } from '../../apiserver/api/patch/merge-patch.ts';
import { applyStrategicMergePatch } from '../../apiserver/api/patch/strategic-merge-patch.ts';
import type { ApiObject } from '../../apiserver/client/object.ts';
import type { PatchType } from '../../apiserver/client/rest.ts';
import { ApiStatusError } from '../../apiserver/client/status-error.ts';
import { collect, type Runner } from '../command.ts';
import { completes } from '../completion.ts';
import { apiVersionOf } from '../discovery.ts';
import { noResourcesError, throwCollected, usageError } from '../errors.ts';
import { collectInfos } from '../infos.ts';
import {
  addDryRunFlag, addFieldManagerFlag, parseDryRun, parseResultFormat, ResultPrinter,
} from '../mutation.ts';
import type { Session } from '../session.ts';

interface PatchOptions {
  patch?: string;
  patchFile?: string;
  type?: string;
  filename?: string[];
  recursive?: boolean;
  output?: string;
  dryRun?: string | boolean;
  fieldManager?: string;
  subresource?: string;
}

const patchTypes: Record<string, Exclude<PatchType, 'apply'>> = { json: 'json', merge: 'merge', strategic: 'strategic' };

const contentTypes: Record<Exclude<PatchType, 'apply'>, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

export function register(parent: Command, run: Runner): void {
  const cmd = parent.command('patch')
    .summary('Update fields of a resource')
    .argument('[resources...]', 'TYPE NAME | TYPE/NAME')
    .option('-p, --patch <patch>', 'the patch, JSON or YAML')
    .option('--patch-file <file>', 'a file with the patch')
    .option('--type <type>', 'json, merge or strategic', 'strategic')
    .option('-f, --filename <file>', 'file, directory or - naming the objects to patch', collect)
    .option('-R, --recursive', 'process the directories named by -f recursively')
    .option('-o, --output <format>', 'json|yaml|name|jsonpath=...')
    .option('--subresource <name>', 'patch this subresource (status, scale)');
  completes(cmd, 'resources');
  addFieldManagerFlag(addDryRunFlag(cmd), 'kubectl-patch');
  cmd.action(run<PatchOptions>(patch));
}

/**
 * kubectl's yaml.ToJSON of the -p text: text that starts like a JSON object is sent as it is (the server judges
 * it), anything else is read as YAML and sent as JSON.
 */
function parsePatch(text: string): unknown {
  if (/^\s*\{/.test(text)) return text;
  const doc = parseDocument(text, { version: '1.1' });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw usageError(`unable to parse "${text}": yaml: line ${e.linePos?.[0].line ?? 1}: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  return JSON.parse(JSON.stringify(doc.toJS() ?? null)) as unknown;
}

async function patch(session: Session, opts: PatchOptions, args: string[]): Promise<void> {
  if (opts.patch !== undefined && opts.patchFile !== undefined) throw usageError('cannot specify --patch and --patch-file together');
  if (opts.patch === undefined && opts.patchFile === undefined) throw usageError('must specify --patch or --patch-file containing the contents of the patch');
  const type = patchTypes[(opts.type ?? 'strategic').toLowerCase()];
  if (!type) throw usageError(`--type must be one of [json merge strategic], not "${opts.type}"`);
  const dryRun = parseDryRun(session, opts.dryRun);
  // kubectl patch words its result the same with or without a dry run.
  const printer = new ResultPrinter(session, parseResultFormat(opts.output));
  let text = opts.patch ?? '';
  if (opts.patchFile !== undefined) {
    try {
      text = fs.readFileSync(opts.patchFile, 'utf8');
    } catch (e) {
      throw usageError(`unable to read patch file: ${(e as Error).message}`);
    }
  }
  const body = parsePatch(text);
  if (args.length === 0 && !opts.filename?.length) {
    throw noResourcesError();
  }
  const entries = await collectInfos(session, args, { filenames: opts.filename, recursive: opts.recursive, fetchNamed: true });
  const client = session.client();
  const errors: unknown[] = [];
  let count = 0;
  for (const entry of entries) {
    const { info } = entry;
    if (!info) {
      errors.push(entry.error);
      continue;
    }
    count++;
    const before = info.object as ApiObject;
    try {
      let after: ApiObject;
      if (dryRun === 'client') {
        after = await patchLocally(session, before, body, type, info.resource);
      } else {
        after = await client.patch<ApiObject>(info.resource, info.namespace, info.name, body, type, {
          dryRun: dryRun === 'server', fieldManager: opts.fieldManager, subresource: opts.subresource,
        });
      }
      // An unchanged object comes back byte for byte (same resourceVersion): kubectl's "no change".
      const changed = JSON.stringify(before) !== JSON.stringify(after);
      printer.print(after, changed ? 'patched' : 'patched (no change)', opts.subresource ? undefined : info.resource);
    } catch (e) {
      if (e instanceof ApiStatusError && e.code === 415) {
        errors.push(usageError(`${contentTypes[type]} is not supported by ${apiVersionOf(info.resource)}, Kind=${info.resource.kind}: ${e.message}`));
      } else {
        errors.push(e);
      }
    }
  }
  throwCollected(errors);
  if (count === 0) throw usageError('no objects passed to patch');
}

async function patchLocally(session: Session, obj: ApiObject, body: unknown, type: Exclude<PatchType, 'apply'>,
  resource: { group: string; version: string; kind: string }): Promise<ApiObject> {
  if (typeof body === 'string') body = JSON.parse(body) as unknown;
  if (type === 'json') return applyJsonPatch(obj, body) as ApiObject;
  if (type === 'merge') return applyMergePatch(obj, body) as ApiObject;
  const kind = await session.openapi().kind(resource.group, resource.version, resource.kind);
  if (!kind) throw usageError(`strategic merge patch is not supported for ${apiVersionOf(resource)}, Kind=${resource.kind} locally, try --type merge`);
  return applyStrategicMergePatch(obj, body, kind.schema, kind.set.resolve) as ApiObject;
}
