// The server end of one SPDY/3.1 connection, as moby/spdystream's server behaves toward kubectl: the client opens
// streams (SYN_STREAM, odd ids), we accept each with an empty SYN_REPLY or refuse it with RST_STREAM, DATA flows
// both ways with FIN as half-close, client PINGs are echoed, and GOAWAY winds the connection down. spdystream does
// no flow control, so WINDOW_UPDATE and SETTINGS are read and ignored. Each accepted stream is a Duplex.
import { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import {
  decodeHeaderBlock, encodeDataFrame, encodeGoAway, encodePing, encodeRstStream, encodeSynReply, encodeHeaderBlock,
  FrameReader, goAwayStatus, HeaderCompressor, maxPayload, rstStatus, SpdyProtocolError, flags, type Frame, type HeaderBlock,
} from './spdy-framing.ts';
import { HeaderInflater } from './spdy-inflate.ts';

/** What carries the connection's bytes: WebSocket binary messages, or the raw socket of an HTTP upgrade. */
export interface SpdyTransport {
  /** Queues bytes; `written` is called once they are handed to the operating system. */
  send(bytes: Buffer, written: () => void): void;
  /** Bytes queued and not yet written. */
  bufferedAmount(): number;
  /** Stops and restarts reading from the peer (a stream's reader is full). */
  pause(): void;
  resume(): void;
  close(): void;
}

export interface SpdyConnectionOptions {
  /** Checks a new stream's headers; a message refuses it (RST_STREAM), as kube's NewStreamHandler error does. */
  accept(headers: HeaderBlock): string | undefined;
  /** An accepted stream, after its SYN_REPLY went out. */
  onStream(stream: SpdyStream): void;
  log: Logger;
}

/** Output waits while this much is queued on the transport, so a slow client slows the pod, not our memory. */
const highWaterBytes = 1 << 20;

export class SpdyStream extends Duplex {
  readonly id: number;
  readonly headers: HeaderBlock;
  readonly #conn: SpdyConnection;
  #localFin = false;
  #remoteFin = false;
  #reset = false;

  constructor(conn: SpdyConnection, id: number, headers: HeaderBlock) {
    super({ allowHalfOpen: true });
    this.#conn = conn;
    this.id = id;
    this.headers = headers;
  }

  /** The first value of a header (names are lower-case, as SPDY carries them). */
  header(name: string): string | undefined {
    return this.headers.get(name.toLowerCase())?.[0];
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.#reset || this.#localFin) return callback(new Error('write on a closed stream'));
    this.#conn.sendData(this.id, chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (!this.#reset && !this.#localFin) {
      this.#localFin = true;
      this.#conn.sendFin(this.id);
    }
    callback();
    this.#maybeDone();
  }

  override _read(): void {
    this.#conn.readerReady(this);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Torn down before both sides said FIN: tell the peer to drop the stream too.
    if (!this.#reset && !(this.#localFin && this.#remoteFin)) {
      this.#reset = true;
      this.#conn.sendReset(this.id, rstStatus.cancel);
    }
    this.#conn.forget(this);
    callback(error);
  }

  /** DATA from the peer; false when our reader is full and the connection should stop reading. */
  receive(data: Buffer): boolean {
    if (this.#remoteFin || this.#reset) return true;
    return this.push(data);
  }

  /** FIN from the peer. */
  remoteFinished(): void {
    if (this.#remoteFin || this.#reset) return;
    this.#remoteFin = true;
    this.push(null);
    this.#maybeDone();
  }

  /** RST_STREAM from the peer, or the connection is gone: nothing more goes either way. */
  remoteReset(): void {
    if (this.#reset) return;
    this.#reset = true;
    this.destroy();
  }

  /** For a UNIDIRECTIONAL stream: we may not send on it. */
  markLocalFinished(): void {
    this.#localFin = true;
  }

  get isReset(): boolean {
    return this.#reset;
  }

  #maybeDone(): void {
    if (this.#localFin && this.#remoteFin) this.#conn.forget(this);
  }
}

export class SpdyConnection {
  readonly #transport: SpdyTransport;
  readonly #o: SpdyConnectionOptions;
  readonly #reader = new FrameReader();
  readonly #inflater = new HeaderInflater();
  readonly #compressor = new HeaderCompressor();
  readonly #streams = new Map<number, SpdyStream>();
  /** Streams whose reader is full; the transport is paused while any is. */
  readonly #blocked = new Set<SpdyStream>();
  /** Frames are handled strictly in order; a SYN_STREAM waits for its headers to inflate. */
  #chain: Promise<void> = Promise.resolve();
  #nextRemoteId = 1;
  #lastAccepted = 0;
  #goneAway = false;
  #closed = false;

  constructor(transport: SpdyTransport, o: SpdyConnectionOptions) {
    this.#transport = transport;
    this.#o = o;
  }

  /** Bytes from the transport. */
  receive(chunk: Buffer): void {
    if (this.#closed) return;
    let frames: Frame[];
    try {
      frames = this.#reader.push(chunk);
    } catch (err) {
      this.#protocolError(err as Error);
      return;
    }
    for (const frame of frames) {
      this.#chain = this.#chain.then(() => this.#handle(frame)).catch((err: Error) => this.#protocolError(err));
    }
  }

  /** The transport ended: every stream is gone with it. */
  transportClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#inflater.close();
    for (const stream of [...this.#streams.values()]) stream.remoteReset();
    this.#streams.clear();
  }

  get streamCount(): number {
    return this.#streams.size;
  }

  async #handle(frame: Frame): Promise<void> {
    if (this.#closed) return;
    switch (frame.type) {
      case 'synStream': return this.#openStream(frame);
      case 'synReply':
      case 'headers':
        // Nothing for a server to do with them, but their blocks continue the zlib stream and must be read.
        await this.#headers(frame.headerBlock);
        return;
      case 'data': {
        const stream = this.#streams.get(frame.streamId);
        // Frames for a stream already gone are dropped, as spdystream does.
        if (!stream) return;
        if (frame.data.length > 0 && !stream.receive(frame.data)) this.#block(stream);
        if (frame.flags & flags.fin) stream.remoteFinished();
        return;
      }
      case 'rstStream':
        this.#streams.get(frame.streamId)?.remoteReset();
        return;
      case 'ping':
        // Pings the client started (odd ids) come back; ours would be even, and we send none.
        if (frame.id % 2 === 1) this.#send(encodePing(frame.id));
        return;
      case 'goAway':
        this.#goneAway = true;
        if (this.#streams.size === 0) this.close();
        return;
      case 'settings':
      case 'windowUpdate':
      case 'unknown':
        return;
    }
  }

  async #openStream(frame: Extract<Frame, { type: 'synStream' }>): Promise<void> {
    const headers = await this.#headers(frame.headerBlock);
    if (this.#closed) return;
    if (frame.streamId < this.#nextRemoteId || frame.streamId % 2 === 0) {
      this.#send(encodeRstStream(frame.streamId, rstStatus.protocolError));
      return;
    }
    this.#nextRemoteId = frame.streamId + 2;
    if (this.#goneAway) {
      this.#send(encodeRstStream(frame.streamId, rstStatus.refusedStream));
      return;
    }
    const refusal = this.#o.accept(headers);
    if (refusal !== undefined) {
      this.#o.log.debug({ stream: frame.streamId, reason: refusal }, 'stream refused');
      this.#send(encodeRstStream(frame.streamId, rstStatus.cancel));
      return;
    }
    const stream = new SpdyStream(this, frame.streamId, headers);
    this.#streams.set(frame.streamId, stream);
    this.#lastAccepted = frame.streamId;
    this.#send(encodeSynReply(frame.streamId, this.#compressor.compress(encodeHeaderBlock([]))));
    if (frame.flags & flags.unidirectional) stream.markLocalFinished();
    if (frame.flags & flags.fin) stream.remoteFinished();
    this.#o.onStream(stream);
  }

  /** A header block, inflated in turn; one that does not inflate breaks the connection's zlib stream for good. */
  async #headers(block: Buffer): Promise<HeaderBlock> {
    const bytes = await this.#inflater.inflate(block).catch((err: Error) => {
      throw new SpdyProtocolError(`header block does not inflate: ${err.message}`);
    });
    return decodeHeaderBlock(bytes);
  }

  sendData(streamId: number, data: Buffer, callback: (error?: Error | null) => void): void {
    if (this.#closed) return callback(new Error('connection closed'));
    if (data.length === 0) return callback();
    for (let at = 0; at < data.length; at += maxPayload) {
      const frame = encodeDataFrame(streamId, data.subarray(at, at + maxPayload));
      if (at + maxPayload < data.length) this.#send(frame);
      else if (this.#transport.bufferedAmount() < highWaterBytes) {
        this.#send(frame);
        callback();
      } else {
        this.#send(frame, () => callback());
      }
    }
  }

  sendFin(streamId: number): void {
    this.#send(encodeDataFrame(streamId, Buffer.alloc(0), true));
  }

  sendReset(streamId: number, status: number): void {
    this.#send(encodeRstStream(streamId, status));
  }

  /** A stream is fully closed or reset: it no longer holds the connection open. */
  forget(stream: SpdyStream): void {
    if (this.#streams.get(stream.id) !== stream) return;
    this.#streams.delete(stream.id);
    this.readerReady(stream);
    if (this.#goneAway && this.#streams.size === 0) this.close();
  }

  /** A stream's reader wants more: resume the transport once no stream is full. */
  readerReady(stream: SpdyStream): void {
    if (this.#blocked.delete(stream) && this.#blocked.size === 0 && !this.#closed) this.#transport.resume();
  }

  /** Says goodbye (GOAWAY) and closes the transport; streams still open are reset. */
  close(status: number = goAwayStatus.ok): void {
    if (this.#closed) return;
    this.#send(encodeGoAway(this.#lastAccepted, status));
    this.#transport.close();
    this.transportClosed();
  }

  #block(stream: SpdyStream): void {
    if (this.#blocked.size === 0) this.#transport.pause();
    this.#blocked.add(stream);
  }

  #send(bytes: Buffer, written: () => void = () => undefined): void {
    if (this.#closed) return written();
    this.#transport.send(bytes, written);
  }

  #protocolError(err: Error): void {
    this.#o.log.debug({ err: err.message }, 'SPDY protocol error; closing the connection');
    this.close(err instanceof SpdyProtocolError ? goAwayStatus.protocolError : goAwayStatus.internalError);
  }
}
