// kubectl port-forward's protocol (portforward.k8s.io) over one SPDY connection, as the kubelet's httpStreamHandler
// serves it: for every local connection kubectl opens an `error` and a `data` stream carrying the same port and
// requestID; once both are there the kubelet dials the pod's port and copies bytes between it and the data stream.
// A failure is written as text on the error stream, which kubectl prints ("an error occurred forwarding ...").
// The dial-and-copy half, forwardToPod, serves the WebSocket channel protocol too (port-forward-channels.ts).
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { SpdyStream } from './spdy-connection.ts';
import type { HeaderBlock } from './spdy-framing.ts';

/** `X-Stream-Protocol-Version` of the only port-forward protocol there is. */
export const portForwardProtocol = 'portforward.k8s.io';
/** The WebSocket subprotocol kubectl (1.31+) asks for to tunnel that SPDY connection. */
export const portForwardTunnelProtocol = `SPDY/3.1+${portForwardProtocol}`;

/** Where the pod's ports are, looked up for each forwarded connection (the sandbox may have been replaced). */
export interface PortForwardTarget {
  /** The pod IP on the pod bridge; 127.0.0.1 for a pod on the host's network. */
  host: string;
  /** How errors name the pod: the kubelet passes the sandbox ID to its streaming server. */
  podId: string;
}

export interface PortForwardOptions {
  /** Throws with the text for kubectl when the pod cannot take connections (sandbox not running). */
  resolve(): Promise<PortForwardTarget>;
  log: Logger;
  /** How long the two streams of one request may arrive apart (the kubelet's stream creation timeout). */
  pairTimeoutMs?: number;
}

/** After one direction of a forwarded connection ends, the other has this long to finish (containerd's grace). */
const halfCloseGraceMs = 1000;

/** kube's httpStreamReceived: the checks a stream must pass before it is accepted. */
export function checkPortForwardStream(headers: HeaderBlock): string | undefined {
  const port = headers.get('port')?.[0] ?? '';
  if (port === '') return '"port" header is required';
  if (!/^[0-9]+$/.test(port) || Number(port) > 65535) return `unable to parse "${port}" as a port`;
  if (Number(port) < 1) return `port "${port}" must be > 0`;
  const type = headers.get('streamtype')?.[0] ?? '';
  if (type === '') return '"streamType" header is required';
  if (type !== 'error' && type !== 'data') return `invalid stream type "${type}"`;
  return undefined;
}

/**
 * The request a stream belongs to. Clients older than the requestID header get one made from the stream id, as
 * the kubelet does: error stream n and data stream n+2 form one pair when requests do not overlap.
 */
export function requestIdOf(stream: { id: number; header(name: string): string | undefined }): string {
  const id = stream.header('requestID');
  if (id) return id;
  return String(stream.header('streamType') === 'error' ? stream.id : stream.id - 2);
}

/** A Go-style text for a failed dial, which is what kubectl users see from a real kubelet. */
export function dialErrorText(host: string, port: number, err: NodeJS.ErrnoException): string {
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'connect: connection refused', EHOSTUNREACH: 'connect: no route to host',
    ENETUNREACH: 'connect: network is unreachable', ETIMEDOUT: 'i/o timeout', ECONNRESET: 'connection reset by peer',
  };
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return `dial tcp${host.includes(':') ? '6' : '4'} ${address}: ${reasons[err.code ?? ''] ?? err.message}`;
}

interface Pair {
  error?: SpdyStream;
  data?: SpdyStream;
  timer: NodeJS.Timeout;
}

