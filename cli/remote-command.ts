// The client side of exec and attach: a WebSocket to pods/NAME/exec (or /attach) on the apiserver speaking
// Kubernetes' channel protocol (v5.channel.k8s.io, falling back to v4): every message starts with a channel byte,
// 0 stdin, 1 stdout, 2 stderr, 3 the final Status, 4 terminal size; v5's 255 closes one of our streams (stdin at
// its end). The framing is apiserver/client/remote-command-protocol.ts's, which the kubelet serves. The remote exit
// code comes back in the Status, as kubectl reports it.
import type { Readable, Writable } from 'node:stream';
import WebSocket from 'ws';
import type { ResolvedKubeconfig } from '../apiserver/client/kubeconfig.ts';
import { channel, frame, protocolV4, protocolV5, type StreamStatus } from '../apiserver/client/remote-command-protocol.ts';
import { apiWebSocket, refusal } from './api-websocket.ts';
import { CliError, SilentExit } from './errors.ts';

export interface StreamIo {
  stdin?: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  stdout: Writable;
  stderr: Writable;
}

export interface RemoteCommandOptions {
  config: ResolvedKubeconfig;
  /** `/api/v1/namespaces/ns/pods/name/exec`. */
  path: string;
  /** command, container, stdin, stdout, stderr, tty. */
  query: URLSearchParams;
  io: StreamIo;
  tty: boolean;
  /** The terminal size to announce first and on SIGWINCH (when attached to a terminal). */
  size?: () => { cols: number; rows: number } | undefined;
}

/** kubectl's exit: 0 on Success, the command's code for NonZeroExitCode, an error otherwise. */
export function outcome(status: StreamStatus | undefined): number {
  if (!status || status.status === 'Success') return 0;
  const code = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  if (status.reason === 'NonZeroExitCode' && code) return Number(code.message);
  throw new CliError(`error: ${status.message ?? 'the remote command failed'}`);
}

/** Runs the session to its end; resolves with the remote exit code (0 on success). */
export function runRemoteCommand(opts: RemoteCommandOptions): Promise<number> {
  const { config, io } = opts;
  return new Promise<number>((resolve, reject) => {
    const ws = apiWebSocket(config, opts.path, opts.query, [protocolV5, protocolV4]);
    let status: StreamStatus | undefined;
    let settled = false;
    const cleanups: (() => void)[] = [];
    const finish = (err?: unknown): void => {
      if (settled) return;
      settled = true;
      for (const c of cleanups) c();
      if (err) reject(err);
      else {
        try {
          resolve(outcome(status));
        } catch (e) {
          reject(e);
        }
      }
    };
    ws.on('unexpected-response', (_req, res) => {
      void refusal(res).then(finish, finish);
    });
    ws.on('error', (e) => finish(e));
    ws.on('open', () => {
      const v5 = ws.protocol === protocolV5;
      if (opts.tty && opts.size) {
        const announce = (): void => {
          const size = opts.size?.();
          if (size) ws.send(frame(channel.resize, JSON.stringify({ Width: size.cols, Height: size.rows })));
        };
        announce();
        process.on('SIGWINCH', announce);
        cleanups.push(() => process.off('SIGWINCH', announce));
      }
      const stdin = io.stdin;
      if (stdin) {
        if (opts.tty && stdin.isTTY && stdin.setRawMode) {
          stdin.setRawMode(true);
          cleanups.push(() => { stdin.setRawMode?.(false); });
        }
        const onData = (chunk: Buffer | string): void => {
          if (ws.readyState === WebSocket.OPEN) ws.send(frame(channel.stdin, typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
        };
        const onEnd = (): void => {
          // v5 half-closes stdin so the remote process sees EOF; v4 has no way to say it.
          if (v5 && ws.readyState === WebSocket.OPEN) ws.send(Buffer.from([channel.close, channel.stdin]));
        };
        stdin.on('data', onData);
        stdin.once('end', onEnd);
        stdin.resume();
        cleanups.push(() => {
          stdin.off('data', onData);
          stdin.off('end', onEnd);
          stdin.pause();
        });
      }
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const msg = isBinary ? data : Buffer.from(data);
      if (msg.length === 0) return;
      const payload = msg.subarray(1);
      switch (msg[0]) {
        case channel.stdout:
          io.stdout.write(payload);
          break;
        case channel.stderr:
          io.stderr.write(payload);
          break;
        case channel.error:
          if (payload.length > 0) {
            try {
              status = JSON.parse(payload.toString('utf8')) as StreamStatus;
            } catch {
              status = { metadata: {}, status: 'Failure', message: payload.toString('utf8') };
            }
          }
          break;
        default:
          break;
      }
    });
    ws.on('close', () => finish());
  });
}

/** Turns a remote exit code into how the command ends: nothing for 0, else kubectl's exit with that code. */
export function exitWith(code: number): void {
  if (code !== 0) throw new SilentExit(code);
}
