// Writes a set of files into a volume directory so readers never see a half-updated set (kube's AtomicWriter):
// the files go into a fresh `..<timestamp>` directory, the `..data` symlink is swapped to it with one rename, and
// each user-visible name is a symlink through `..data`. Unchanged content is not rewritten.
import { createHash } from 'node:crypto';
import { lstat, mkdir, readdir, readlink, rename, rm, symlink, writeFile, chmod } from 'node:fs/promises';
import path from 'node:path';

export interface ProjectedFile {
  /** Relative path inside the volume (no `..`, not absolute). */
  path: string;
  content: Buffer;
  mode: number;
}

const dataLink = '..data';

export function checkRelativePath(p: string): void {
  if (!p || path.isAbsolute(p) || p.split('/').some((part) => part === '..') || p.startsWith('..')) {
    throw new Error(`invalid path ${JSON.stringify(p)}: must be relative and may not contain '..'`);
  }
}

function digest(files: ProjectedFile[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    h.update(f.path).update('\0').update(String(f.mode)).update('\0').update(f.content).update('\0');
  }
  return h.digest('hex');
}

/** Returns true when the content changed and was written. */
export async function writeAtomically(dir: string, files: ProjectedFile[]): Promise<boolean> {
  for (const f of files) checkRelativePath(f.path);
  await mkdir(dir, { recursive: true });
  const sum = digest(files);
  const current = await readlink(path.join(dir, dataLink)).catch(() => undefined);
  if (current?.endsWith(`_${sum.slice(0, 16)}`)) return false;

  const tsDir = `..${new Date().toISOString().replace(/[:.]/g, '_')}_${sum.slice(0, 16)}`;
  const tsPath = path.join(dir, tsDir);
  await mkdir(tsPath, { recursive: true });
  for (const f of files) {
    const target = path.join(tsPath, f.path);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, f.content);
    await chmod(target, f.mode);
  }
  await chmod(tsPath, 0o755);
  const tmpLink = path.join(dir, `..data_tmp`);
  await rm(tmpLink, { force: true });
  await symlink(tsDir, tmpLink);
  await rename(tmpLink, path.join(dir, dataLink));

  // User-visible names: one symlink per top-level entry, through ..data.
  const wanted = new Set(files.map((f) => f.path.split('/')[0]));
  for (const top of wanted) {
    const link = path.join(dir, top);
    const existing = await lstat(link).catch(() => undefined);
    if (existing?.isSymbolicLink()) continue;
    if (existing) await rm(link, { recursive: true, force: true });
    await symlink(path.join(dataLink, top), link);
  }
  for (const entry of await readdir(dir)) {
    if (entry === dataLink || entry === tsDir) continue;
    if (entry.startsWith('..') || !wanted.has(entry)) await rm(path.join(dir, entry), { recursive: true, force: true });
  }
  return true;
}
