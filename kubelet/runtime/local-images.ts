// Images built on the node, without any registry: the pause image every pod needs, and busybox-based images for
// tests and the tour. The root filesystem is the host's statically linked busybox (Debian's busybox-static) with its
// applets as symlinks, packed into a tar in memory and handed to Docker's image import.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import type { ContainerRuntime } from './runtime.ts';
import { tarArchive, type TarEntry } from './tar-writer.ts';

export const defaultPauseImage = 'skiff.local/pause:3.9';
export const defaultTestImage = 'skiff.local/busybox:latest';
export const defaultBusyboxPath = '/bin/busybox';
/** Every image built here carries this label, so they can be found (and cleaned up) as a group. */
export const localImageLabel = 'skiff.local-image';

/**
 * The pause process. busybox `sh` is PID 1 of the pod:
 * - `trap 'exit 0' TERM INT` installs handlers, so the shell exits 0 at once on SIGTERM/SIGINT. (PID 1 gets no
 *   default signal action from the kernel; without a handler it would ignore SIGTERM and Docker would have to wait
 *   out the grace period and SIGKILL it.)
 * - `sleep & wait $!` keeps the shell blocked in `wait`, which a trapped signal interrupts immediately (a
 *   foreground `sleep` would delay the trap until it ended).
 * - busybox ash implements `wait` with waitpid(-1, ...): while it waits for its sleep it reaps every child that
 *   exits, including processes orphaned in a shared PID namespace (shareProcessNamespace), whose parent the kernel
 *   makes PID 1. They never linger as zombies.
 */
export const pauseEntrypoint = ['/bin/sh', '-c', "trap 'exit 0' TERM INT; while :; do sleep 86400 & wait $!; done"];

export interface BusyboxImageOptions {
  entrypoint?: string[];
  cmd?: string[];
  /** Added to PATH=/bin. */
  env?: Record<string, string>;
  workingDir?: string;
  labels?: Record<string, string>;
  busyboxPath?: string;
}

const execFileAsync = promisify(execFile);

/** ELF program header type of the dynamic loader request: a binary that has one cannot run in an empty root fs. */
const ptInterp = 3;

export function isStaticElf(bin: Buffer): boolean {
  if (bin.length < 64 || bin.readUInt32BE(0) !== 0x7f454c46) return false;
  const is64 = bin[4] === 2;
  const little = bin[5] === 1;
  const u16 = (o: number): number => (little ? bin.readUInt16LE(o) : bin.readUInt16BE(o));
  const u32 = (o: number): number => (little ? bin.readUInt32LE(o) : bin.readUInt32BE(o));
  const phoff = is64 ? Number(little ? bin.readBigUInt64LE(32) : bin.readBigUInt64BE(32)) : u32(28);
  const phentsize = u16(is64 ? 54 : 42);
  const phnum = u16(is64 ? 56 : 44);
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + 4 > bin.length) return false;
    if (u32(at) === ptInterp) return false;
  }
  return true;
}

const appletName = /^[A-Za-z0-9_.[\]-]+$/;

async function readBusybox(busyboxPath: string): Promise<{ binary: Buffer; applets: string[] }> {
  let binary: Buffer;
  try {
    binary = await readFile(busyboxPath);
  } catch (err) {
    throw new Error(`${busyboxPath} is missing: Skiff builds its pause and test images from a static busybox; `
      + 'install Debian\'s busybox-static package (apt-get install -y busybox-static)', { cause: err });
  }
  if (!isStaticElf(binary)) {
    throw new Error(`${busyboxPath} is not a statically linked executable; install Debian's busybox-static package `
      + '(apt-get install -y busybox-static), which replaces the dynamically linked busybox');
  }
  const { stdout } = await execFileAsync(busyboxPath, ['--list']);
  // `busybox` itself must stay the real file: a link named busybox pointing at busybox would replace it.
  const applets = stdout.split('\n').map((s) => s.trim()).filter((s) => s && s !== 'busybox' && appletName.test(s));
  return { binary, applets };
}

