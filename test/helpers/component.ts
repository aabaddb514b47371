// Runs a Skiff program (scheduler, controller-manager) against a test apiserver, for integration tests.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { repoRoot, type TestApiserver } from './apiserver.ts';

export interface TestComponent {
  stop(): Promise<number | null>;
  kill9(): Promise<void>;
  logs(): string;
  /** Resolves with the exit code when the process ends by itself. */
  exited(): Promise<number | null>;
}

/** Short leader-election timings so tests need not wait 15 s for a lease. */
export const fastLeaderElection = [
  '--leader-elect-lease-duration', '2s', '--leader-elect-renew-deadline', '1500ms', '--leader-elect-retry-period', '200ms',
];

export function startComponent(entry: string, api: TestApiserver, args: string[] = []): TestComponent {
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [
    '--import', 'tsx', path.join(repoRoot, entry), '--kubeconfig', api.kubeconfig, '--log-level', 'warn', ...args,
  ], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
  const exited = (): Promise<number | null> => new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
  });
  return {
    stop: async () => { const done = exited(); child.kill('SIGTERM'); return done; },
    kill9: async () => { const done = exited(); child.kill('SIGKILL'); await done; },
    logs: () => output,
    exited,
  };
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
