// kubectl's port-forward protocol on an in-memory SPDY connection, with a real TCP server on loopback as the pod:
// pairing by requestID, bytes both ways, concurrent requests, half-close, resets, and the errors kubectl prints.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import { pino } from 'pino';
import {
  checkPortForwardStream, dialErrorText, portForwardHandler, requestIdOf, type PortForwardOptions,
} from '../../../../kubelet/server/port-forward-session.ts';
import { inMemoryConnection, type InMemoryConnection } from '../../../helpers/spdy-client.ts';
import { freePort } from '../../../helpers/apiserver.ts';

const h = (o: Record<string, string>): Map<string, string[]> => new Map(Object.entries(o).map(([k, v]) => [k, [v]]));

describe('checkPortForwardStream', () => {
  it('accepts an error or data stream with a port, and words refusals as the kubelet does', () => {
    assert.equal(checkPortForwardStream(h({ port: '8080', streamtype: 'data' })), undefined);
    assert.equal(checkPortForwardStream(h({ port: '1', streamtype: 'error' })), undefined);
    assert.equal(checkPortForwardStream(h({ streamtype: 'data' })), '"port" header is required');
    assert.equal(checkPortForwardStream(h({ port: 'http', streamtype: 'data' })), 'unable to parse "http" as a port');
    assert.equal(checkPortForwardStream(h({ port: '65536', streamtype: 'data' })), 'unable to parse "65536" as a port');
    assert.equal(checkPortForwardStream(h({ port: '0', streamtype: 'data' })), 'port "0" must be > 0');
    assert.equal(checkPortForwardStream(h({ port: '80' })), '"streamType" header is required');
    assert.equal(checkPortForwardStream(h({ port: '80', streamtype: 'stdin' })), 'invalid stream type "stdin"');
  });
});

describe('requestIdOf', () => {
  it('takes the requestID header, or pairs error stream n with data stream n+2 for older clients', () => {
    const stream = (id: number, headers: Record<string, string>) => ({ id, header: (n: string) => headers[n.toLowerCase()] });
    assert.equal(requestIdOf(stream(7, { requestid: '3', streamtype: 'data' })), '3');
    assert.equal(requestIdOf(stream(5, { streamtype: 'error' })), '5');
    assert.equal(requestIdOf(stream(7, { streamtype: 'data' })), '5');
  });
});

describe('dialErrorText', () => {
  it('reads like Go\'s dial errors', () => {
    const e = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`connect ${code}`), { code });
    assert.equal(dialErrorText('10.244.0.5', 80, e('ECONNREFUSED')), 'dial tcp4 10.244.0.5:80: connect: connection refused');
    assert.equal(dialErrorText('fd00::5', 80, e('EHOSTUNREACH')), 'dial tcp6 [fd00::5]:80: connect: no route to host');
    assert.equal(dialErrorText('10.0.0.1', 80, e('EWHATEVER')), 'dial tcp4 10.0.0.1:80: connect EWHATEVER');
  });
});

