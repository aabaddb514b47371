// skiffctl edit: open the live objects in $EDITOR (one object, or a List of several) and patch what the user
// changed, as kubectl edit does: a strategic merge patch from the object as shown to the object as saved, sent
// per object (`deployment.apps/web edited`). When the server refuses an edit as invalid, or the file no longer
// parses, the editor opens again on the user's text with the reasons as comments at the top; saving it unchanged
// gives up and says where the text was kept.
import fs from 'node:fs';
import type { Command } from 'commander';
import { createJsonMergePatch, createTwoWayMergePatch } from '../../apiserver/api/patch/three-way.ts';
import type { ApiObject } from '../../apiserver/client/object.ts';
import type { PatchType } from '../../apiserver/client/rest.ts';
import { ApiStatusError } from '../../apiserver/client/status-error.ts';
import { collect, type Runner } from '../command.ts';
import { completes } from '../completion.ts';
import { qualifiedPlural } from '../discovery.ts';
import { hasContent, launchEditor, stripComments } from '../editor.ts';
import { CliError, SilentExit, throwCollected, usageError } from '../errors.ts';
import { collectInfos, type Info } from '../infos.ts';
import { withLastApplied } from '../last-applied.ts';
import { parseManifests } from '../manifests.ts';
import { addFieldManagerFlag, addValidateFlag, parseValidate, resultName } from '../mutation.ts';
import { asList, toJson, toYaml } from '../output/objects.ts';
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

interface Reason {
  head: string;
  other: string[];
}

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

/** Comments off, then as JSON when it parses (so re-indenting is no change), as kubectl's StripComments. */
function canonical(text: string): string {
  const stripped = stripComments(text);
  const entries = parseManifests(stripped, 'edited');
  if (entries.some((e) => e.error)) return stripped;
  return JSON.stringify(entries.map((e) => e.object));
}

async function edit(session: Session, opts: EditOptions, args: string[]): Promise<void> {
  const format = opts.output ?? 'yaml';
  if (format !== 'yaml' && format !== 'json') throw usageError(`unable to match a printer suitable for the output format "${format}", allowed formats are: json,yaml`);
  if (args.length === 0 && !opts.filename?.length) {
    throw new CliError(`error: You must provide one or more resources by argument or filename.
Example resource specifications include:
   '-f rsrc.yaml'
   '--filename=rsrc.json'
   '<resource> <name>'
   '<resource>'`);
  }
  const validate = parseValidate(opts.validate);
  const entries = await collectInfos(session, args, {
    filenames: opts.filename, recursive: opts.recursive, fetchNamed: true,
  });
  throwCollected(entries.filter((e) => !e.info).map((e) => e.error));
  const infos = entries.flatMap((e) => (e.info ? [e.info] : []));
  if (infos.length === 0) throw usageError('edit cancelled, no objects found');

  const shown = (): ApiObject | Record<string, unknown> => {
    const objects = infos.map((i) => withoutManagedFields(i.object as ApiObject));
    return objects.length === 1 ? objects[0] : { ...asList(objects), metadata: {} };
  };
  const print = (obj: unknown): string => (format === 'json' ? toJson(obj) : toYaml(obj));
  const ext = format === 'json' ? '.json' : '.yaml';
  let reasons: Reason[] = [];
  let original = '';
  let edited = '';
  let previousFile = '';
  let containsError = false;
  for (;;) {
    let content = headerWith(reasons);
    if (!containsError) {
      original = print(shown());
      content += original;
    } else {
      content += stripComments(edited);
    }
    if (opts.windowsLineEndings) content = content.replace(/\r?\n/g, '\r\n');
    const before = edited;
    const launched = launchEditor(session.io.env, 'skiffctl-edit-', ext, content);
    edited = launched.edited.replace(/\r\n/g, '\n');
    const file = launched.file;
    if (containsError && canonical(before) === canonical(edited)) {
      throw preserved('Edit cancelled, no valid changes were saved.', file, session);
    }
    if (previousFile && previousFile !== file) fs.rmSync(previousFile, { force: true });
    previousFile = file;
    if (canonical(original) === canonical(edited)) {
      fs.rmSync(file, { force: true });
      session.err('Edit cancelled, no changes made.\n');
      return;
    }
    if (!hasContent(edited)) {
      fs.rmSync(file, { force: true });
      session.err('Edit cancelled, saved file was empty.\n');
      return;
    }
    reasons = [];
    const parsed = parseManifests(stripComments(edited), file);
    const syntax = parsed.find((e) => e.error);
    if (syntax?.error) {
      containsError = true;
      reasons.push({ head: `The edited file had a syntax error: ${syntax.error.message.replace(/^error: error parsing [^:]*: /, '')}`, other: [] });
      continue;
    }
    containsError = false;
    const result = await patchEdited(session, infos, parsed.flatMap((e) => (e.object ? [e.object] : [])), opts, validate, reasons);
    if (result.retryable > 0) {
      session.err(`You can run \`skiffctl replace -f ${file}\` to try this update again.\n`);
      throw new SilentExit(1);
    }
    if (result.notFound > 0) {
      session.err(`The edits you made on deleted resources have been saved to "${file}"\n`);
      throw new SilentExit(1);
    }
    if (!result.invalid) {
      fs.rmSync(file, { force: true });
      return;
    }
    containsError = true;
  }
}

function headerWith(reasons: Reason[]): string {
  let text = header;
  const hash = (s: string): string => s.replace(/\n(?!#)/g, '\n# ');
  for (const r of reasons) {
    text += r.other.length > 0 ? `# ${hash(r.head)}:\n` : `# ${hash(r.head)}\n`;
    for (const o of r.other) text += `# * ${hash(o)}\n`;
    text += '#\n';
  }
  return text;
}

function preserved(message: string, file: string, session: Session): CliError {
  if (fs.existsSync(file)) session.err(`A copy of your changes has been stored to "${file}"\n`);
  return usageError(message);
}

interface PatchResult {
  retryable: number;
  notFound: number;
  invalid: boolean;
}

/** Patches each edited object that changed; invalid ones add their causes to `reasons` for the next round. */
async function patchEdited(session: Session, infos: Info[], editedObjects: ApiObject[], opts: EditOptions,
  validate: 'Strict' | 'Warn' | 'Ignore', reasons: Reason[]): Promise<PatchResult> {
  const result: PatchResult = { retryable: 0, notFound: 0, invalid: false };
  const client = session.client();
  for (const editedRaw of editedObjects) {
    const info = infos.find((i) => i.object?.metadata?.uid !== undefined && i.object.metadata.uid === editedRaw.metadata?.uid)
      ?? (infos.length === 1 ? infos[0] : undefined);
    if (!info) throw usageError(`no original object found for ${editedRaw.kind ?? ''} "${editedRaw.metadata?.name ?? ''}"`);
    const originalObj = withoutManagedFields(info.object as ApiObject);
    const edited = opts.saveConfig ? withLastApplied(editedRaw) : editedRaw;
    if (JSON.stringify(originalObj) === JSON.stringify(edited)) {
      session.out(`${resultName(edited, info.resource)} skipped\n`);
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
      session.out(`${resultName(patched, info.resource)} edited\n`);
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
