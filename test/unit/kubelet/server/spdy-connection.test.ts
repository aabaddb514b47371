// The server end of a SPDY connection driven by the test client over an in-memory transport: streams accepted
// and refused, data and half-close both ways, resets, pings, GOAWAY, protocol errors, and back-pressure.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { SpdyStream } from '../../../../kubelet/server/spdy-connection.ts';
import { goAwayStatus, rstStatus } from '../../../../kubelet/server/spdy-framing.ts';
import { inMemoryConnection, type InMemoryConnection } from '../../../helpers/spdy-client.ts';

interface Harness extends InMemoryConnection {
  streams: SpdyStream[];
}

const open: Harness[] = [];

/** A connection whose every stream is accepted unless its headers carry `refuse`. */
function harness(): Harness {
  const streams: SpdyStream[] = [];
  const h = {
    ...inMemoryConnection({
      accept: (headers) => headers.get('refuse')?.[0],
      onStream: (s) => { s.on('error', () => undefined); streams.push(s); },
    }),
    streams,
  };
  open.push(h);
  return h;
}

afterEach(() => {
  for (const h of open.splice(0)) h.dispose();
});

const read = (s: SpdyStream): Promise<Buffer> => new Promise((resolve) => {
  const chunks: Buffer[] = [];
  s.on('data', (c: Buffer) => chunks.push(c));
  s.on('end', () => resolve(Buffer.concat(chunks)));
});

