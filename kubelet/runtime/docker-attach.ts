// Attach through the Docker Engine API (kubectl attach, `kubectl run -i`): the container's own stdin and output over
// a hijacked connection. Output written before the attach is not replayed (logs has it), as with `docker attach`.
import { PassThrough, Readable, Writable, type Duplex } from 'node:stream';
import type Docker from 'dockerode';
import { translate } from './docker-errors.ts';
import { splitFrames } from './docker-stream.ts';
import { ContainerRuntimeError, type AttachOptions, type ExecSession } from './runtime.ts';

export async function openAttach(container: Docker.Container, options: AttachOptions): Promise<ExecSession> {
  let socket: Duplex;
  let tty: boolean;
  let stdinWanted: boolean;
  try {
    const info = await container.inspect();
    if (!info.State.Running) {
      throw new ContainerRuntimeError('InvalidConfig', `container ${container.id} is not running`);
    }
    tty = info.Config.Tty;
    // A container created without stdin has none to connect to; the client's input is dropped, as kube does.
    stdinWanted = (options.stdin ?? false) && info.Config.OpenStdin;
    socket = await container.attach({ stream: true, stdin: stdinWanted, stdout: true, stderr: true, hijack: true }) as unknown as Duplex;
  } catch (err) {
    if (err instanceof ContainerRuntimeError) throw err;
    throw translate(err, `attach to ${container.id}`);
  }
  const ended = new Promise<void>((resolve) => {
    socket.once('end', resolve);
    socket.once('close', resolve);
    socket.once('error', () => resolve());
  });
  let stdout: Readable;
  let stderr: Readable;
  if (tty) {
    const out = new PassThrough();
    socket.pipe(out);
    stdout = out;
    stderr = Readable.from([]);
  } else {
    ({ stdout, stderr } = splitFrames(socket));
  }
  const stdin = stdinWanted
    ? new Writable({
      write(chunk: Buffer, _enc, done) {
        socket.write(chunk, (err?: Error | null) => done(err ?? null));
      },
      // Detaches our stdin; a container with stdinOnce sees EOF and usually exits.
      final(done) {
        socket.end();
        done();
      },
    })
    : undefined;
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