/** The stream-accepting half, for SpdyConnection's options, and the stream handler that pairs and forwards. */
export function portForwardHandler(o: PortForwardOptions): { accept: (h: HeaderBlock) => string | undefined; onStream: (s: SpdyStream) => void } {
  const pairs = new Map<string, Pair>();
  const timeoutMs = o.pairTimeoutMs ?? 30_000;

  const onStream = (stream: SpdyStream): void => {
    // A failed write means the peer reset the stream or left; the copy below notices through 'close'.
    stream.on('error', () => undefined);
    const requestId = requestIdOf(stream);
    let pair = pairs.get(requestId);
    if (!pair) {
      const created: Pair = {
        timer: setTimeout(() => {
          pairs.delete(requestId);
          o.log.debug({ requestId }, 'timed out waiting for the other stream of a port-forward request');
          printError(created, `timed out waiting for streams of request ${requestId}`);
          created.error?.end();
          created.data?.destroy();
        }, timeoutMs),
      };
      created.timer.unref();
      pairs.set(requestId, created);
      pair = created;
    }
    const kind = stream.header('streamType') === 'error' ? 'error' : 'data';
    if (pair[kind]) {
      printError(pair, `error processing stream for request ${requestId}: ${kind} stream already assigned`);
      stream.destroy();
      return;
    }
    pair[kind] = stream;
    if (kind === 'error') stream.resume(); // kubectl writes nothing on it; drain its FIN.
    if (pair.error && pair.data) {
      clearTimeout(pair.timer);
      pairs.delete(requestId);
      void forwardToPod(spdyForward(pair.error, pair.data), o);
    }
  };
  return { accept: checkPortForwardStream, onStream };
}

function printError(pair: Pair, message: string): void {
  if (pair.error && !pair.error.writableEnded && !pair.error.destroyed) pair.error.write(message);
}

/**
 * One forwarded connection as a protocol carries it: over SPDY a data and an error stream, over the WebSocket
 * channel protocol (port-forward-channels.ts) a data and an error channel.
 */
export interface ForwardedConnection {
  port: number;
  /** Bytes to and from the client. */
  data: Duplex;
  /** Writes a failure where the client reads it. */
  report(text: string): void;
  /** Whether the client has already given this connection up (a failure then goes unreported). */
  abandoned(): boolean;
  /** Ends the protocol's streams; called once, when the forward is over. */
  finish(): void;
}

function spdyForward(errorStream: SpdyStream, data: SpdyStream): ForwardedConnection {
  return {
    port: Number(data.header('port')),
    data,
    report: (text) => {
      if (!errorStream.writableEnded && !errorStream.destroyed) errorStream.write(text);
    },
    abandoned: () => data.isReset,
    finish: () => {
      for (const s of [data, errorStream]) {
        if (!s.writableEnded && !s.destroyed) s.end();
      }
    },
  };
}

/** One forwarded connection: dial the pod's port, copy both ways, report a failure as the kubelet words it. */
export async function forwardToPod(c: ForwardedConnection, o: Pick<PortForwardOptions, 'resolve' | 'log'>): Promise<void> {
  const { port, data } = c;
  let podId = '';
  const fail = (text: string): void => {
    o.log.debug({ port, podId, err: text }, 'port-forward failed');
    c.report(`error forwarding port ${port} to pod ${podId}, uid : ${text}`);
  };
  let finished = false;
  const finish = (): void => {
    if (finished) return;
    finished = true;
    c.finish();
  };

  let target: PortForwardTarget;
  try {
    target = await o.resolve();
  } catch (err) {
    fail((err as Error).message);
    finish();
    return;
  }
  podId = target.podId;
  if (data.destroyed) return finish();

  const socket = net.connect({ host: target.host, port, allowHalfOpen: true });
  let connected = false;
  let done = false;
  let grace: NodeJS.Timeout | undefined;
  const teardown = (): void => {
    if (done) return;
    done = true;
    clearTimeout(grace);
    socket.destroy();
    finish();
  };
  // One direction is over; the other gets a moment to drain, then everything closes.
  const halfDone = (): void => {
    if (done) return;
    if (socket.readableEnded && data.readableEnded) return teardown();
    grace ??= setTimeout(teardown, halfCloseGraceMs);
  };

  socket.on('connect', () => {
    connected = true;
    data.pipe(socket);
    socket.pipe(data);
  });
  // As in the kubelet, a failed copy is an error too (kubectl then drops the whole port-forward), unless the
  // client already left the stream.
  socket.on('error', (err: NodeJS.ErrnoException) => {
    if (done) return;
    if (!c.abandoned()) {
      fail(connected ? (err.code === 'ECONNRESET' ? 'connection reset by peer' : err.message) : dialErrorText(target.host, port, err));
    }
    teardown();
  });
  socket.on('end', halfDone);
  socket.on('close', teardown);
  data.on('end', halfDone);
  // The client reset the data stream (it is done with this connection) or the whole connection went away.
  data.on('close', teardown);
}
