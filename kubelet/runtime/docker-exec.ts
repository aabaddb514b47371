// Exec through the Docker Engine API: an interactive session (kubectl exec) over a hijacked connection, and a
// run-to-completion form with a timeout (exec probes, lifecycle hooks).
import { readFile } from 'node:fs/promises';
import type { Duplex, Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { Logger } from '../../apiserver/client/logger.ts';
import { errorMessage, translate } from './docker-errors.ts';
import { hijackedStreams } from './docker-stream.ts';
import { ContainerRuntimeError } from './runtime.ts';
import type { ExecOptions, ExecResult, ExecSession } from './runtime.ts';

/** Exec probes and hooks keep at most this much of each stream, as the kubelet caps probe output (10 KiB). */
export const execOutputLimit = 10 * 1024;

export async function openExec(
  container: Docker.Container, cmd: string[], options: ExecOptions,
): Promise<{ session: ExecSession; exec: Docker.Exec }> {
  const stdinWanted = options.stdin ?? false;
  const tty = options.tty ?? false;
  let exec: Docker.Exec;
  let socket: Duplex;
  try {
    exec = await container.exec({ Cmd: cmd, AttachStdin: stdinWanted, AttachStdout: true, AttachStderr: true, Tty: tty });
    // Hijacked: the HTTP connection becomes a raw duplex, stdin one way and the (framed) output the other.
    socket = await exec.start({ hijack: true, stdin: stdinWanted, Tty: tty });
  } catch (err) {
    throw translate(err, `exec in ${container.id}`);
  }
  const { stdin, stdout, stderr, ended } = hijackedStreams(socket, tty, stdinWanted);

  const session: ExecSession = {
    stdin,
    stdout,
    stderr,
    resize: async ({ cols, rows }) => {
      if (!tty) return;
      try {
        await exec.resize({ h: rows, w: cols });
      } catch (err) {
        throw translate(err, `resize exec in ${container.id}`);
      }
    },
    wait: async () => {
      await ended;
      return exitCodeOf(exec);
    },
    close: () => {
      socket.destroy();
    },
  };
  return { session, exec };
}

export async function runExec(container: Docker.Container, cmd: string[], timeoutMs: number, logger: Logger): Promise<ExecResult> {
  const { session, exec } = await openExec(container, cmd, {});
  const stdout = collect(session.stdout, execOutputLimit);
  const stderr = collect(session.stderr, execOutputLimit);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const outcome = await Promise.race([session.wait(), timedOut]);
    if (outcome === 'timeout') {
      session.close();
      await killExecProcess(exec, container.id, logger);
      return { exitCode: null, stdout: await stdout, stderr: await stderr, timedOut: true };
    }
    return { exitCode: outcome, stdout: await stdout, stderr: await stderr, timedOut: false };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Docker cannot stop an exec, so a probe command that hangs would stay behind (and pile up, one per period). The
 * kubelet shares the host with the daemon, so it kills the process by its host PID, after checking through
 * /proc that this PID really belongs to the container's cgroup (so a PID from another namespace, or one reused
 * since, is never hit).
 */
async function killExecProcess(exec: Docker.Exec, containerId: string, logger: Logger): Promise<void> {
  try {
    const info = await exec.inspect();
    if (!info.Running || !info.Pid) return;
    const cgroups = await readFile(`/proc/${info.Pid}/cgroup`, 'utf8');
    if (!cgroups.includes(info.ContainerID || containerId)) return;
    process.kill(info.Pid, 'SIGKILL');
  } catch (err) {
    logger.debug({ container: containerId, err: errorMessage(err) }, 'could not kill timed-out exec');
  }
}

/** The output ends a moment before Docker records the exit; ask until it has. */
async function exitCodeOf(exec: Docker.Exec): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const info = await exec.inspect();
    if (!info.Running && info.ExitCode !== null) return info.ExitCode;
    if (attempt >= 200) throw new ContainerRuntimeError('Failed', `exec ${exec.id} still running after its output ended`);
    await new Promise((r) => setTimeout(r, Math.min(5 * (attempt + 1), 50)));
  }
}

/** Reads a stream to its end, keeping the first `limit` bytes (the rest is drained so the process never blocks). */
async function collect(stream: Readable, limit: number): Promise<string> {
  const kept: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      if (size < limit) kept.push(buf.subarray(0, limit - size));
      size += buf.length;
    }
  } catch {
    // A closed connection (timeout) ends the output early; what arrived is still worth reporting.
  }
  return Buffer.concat(kept).toString('utf8');
}