describe('port-forward over a SPDY connection', () => {
  let echoServer: net.Server;
  let echoPort: number;
  /** Connections the "pod" accepted, to see them close. */
  const accepted: net.Socket[] = [];
  let c: InMemoryConnection | undefined;

  before(async () => {
    // An echo server that upper-cases, and closes its side once the client has.
    echoServer = net.createServer({ allowHalfOpen: true }, (socket) => {
      accepted.push(socket);
      socket.on('data', (d: Buffer) => socket.write(d.toString().toUpperCase()));
      socket.on('end', () => socket.end());
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => echoServer.listen(0, '127.0.0.1', resolve));
    echoPort = (echoServer.address() as net.AddressInfo).port;
  });

  after(() => new Promise<void>((resolve) => echoServer.close(() => resolve())));

  afterEach(() => {
    c?.dispose();
    c = undefined;
  });

  function connect(o: Partial<PortForwardOptions> = {}): InMemoryConnection {
    const handler = portForwardHandler({
      resolve: async () => ({ host: '127.0.0.1', podId: 'sandbox1' }), log: pino({ level: 'silent' }), ...o,
    });
    c = inMemoryConnection(handler);
    return c;
  }

  it('copies bytes both ways and half-closes: the client\'s FIN reaches the pod, the pod\'s comes back', async () => {
    const { client } = connect();
    const { error, data } = client.forward(echoPort, 0);
    await client.until('both replies', () => client.stream(error).replied && client.stream(data).replied);
    client.data(data, Buffer.from('hello '));
    client.data(data, Buffer.from('pod'), true);
    await client.until('the data stream to end', () => client.stream(data).fin);
    assert.equal(client.stream(data).data.toString(), 'HELLO POD');
    await client.until('the error stream to end', () => client.stream(error).fin);
    assert.equal(client.stream(error).data.length, 0, 'no error');
  });

  it('keeps requests apart when their streams interleave', async () => {
    const { client } = connect();
    const e0 = client.open({ streamtype: 'error', port: String(echoPort), requestid: '0' });
    const e1 = client.open({ streamtype: 'error', port: String(echoPort), requestid: '1' });
    const d1 = client.open({ streamtype: 'data', port: String(echoPort), requestid: '1' });
    const d0 = client.open({ streamtype: 'data', port: String(echoPort), requestid: '0' });
    await client.until('four replies', () => [e0, e1, d0, d1].every((s) => client.stream(s).replied));
    client.data(d0, Buffer.from('zero'));
    client.data(d1, Buffer.from('one'));
    await client.until('both answers', () => client.stream(d0).data.length === 4 && client.stream(d1).data.length === 3);
    assert.equal(client.stream(d0).data.toString(), 'ZERO');
    assert.equal(client.stream(d1).data.toString(), 'ONE');
  });

  it('closes the pod connection when kubectl resets the data stream', async () => {
    const { client } = connect();
    const before = accepted.length;
    const { error, data } = client.forward(echoPort, 0);
    await client.until('both replies', () => client.stream(error).replied && client.stream(data).replied);
    client.data(data, Buffer.from('x'));
    await client.until('the echo', () => client.stream(data).data.length === 1);
    const pod = accepted[before];
    const closed = new Promise((resolve) => pod.once('close', resolve));
    client.reset(data);
    await closed;
    await client.until('the error stream to end', () => client.stream(error).fin);
  });

  it('writes a refused connection on the error stream as the kubelet words it, then ends both streams', async () => {
    const { client } = connect();
    const closed = await freePort();
    const { error, data } = client.forward(closed, 0);
    await client.until('both streams to end', () => client.stream(error).fin && client.stream(data).fin);
    assert.equal(client.stream(error).data.toString(),
      `error forwarding port ${closed} to pod sandbox1, uid : dial tcp4 127.0.0.1:${closed}: connect: connection refused`);
  });

  it('reports a pod that cannot take connections', async () => {
    const { client } = connect({ resolve: async () => { throw new Error('container not running (abc)'); } });
    const { error } = client.forward(echoPort, 0);
    await client.until('the error stream to end', () => client.stream(error).fin);
    assert.equal(client.stream(error).data.toString(), `error forwarding port ${echoPort} to pod , uid : container not running (abc)`);
  });

  it('gives up on a request whose other stream never comes', async () => {
    const { client } = connect({ pairTimeoutMs: 50 });
    const { error } = { error: client.open({ streamtype: 'error', port: '80', requestid: '7' }) };
    await client.until('the error stream to end', () => client.stream(error).fin);
    assert.equal(client.stream(error).data.toString(), 'timed out waiting for streams of request 7');
  });

  it('refuses a second stream of one kind for a request still waiting for its pair, and streams without a port', async () => {
    const { client } = connect();
    const error = client.open({ streamtype: 'error', port: String(echoPort), requestid: '0' });
    const again = client.open({ streamtype: 'error', port: String(echoPort), requestid: '0' });
    const portless = client.open({ streamtype: 'data', requestid: '1' });
    await client.until('two resets', () => client.stream(again).reset !== undefined && client.stream(portless).reset !== undefined);
    assert.equal(client.stream(portless).replied, false);
    await client.until('the complaint', () => client.stream(error).data.length > 0);
    assert.equal(client.stream(error).data.toString(), 'error processing stream for request 0: error stream already assigned');
    const data = client.open({ streamtype: 'data', port: String(echoPort), requestid: '0' });
    client.data(data, Buffer.from('still works'));
    await client.until('the echo', () => client.stream(data).data.length === 11);
  });
});
