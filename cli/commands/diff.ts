// skiffctl diff -f: what `apply -f` would change, as kubectl diff shows it. For each object the live version goes
// into a LIVE-* directory and the version the server would keep (a server dry run of the apply patch, or of the
// create) into MERGED-*, one YAML file per object named group.version.Kind.namespace.name; then `diff -u -N` (or
// $KUBECTL_EXTERNAL_DIFF) compares the two directories. Exit code: diff's (0 same, 1 different); errors exit 2.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { matchesSelector, parseSelector } from '../../apiserver/api/labels.ts';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { isNotFound } from '../../apiserver/client/status-error.ts';
import { applyPatch } from '../apply-patch.ts';
import { collect, type Runner } from '../command.ts';
import { CliError, formatError, SilentExit, throwCollected, usageError } from '../errors.ts';
import { manifestInfos, type Info } from '../infos.ts';
import { withoutLastApplied } from '../last-applied.ts';
import { toYaml } from '../output/objects.ts';
import type { Session } from '../session.ts';

interface DiffOptions {
  filename?: string[];
  recursive?: boolean;
  selector?: string;
  showManagedFields?: boolean;
  showSecret?: boolean;
  fieldManager?: string;
}

/** kubectl re-reads an object that changed under its dry run this many times, the last time without a lock. */
const maxRetries = 4;

export function register(parent: Command, run: Runner): void {
  parent.command('diff')
    .summary('Diff the live version against a would-be applied version')
    .description('Show what `apply -f` would change: exit 0 when nothing, 1 when something would change, >1 on errors.')
    .option('-f, --filename <file>', 'file, directory or - (stdin) with the objects to compare', collect)
    .option('-R, --recursive', 'process the directories named by -f recursively')
    .option('-l, --selector <selector>', 'only the objects with these labels')
    .option('--show-managed-fields', 'include managed fields in the diff')
    .option('--show-secret', 'show secret values instead of ***')
    .option('--field-manager <name>', 'name of the manager used to track field ownership', 'kubectl-client-side-apply')
    .action(run<DiffOptions>(async (session, opts) => {
      try {
        await diff(session, opts);
      } catch (e) {
        // kubectl diff leaves 1 to mean "different": every failure exits 2.
        if (e instanceof SilentExit) throw e;
        throw new CliError(formatError(e, session.serverForErrors()), 2);
      }
    }));
}

async function diff(session: Session, opts: DiffOptions): Promise<void> {
  if (!opts.filename?.length) throw usageError('must specify one of -f and -k');
  const live = fs.mkdtempSync(path.join(os.tmpdir(), 'LIVE-'));
  const merged = fs.mkdtempSync(path.join(os.tmpdir(), 'MERGED-'));
  try {
    const errors: unknown[] = [];
    const selector = opts.selector ? parseSelector(opts.selector) : undefined;
    for (const entry of await manifestInfos(session, opts.filename, { recursive: opts.recursive })) {
      const { info } = entry;
      if (!info) {
        errors.push(entry.error);
        continue;
      }
      if (selector && !matchesSelector(selector, info.object?.metadata?.labels)) continue;
      try {
        let [from, to] = await versions(session, info, opts.fieldManager);
        if (!opts.showManagedFields) {
          from = withoutManagedFields(from);
          to = withoutManagedFields(to);
        }
        // A missing object is an empty file, except that kubectl's secret masker turns it into `null`.
        let missing = '';
        if (!opts.showSecret && info.resource.group === '' && info.resource.kind === 'Secret') {
          [from, to] = maskSecrets(from, to);
          missing = 'null\n';
        }
        const name = fileName(info);
        fs.writeFileSync(path.join(live, name), from ? toYaml(from) : missing);
        fs.writeFileSync(path.join(merged, name), to ? toYaml(to) : missing);
      } catch (e) {
        errors.push(e);
      }
    }
    throwCollected(errors);
    runDiff(session, live, merged);
  } finally {
    fs.rmSync(live, { recursive: true, force: true });
    fs.rmSync(merged, { recursive: true, force: true });
  }
}

