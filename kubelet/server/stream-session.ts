// Pumps one exec or attach session over an accepted WebSocket: client frames to the process's stdin and terminal,
// its output back as framed messages, and at the end the exit as a Status on the error channel, then a normal close.
import type { Readable } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Logger } from 'pino';
import type { ExecSession } from '../runtime/runtime.ts';
import {
  channel, exitCodeStatus, failureStatus, frame, parseClientMessage, successStatus, type StreamOptions, type StreamStatus,
} from './stream-protocol.ts';

/** Output is paused while this much is queued on the socket, so a slow client slows the process, not our memory. */
const highWaterBytes = 1 << 20;

export function sendStatus(ws: WebSocket, status: StreamStatus): void {
  if (ws.readyState === ws.OPEN) ws.send(frame(channel.error, JSON.stringify(status)));
}

/** Sends the error Status and closes; for sessions that could not start (container not running, ...). */
export function failSession(ws: WebSocket, message: string): void {
  ws.resume();
  sendStatus(ws, failureStatus(message));
  ws.close(1000);
}

export async function pumpSession(
  ws: WebSocket, protocol: string, session: ExecSession, opts: StreamOptions, logger: Logger,
  exitCode: () => Promise<number | undefined>,
): Promise<void> {
  let clientGone = false;
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary) return;
    const msg = parseClientMessage(data, protocol);
    switch (msg.type) {
      case 'stdin':
        if (session.stdin && !session.stdin.writableEnded) session.stdin.write(msg.data);
        break;
      case 'resize':
        if (opts.tty) {
          session.resize({ cols: msg.cols, rows: msg.rows }).catch((err: Error) => logger.debug({ err: err.message }, 'resize failed'));
        }
        break;
      case 'close':
        if (msg.channel === channel.stdin && session.stdin && !session.stdin.writableEnded) session.stdin.end();
        break;
      case 'ignored':
        break;
    }
  });
  ws.on('close', () => {
    clientGone = true;
    session.close();
  });
  ws.on('error', () => undefined);
  ws.resume();

  await Promise.all([
    forward(ws, session.stdout, opts.stdout ? channel.stdout : undefined),
    forward(ws, session.stderr, opts.stderr ? channel.stderr : undefined),
  ]);
  if (clientGone) return;
  let code: number | undefined;
  try {
    code = await exitCode();
  } catch (err) {
    failSession(ws, (err as Error).message);
    return;
  }
  sendStatus(ws, code === undefined || code === 0 ? successStatus() : exitCodeStatus(code));
  ws.close(1000);
}

/** Copies a stream to the socket on `ch` (or drains it when the client did not ask for it); resolves at its end. */
function forward(ws: WebSocket, stream: Readable, ch: number | undefined): Promise<void> {
  return new Promise((resolve) => {
    stream.on('data', (chunk: Buffer) => {
      if (ch === undefined || ws.readyState !== ws.OPEN) return;
      ws.send(frame(ch, chunk), () => {
        if (stream.isPaused() && ws.bufferedAmount < highWaterBytes) stream.resume();
      });
      if (ws.bufferedAmount >= highWaterBytes) stream.pause();
    });
    stream.once('end', () => resolve());
    stream.once('close', () => resolve());
    stream.once('error', () => resolve());
    // A client that leaves stops the session; the runtime's streams may then never end on their own.
    ws.once('close', () => resolve());
  });
}
