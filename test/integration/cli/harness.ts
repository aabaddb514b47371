// Runs skiffctl as a user would (the built dist/cli/main.js, or cli/main.ts through tsx when the build is missing
// or older than the sources) and real kubectl side by side against the same apiserver, so tests can demand the
// same stdout, stderr and exit code from both.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, type TestApiserver } from '../../helpers/apiserver.ts';

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** The command line that starts skiffctl: the build when it is current, else the sources through tsx. */
export function skiffctlCommand(): string[] {
  const built = path.join(repoRoot, 'dist/cli/main.js');
  if (process.env.SKIFFCTL_FROM_SOURCE !== '1' && existsSync(built)) {
    const sources = Math.max(newestMtime(path.join(repoRoot, 'cli')), newestMtime(path.join(repoRoot, 'apiserver/client')));
    if (statSync(built).mtimeMs >= sources) return [process.execPath, built];
  }
  return [process.execPath, '--import', 'tsx', path.join(repoRoot, 'cli/main.ts')];
}

const skiffctlArgv = skiffctlCommand();

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** Called with each piece of stdout as it arrives, for tests that act while the command is still running. */
  onStdout?: (chunk: string) => void;
}

export function run(file: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { cwd: repoRoot, env: opts.env ?? process.env, timeout: 60_000, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (err && typeof (err as { code?: unknown }).code !== 'number') {
          reject(err);
          return;
        }
        resolve({ stdout, stderr, code: err ? (err as { code: number }).code : 0 });
      });
    if (opts.onStdout) child.stdout?.on('data', (chunk: Buffer | string) => opts.onStdout?.(chunk.toString()));
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

export function skiffctl(args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return run(skiffctlArgv[0], [...skiffctlArgv.slice(1), ...args], opts);
}

export function kubectl(args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return run('kubectl', args, opts);
}

/** Both tools, same arguments, same kubeconfig; `--kubeconfig` goes first. */
export function both(api: TestApiserver, args: string[]): Promise<[RunResult, RunResult]> {
  const withConfig = ['--kubeconfig', api.kubeconfig, ...args];
  return Promise.all([kubectl(withConfig), skiffctl(withConfig)]);
}

function same(a: RunResult, b: RunResult): boolean {
  return a.stdout === b.stdout && a.stderr === b.stderr && a.code === b.code;
}

/**
 * Runs both until their results agree (AGE columns move while the two run, so a second may separate them), up to
 * a few tries; returns the last pair for the caller's asserts, which then name the difference.
 */
export async function compare(api: TestApiserver, args: string[], opts: { tries?: number } = {}): Promise<[RunResult, RunResult]> {
  let pair = await both(api, args);
  for (let i = 1; i < (opts.tries ?? 4) && !same(pair[0], pair[1]); i++) pair = await both(api, args);
  return pair;
}

/**
 * Ages ("45s", "5m12s", "3d") with the column padding around them: what two runs a second apart may disagree on.
 * Used only when no try of compare() saw identical output.
 */
export function withoutAges(text: string): string {
  return text.replace(/(?<![\w.:/-])\d+[smhdy](\d+[smhd])?(?![\w.:/-])/g, '<age>').replace(/ {2,}/g, '  ');
}

/**
 * The same stdout, stderr and exit code: byte for byte when some try produced that, else with ages masked (the
 * two processes then straddled a second on every try, which says nothing about skiffctl).
 */
export function assertSameRun(k: RunResult, s: RunResult, what: string, assert: {
  equal(actual: unknown, expected: unknown, message?: string): void;
}): void {
  const exact = s.stdout === k.stdout && s.stderr === k.stderr;
  assert.equal(exact ? s.stdout : withoutAges(s.stdout), exact ? k.stdout : withoutAges(k.stdout), `stdout of ${what}`);
  assert.equal(exact ? s.stderr : withoutAges(s.stderr), exact ? k.stderr : withoutAges(k.stderr), `stderr of ${what}`);
  assert.equal(s.code, k.code, `exit code of ${what}`);
}

export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
