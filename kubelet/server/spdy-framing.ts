// SPDY/3.1 framing (draft-mbelshe-httpbis-spdy-00, as moby/spdystream speaks it), the byte layer under kubectl
// port-forward: kubectl tunnels it through a WebSocket (or, its fallback, a raw HTTP upgrade). Pure: frames in,
// bytes out, and back. Header blocks stay compressed here; spdy-inflate.ts undoes kubectl's compression.
//
//   control frame: |1|version(15)|type(16)| flags(8)|length(24)| payload
//   data frame:    |0|stream-id(31)       | flags(8)|length(24)| data

export const spdyVersion = 3;

export const frameType = {
  synStream: 1, synReply: 2, rstStream: 3, settings: 4, ping: 6, goAway: 7, headers: 8, windowUpdate: 9,
} as const;

/** FIN on DATA, SYN_STREAM, SYN_REPLY and HEADERS; UNIDIRECTIONAL on SYN_STREAM only. */
export const flags = { fin: 0x01, unidirectional: 0x02 } as const;

export const rstStatus = {
  protocolError: 1, invalidStream: 2, refusedStream: 3, unsupportedVersion: 4, cancel: 5, internalError: 6,
  flowControlError: 7, streamInUse: 8, streamAlreadyClosed: 9,
} as const;

export const goAwayStatus = { ok: 0, protocolError: 1, internalError: 2 } as const;

/** Frames carry at most 2^24-1 bytes of payload (the length field's width). */
export const maxPayload = 0xffffff;

export type Frame =
  | { type: 'data'; streamId: number; flags: number; data: Buffer }
  /** headerBlock is still zlib-compressed: it can only be read in order, with the connection's one inflater. */
  | { type: 'synStream'; streamId: number; associatedTo: number; priority: number; flags: number; headerBlock: Buffer }
  | { type: 'synReply'; streamId: number; flags: number; headerBlock: Buffer }
  | { type: 'headers'; streamId: number; flags: number; headerBlock: Buffer }
  | { type: 'rstStream'; streamId: number; status: number }
  | { type: 'settings'; flags: number; entries: { flags: number; id: number; value: number }[] }
  | { type: 'ping'; id: number }
  | { type: 'goAway'; lastGoodStreamId: number; status: number }
  | { type: 'windowUpdate'; streamId: number; delta: number }
  /** A control frame type SPDY/3 does not define: the spec says to ignore it. */
  | { type: 'unknown'; frameType: number; flags: number };

export class SpdyProtocolError extends Error {}

/**
 * The SPDY/3 header compression dictionary (spec section 2.6.10.1): length-prefixed header names and methods, then
 * status lines, dates and common values. Both zlib contexts of a connection start from it.
 */
export const headerDictionary: Buffer = (() => {
  const words = [
    'options', 'head', 'post', 'put', 'delete', 'trace', 'accept', 'accept-charset', 'accept-encoding',
    'accept-language', 'accept-ranges', 'age', 'allow', 'authorization', 'cache-control', 'connection',
    'content-base', 'content-encoding', 'content-language', 'content-length', 'content-location', 'content-md5',
    'content-range', 'content-type', 'date', 'etag', 'expect', 'expires', 'from', 'host', 'if-match',
    'if-modified-since', 'if-none-match', 'if-range', 'if-unmodified-since', 'last-modified', 'location',
    'max-forwards', 'pragma', 'proxy-authenticate', 'proxy-authorization', 'range', 'referer', 'retry-after',
    'server', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'vary', 'via', 'warning',
    'www-authenticate', 'method', 'get', 'status', '200 OK', 'version', 'HTTP/1.1', 'url', 'public', 'set-cookie',
    'keep-alive', 'origin',
  ];
  const tail = '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505'
    + '203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized'
    + '403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable'
    + 'Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT'
    + 'chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,'
    + 'text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.';
  return Buffer.concat([...words.map((w) => lengthPrefixed(Buffer.from(w, 'latin1'))), Buffer.from(tail, 'latin1')]);
})();

function lengthPrefixed(bytes: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(bytes.length);
  return Buffer.concat([head, bytes]);
}

export function adler32(bytes: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of bytes) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

// ---- name/value header blocks (uncompressed) ----

/** Headers as SPDY carries them: lower-case names, several values of one name joined by NUL. */
export type HeaderBlock = Map<string, string[]>;

export function encodeHeaderBlock(headers: Iterable<[string, string[]]>): Buffer {
  const parts: Buffer[] = [];
  let count = 0;
  for (const [name, values] of headers) {
    parts.push(lengthPrefixed(Buffer.from(name.toLowerCase(), 'utf8')), lengthPrefixed(Buffer.from(values.join('\0'), 'utf8')));
    count++;
  }
  const head = Buffer.alloc(4);
  head.writeUInt32BE(count);
  return Buffer.concat([head, ...parts]);
}

