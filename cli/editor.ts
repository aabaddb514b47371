// Launching the user's editor on a temporary file, as kubectl's editor package does: $KUBE_EDITOR, else $EDITOR,
// else vi; an editor command with spaces runs through the shell. The file keeps the name it was given
// (skiffctl-edit-*.yaml) so the user's editor picks the right syntax highlighting.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { usageError } from './errors.ts';

/** Writes `content` to a new temporary file, opens the editor on it, and answers what was saved and where. */
export function launchEditor(env: NodeJS.ProcessEnv, prefix: string, ext: string, content: string): { edited: string; file: string } {
  const file = path.join(os.tmpdir(), `${prefix}${randomBytes(5).readUInt32BE(0)}${ext}`);
  fs.writeFileSync(file, content, { mode: 0o600 });
  const editor = env.KUBE_EDITOR || env.EDITOR || 'vi';
  const [program, args] = editor.includes(' ')
    ? [env.SHELL || '/bin/sh', ['-c', `${editor} ${JSON.stringify(file)}`]]
    : [editor, [file]];
  const result = spawnSync(program, args, { stdio: 'inherit', env });
  if (result.error) {
    throw usageError(`unable to launch the editor "${editor}": ${result.error.message}`);
  }
  if (result.status !== 0) {
    throw usageError(`there was a problem with the editor "${editor}"`);
  }
  return { edited: fs.readFileSync(file, 'utf8'), file };
}

/** The text without comment lines (kubectl's StripComments: lines whose first non-blank is `#`). */
export function stripComments(text: string): string {
  return text.split('\n').filter((l) => !l.trimStart().startsWith('#')).join('\n');
}

/** Whether any line has something besides blanks and comments. */
export function hasContent(text: string): boolean {
  return text.split('\n').some((l) => {
    const t = l.trim();
    return t.length > 0 && !t.startsWith('#');
  });
}
