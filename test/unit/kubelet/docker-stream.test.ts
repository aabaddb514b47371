import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import fc from 'fast-check';
import { FrameParser, MergedFrames, demuxBuffer, readJsonProgress, splitFrames } from '../../../kubelet/runtime/docker-stream.ts';

function frame(type: 0 | 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += String(chunk);
  return out;
}

describe('multiplexed stream frames', () => {
  test('a whole buffer', () => {
    const frames = demuxBuffer(Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n'), frame(1, '')]));
    assert.deepEqual(frames.map((f) => [f.stream, f.payload.toString()]), [['stdout', 'out\n'], ['stderr', 'err\n'], ['stdout', '']]);
  });

  test('property: any chunking of the bytes gives the same frames', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.constantFrom<1 | 2>(1, 2), fc.string({ maxLength: 40 })), { maxLength: 12 }),
      fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 50 }),
      (frames, cuts) => {
        const bytes = Buffer.concat(frames.map(([t, s]) => frame(t, s)));
        const parser = new FrameParser();
        const got: string[] = [];
        let at = 0;
        let i = 0;
        while (at < bytes.length) {
          const size = cuts[i++ % cuts.length];
          for (const f of parser.push(bytes.subarray(at, at + size))) got.push(`${f.stream}:${f.payload.toString()}`);
          at += size;
        }
        assert.deepEqual(got, frames.map(([t, s]) => `${t === 1 ? 'stdout' : 'stderr'}:${s}`));
        assert.equal(parser.pendingBytes, 0);
      },
    ));
  });

  test('bytes that are not a header are an error, not garbage output', () => {
    assert.throws(() => new FrameParser().push(Buffer.from('hello world, a TTY stream')), /not a Docker stream frame header/);
  });

  test('merged: payloads in order', async () => {
    const merged = Readable.from([Buffer.concat([frame(1, 'a'), frame(2, 'b')]).subarray(0, 5), Buffer.concat([frame(1, 'a'), frame(2, 'b')]).subarray(5), frame(1, 'c')])
      .pipe(new MergedFrames());
    assert.equal(await readAll(merged), 'abc');
  });

  test('split: stdout and stderr separately, both end with the source', async () => {
    const source = new PassThrough();
    const { stdout, stderr } = splitFrames(source);
    source.write(frame(1, 'one '));
    source.write(frame(2, 'oops'));
    source.end(frame(1, 'two'));
    assert.deepEqual(await Promise.all([readAll(stdout), readAll(stderr)]), ['one two', 'oops']);
  });
});

describe('JSON progress streams', () => {
  test('events are passed on; an error object rejects with its message', async () => {
    const seen: unknown[] = [];
    const ok = Readable.from(['{"status":"Pulling fs layer","id":"abc"}\r\n{"status":"Downlo', 'ading","progressDetail":{"current":1}}\r\n']);
    await readJsonProgress(ok, (e) => seen.push(e.status));
    assert.deepEqual(seen, ['Pulling fs layer', 'Downloading']);
    const bad = Readable.from(['{"status":"Pulling"}\r\n{"errorDetail":{"message":"manifest unknown"},"error":"manifest unknown"}\r\n']);
    await assert.rejects(readJsonProgress(bad), /manifest unknown/);
  });
});
