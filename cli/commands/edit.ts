// skiffctl edit: open the live objects in $EDITOR (one object, or a List of several) and patch what the user
// changed, as kubectl edit does: a strategic merge patch from the object as shown to the object as saved, sent
// per object (`deployment.apps/web edited`). When the server refuses an edit as invalid, or the file no longer
// parses, the editor opens again on the user's text with the reasons as comments at the top; saving it unchanged
// gives up and says where the text was kept (that loop is ../edit-loop.ts, shared with apply edit-last-applied).
import type { Command } from 'commander';
import { createJsonMergePatch, createTwoWayMergePatch } from '../../apiserver/api/patch/three-way.ts';
import type { ApiObject } from '../../apiserver/client/object.ts';
import type { PatchType } from '../../apiserver/client/rest.ts';
import { ApiStatusError } from '../../apiserver/client/status-error.ts';
import { collect, type Runner } from '../command.ts';
import { completes } from '../completion.ts';
import { qualifiedPlural } from '../discovery.ts';
import { editFormat, printEditResult, runEditLoop, type Reason, type SaveOutcome } from '../edit-loop.ts';
import { noResourcesError, throwCollected, usageError } from '../errors.ts';
import { collectInfos, type Info } from '../infos.ts';
import { withLastApplied } from '../last-applied.ts';
import { addFieldManagerFlag, addValidateFlag, parseValidate } from '../mutation.ts';
import { asList } from '../output/objects.ts';
import type { Session } from '../session.ts';

interface EditOptions {
  filename?: string[];
  recursive?: boolean;
  output?: string;
  outputPatch?: boolean;
  saveConfig?: boolean;
  windowsLineEndings?: boolean;
  validate?: string;
  fieldManager?: string;
}

const header = `# Please edit the object below. Lines beginning with a '#' will be ignored,
# and an empty file will abort the edit. If an error occurs while saving this file will be
# reopened with the relevant failures.
#
`;

export function register(parent: Command, run: Runner): void {
  const cmd = parent.command('edit')
    .summary('Edit a resource on the server')
    .description('Open objects in $KUBE_EDITOR or $EDITOR (default vi) and apply the changes saved.')
    .argument('[resources...]', 'TYPE NAME... | TYPE/NAME...')
    .option('-f, --filename <file>', 'file, directory or - naming the objects to edit', collect)
    .option('-R, --recursive', 'process the directories named by -f recursively')
    .option('-o, --output <format>', 'yaml (default) or json: the format to edit in')
    .option('--output-patch', 'print the patch sent for each object')
    .option('--save-config', 'record the configuration in the last-applied annotation')
    .option('--windows-line-endings', 'edit with CRLF line endings');
  completes(cmd, 'resources');
  addFieldManagerFlag(addValidateFlag(cmd), 'kubectl-edit');
  cmd.action(run<EditOptions>(edit));
}

function withoutManagedFields(obj: ApiObject): ApiObject {
  if (!obj.metadata?.managedFields) return obj;
  const { managedFields: _dropped, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

async function edit(session: Session, opts: EditOptions, args: string[]): Promise<void> {
  const format = editFormat(opts.output);
  if (args.length === 0 && !opts.filename?.length) throw noResourcesError();
  const validate = parseValidate(opts.validate);
  const entries = await collectInfos(session, args, {
    filenames: opts.filename, recursive: opts.recursive, fetchNamed: true,
  });
  throwCollected(entries.filter((e) => !e.info).map((e) => e.error));
  const infos = entries.flatMap((e) => (e.info ? [e.info] : []));
  if (infos.length === 0) throw usageError('edit cancelled, no objects found');

  await runEditLoop(session, {
    format,
    header,
    windowsLineEndings: opts.windowsLineEndings,
    prefix: 'skiffctl-edit-',
    shown: () => {
      const objects = infos.map((i) => withoutManagedFields(i.object as ApiObject));
      return objects.length === 1 ? objects[0] : { ...asList(objects), metadata: {} };
    },
    save: (objects, _file, reasons) => patchEdited(session, infos, objects, opts, validate, reasons),
  });
}

/** Patches each edited object that changed; invalid ones add their causes to `reasons` for the next round. */
async function patchEdited(session: Session, infos: Info[], editedObjects: ApiObject[], opts: EditOptions,
  validate: 'Strict' | 'Warn' | 'Ignore', reasons: Reason[]): Promise<SaveOutcome> {
  const result: SaveOutcome = { retryable: 0, notFound: 0, invalid: false };
  const client = session.client();
  for (const editedRaw of editedObjects) {
    const info = infos.find((i) => i.object?.metadata?.uid !== undefined && i.object.metadata.uid === editedRaw.metadata?.uid)
      ?? (infos.length === 1 ? infos[0] : undefined);
    if (!info) throw usageError(`no original object found for ${editedRaw.kind ?? ''} "${editedRaw.metadata?.name ?? ''}"`);
    const originalObj = withoutManagedFields(info.object as ApiObject);
    const edited = opts.saveConfig ? withLastApplied(editedRaw) : editedRaw;
    if (JSON.stringify(originalObj) === JSON.stringify(edited)) {
      printEditResult(session, opts.output, edited, 'skipped', info.resource);
      continue;
    }
    if (edited.apiVersion !== originalObj.apiVersion || edited.kind !== originalObj.kind || edited.metadata?.name !== originalObj.metadata?.name) {
      throw usageError('At least one of apiVersion, kind and name was changed');
    }
    const kind = await session.openapi().kind(info.resource.group, info.resource.version, info.resource.kind);
    const type: PatchType = kind ? 'strategic' : 'merge';
    const patch = kind
      ? createTwoWayMergePatch(originalObj, edited, kind.schema, kind.set.resolve)
      : createJsonMergePatch(originalObj, edited);
    if (opts.outputPatch) session.out(`Patch: ${JSON.stringify(patch)}\n`);
    try {
      const patched = await client.patch<ApiObject>(info.resource, info.namespace, info.name, patch, type,
        { fieldManager: opts.fieldManager, fieldValidation: validate });
      info.object = patched;
      printEditResult(session, opts.output, patched, 'edited', info.resource);
    } catch (e) {
      const what = `${qualifiedPlural(info.resource)} "${info.name}"`;
      if (e instanceof ApiStatusError && e.code === 422) {
        result.invalid = true;
        reasons.push({ head: `${what} was not valid`, other: (e.status.details?.causes ?? []).map((c) => `${c.field ?? ''}: ${c.message ?? ''}`) });
        session.err(`error: ${what} is invalid\n`);
      } else if (e instanceof ApiStatusError && e.code === 404) {
        result.notFound++;
        session.err(`error: ${what} could not be found on the server\n`);
      } else {
        result.retryable++;
        session.err(`error: ${what} could not be patched: ${e instanceof Error ? e.message : String(e)}\n`);
      }
    }
  }
  return result;
}
