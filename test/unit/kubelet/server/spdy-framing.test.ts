// SPDY/3.1 framing checked against frames built by hand from the spec's layout, against the bytes kubectl 1.32
// really sends (captured with -v=9), and the header compression both ways through the SPDY dictionary.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import zlib from 'node:zlib';
import {
  adler32, decodeHeaderBlock, encodeControlFrame, encodeDataFrame, encodeGoAway, encodeHeaderBlock, encodePing,
  encodeRstStream, encodeSynReply, encodeSynStream, encodeWindowUpdate, FrameReader, HeaderCompressor,
  headerDictionary, parseFrame, SpdyProtocolError,
} from '../../../../kubelet/server/spdy-framing.ts';
import { HeaderInflater } from '../../../../kubelet/server/spdy-inflate.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// kubectl's first SYN_STREAM of a forwarded connection (stream 1: streamType=error, port=8080, requestID=0),
// written field by field as its framer does, and the data stream's (stream 3) that follows it.
const kubectlErrorStream = [
  '8003', '0001', '0000003e', '00000001', '00000000', '00', '00',
  '78f9e3c6a7c202253a703a2b294a4dcc851625aca9a0808614cb45e01c60616061c0c0c0c0590489c64c50f2663400000000ffff',
].map(hex);
const kubectlDataStream = hex('80030001 0000001c 00000003 00000000 00 00 826ac61445350e543225a29b06000000ffff');

const headersOf = (m: Map<string, string[]>): Record<string, string[]> => Object.fromEntries(m);

describe('the header dictionary', () => {
  it('is the SPDY/3 one: 1423 bytes whose Adler-32 (the zlib DICTID) is e3c6a7c2', () => {
    assert.equal(headerDictionary.length, 1423);
    assert.equal(adler32(headerDictionary).toString(16), 'e3c6a7c2');
    assert.deepEqual(headerDictionary.subarray(0, 11), Buffer.from('\0\0\0\x07options', 'latin1'));
    assert.equal(headerDictionary.subarray(-6).toString('latin1'), 'enq=0.');
  });
});

describe('parseFrame', () => {
  it('reads a SYN_STREAM built by hand: stream id, associated id, priority, flags, the header block as it came', () => {
    const bytes = hex('8003 0001 01 00000e  00000005 00000001 a0 00  cafebabe');
    assert.deepEqual(parseFrame(bytes), {
      type: 'synStream', streamId: 5, associatedTo: 1, priority: 5, flags: 1, headerBlock: hex('cafebabe'),
    });
  });

  it('reads DATA with and without FIN, and the control frames a server meets', () => {
    assert.deepEqual(parseFrame(hex('00000003 01000002 6869')), { type: 'data', streamId: 3, flags: 1, data: Buffer.from('hi') });
    assert.deepEqual(parseFrame(hex('00000003 00000000')), { type: 'data', streamId: 3, flags: 0, data: Buffer.alloc(0) });
    assert.deepEqual(parseFrame(hex('8003 0003 00000008 00000003 00000005')), { type: 'rstStream', streamId: 3, status: 5 });
    assert.deepEqual(parseFrame(hex('8003 0006 00000004 00000001')), { type: 'ping', id: 1 });
    assert.deepEqual(parseFrame(hex('8003 0007 00000008 00000007 00000000')), { type: 'goAway', lastGoodStreamId: 7, status: 0 });
    assert.deepEqual(parseFrame(hex('8003 0009 00000008 00000001 00010000')), { type: 'windowUpdate', streamId: 1, delta: 65536 });
    assert.deepEqual(parseFrame(hex('8003 0004 0000000c 00000001 01000007 00010000')), {
      type: 'settings', flags: 0, entries: [{ flags: 1, id: 7, value: 65536 }],
    });
    assert.deepEqual(parseFrame(hex('8003 0002 00000006 00000003 abcd')), { type: 'synReply', streamId: 3, flags: 0, headerBlock: hex('abcd') });
    assert.deepEqual(parseFrame(hex('8003 0008 01000004 00000003')), { type: 'headers', streamId: 3, flags: 1, headerBlock: Buffer.alloc(0) });
  });

  it('ignores control frame types SPDY/3 does not define, and refuses what spdystream refuses', () => {
    assert.deepEqual(parseFrame(hex('8003 0005 00000000')), { type: 'unknown', frameType: 5, flags: 0 });
    const refuses = (bytes: string, message: RegExp): void => {
      assert.throws(() => parseFrame(hex(bytes)), (e: Error) => e instanceof SpdyProtocolError && message.test(e.message), bytes);
    };
    refuses('8002 0006 00000004 00000001', /unsupported SPDY version 2/);
    refuses('00000000 00000000', /stream 0/);
    refuses('8003 0003 00000008 00000000 00000005', /stream 0/);
    refuses('8003 0003 00000008 00000003 00000000', /status 0/);
    refuses('8003 0003 00000004 00000003', /too short/);
    refuses('8003 0006 00000005 00000001', /says 5 bytes, has 4/);
  });
});