/** `apps.v1.Deployment.default.web`. */
function fileName(info: Info): string {
  const group = info.resource.group ? `${info.resource.group}.` : '';
  return `${group}${info.resource.version}.${info.resource.kind}.${info.namespace ?? ''}.${info.name}`;
}

/** [live, merged]: the merged version from a server dry run, with the live resourceVersion as a lock. */
async function versions(session: Session, info: Info, fieldManager: string | undefined): Promise<[ApiObject | undefined, ApiObject | undefined]> {
  const client = session.client();
  // As kubectl's GetModifiedConfiguration(annotate=false): no last-applied annotation, an annotations map kept.
  const local = withoutLastApplied(info.object as ApiObject);
  for (let attempt = 1; ; attempt++) {
    let live: ApiObject | undefined;
    try {
      live = await client.get(info.resource, info.namespace, info.name);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    if (!live) return [undefined, await client.create(info.resource, info.namespace, info.object as ApiObject, { dryRun: true, fieldManager })];
    const { patch, type } = await applyPatch(session, info.resource, live, local);
    if (Object.keys(patch).length === 0) return [live, live];
    const locked = attempt < maxRetries
      ? { ...patch, metadata: { ...(patch.metadata as Record<string, unknown> | undefined), resourceVersion: live.metadata?.resourceVersion } }
      : patch;
    try {
      return [live, await client.patch<ApiObject>(info.resource, info.namespace, info.name, locked, type, { dryRun: true, fieldManager })];
    } catch (e) {
      if ((e as { code?: number }).code !== 409 || attempt >= maxRetries) throw e;
    }
  }
}

function withoutManagedFields(obj: ApiObject | undefined): ApiObject | undefined {
  if (!obj?.metadata || !('managedFields' in obj.metadata)) return obj;
  const { managedFields: _dropped, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/**
 * kubectl's Masker: secret values become `***`, or `*** (before)` / `*** (after)` where a value changed, so the
 * diff says which keys change without showing them.
 */
export function maskSecrets(from: ApiObject | undefined, to: ApiObject | undefined): [ApiObject | undefined, ApiObject | undefined] {
  const dataOf = (o: ApiObject | undefined): Record<string, string> | undefined => (o as { data?: Record<string, string> } | undefined)?.data;
  const before = { ...dataOf(from) };
  const after = { ...dataOf(to) };
  for (const key of Object.keys(before)) {
    if (key in after && after[key] !== before[key]) {
      before[key] = '*** (before)';
      after[key] = '*** (after)';
    } else {
      if (key in after) after[key] = '***';
      before[key] = '***';
    }
  }
  for (const key of Object.keys(after)) if (!(key in before)) after[key] = '***';
  const masked = (o: ApiObject | undefined, data: Record<string, string>): ApiObject | undefined =>
    (o && dataOf(o) ? { ...o, data } as ApiObject : o);
  return [masked(from, before), masked(to, after)];
}

/** diff -u -N LIVE MERGED, or $KUBECTL_EXTERNAL_DIFF (its extra words kept only when plain flags, as kubectl does). */
function runDiff(session: Session, from: string, to: string): void {
  const external = session.io.env.KUBECTL_EXTERNAL_DIFF;
  let program = 'diff';
  let args = ['-u', '-N', from, to];
  if (external) {
    const [first, ...rest] = external.split(' ');
    program = first;
    args = [from, to, ...rest.filter((w) => /^[a-zA-Z0-9-=]+$/.test(w))];
  }
  const result = spawnSync(program, args, { maxBuffer: 256 << 20 });
  if (result.error) throw usageError(`failed to run "${program}": ${result.error.message}`);
  if (result.stdout.length > 0) session.out(result.stdout.toString('utf8'));
  if (result.stderr.length > 0) session.err(result.stderr.toString('utf8'));
  const status = result.status ?? 2;
  if (status > 1) throw new CliError(`error: failed to run "${program}": exit status ${status}`, status);
  if (status === 1) throw new SilentExit(1);
}