/** Reads a decompressed name/value block; throws SpdyProtocolError where spdystream's framer refuses one. */
export function decodeHeaderBlock(block: Buffer): HeaderBlock {
  const headers: HeaderBlock = new Map();
  let at = 0;
  const take = (what: string): Buffer => {
    if (at + 4 > block.length) throw new SpdyProtocolError(`header block ends inside a ${what} length`);
    const length = block.readUInt32BE(at);
    at += 4;
    if (at + length > block.length) throw new SpdyProtocolError(`header block ends inside a ${what}`);
    const bytes = block.subarray(at, at + length);
    at += length;
    return bytes;
  };
  if (block.length < 4) throw new SpdyProtocolError('header block too short for its count');
  const count = block.readUInt32BE(0);
  at = 4;
  for (let i = 0; i < count; i++) {
    const name = take('name').toString('utf8');
    const value = take('value').toString('utf8');
    if (name === '') throw new SpdyProtocolError('empty header name');
    if (name !== name.toLowerCase()) throw new SpdyProtocolError(`header name ${JSON.stringify(name)} is not lower-case`);
    if (headers.has(name)) throw new SpdyProtocolError(`header ${JSON.stringify(name)} appears twice`);
    headers.set(name, value.split('\0'));
  }
  if (at !== block.length) throw new SpdyProtocolError('bytes after the last header');
  return headers;
}

// ---- header compression (our side) ----

/**
 * Our half of the connection's header compression: a zlib stream that names the SPDY dictionary in its header
 * (as kubectl's Go reader checks) and carries each header block as a stored, uncompressed deflate block. That is
 * valid zlib for any inflater and needs no state beyond "header sent", so frames are written synchronously in the
 * order they are made. The server only ever sends empty SYN_REPLY blocks, where compression would gain nothing.
 */
export class HeaderCompressor {
  #started = false;

  compress(block: Buffer): Buffer {
    const parts: Buffer[] = [];
    if (!this.#started) {
      this.#started = true;
      // CMF 0x78 (deflate, 32K window), FLG 0xbb (FDICT set, check bits), then the dictionary's Adler-32.
      const head = Buffer.from([0x78, 0xbb, 0, 0, 0, 0]);
      head.writeUInt32BE(adler32(headerDictionary), 2);
      parts.push(head);
    }
    // Non-final stored blocks of at most 65535 bytes each, then an empty one: the sync-flush marker
    // 00 00 00 ff ff. Go's inflater hands out what it has only at that marker; without it, kubectl's reader would
    // look for the next block past the end of the frame and fail the connection.
    for (let at = 0; at < block.length; at += 0xffff) parts.push(storedBlock(block.subarray(at, at + 0xffff)));
    parts.push(storedBlock(Buffer.alloc(0)));
    return Buffer.concat(parts);
  }
}

/** A non-final stored deflate block (BFINAL 0, BTYPE 00, padded to the byte), then LEN and its complement. */
function storedBlock(data: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt16LE(data.length, 1);
  head.writeUInt16LE(~data.length & 0xffff, 3);
  return Buffer.concat([head, data]);
}

// ---- frames to bytes ----

export function encodeControlFrame(type: number, frameFlags: number, payload: Buffer): Buffer {
  if (payload.length > maxPayload) throw new SpdyProtocolError(`control frame of ${payload.length} bytes is too large`);
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8000 | spdyVersion, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt32BE(((frameFlags & 0xff) << 24 | payload.length) >>> 0, 4);
  return Buffer.concat([head, payload]);
}

export function encodeDataFrame(streamId: number, data: Buffer, fin = false): Buffer {
  if (data.length > maxPayload) throw new SpdyProtocolError(`data frame of ${data.length} bytes is too large`);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(streamId & 0x7fffffff, 0);
  head.writeUInt32BE(((fin ? flags.fin : 0) << 24 | data.length) >>> 0, 4);
  return Buffer.concat([head, data]);
}

function words(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
}

export function encodeSynStream(streamId: number, compressedHeaders: Buffer, o: { flags?: number; associatedTo?: number; priority?: number } = {}): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt32BE(streamId & 0x7fffffff, 0);
  fixed.writeUInt32BE((o.associatedTo ?? 0) & 0x7fffffff, 4);
  fixed.writeUInt8(((o.priority ?? 0) & 0x7) << 5, 8);
  return encodeControlFrame(frameType.synStream, o.flags ?? 0, Buffer.concat([fixed, compressedHeaders]));
}

export function encodeSynReply(streamId: number, compressedHeaders: Buffer, frameFlags = 0): Buffer {
  return encodeControlFrame(frameType.synReply, frameFlags, Buffer.concat([words(streamId & 0x7fffffff), compressedHeaders]));
}

export function encodeRstStream(streamId: number, status: number): Buffer {
  return encodeControlFrame(frameType.rstStream, 0, words(streamId & 0x7fffffff, status));
}

export function encodePing(id: number): Buffer {
  return encodeControlFrame(frameType.ping, 0, words(id));
}

export function encodeGoAway(lastGoodStreamId: number, status: number): Buffer {
  return encodeControlFrame(frameType.goAway, 0, words(lastGoodStreamId & 0x7fffffff, status));
}