describe('encoders', () => {
  it('write the layout parseFrame reads back', () => {
    assert.deepEqual(encodeDataFrame(7, Buffer.from('abc'), true), hex('00000007 01000003 616263'));
    assert.deepEqual(encodeSynReply(3, hex('0102')), hex('8003 0002 00000006 00000003 0102'));
    assert.deepEqual(encodeRstStream(3, 5), hex('8003 0003 00000008 00000003 00000005'));
    assert.deepEqual(encodePing(9), hex('8003 0006 00000004 00000009'));
    assert.deepEqual(encodeGoAway(5, 1), hex('8003 0007 00000008 00000005 00000001'));
    assert.deepEqual(encodeWindowUpdate(1, 10), hex('8003 0009 00000008 00000001 0000000a'));
    assert.deepEqual(parseFrame(encodeSynStream(9, hex('ff'), { flags: 2, priority: 7, associatedTo: 3 })), {
      type: 'synStream', streamId: 9, associatedTo: 3, priority: 7, flags: 2, headerBlock: hex('ff'),
    });
    assert.deepEqual(encodeControlFrame(4, 0x01, hex('00000000')), hex('8003 0004 01000004 00000000'));
  });
});

describe('FrameReader', () => {
  it('puts together a frame kubectl wrote field by field, and only then answers it', () => {
    const reader = new FrameReader();
    for (const piece of kubectlErrorStream.slice(0, -1)) assert.deepEqual(reader.push(piece), []);
    const [frame] = reader.push(kubectlErrorStream[kubectlErrorStream.length - 1]);
    assert.equal(frame.type, 'synStream');
    assert.equal(frame.type === 'synStream' && frame.streamId, 1);
    assert.equal(reader.buffered, 0);
  });

  it('answers several frames from one chunk, keeping a partial one for later', () => {
    const reader = new FrameReader();
    const all = Buffer.concat([encodeDataFrame(1, Buffer.from('one')), encodePing(1), encodeDataFrame(3, Buffer.from('two'), true)]);
    const frames = reader.push(all.subarray(0, all.length - 2));
    assert.deepEqual(frames.map((f) => f.type), ['data', 'ping']);
    assert.equal(reader.buffered, 8 + 3 - 2);
    assert.deepEqual(reader.push(all.subarray(all.length - 2)), [{ type: 'data', streamId: 3, flags: 1, data: Buffer.from('two') }]);
  });

  it('throws on a malformed frame', () => {
    assert.throws(() => new FrameReader().push(hex('8007 0006 00000004 00000001')), SpdyProtocolError);
  });
});

describe('name/value header blocks', () => {
  it('encode count, then length-prefixed lower-case names and NUL-joined values', () => {
    const block = encodeHeaderBlock([['Port', ['8080']], ['streamtype', ['a', 'b']]]);
    assert.deepEqual(block, hex('00000002 00000004 706f7274 00000004 38303830 0000000a 73747265616d74797065 00000003 610062'));
    assert.deepEqual(headersOf(decodeHeaderBlock(block)), { port: ['8080'], streamtype: ['a', 'b'] });
    assert.deepEqual(encodeHeaderBlock([]), hex('00000000'));
  });

  it('refuses upper-case or repeated names and blocks cut short or too long', () => {
    const refuses = (block: Buffer, message: RegExp): void => {
      assert.throws(() => decodeHeaderBlock(block), (e: Error) => e instanceof SpdyProtocolError && message.test(e.message));
    };
    refuses(hex('00000001 00000001 41 00000000'), /not lower-case/);
    refuses(hex('00000002 00000001 61 00000000 00000001 61 00000000'), /appears twice/);
    refuses(hex('00000001 00000005 61'), /ends inside a name/);
    refuses(hex('00000000 00'), /after the last header/);
    refuses(hex('0000'), /too short/);
  });
});

