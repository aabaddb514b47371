// A container's last words (kube's terminationMessagePath): an empty file per container attempt, bind-mounted at
// terminationMessagePath (/dev/termination-log by default), read back when the container has exited into
// state.terminated.message. With terminationMessagePolicy FallbackToLogsOnError an empty file and a failure take
// the end of the container's log instead.
import { mkdir, open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Container } from '../../apiserver/api/types.ts';
import type { Mount } from '../runtime/runtime.ts';

/** kube's limits: 4096 bytes from the file, 80 lines or 2048 bytes from the log. */
export const maxMessageBytes = 4096;
export const fallbackLogLines = 80;
export const maxFallbackBytes = 2048;

export function terminationMessageFile(podDir: string, containerName: string, attempt: number): string {
  return path.join(podDir, 'containers', containerName, String(attempt));
}

/** Creates the empty file (writable by any user the container runs as) and answers its mount, if the path is set. */
export async function prepareTerminationMessage(podDir: string, container: Container, attempt: number): Promise<Mount | undefined> {
  const containerPath = container.terminationMessagePath;
  if (!containerPath) return undefined;
  const file = terminationMessageFile(podDir, container.name, attempt);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, '', { mode: 0o666 });
  return { type: 'bind', hostPath: file, containerPath, readOnly: false };
}

export async function readTerminationMessage(file: string, policy: string | undefined, exitCode: number | undefined,
  logs: () => Promise<Readable>): Promise<string | undefined> {
  const fromFile = await readHead(file, maxMessageBytes);
  if (fromFile) return fromFile;
  if (policy !== 'FallbackToLogsOnError' || !exitCode) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of await logs()) chunks.push(Buffer.from(chunk as Buffer));
  const text = Buffer.concat(chunks);
  return text.length === 0 ? undefined : text.subarray(Math.max(0, text.length - maxFallbackBytes)).toString('utf8');
}

async function readHead(file: string, max: number): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const buf = Buffer.alloc(max);
    const { bytesRead } = await handle.read(buf, 0, max, 0);
    return bytesRead > 0 ? buf.subarray(0, bytesRead).toString('utf8') : undefined;
  } finally {
    await handle.close();
  }
}
