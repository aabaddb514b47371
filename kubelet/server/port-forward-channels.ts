// kube's other port-forward protocol, the one the official Python and JavaScript clients (and skiffctl) speak: a
// WebSocket in Kubernetes' channel framing (the kubelet's portforward/websocket.go over wsstream). Subprotocol
// `v4.channel.k8s.io` or none: binary messages that start with the channel byte; `v4.base64.channel.k8s.io`: text
// messages, the channel as an ASCII digit, then the bytes in base64. The ports are in the query (`?ports=8080&
// ports=9090` or `?ports=8080,9090`); port i gets data channel 2i and error channel 2i+1, and the first message on
// each is the port as 2 bytes, little-endian. Every port is one connection to the pod, dialled at once and held for
// the life of the WebSocket, which closes once all of them have ended (or when the client closes it).
import { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import {
  portChannels, portForwardProtocolBase64, portForwardProtocolBinary, portPrefix,
} from '../../apiserver/client/port-forward-protocol.ts';
import { parseUint16 } from '../../apiserver/api/go-format.ts';
import { frame } from '../../apiserver/client/remote-command-protocol.ts';
import { forwardToPod, type PortForwardTarget } from './port-forward-session.ts';

/** Besides these, a client offering no subprotocol at all gets the binary framing, as from wsstream. */
export const channelProtocols = [portForwardProtocolBinary, portForwardProtocolBase64];

/** wsstream's handshake: the first subprotocol the client offers that we speak; '' when it offers none. */
export function chooseChannelProtocol(offered: readonly string[]): string | undefined {
  if (offered.length === 0) return '';
  return offered.find((p) => channelProtocols.includes(p));
}

/** Go's strconv.ParseUint(s, 10, 16), with its error texts (the input in plain double quotes). */
const parsePort = (s: string): number | string => parseUint16(s, (t) => `"${t}"`);

/** kube's NewV4Options: the `ports` query parameter, repeated or comma-separated, in order. */
export function parsePortsQuery(q: URLSearchParams): number[] | { error: string } {
  const values = q.getAll('ports');
  if (values.length === 0) return { error: 'query parameter "ports" is required' };
  const ports: number[] = [];
  for (const value of values) {
    if (value === '') return { error: 'query parameter "ports" cannot be empty' };
    for (const part of value.split(',')) {
      const port = parsePort(part);
      if (typeof port === 'string') return { error: `unable to parse "${value}" as a port: ${port}` };
      if (port < 1) return { error: `port "${value}" must be > 0` };
      ports.push(port);
    }
  }
  return ports;
}

/** One message on `channel`: binary with the channel byte in front, or text for the base64 subprotocol. */
export function encodeChannelMessage(protocol: string, channel: number, data: Buffer): Buffer | string {
  if (protocol === portForwardProtocolBase64) return String.fromCharCode(48 + channel) + data.toString('base64');
  return frame(channel, data);
}

/**
 * A client's message: its channel and bytes; undefined for an empty message or invalid base64 (wsstream skips
 * both). Text and binary messages are read alike, as Go's websocket.Message.Receive does.
 */
export function decodeChannelMessage(protocol: string, msg: Buffer): { channel: number; data: Buffer } | undefined {
  if (msg.length === 0) return undefined;
  if (protocol !== portForwardProtocolBase64) return { channel: msg[0], data: msg.subarray(1) };
  const text = msg.subarray(1).toString('latin1');
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  return { channel: msg[0] - 48, data: Buffer.from(text, 'base64') };
}

/**
 * A data channel as a stream. What the client sends is pushed in; while any channel's reader is full the whole
 * WebSocket is paused, as wsstream's pipes block its one reader. v4 has no way to end one channel, so writes are
 * just messages and the stream's end sends nothing.
 */
class ChannelStream extends Duplex {
  readonly #send: (data: Buffer, done: (err?: Error) => void) => void;
  readonly #unblocked: () => void;

  constructor(send: (data: Buffer, done: (err?: Error) => void) => void, unblocked: () => void) {
    super({ allowHalfOpen: true });
    this.#send = send;
    this.#unblocked = unblocked;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#send(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    callback();
  }

  override _read(): void {
    this.#unblocked();
  }

  /** Bytes from the client; false when the reader is full. */
  receive(data: Buffer): boolean {
    if (this.destroyed) return true;
    return this.push(data);
  }
}

export interface ChannelForwardOptions {
  resolve(): Promise<PortForwardTarget>;
  log: Logger;
}

/** Serves one WebSocket: announces the ports, forwards each to the pod, closes when all are done. */
export function serveChannelPortForward(ws: WebSocket, ports: readonly number[], o: ChannelForwardOptions): void {
  const protocol = ws.protocol;
  const open = (): boolean => ws.readyState === ws.OPEN;
  const send = (channel: number, data: Buffer, done?: (err?: Error) => void): void => {
    if (!open()) return done?.(new Error('write on a closed connection'));
    ws.send(encodeChannelMessage(protocol, channel, data), { binary: protocol !== portForwardProtocolBase64 }, (err) => done?.(err ?? undefined));
  };
  const blocked = new Set<ChannelStream>();
  const streams: ChannelStream[] = [];
  let remaining = ports.length;

  ports.forEach((port, i) => {
    const { data: dataChannel, error: errorChannel } = portChannels(i);
    send(dataChannel, portPrefix(port));
    send(errorChannel, portPrefix(port));
    const stream: ChannelStream = new ChannelStream((data, done) => send(dataChannel, data, done), () => {
      blocked.delete(stream);
      if (blocked.size === 0 && ws.isPaused) ws.resume();
    });
    streams.push(stream);
    void forwardToPod({
      port,
      data: stream,
      report: (text) => send(errorChannel, Buffer.from(text, 'utf8')),
      abandoned: () => !open(),
      finish: () => {
        stream.end();
        // The WebSocket lives as long as its longest forward, as the kubelet's handler waits for all of them.
        if (--remaining === 0 && open()) ws.close(1000);
      },
    }, o);
  });

  ws.on('message', (raw: Buffer) => {
    const msg = decodeChannelMessage(protocol, raw);
    // Error channels are the server's to write; anything on them or past the last port is dropped.
    if (!msg || msg.channel % 2 !== 0 || msg.channel / 2 >= streams.length) return;
    const stream = streams[msg.channel / 2];
    if (!stream.receive(msg.data)) {
      blocked.add(stream);
      ws.pause();
    }
  });
  // The client left: every forward ends with it, as its channels close under the kubelet's copies.
  ws.on('close', () => {
    for (const s of streams) s.destroy();
  });
  ws.on('error', (err) => o.log.debug({ err: err.message }, 'port-forward websocket failed'));
}
