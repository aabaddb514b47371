// Docker's multiplexed stream format (logs, exec and attach without a TTY): frames of an 8-byte header — stream
// type (0 stdin, 1 stdout, 2 stderr), three zero bytes, big-endian payload length — then the payload. Frames split
// across chunks arbitrarily, so the parser keeps the remainder between chunks.
import { PassThrough, Readable, Transform, Writable, type Duplex, type TransformCallback } from 'node:stream';

export type StreamName = 'stdin' | 'stdout' | 'stderr';

export interface Frame {
  stream: StreamName;
  payload: Buffer;
}

const streamNames: readonly StreamName[] = ['stdin', 'stdout', 'stderr'];
const headerLength = 8;

export class FrameParser {
  #pending: Buffer = Buffer.alloc(0);

  /** Frames completed by this chunk; throws on bytes that are not a frame header (a TTY stream is not framed). */
  push(chunk: Buffer): Frame[] {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const frames: Frame[] = [];
    while (this.#pending.length >= headerLength) {
      const type = this.#pending[0];
      if (type > 2 || this.#pending[1] !== 0 || this.#pending[2] !== 0 || this.#pending[3] !== 0) {
        throw new Error(`not a Docker stream frame header: ${this.#pending.subarray(0, headerLength).toString('hex')}`);
      }
      const length = this.#pending.readUInt32BE(4);
      if (this.#pending.length < headerLength + length) break;
      frames.push({ stream: streamNames[type], payload: this.#pending.subarray(headerLength, headerLength + length) });
      this.#pending = this.#pending.subarray(headerLength + length);
    }
    return frames;
  }

  /** Bytes of an unfinished frame (a stream that ended mid-frame was cut off). */
  get pendingBytes(): number {
    return this.#pending.length;
  }
}

/** Decodes a whole multiplexed buffer (a non-following log read). */
export function demuxBuffer(buf: Buffer): Frame[] {
  return new FrameParser().push(buf);
}

/** A transform from multiplexed frames to the payloads of all frames, in order: the merged output. */
export class MergedFrames extends Transform {
  readonly #parser = new FrameParser();

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      for (const frame of this.#parser.push(chunk)) this.push(frame.payload);
      done();
    } catch (err) {
      done(err as Error);
    }
  }
}

/** Splits a multiplexed stream into separate stdout and stderr streams; both end when the source ends. */
export function splitFrames(source: Readable): { stdout: PassThrough; stderr: PassThrough } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const parser = new FrameParser();
  source.on('data', (chunk: Buffer) => {
    let frames: Frame[];
    try {
      frames = parser.push(chunk);
    } catch (err) {
      stdout.destroy(err as Error);
      stderr.destroy(err as Error);
      source.destroy();
      return;
    }
    let full: PassThrough | undefined;
    for (const f of frames) {
      const target = f.stream === 'stderr' ? stderr : stdout;
      if (!target.write(f.payload)) full = target;
    }
    // A slow reader holds the source back instead of letting output pile up in memory.
    if (full) {
      source.pause();
      full.once('drain', () => source.resume());
    }
  });
  const finish = (): void => {
    stdout.end();
    stderr.end();
  };
  source.once('end', finish);
  source.once('close', finish);
  source.once('error', (err) => {
    stdout.destroy(err);
    stderr.destroy(err);
  });
  return { stdout, stderr };
}

/**
 * Docker reports pulls and imports as a stream of JSON objects, and a failure as an `error` object inside a 200
 * response. Reads the stream to its end; rejects with the first error message.
 */
export async function readJsonProgress(
  stream: NodeJS.ReadableStream,
  onEvent: (event: Record<string, unknown>) => void = () => {},
): Promise<Record<string, unknown>[]> {
  const events: Record<string, unknown>[] = [];
  let text = '';
  let failure: string | undefined;
  const take = (line: string): void => {
    const trimmed = line.trim();
    if (!trimmed) return;
    let event: unknown;
    try {
      event = JSON.parse(trimmed);
    } catch {
      return;
    }
    if (typeof event !== 'object' || event === null) return;
    const record = event as Record<string, unknown>;
    events.push(record);
    const detail = record.errorDetail as { message?: unknown } | undefined;
    const message = typeof record.error === 'string' ? record.error : typeof detail?.message === 'string' ? detail.message : undefined;
    if (message !== undefined) failure ??= message;
    else onEvent(record);
  };
  for await (const chunk of stream) {
    text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
    const lines = text.split(/\r?\n/);
    text = lines.pop() ?? '';
    lines.forEach(take);
  }
  take(text);
  if (failure !== undefined) throw new Error(failure);
  return events;
}

/** The streams of a hijacked attach or exec connection, and a promise that settles when Docker closes it. */
export interface HijackedStreams {
  stdin: Writable | undefined;
  stdout: Readable;
  stderr: Readable;
  ended: Promise<void>;
}

/**
 * Docker's hijacked connection as separate streams: a terminal is one unframed stream (stderr stays empty);
 * otherwise the output is multiplexed frames. Ending our stdin half-closes the socket, so the process sees EOF
 * while its output keeps flowing; with `halfClose` false it only stops our writing (see openAttach).
 */
export function hijackedStreams(socket: Duplex, tty: boolean, withStdin: boolean, halfClose = true): HijackedStreams {
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
  const stdin = withStdin
    ? new Writable({
      write(chunk: Buffer, _enc, done) {
        socket.write(chunk, (err?: Error | null) => done(err ?? null));
      },
      final(done) {
        if (halfClose) socket.end();
        done();
      },
    })
    : undefined;
  return { stdin, stdout, stderr, ended };
}
