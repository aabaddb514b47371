// Attach through the Docker Engine API (kubectl attach, `kubectl run -i`): the container's own stdin and output over
// a hijacked connection. Output written before the attach is not replayed (logs has it), as with `docker attach`.
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import { translate } from './docker-errors.ts';
import { hijackedStreams } from './docker-stream.ts';
import { ContainerRuntimeError, type AttachOptions, type ExecSession } from './runtime.ts';

export async function openAttach(container: Docker.Container, options: AttachOptions): Promise<ExecSession> {
  let socket: Duplex;
  let tty: boolean;
  let stdinWanted: boolean;
  let closeStdinOnEnd: boolean;
  try {
    const info = await container.inspect();
    if (!info.State.Running) {
      throw new ContainerRuntimeError('InvalidConfig', `container ${container.id} is not running`);
    }
    tty = info.Config.Tty;
    // A container created without stdin has none to connect to; the client's input is dropped, as kube does.
    stdinWanted = (options.stdin ?? false) && info.Config.OpenStdin;
    // When an attached client's input ends, Docker closes the container's stdin only for a `stdinOnce` container
    // without a terminal; for any other it closes the attach's output instead, cutting off what the process still
    // prints. The kubelet keeps the output flowing (as CRI runtimes do), so there our end of stdin stays quiet.
    closeStdinOnEnd = info.Config.StdinOnce && !tty;
    socket = await container.attach({ stream: true, stdin: stdinWanted, stdout: true, stderr: true, hijack: true }) as unknown as Duplex;
  } catch (err) {
    if (err instanceof ContainerRuntimeError) throw err;
    throw translate(err, `attach to ${container.id}`);
  }
  const { stdin, stdout, stderr, ended } = hijackedStreams(socket, tty, stdinWanted, closeStdinOnEnd);
  return {
    stdin,
    stdout,
    stderr,
    resize: async ({ cols, rows }) => {
      if (!tty) return;
      try {
        await container.resize({ h: rows, w: cols });
      } catch (err) {
        throw translate(err, `resize ${container.id}`);
      }
    },
    wait: async () => {
      await ended;
      const info = await container.inspect().catch(() => undefined);
      return info && !info.State.Running ? info.State.ExitCode : 0;
    },
    close: () => {
      socket.destroy();
    },
  };
}
