// skiffctl apply edit-last-applied: open the configurations recorded in the last-applied annotations of live objects
// in $EDITOR (one, or a List of several) and record what the user saved, changing nothing else: kubectl edit's loop
// (../edit-loop.ts) in kubectl's "edit last applied" mode. Objects without the annotation are left out; an edited
// configuration equal to the one recorded is `skipped`, the others are patched (`configmap/x edited`).
import type { Command } from 'commander';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { collect, type Runner } from '../command.ts';
import { completes } from '../completion.ts';
import type { DiscoveredResource } from '../discovery.ts';
import { editFormat, printEditResult, runEditLoop, type Reason, type SaveOutcome } from '../edit-loop.ts';
import { noResourcesError, throwCollected, usageError } from '../errors.ts';
import { collectInfos, noMatchError, resourceForKind } from '../infos.ts';
import { lastAppliedAnnotation, lastAppliedPatch, recordedConfiguration } from '../last-applied.ts';
import { parseManifests } from '../manifests.ts';
import { addFieldManagerFlag, addValidateFlag, parseValidate } from '../mutation.ts';
import { goJson } from '../output/go-values.ts';
import { asList } from '../output/objects.ts';
import type { Session } from '../session.ts';

interface EditLastAppliedOptions {
  filename?: string[];
  recursive?: boolean;
  output?: string;
  windowsLineEndings?: boolean;
  validate?: string;
  fieldManager?: string;
}

const header = `# Please edit the 'last-applied-configuration' annotations below.
# Lines beginning with a '#' will be ignored, and an empty file will abort the edit.
#
`;

/** The name kubectl gives the annotation's text when it reads it as a manifest. */
const editedSource = 'edited-file';

export function register(apply: Command, run: Runner): void {
  const cmd = apply.command('edit-last-applied')
    .summary('Edit latest last-applied-configuration annotations of a resource/object')
    .description('Open the last-applied-configuration annotations of objects in $KUBE_EDITOR or $EDITOR (default vi) and record the changes saved.')
    .argument('[resources...]', 'TYPE/NAME... | TYPE NAME...')
    .option('-f, --filename <file>', 'file, directory or - naming the objects', collect)
    .option('-R, --recursive', 'process the directories named by -f recursively')
    .option('-o, --output <format>', 'yaml (default) or json: the format to edit in')
    .option('--windows-line-endings', 'edit with CRLF line endings');
  completes(cmd, 'resources');
  addFieldManagerFlag(addValidateFlag(cmd), 'kubectl-client-side-apply');
  cmd.action(run<EditLastAppliedOptions>(editLastApplied));
}

/** A recorded configuration, read as the object it describes. */
interface Recorded {
  resource: DiscoveredResource;
  object: ApiObject;
}

async function editLastApplied(session: Session, opts: EditLastAppliedOptions, args: string[]): Promise<void> {
  const format = editFormat(opts.output);
  if (args.length === 0 && !opts.filename?.length) throw noResourcesError();
  const validate = parseValidate(opts.validate);
  // As kubectl's edit, a type alone means every object of it.
  const entries = await collectInfos(session, args, { filenames: opts.filename, recursive: opts.recursive, fetchNamed: true, typeMeansAll: true });
  throwCollected(entries.filter((e) => !e.info).map((e) => e.error));
  const discovery = await session.discovery();
  const recorded: Recorded[] = [];
  for (const { info } of entries) {
    const value = info?.object?.metadata?.annotations?.[lastAppliedAnnotation];
    if (value === undefined) continue;
    const [entry] = parseManifests(value, editedSource);
    if (!entry) continue;
    if (entry.error) throw entry.error;
    const resource = resourceForKind(discovery, entry.object.apiVersion ?? '', entry.object.kind ?? '');
    if (!resource) throw noMatchError(entry.object, editedSource);
    recorded.push({ resource, object: entry.object });
  }
  if (recorded.length === 0) {
    throw usageError('no last-applied-configuration annotation found on resources, to create the annotation, use command `skiffctl apply set-last-applied --create-annotation`');
  }
  await runEditLoop(session, {
    format,
    header,
    windowsLineEndings: opts.windowsLineEndings,
    prefix: 'skiffctl-edit-',
    shown: () => (recorded.length === 1 ? recorded[0].object : { ...asList(recorded.map((r) => r.object)), metadata: {} }),
    save: (objects, _file, reasons) => record(session, recorded, objects, opts, validate, reasons),
  });
}

/**
 * Records each saved configuration that differs from the one it was shown as. kubectl pairs them by uid, which
 * recorded configurations seldom have: then every one is compared with the first shown, as kubectl does.
 */
async function record(session: Session, recorded: Recorded[], objects: ApiObject[], opts: EditLastAppliedOptions,
  validate: 'Strict' | 'Warn' | 'Ignore', reasons: Reason[]): Promise<SaveOutcome> {
  const outcome: SaveOutcome = { retryable: 0, notFound: 0, invalid: false };
  const discovery = await session.discovery();
  const namespace = session.namespace();
  // The whole file is mapped, and its namespaces checked, before anything is written. A kind the server lacks
  // re-opens the file, as a syntax error does; kubectl's RequireNamespace gives the command's namespace to objects
  // without one (the patch goes there) and refuses others.
  const mapped: Recorded[] = [];
  for (const obj of objects) {
    const resource = resourceForKind(discovery, obj.apiVersion ?? '', obj.kind ?? '');
    if (!resource) {
      reasons.push({ head: `The edited file had a syntax error: ${noMatchError(obj, editedSource).message.replace(/^error: /, '')}`, other: [] });
      return { ...outcome, invalid: true };
    }
    mapped.push({ resource, object: obj });
  }
  for (const m of mapped) {
    if (!m.resource.namespaced) continue;
    const own = m.object.metadata?.namespace;
    if (!own) m.object = { ...m.object, metadata: { ...m.object.metadata, namespace } };
    else if (own !== namespace) {
      throw usageError(`the namespace from the provided object "${own}" does not match the namespace "${namespace}". You must pass '--namespace=${own}' to perform this operation.`);
    }
  }
  const client = session.client();
  for (const { resource, object: edited } of mapped) {
    const uid = edited.metadata?.uid ?? '';
    const original = recorded.find((r) => (r.object.metadata?.uid ?? '') === uid);
    if (!original) throw usageError(`no original object found for ${edited.kind ?? ''} "${edited.metadata?.name ?? ''}"`);
    if (goJson(original.object) === goJson(edited)) {
      printEditResult(session, opts.output, edited, 'skipped', resource);
      continue;
    }
    await client.patch(resource, resource.namespaced ? namespace : undefined, edited.metadata?.name ?? '',
      lastAppliedPatch(recordedConfiguration(edited)), 'merge', { fieldManager: opts.fieldManager, fieldValidation: validate });
    printEditResult(session, opts.output, edited, 'edited', resource);
  }
  return outcome;
}
