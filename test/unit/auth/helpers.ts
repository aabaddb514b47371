// Shared by the auth unit tests: temporary directories and the openssl CLI as an independent judge.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';

const created: string[] = [];
// Registered once, at the top level, so it runs when the whole file is done: an after() registered from inside
// a hook or test would run as soon as that hook's own scope ends.
after(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory removed when the test file finishes. */
export function tempDir(prefix = 'skiff-auth-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Permission bits of a file, e.g. 0o600. */
export function modeOf(file: string): number {
  return statSync(file).mode & 0o777;
}

/** Runs openssl; returns its exit status and combined output instead of throwing, so tests can assert on both. */
export function openssl(args: string[], input?: string): { status: number; output: string } {
  const r = spawnSync('openssl', args, { input, encoding: 'utf8' });
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

/** openssl that must succeed; returns stdout. */
export function opensslOk(args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8' });
}