describe('SpdyConnection', () => {
  it('answers a SYN_STREAM with an empty SYN_REPLY and hands the stream over with its headers', async () => {
    const { client, streams } = harness();
    const id = client.open({ streamtype: 'data', port: '80' });
    await client.until('the reply', () => client.stream(id).replied);
    assert.deepEqual(client.events[0], { type: 'reply', streamId: 1, headers: new Map() });
    assert.equal(streams[0].id, 1);
    assert.equal(streams[0].header('streamType'), 'data');
    assert.equal(streams[0].header('port'), '80');
  });

  it('refuses a stream its handler refuses, with RST_STREAM CANCEL and no reply', async () => {
    const { client, streams } = harness();
    const id = client.open({ refuse: 'no port' });
    await client.until('the reset', () => client.stream(id).reset !== undefined);
    assert.equal(client.stream(id).reset, rstStatus.cancel);
    assert.equal(client.stream(id).replied, false);
    assert.equal(streams.length, 0);
  });

  it('refuses stream ids that go backwards or are even (ours to use)', async () => {
    const { client, conn } = harness();
    client.open({}, { id: 5 });
    client.open({}, { id: 3 });
    client.open({}, { id: 8 });
    await client.until('two resets', () => client.events.filter((e) => e.type === 'rst').length === 2);
    assert.equal(client.stream(3).reset, rstStatus.protocolError);
    assert.equal(client.stream(8).reset, rstStatus.protocolError);
    assert.equal(client.stream(5).replied, true);
    assert.equal(conn.streamCount, 1);
  });

  it('carries data both ways; FIN half-closes each side, and a stream closed both ways is forgotten', async () => {
    const { client, streams, conn } = harness();
    const id = client.open({});
    await client.until('the reply', () => client.stream(id).replied);
    const s = streams[0];
    const got = read(s);
    client.data(id, Buffer.from('hello '));
    client.data(id, Buffer.from('world'), true);
    assert.equal((await got).toString(), 'hello world');
    s.write('back');
    s.end(' again');
    await client.until('FIN', () => client.stream(id).fin);
    assert.equal(client.stream(id).data.toString(), 'back again');
    assert.equal(client.stream(id).reset, undefined);
    assert.equal(conn.streamCount, 0);
  });

  it('ends the reading side of a stream opened with FIN (nothing will come from the client)', async () => {
    const { client, streams } = harness();
    client.open({}, { fin: true });
    await client.until('the reply', () => streams.length === 1);
    assert.equal((await read(streams[0])).length, 0);
  });

  it('destroys a stream the client resets, and resets the client\'s when ours is torn down early', async () => {
    const { client, streams, conn } = harness();
    const a = client.open({});
    const b = client.open({});
    await client.until('two replies', () => streams.length === 2);
    const closed = new Promise((resolve) => streams[0].once('close', resolve));
    client.reset(a);
    await closed;
    assert.equal(client.stream(a).reset, undefined, 'a reset stream is not reset back');
    streams[1].destroy();
    await client.until('our reset', () => client.stream(b).reset !== undefined);
    assert.equal(client.stream(b).reset, rstStatus.cancel);
    assert.equal(conn.streamCount, 0);
  });

  it('drops DATA for streams it does not know', async () => {
    const { client, streams } = harness();
    client.data(41, Buffer.from('stray'));
    const id = client.open({});
    await client.until('the reply', () => client.stream(id).replied);
    assert.equal(streams.length, 1);
    assert.deepEqual(client.events.map((e) => e.type), ['reply']);
  });

  it('echoes the client\'s pings (odd ids) and ignores even ones', async () => {
    const { client } = harness();
    client.ping(2);
    client.ping(7);
    // Frames are handled in order: by the time 7 comes back, 2 would have.
    await client.until('a pong', () => client.events.some((e) => e.type === 'ping'));
    assert.deepEqual(client.events, [{ type: 'ping', id: 7 }]);
  });

  it('winds down on GOAWAY: refuses new streams, closes once the open ones end', async () => {
    const { client, streams, transport } = harness();
    const id = client.open({});
    await client.until('the reply', () => streams.length === 1);
    client.goAway();
    const late = client.open({});
    await client.until('the late stream refused', () => client.stream(late).reset !== undefined);
    assert.equal(client.stream(late).reset, rstStatus.refusedStream);
    assert.equal(transport.closed, false);
    streams[0].end();
    client.data(id, Buffer.alloc(0), true);
    streams[0].resume();
    await client.until('GOAWAY', () => client.events.some((e) => e.type === 'goAway'));
    assert.deepEqual(client.events.at(-1), { type: 'goAway', lastGoodStreamId: id, status: goAwayStatus.ok });
    assert.equal(transport.closed, true);
  });

  it('closes with GOAWAY PROTOCOL_ERROR on a frame it cannot read, resetting what was open', async () => {
    const { client, conn, streams, transport } = harness();
    client.open({});
    await client.until('the reply', () => streams.length === 1);
    const closed = new Promise((resolve) => streams[0].once('close', resolve));
    conn.receive(Buffer.from('8002000600000004 00000001'.replace(' ', ''), 'hex'));
    await closed;
    await client.until('GOAWAY', () => client.events.some((e) => e.type === 'goAway'));
    assert.deepEqual(client.events.at(-1), { type: 'goAway', lastGoodStreamId: 1, status: goAwayStatus.protocolError });
    assert.equal(transport.closed, true);
    assert.equal(conn.streamCount, 0);
  });

  it('closes on a header block that does not inflate', async () => {
    const { conn, transport } = harness();
    const { client } = open[open.length - 1];
    conn.receive(Buffer.from('800300010000000e00000001000000000000deadbeef', 'hex'));
    await client.until('GOAWAY', () => client.events.some((e) => e.type === 'goAway'));
    assert.deepEqual(client.events, [{ type: 'goAway', lastGoodStreamId: 0, status: goAwayStatus.protocolError }]);
    assert.equal(transport.closed, true);
  });

  it('stops reading from the transport while a stream\'s reader is full, and starts again when it drains', async () => {
    const { client, streams, transport } = harness();
    const id = client.open({});
    await client.until('the reply', () => streams.length === 1);
    const s = streams[0];
    s.pause();
    for (let i = 0; i < 4; i++) client.data(id, Buffer.alloc(16 * 1024, i));
    client.ping(1);
    await client.until('the pong after the data', () => client.events.some((e) => e.type === 'ping'));
    assert.equal(transport.paused, true);
    const got = read(s);
    s.resume();
    client.data(id, Buffer.alloc(0), true);
    assert.equal((await got).length, 64 * 1024);
    assert.equal(transport.paused, false);
  });

  it('holds a writer back while the transport has a lot queued', async () => {
    const h = harness();
    const id = h.client.open({});
    await h.client.until('the reply', () => h.streams.length === 1);
    h.transport.buffered = 2 << 20;
    let called = false;
    h.streams[0].write(Buffer.from('slow'), () => { called = true; });
    assert.equal(called, false);
    await h.client.until('the data', () => h.client.stream(id).data.length === 4);
    await new Promise((r) => setImmediate(r));
    assert.equal(called, true);
  });
});
