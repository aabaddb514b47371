// Points the Docker daemon at the loopback registry mirror (registry-mirror.ts): `registry-mirrors` merged into
// /etc/docker/daemon.json (other keys kept), then SIGHUP, which makes dockerd reload its reloadable options
// (registry-mirrors is one) without restarting it or its containers. deploy/lib/prereqs.sh writes the same key
// before it starts a daemon, so on CI this finds the mirror already configured.
import { readFile, rename, writeFile } from 'node:fs/promises';
import Docker from 'dockerode';
import { waitFor } from './component.ts';

export const mirrorUrl = 'http://127.0.0.1:5000';
export const daemonConfigPath = '/etc/docker/daemon.json';
const pidFile = '/var/run/docker.pid';

/** Docker reports mirrors normalised with a trailing slash. */
const same = (a: string, b: string): boolean => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

/** The mirrors the running daemon uses, from `docker info`. */
export async function daemonMirrors(docker = new Docker()): Promise<string[]> {
  const info = await docker.info() as { RegistryConfig?: { Mirrors?: string[] | null } };
  return info.RegistryConfig?.Mirrors ?? [];
}

/** daemon.json with `url` first among its registry-mirrors; undefined when it is already there. */
export function withMirror(current: Record<string, unknown>, url: string): Record<string, unknown> | undefined {
  const mirrors = Array.isArray(current['registry-mirrors']) ? current['registry-mirrors'] as string[] : [];
  if (mirrors.some((m) => same(m, url))) return undefined;
  return { ...current, 'registry-mirrors': [url, ...mirrors] };
}

/**
 * Makes the running daemon use `url` as its Docker Hub mirror, or throws saying why not. Cheap when it already
 * does.
 */
export async function ensureDaemonMirror(url = mirrorUrl, docker = new Docker()): Promise<void> {
  if ((await daemonMirrors(docker)).some((m) => same(m, url))) return;
  let current: Record<string, unknown> = {};
  try {
    current = JSON.parse(await readFile(daemonConfigPath, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read ${daemonConfigPath}: ${(err as Error).message}`);
  }
  const next = withMirror(current, url);
  if (next) {
    try {
      // Write-then-rename: dockerd never reads a half-written file.
      await writeFile(`${daemonConfigPath}.skiff-tmp`, `${JSON.stringify(next, null, 2)}\n`);
      await rename(`${daemonConfigPath}.skiff-tmp`, daemonConfigPath);
    } catch (err) {
      throw new Error(`cannot configure Docker's registry mirror in ${daemonConfigPath} (${(err as Error).message}); `
        + `add "registry-mirrors": ["${url}"] to it and reload dockerd`);
    }
  }
  let pid: number;
  try {
    pid = Number((await readFile(pidFile, 'utf8')).trim());
  } catch {
    throw new Error(`${daemonConfigPath} names the mirror but dockerd's pid file ${pidFile} is missing; reload dockerd (SIGHUP) by hand`);
  }
  process.kill(pid, 'SIGHUP');
  await waitFor(`dockerd to report the registry mirror ${url} after SIGHUP (see its log)`,
    async () => ((await daemonMirrors(docker)).some((m) => same(m, url)) ? true : undefined), 10_000);
}
