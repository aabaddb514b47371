// kubectl exec and attach over SPDY/3.1, as the kubelet's remotecommand server speaks it (client-go's SPDY executor:
// kubectl before 1.30, newer kubectl when its WebSocket upgrade fails, and other client-go programs). The client
// opens one stream per standard stream, named by its `streamType` header; once every stream the request asked for
// is open, the session runs. The outcome goes on the `error` stream (a JSON Status from v4 on, the message alone in
// v2/v3 and only on failure) and the connection closes.
import type { Duplex, Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Logger } from 'pino';
import { protocolV4, protocolV5 } from '../../apiserver/client/remote-command-protocol.ts';
import type { ExecSession } from '../runtime/runtime.ts';
import { SpdyConnection, type SpdyStream } from './spdy-connection.ts';
import type { HeaderBlock } from './spdy-framing.ts';
import { runOnSocket, socketTransport, switchToSpdy } from './spdy-upgrade.ts';
import { exitCodeStatus, failureStatus, successStatus, type StreamOptions, type StreamStatus } from './stream-protocol.ts';

/** In the kubelet's order; v5 over SPDY is v4 (its close signal exists only in the WebSocket framing). */
export const spdyRemoteCommandProtocols = [protocolV5, protocolV4, 'v3.channel.k8s.io', 'v2.channel.k8s.io'] as const;

type StreamType = 'error' | 'stdin' | 'stdout' | 'stderr' | 'resize';
const streamTypes: readonly string[] = ['error', 'stdin', 'stdout', 'stderr', 'resize'];

/** The kubelet's streamCreationTimeout: how long the client may take to open its streams. */
const streamCreationTimeoutMs = 30_000;

/** The streams a request must open before it runs: always `error`, one per option, `resize` for a TTY from v3. */
export function expectedStreams(opts: StreamOptions, protocol: string): StreamType[] {
  const out: StreamType[] = ['error'];
  if (opts.stdin) out.push('stdin');
  if (opts.stdout) out.push('stdout');
  if (opts.stderr) out.push('stderr');
  if (opts.tty && protocol !== 'v2.channel.k8s.io') out.push('resize');
  return out;
}

/** What the error stream carries for this outcome: the Status as JSON from v4, before it only a failure's text. */
export function statusPayload(status: StreamStatus, protocol: string): string | undefined {
  if (protocol === protocolV5 || protocol === protocolV4) return JSON.stringify(status);
  return status.status === 'Success' ? undefined : status.message ?? '';
}

/**
 * Reads the resize stream: JSON TerminalSize objects one after another (client-go's json.Encoder), possibly split
 * across DATA frames. Like the kubelet's json.Decoder loop, the first malformed value ends it.
 */
export class TerminalSizeDecoder {
  #buffer = '';
  #broken = false;

  push(chunk: string): { cols: number; rows: number }[] {
    if (this.#broken) return [];
    this.#buffer += chunk;
    const sizes: { cols: number; rows: number }[] = [];
    for (;;) {
      const end = endOfValue(this.#buffer);
      if (end === undefined) return sizes;
      const text = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end);
      try {
        const size = JSON.parse(text) as { Width?: unknown; Height?: unknown };
        const cols = typeof size.Width === 'number' ? size.Width : 0;
        const rows = typeof size.Height === 'number' ? size.Height : 0;
        sizes.push({ cols, rows });
      } catch {
        this.#broken = true;
        return sizes;
      }
    }
  }
}

/** The index just past the first complete JSON object in `text` (leading whitespace allowed), if there is one. */
function endOfValue(text: string): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i + 1;
    else if (depth === 0 && !/\s/.test(c)) return i + 1;
  }
  return undefined;
}

export interface SpdyRemoteCommand {
  protocol: string;
  opts: StreamOptions;
  /** Starts the process (exec) or joins the container's streams (attach); throws with the text for the client. */
  open(): Promise<ExecSession>;
  /** The exit code to report once output has ended; undefined reports success (attach). */
  exitCode(session: ExecSession): Promise<number | undefined>;
  log: Logger;
}

/** Takes over the upgraded socket and serves one exec or attach session on it; answers a function that drops it. */
export function serveSpdyRemoteCommand(socket: Duplex, head: Buffer, rc: SpdyRemoteCommand): () => void {
  switchToSpdy(socket, rc.protocol);
  const expected = expectedStreams(rc.opts, rc.protocol);
  const streams = new Map<StreamType, SpdyStream>();
  let session: ExecSession | undefined;
  let started = false;

  const conn = new SpdyConnection(socketTransport(socket), {
    accept: (headers: HeaderBlock) => {
      const type = headers.get('streamtype')?.[0] ?? '';
      return streamTypes.includes(type) ? undefined : `unexpected stream type: "${type}"`;
    },
    onStream: (stream) => {
      stream.on('error', () => undefined);
      streams.set(stream.header('streamType') as StreamType, stream);
      if (!started && expected.every((t) => streams.has(t))) {
        started = true;
        clearTimeout(timer);
        void run().catch((err: Error) => {
          rc.log.warn({ err: err.message }, 'SPDY stream session failed');
          conn.close();
        });
      }
    },
    log: rc.log,
  });
  const timer = setTimeout(() => {
    rc.log.debug('timed out waiting for client to create streams');
    conn.close();
  }, streamCreationTimeoutMs);

  const finish = (status: StreamStatus): void => {
    const error = streams.get('error');
    const payload = statusPayload(status, rc.protocol);
    if (error && payload !== undefined) error.write(payload);
    error?.end();
    conn.close();
  };

  async function run(): Promise<void> {
    try {
      session = await rc.open();
    } catch (err) {
      return finish(failureStatus((err as Error).message));
    }
    const s = session;
    const stdin = streams.get('stdin');
    if (stdin && s.stdin) stdin.pipe(s.stdin);
    else {
      s.stdin?.end();
      stdin?.resume();
    }
    const resize = streams.get('resize');
    if (resize) {
      const decoder = new TerminalSizeDecoder();
      resize.on('data', (chunk: Buffer) => {
        for (const size of decoder.push(chunk.toString('utf8'))) {
          s.resize(size).catch((err: Error) => rc.log.debug({ err: err.message }, 'resize failed'));
        }
      });
    }
    await Promise.all([copyOut(s.stdout, streams.get('stdout')), copyOut(s.stderr, streams.get('stderr'))]);
    let code: number | undefined;
    try {
      code = await rc.exitCode(s);
    } catch (err) {
      return finish(failureStatus((err as Error).message));
    }
    finish(code === undefined || code === 0 ? successStatus() : exitCodeStatus(code));
  }

  runOnSocket(socket, head, conn, () => {
    clearTimeout(timer);
    session?.close();
  });
  return () => socket.destroy();
}

/** Copies a process stream to its SPDY stream and ends that (FIN); one the client did not open is drained. */
async function copyOut(from: Readable, to: SpdyStream | undefined): Promise<void> {
  if (!to) {
    from.resume();
    return finished(from).catch(() => undefined);
  }
  from.pipe(to);
  // A process stream torn down rather than ended still closes the client's stream.
  from.once('close', () => { if (!to.writableEnded) to.end(); });
  // Resolved once the FIN is out, so the status on the error stream comes after every byte of output.
  await new Promise<void>((resolve) => {
    to.once('finish', resolve);
    to.once('close', resolve);
  });
}
