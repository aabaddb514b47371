// The cluster's components as background processes: each started detached with its output appended to
// logs/<name>.log and its pid in run/<name>.pid, so `up` can tell what already runs and `down` what to stop.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface ComponentSpec {
  /** apiserver, scheduler, controller-manager, kubelet-<node>. */
  name: string;
  /** The program's entry point (compiled JavaScript). */
  entry: string;
  args: string[];
}

export interface ProcessDirs {
  logsDir: string;
  runDir: string;
}

function pidFile(dirs: ProcessDirs, name: string): string {
  return path.join(dirs.runDir, `${name}.pid`);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of a component started earlier that still runs. */
export function runningPid(dirs: ProcessDirs, name: string): number | undefined {
  const file = pidFile(dirs, name);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  // A pid reused by an unrelated program after a reboot would be stopped by `down`: check it is ours.
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid) || !commandLineOf(pid).includes(name)) return undefined;
  return pid;
}

function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** Starts the component unless it already runs; answers its pid and whether it was started now. */
export function startComponent(dirs: ProcessDirs, spec: ComponentSpec): { pid: number; started: boolean } {
  const existing = runningPid(dirs, spec.name);
  if (existing !== undefined) return { pid: existing, started: false };
  mkdirSync(dirs.logsDir, { recursive: true });
  mkdirSync(dirs.runDir, { recursive: true });
  const log = openSync(path.join(dirs.logsDir, `${spec.name}.log`), 'a', 0o600);
  // The component's name goes on its command line (an argument node ignores) so runningPid can recognise it.
  const child = spawn(process.execPath, [`--title=skiff-${spec.name}`, spec.entry, ...spec.args], {
    detached: true, stdio: ['ignore', log, log], env: { ...process.env, SKIFF_COMPONENT: spec.name },
  });
  closeSync(log);
  if (child.pid === undefined) throw new Error(`could not start ${spec.name}`);
  child.unref();
  writeFileSync(pidFile(dirs, spec.name), `${child.pid}\n`);
  return { pid: child.pid, started: true };
}

/** Every component with a pid file, in the order they should stop (kubelets first, the apiserver last). */
export function knownComponents(dirs: ProcessDirs): string[] {
  if (!existsSync(dirs.runDir)) return [];
  const names = readdirSync(dirs.runDir).filter((f) => f.endsWith('.pid')).map((f) => f.slice(0, -4));
  const rank = (n: string): number => (n.startsWith('kubelet') ? 0 : n === 'apiserver' ? 2 : 1);
  return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** SIGTERM, then SIGKILL after `graceMs`; removes the pid file. */
export async function stopComponent(dirs: ProcessDirs, name: string, graceMs = 20_000): Promise<boolean> {
  const pid = runningPid(dirs, name);
  rmSync(pidFile(dirs, name), { force: true });
  if (pid === undefined) return false;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  return true;
}
