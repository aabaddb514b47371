// The editing loop `edit` and `apply edit-last-applied` share, as kubectl's EditOptions.Run: show the objects in
// $EDITOR (YAML under a commented header, or JSON without one), and act on what was saved. A file that no longer
// parses, or that the server refused as invalid, opens again on the user's text with the reasons as comments at the
// top; saving it unchanged gives up and says where the text was kept. An unchanged or emptied file cancels.
import fs from 'node:fs';
import type { ApiObject } from '../apiserver/client/object.ts';
import { hasContent, launchEditor, stripComments } from './editor.ts';
import { SilentExit, usageError } from './errors.ts';
import { parseManifests } from './manifests.ts';
import { parseResultFormat, ResultPrinter } from './mutation.ts';
import type { DiscoveredResource } from './discovery.ts';
import { toJson, toYaml } from './output/objects.ts';
import type { Session } from './session.ts';

/** Why the file opens again: one comment paragraph at the top of the next round. */
export interface Reason {
  head: string;
  other: string[];
}

/** What became of one save: failures the user cannot fix in the editor end the loop; invalid ones re-open it. */
export interface SaveOutcome {
  retryable: number;
  notFound: number;
  invalid: boolean;
}

export interface EditLoop {
  /** yaml (the default) or json: the format shown; JSON gets no header (kubectl's editPrinterOptions). */
  format: 'yaml' | 'json';
  /** The comment block at the top of a YAML file, ending in `#\n`. */
  header: string;
  windowsLineEndings?: boolean;
  /** The editor file's name starts with this (`skiffctl-edit-`). */
  prefix: string;
  /** What the editor shows; called again at each round that starts from the server's objects. */
  shown(): unknown;
  /** Acts on the saved objects; adds the reasons for invalid ones. Throwing gives up and keeps the file. */
  save(objects: ApiObject[], file: string, reasons: Reason[]): Promise<SaveOutcome>;
}


/** The -o of edit and edit-last-applied: the format to edit in (json or yaml, else kubectl's printer error). */
export function editFormat(output: string | undefined): 'yaml' | 'json' {
  const format = output ?? 'yaml';
  if (format !== 'yaml' && format !== 'json') throw usageError(`unable to match a printer suitable for the output format "${format}", allowed formats are: json,yaml`);
  return format;
}

/**
 * How an edited object is reported: `configmap/x edited` by default, the object itself with an explicit -o (kubectl
 * prints through the same print flags the format came from, a new printer per object).
 */
export function printEditResult(session: Session, output: string | undefined, obj: ApiObject, operation: string,
  resource?: Pick<DiscoveredResource, 'kind' | 'group' | 'version'>): void {
  new ResultPrinter(session, parseResultFormat(output)).print(obj, operation, resource);
}

/** Comments off, then as JSON when it parses (so re-indenting is no change), as kubectl's StripComments. */
function canonical(text: string): string {
  const stripped = stripComments(text);
  const entries = parseManifests(stripped, 'edited');
  if (entries.some((e) => e.error)) return stripped;
  return JSON.stringify(entries.map((e) => e.object));
}

function headerWith(header: string, reasons: Reason[]): string {
  let text = header;
  const hash = (s: string): string => s.replace(/\n(?!#)/g, '\n# ');
  for (const r of reasons) {
    text += r.other.length > 0 ? `# ${hash(r.head)}:\n` : `# ${hash(r.head)}\n`;
    for (const o of r.other) text += `# * ${hash(o)}\n`;
    text += '#\n';
  }
  return text;
}

function preserved(e: unknown, file: string, session: Session): unknown {
  if (fs.existsSync(file)) session.err(`A copy of your changes has been stored to "${file}"\n`);
  return e;
}

export async function runEditLoop(session: Session, loop: EditLoop): Promise<void> {
  const print = (obj: unknown): string => (loop.format === 'json' ? toJson(obj) : toYaml(obj));
  const ext = loop.format === 'json' ? '.json' : '.yaml';
  let reasons: Reason[] = [];
  let original = '';
  let edited = '';
  let previousFile = '';
  let containsError = false;
  for (;;) {
    let content = loop.format === 'json' ? '' : headerWith(loop.header, reasons);
    if (!containsError) {
      original = print(loop.shown());
      content += original;
    } else {
      content += stripComments(edited);
    }
    if (loop.windowsLineEndings) content = content.replace(/\r?\n/g, '\r\n');
    const before = edited;
    const launched = launchEditor(session.io.env, loop.prefix, ext, content);
    edited = launched.edited.replace(/\r\n/g, '\n');
    const file = launched.file;
    if (containsError && canonical(before) === canonical(edited)) {
      throw preserved(usageError('Edit cancelled, no valid changes were saved.'), file, session);
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
    let result: SaveOutcome;
    try {
      result = await loop.save(parsed.flatMap((e) => (e.object ? [e.object] : [])), file, reasons);
    } catch (e) {
      throw preserved(e, file, session);
    }
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
