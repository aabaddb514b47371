// The peer's half of SPDY header compression: every header block a connection receives continues one zlib stream
// (started from the SPDY dictionary and sync-flushed after each block), so blocks must be inflated one at a time,
// in the order they arrived, by one inflater that lives as long as the connection.
import zlib from 'node:zlib';
import { headerDictionary } from './spdy-framing.ts';

export class HeaderInflater {
  readonly #z = zlib.createInflate({ dictionary: headerDictionary });
  #out: Buffer[] = [];
  #failed: Error | undefined;
  /** Inflations run one after another: the zlib stream has a single position. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor() {
    // Flowing mode, so output is taken as zlib makes it, before the flush that ends a block calls back.
    this.#z.on('data', (chunk: Buffer) => this.#out.push(chunk));
    this.#z.on('error', (err: Error) => { this.#failed = err; });
  }

  /** The decompressed bytes of one header block. */
  inflate(block: Buffer): Promise<Buffer> {
    const next = this.#queue.then(() => this.#inflateNow(block));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  #inflateNow(block: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (this.#failed) return reject(this.#failed);
      this.#out = [];
      const onError = (err: Error): void => reject(err);
      this.#z.once('error', onError);
      this.#z.write(block);
      this.#z.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        this.#z.off('error', onError);
        if (this.#failed) return reject(this.#failed);
        resolve(Buffer.concat(this.#out));
      });
    });
  }

  close(): void {
    this.#z.destroy();
  }
}