export function busyboxRootfsEntries(binary: Buffer, applets: string[]): TarEntry[] {
  return [
    ...['bin', 'dev', 'etc', 'proc', 'sys', 'usr', 'usr/bin', 'var', 'var/www'].map((name): TarEntry => ({ type: 'directory', name })),
    { type: 'directory', name: 'root', mode: 0o700 },
    { type: 'directory', name: 'tmp', mode: 0o1777 },
    { type: 'directory', name: 'var/tmp', mode: 0o1777 },
    { type: 'file', name: 'bin/busybox', data: binary, mode: 0o755 },
    ...applets.map((applet): TarEntry => ({ type: 'symlink', name: `bin/${applet}`, target: 'busybox' })),
    // Scripts written `#!/usr/bin/env sh` work too.
    { type: 'symlink', name: 'usr/bin/env', target: '/bin/busybox' },
    // Users for `id`, `ps` and runAsUser by name.
    { type: 'file', name: 'etc/passwd', data: Buffer.from('root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n') },
    { type: 'file', name: 'etc/group', data: Buffer.from('root:x:0:\nnobody:x:65534:\n') },
  ];
}

/** Dockerfile instructions for `docker import`: strings go in JSON form so no shell ever re-splits them. */
export function importChanges(options: BusyboxImageOptions): string[] {
  const changes = ['ENV PATH=/bin'];
  for (const [k, v] of Object.entries(options.env ?? {})) changes.push(`ENV ${k}=${JSON.stringify(v)}`);
  if (options.entrypoint) changes.push(`ENTRYPOINT ${JSON.stringify(options.entrypoint)}`);
  if (options.cmd) changes.push(`CMD ${JSON.stringify(options.cmd)}`);
  if (options.workingDir) changes.push(`WORKDIR ${options.workingDir}`);
  for (const [k, v] of Object.entries(options.labels ?? {})) changes.push(`LABEL ${JSON.stringify(k)}=${JSON.stringify(v)}`);
  return changes;
}

/** Builds `ref` from the host's busybox with the given entrypoint/cmd, replacing any image of that name. */
export async function importBusyboxImage(runtime: ContainerRuntime, ref: string, options: BusyboxImageOptions = {}): Promise<void> {
  const { binary, applets } = await readBusybox(options.busyboxPath ?? defaultBusyboxPath);
  const tar = tarArchive(busyboxRootfsEntries(binary, applets));
  const labels = { [localImageLabel]: ref, ...(options.labels ?? {}) };
  await runtime.importImage(Readable.from([tar]), ref, { changes: importChanges({ ...options, labels }) });
}

// One build per image per process, however many pod workers ask at once.
const building = new Map<string, Promise<void>>();

async function ensureImage(runtime: ContainerRuntime, ref: string, options: BusyboxImageOptions): Promise<void> {
  const inFlight = building.get(ref);
  if (inFlight) return inFlight;
  const build = (async () => {
    if (await runtime.imageExists(ref)) return;
    await importBusyboxImage(runtime, ref, options);
  })();
  building.set(ref, build);
  try {
    await build;
  } finally {
    // Forget the result either way: a failure can be retried, and an image removed later gets rebuilt.
    building.delete(ref);
  }
}

/** Makes sure the pause image exists, building it from busybox when missing. */
export async function ensurePauseImage(runtime: ContainerRuntime, ref = defaultPauseImage, busyboxPath?: string): Promise<void> {
  await ensureImage(runtime, ref, { entrypoint: pauseEntrypoint, busyboxPath });
}

/** Makes sure the busybox test image exists: no entrypoint, `sh` as the command. */
export async function ensureTestImage(runtime: ContainerRuntime, ref = defaultTestImage, busyboxPath?: string): Promise<void> {
  await ensureImage(runtime, ref, { cmd: ['sh'], busyboxPath });
}
