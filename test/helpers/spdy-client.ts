// A small SPDY/3.1 client for tests of the kubelet's port-forward: it opens streams as kubectl does (odd ids,
// compressed headers), sends DATA, FIN, RST_STREAM, PING and GOAWAY, and records what the server answers in the
// order it came. Bytes go out through `send`; bytes from the server come in through `receive`. With
// `inMemoryConnection` it talks to a server-side SpdyConnection without a socket.
import {
  decodeHeaderBlock, encodeDataFrame, encodeGoAway, encodeHeaderBlock, encodePing, encodeRstStream, encodeSynStream,
  flags, FrameReader, goAwayStatus, HeaderCompressor, rstStatus,
} from '../../kubelet/server/spdy-framing.ts';
import { pino } from 'pino';
import { SpdyConnection, type SpdyConnectionOptions, type SpdyTransport } from '../../kubelet/server/spdy-connection.ts';
import { HeaderInflater } from '../../kubelet/server/spdy-inflate.ts';

export type ServerEvent =
  | { type: 'reply'; streamId: number; headers: Map<string, string[]> }
  | { type: 'data'; streamId: number; data: Buffer; fin: boolean }
  | { type: 'rst'; streamId: number; status: number }
  | { type: 'ping'; id: number }
  | { type: 'goAway'; lastGoodStreamId: number; status: number };

export class SpdyTestClient {
  readonly events: ServerEvent[] = [];
  readonly #send: (bytes: Buffer) => void;
  readonly #reader = new FrameReader();
  readonly #inflater = new HeaderInflater();
  readonly #compressor = new HeaderCompressor();
  #nextId = 1;
  #chain: Promise<void> = Promise.resolve();
  #waiters: (() => void)[] = [];

  constructor(send: (bytes: Buffer) => void) {
    this.#send = send;
  }

  receive(chunk: Buffer): void {
    for (const frame of this.#reader.push(chunk)) {
      this.#chain = this.#chain.then(async () => {
        switch (frame.type) {
          case 'synReply':
            this.#record({ type: 'reply', streamId: frame.streamId, headers: decodeHeaderBlock(await this.#inflater.inflate(frame.headerBlock)) });
            break;
          case 'data':
            this.#record({ type: 'data', streamId: frame.streamId, data: frame.data, fin: (frame.flags & flags.fin) !== 0 });
            break;
          case 'rstStream':
            this.#record({ type: 'rst', streamId: frame.streamId, status: frame.status });
            break;
          case 'ping':
            this.#record({ type: 'ping', id: frame.id });
            break;
          case 'goAway':
            this.#record({ type: 'goAway', lastGoodStreamId: frame.lastGoodStreamId, status: frame.status });
            break;
          default:
            throw new Error(`unexpected ${frame.type} from the server`);
        }
      });
    }
  }

  /** Opens a stream with these headers; answers its id. */
  open(headers: Record<string, string>, o: { fin?: boolean; id?: number } = {}): number {
    const id = o.id ?? this.#nextId;
    this.#nextId = Math.max(this.#nextId, id + 2);
    const block = this.#compressor.compress(encodeHeaderBlock(Object.entries(headers).map(([k, v]) => [k, [v]])));
    this.#send(encodeSynStream(id, block, { flags: o.fin ? flags.fin : 0 }));
    return id;
  }

  /** kubectl's two streams for one forwarded connection; the error stream is half-closed at once, as kubectl does. */
  forward(port: number, requestId: number): { error: number; data: number } {
    const error = this.open({ streamtype: 'error', port: String(port), requestid: String(requestId) });
    this.data(error, Buffer.alloc(0), true);
    const data = this.open({ streamtype: 'data', port: String(port), requestid: String(requestId) });
    return { error, data };
  }

  data(streamId: number, bytes: Buffer, fin = false): void {
    this.#send(encodeDataFrame(streamId, bytes, fin));
  }

  reset(streamId: number): void {
    this.#send(encodeRstStream(streamId, rstStatus.cancel));
  }

  ping(id: number): void {
    this.#send(encodePing(id));
  }

  goAway(): void {
    this.#send(encodeGoAway(0, goAwayStatus.ok));
  }

  /** Everything the server sent on a stream so far, and whether it said FIN. */
  stream(streamId: number): { replied: boolean; data: Buffer; fin: boolean; reset: number | undefined } {
    const mine = this.events.filter((e) => 'streamId' in e && e.streamId === streamId);
    return {
      replied: mine.some((e) => e.type === 'reply'),
      data: Buffer.concat(mine.flatMap((e) => (e.type === 'data' ? [e.data] : []))),
      fin: mine.some((e) => e.type === 'data' && e.fin),
      reset: mine.flatMap((e) => (e.type === 'rst' ? [e.status] : []))[0],
    };
  }

  /** Resolves once `check` holds, re-checked after every server event; fails after timeoutMs. */
  async until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; events: ${JSON.stringify(this.events.map((e) => ({ ...e, ...('data' in e ? { data: e.data.toString() } : {}) })))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  close(): void {
    this.#inflater.close();
  }

  #record(event: ServerEvent): void {
    this.events.push(event);
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}

export interface InMemoryConnection {
  conn: SpdyConnection;
  client: SpdyTestClient;
  /** What the connection did to its transport; `buffered` is what it is told is queued. */
  transport: { closed: boolean; paused: boolean; buffered: number };
  /** Ends both sides. */
  dispose(): void;
}

/** A server connection and a test client joined by an in-memory transport, asynchronous both ways as a socket is. */
export function inMemoryConnection(o: Omit<SpdyConnectionOptions, 'log'>): InMemoryConnection {
  const state = { closed: false, paused: false, buffered: 0 };
  let conn: SpdyConnection | undefined;
  const client = new SpdyTestClient((bytes) => setImmediate(() => conn?.receive(bytes)));
  const transport: SpdyTransport = {
    // What was sent before close() still arrives, as on a socket that is ended rather than destroyed.
    send: (bytes, written) => {
      const sentOpen = !state.closed;
      setImmediate(() => { if (sentOpen) client.receive(bytes); written(); });
    },
    bufferedAmount: () => state.buffered,
    pause: () => { state.paused = true; },
    resume: () => { state.paused = false; },
    close: () => { state.closed = true; },
  };
  const c = new SpdyConnection(transport, { ...o, log: pino({ level: 'silent' }) });
  conn = c;
  return { conn: c, client, transport: state, dispose: () => { c.transportClosed(); client.close(); } };
}