describe('header compression', () => {
  it('inflates kubectl\'s real header blocks, one zlib stream across frames, with the SPDY dictionary', async () => {
    const inflater = new HeaderInflater();
    try {
      const error = parseFrame(Buffer.concat(kubectlErrorStream));
      const data = parseFrame(kubectlDataStream);
      assert.ok(error.type === 'synStream' && data.type === 'synStream');
      assert.deepEqual(headersOf(decodeHeaderBlock(await inflater.inflate(error.headerBlock))), { streamtype: ['error'], port: ['8080'], requestid: ['0'] });
      // The second block refers back into the first: it only makes sense in the same inflater.
      assert.deepEqual(headersOf(decodeHeaderBlock(await inflater.inflate(data.headerBlock))), { streamtype: ['data'], port: ['8080'], requestid: ['0'] });
      assert.throws(() => zlib.inflateSync(data.headerBlock, { dictionary: headerDictionary, finishFlush: zlib.constants.Z_SYNC_FLUSH }));
    } finally {
      inflater.close();
    }
  });

  it('round-trips through zlib and the dictionary as Go compresses (best compression, sync flush per block)', async () => {
    const deflate = zlib.createDeflate({ dictionary: headerDictionary, level: 9 });
    const out: Buffer[] = [];
    deflate.on('data', (c: Buffer) => out.push(c));
    const inflater = new HeaderInflater();
    try {
      for (let i = 0; i < 20; i++) {
        const headers: [string, string[]][] = [['streamtype', [i % 2 ? 'data' : 'error']], ['port', ['8080']], ['requestid', [String(i >> 1)]]];
        await new Promise<void>((resolve) => { deflate.write(encodeHeaderBlock(headers)); deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve()); });
        const block = Buffer.concat(out.splice(0));
        assert.deepEqual(block.subarray(-4), hex('0000ffff'));
        assert.deepEqual(decodeHeaderBlock(await inflater.inflate(block)), new Map(headers));
      }
    } finally {
      deflate.destroy();
      inflater.close();
    }
  });

  it('writes stored blocks any inflater reads: zlib header with the dictionary\'s id once, a sync flush after each block', async () => {
    const compressor = new HeaderCompressor();
    const first = compressor.compress(encodeHeaderBlock([]));
    assert.deepEqual(first, hex('78bb e3c6a7c2  00 0400 fbff 00000000  00 0000 ffff'));
    const big = encodeHeaderBlock([['x', ['y'.repeat(70_000)]]]);
    const second = compressor.compress(big);
    assert.deepEqual(second.subarray(0, 5), hex('00 ffff 0000'), 'a block over 64 KiB is split');
    assert.deepEqual(second.subarray(-5), hex('00 0000 ffff'));
    const both = zlib.inflateSync(Buffer.concat([first, second]), { dictionary: headerDictionary, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    assert.deepEqual(both, Buffer.concat([encodeHeaderBlock([]), big]));
    const inflater = new HeaderInflater();
    try {
      assert.deepEqual(headersOf(decodeHeaderBlock(await inflater.inflate(first))), {});
      assert.equal(decodeHeaderBlock(await inflater.inflate(second)).get('x')?.[0].length, 70_000);
    } finally {
      inflater.close();
    }
  });

  it('fails a block that is not zlib, and every block after it', async () => {
    const inflater = new HeaderInflater();
    try {
      await assert.rejects(inflater.inflate(hex('0102030405')));
      await assert.rejects(inflater.inflate(new HeaderCompressor().compress(encodeHeaderBlock([]))));
    } finally {
      inflater.close();
    }
  });
});