export function encodeWindowUpdate(streamId: number, delta: number): Buffer {
  return encodeControlFrame(frameType.windowUpdate, 0, words(streamId & 0x7fffffff, delta & 0x7fffffff));
}

// ---- bytes to frames ----

/** Parses one complete frame (8-byte header plus exactly its payload). */
export function parseFrame(bytes: Buffer): Frame {
  if (bytes.length < 8) throw new SpdyProtocolError('frame shorter than its header');
  const first = bytes.readUInt32BE(0);
  const frameFlags = bytes[4];
  const length = bytes.readUInt32BE(4) & 0xffffff;
  const payload = bytes.subarray(8);
  if (payload.length !== length) throw new SpdyProtocolError(`frame says ${length} bytes, has ${payload.length}`);
  if ((first & 0x80000000) === 0) {
    const streamId = first & 0x7fffffff;
    if (streamId === 0) throw new SpdyProtocolError('data frame on stream 0');
    return { type: 'data', streamId, flags: frameFlags, data: payload };
  }
  const version = (first >>> 16) & 0x7fff;
  const type = first & 0xffff;
  if (version !== spdyVersion) throw new SpdyProtocolError(`unsupported SPDY version ${version}`);
  const need = (n: number): void => {
    if (length < n) throw new SpdyProtocolError(`control frame type ${type} too short (${length} bytes)`);
  };
  const streamIdAt = (at: number): number => {
    const id = payload.readUInt32BE(at) & 0x7fffffff;
    if (id === 0) throw new SpdyProtocolError(`control frame type ${type} on stream 0`);
    return id;
  };
  switch (type) {
    case frameType.synStream:
      need(10);
      return {
        type: 'synStream', streamId: streamIdAt(0), associatedTo: payload.readUInt32BE(4) & 0x7fffffff,
        priority: payload[8] >> 5, flags: frameFlags, headerBlock: payload.subarray(10),
      };
    case frameType.synReply:
      need(4);
      return { type: 'synReply', streamId: streamIdAt(0), flags: frameFlags, headerBlock: payload.subarray(4) };
    case frameType.headers:
      need(4);
      return { type: 'headers', streamId: streamIdAt(0), flags: frameFlags, headerBlock: payload.subarray(4) };
    case frameType.rstStream: {
      need(8);
      const status = payload.readUInt32BE(4);
      if (status === 0) throw new SpdyProtocolError('RST_STREAM with status 0');
      return { type: 'rstStream', streamId: streamIdAt(0), status };
    }
    case frameType.settings: {
      need(4);
      const count = payload.readUInt32BE(0);
      if (length !== 4 + count * 8) throw new SpdyProtocolError(`SETTINGS of ${length} bytes for ${count} entries`);
      const entries = [];
      for (let i = 0; i < count; i++) {
        const idWord = payload.readUInt32BE(4 + i * 8);
        entries.push({ flags: idWord >>> 24, id: idWord & 0xffffff, value: payload.readUInt32BE(8 + i * 8) });
      }
      return { type: 'settings', flags: frameFlags, entries };
    }
    case frameType.ping:
      need(4);
      return { type: 'ping', id: payload.readUInt32BE(0) };
    case frameType.goAway:
      need(8);
      return { type: 'goAway', lastGoodStreamId: payload.readUInt32BE(0) & 0x7fffffff, status: payload.readUInt32BE(4) };
    case frameType.windowUpdate:
      need(8);
      return { type: 'windowUpdate', streamId: payload.readUInt32BE(0) & 0x7fffffff, delta: payload.readUInt32BE(4) & 0x7fffffff };
    default:
      return { type: 'unknown', frameType: type, flags: frameFlags };
  }
}

/**
 * Cuts a byte stream into frames. kubectl's framer writes each field of a frame with its own Write, and every
 * Write becomes one WebSocket message, so frames arrive in pieces as small as two bytes.
 */
export class FrameReader {
  #chunks: Buffer[] = [];
  #size = 0;

  /** Takes the next bytes and answers the frames they complete, in order. */
  push(chunk: Buffer): Frame[] {
    if (chunk.length > 0) {
      this.#chunks.push(chunk);
      this.#size += chunk.length;
    }
    const frames: Frame[] = [];
    while (this.#size >= 8) {
      const length = this.#peek(8).readUInt32BE(4) & 0xffffff;
      if (this.#size < 8 + length) break;
      frames.push(parseFrame(this.#take(8 + length)));
    }
    return frames;
  }

  /** Bytes of a frame not yet complete. */
  get buffered(): number {
    return this.#size;
  }

  #peek(n: number): Buffer {
    if (this.#chunks[0].length < n) this.#chunks = [Buffer.concat(this.#chunks)];
    return this.#chunks[0].subarray(0, n);
  }

  #take(n: number): Buffer {
    const head = this.#peek(n);
    const rest = this.#chunks[0].subarray(n);
    if (rest.length > 0) this.#chunks[0] = rest;
    else this.#chunks.shift();
    this.#size -= n;
    return head;
  }
}
