// exec/attach over SPDY: the streams a request waits for, what the error stream carries per protocol version, the
// resize decoder, and whole sessions over a loopback socket with a fake process (output, stdin, exit code, resize).
import assert from 'node:assert/strict';
import net from 'node:net';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import type { ExecSession } from '../../../../kubelet/runtime/runtime.ts';
import {
  expectedStreams, serveSpdyRemoteCommand, statusPayload, TerminalSizeDecoder, type SpdyRemoteCommand,
} from '../../../../kubelet/server/spdy-remote-command.ts';
import { negotiateStreamProtocol } from '../../../../kubelet/server/spdy-upgrade.ts';
import { exitCodeStatus, successStatus, type StreamOptions } from '../../../../kubelet/server/stream-protocol.ts';
import { SpdyTestClient } from '../../../helpers/spdy-client.ts';

const opts = (o: Partial<StreamOptions>): StreamOptions => ({ command: ['sh'], stdin: false, stdout: true, stderr: true, tty: false, ...o });

describe('expectedStreams', () => {
  it('always wants the error stream, one per option, and resize for a TTY from v3', () => {
    assert.deepEqual(expectedStreams(opts({}), 'v4.channel.k8s.io'), ['error', 'stdout', 'stderr']);
    assert.deepEqual(expectedStreams(opts({ stdin: true, stderr: false, tty: true }), 'v5.channel.k8s.io'), ['error', 'stdin', 'stdout', 'resize']);
    assert.deepEqual(expectedStreams(opts({ stdin: true, stderr: false, tty: true }), 'v2.channel.k8s.io'), ['error', 'stdin', 'stdout']);
  });
});

describe('statusPayload', () => {
  it('is the Status as JSON from v4, and only a failure\'s message before', () => {
    assert.equal(statusPayload(successStatus(), 'v4.channel.k8s.io'), '{"metadata":{},"status":"Success"}');
    assert.equal(JSON.parse(statusPayload(exitCodeStatus(3), 'v5.channel.k8s.io') ?? '').details.causes[0].message, '3');
    assert.equal(statusPayload(successStatus(), 'v3.channel.k8s.io'), undefined);
    assert.match(statusPayload(exitCodeStatus(3), 'v2.channel.k8s.io') ?? '', /non-zero exit code/);
  });
});

describe('negotiateStreamProtocol', () => {
  const ours = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
  it('takes the client\'s first protocol the server speaks', () => {
    assert.deepEqual(negotiateStreamProtocol(['v4.channel.k8s.io', 'v5.channel.k8s.io'], ours), { protocol: 'v4.channel.k8s.io' });
  });
  it('refuses a missing header with 400 and no match with 403', () => {
    assert.equal((negotiateStreamProtocol([], ours) as { code: number }).code, 400);
    const none = negotiateStreamProtocol(['channel.k8s.io'], ours) as { code: number; error: string };
    assert.equal(none.code, 403);
    assert.equal(none.error, 'unable to upgrade: unable to negotiate protocol: client supports [channel.k8s.io], server accepts [v5.channel.k8s.io v4.channel.k8s.io]');
  });
});

describe('TerminalSizeDecoder', () => {
  it('reads JSON sizes one after another, split anywhere', () => {
    const d = new TerminalSizeDecoder();
    assert.deepEqual(d.push('{"Width":80,"Hei'), []);
    assert.deepEqual(d.push('ght":24}\n{"Width":100,"Height":30}\n'), [{ cols: 80, rows: 24 }, { cols: 100, rows: 30 }]);
  });
  it('stops at the first malformed value, as the kubelet\'s decoder loop does', () => {
    const d = new TerminalSizeDecoder();
    assert.deepEqual(d.push('x{"Width":1,"Height":2}'), []);
    assert.deepEqual(d.push('{"Width":3,"Height":4}'), []);
  });
});

/** A process whose output the test writes and whose exit code it decides. */
function fakeSession(): ExecSession & { stdout: PassThrough; stderr: PassThrough; input: string[]; sizes: { cols: number; rows: number }[]; exit(code: number): void; closed: boolean } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  let exit!: (code: number) => void;
  const exited = new Promise<number>((resolve) => { exit = resolve; });
  const s = {
    stdin, stdout, stderr, input: [] as string[], sizes: [] as { cols: number; rows: number }[], closed: false,
    resize: async (size: { cols: number; rows: number }) => { s.sizes.push(size); },
    wait: () => exited,
    close: () => { s.closed = true; },
    exit: (code: number) => { stdout.end(); stderr.end(); exit(code); },
  };
  stdin.on('data', (d: Buffer) => s.input.push(d.toString()));
  return s;
}

const servers: net.Server[] = [];
after(() => { for (const s of servers) s.close(); });

/** A loopback server taking every connection as an upgraded exec; answers the client, past the 101 answer. */
async function connect(rc: Omit<SpdyRemoteCommand, 'log'>): Promise<{ client: SpdyTestClient; socket: net.Socket; head: Promise<string> }> {
  const server = net.createServer((socket) => serveSpdyRemoteCommand(socket, Buffer.alloc(0), { ...rc, log: pino({ level: 'silent' }) }));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  const client = new SpdyTestClient((bytes) => socket.write(bytes));
  let pending = Buffer.alloc(0);
  let headDone = false;
  let gotHead!: (h: string) => void;
  const head = new Promise<string>((resolve) => { gotHead = resolve; });
  socket.on('data', (chunk: Buffer) => {
    if (headDone) return client.receive(chunk);
    pending = Buffer.concat([pending, chunk]);
    const end = pending.indexOf('\r\n\r\n');
    if (end < 0) return;
    headDone = true;
    gotHead(pending.subarray(0, end).toString());
    if (pending.length > end + 4) client.receive(pending.subarray(end + 4));
  });
  return { client, socket, head };
}

describe('serveSpdyRemoteCommand', () => {
  it('runs once every stream is open: output, stdin up to its FIN, then the exit Status and the end', async () => {
    const session = fakeSession();
    const { client, socket, head } = await connect({
      protocol: 'v4.channel.k8s.io', opts: opts({ stdin: true }),
      open: async () => session, exitCode: (s) => s.wait(),
    });
    assert.match(await head, /^HTTP\/1\.1 101 Switching Protocols\r\n[^]*X-Stream-Protocol-Version: v4\.channel\.k8s\.io/);
    const error = client.open({ streamtype: 'error' });
    const stdin = client.open({ streamtype: 'stdin' });
    const stdout = client.open({ streamtype: 'stdout' });
    client.data(stdin, Buffer.from('typed'), true);
    // Not started yet: stderr is still missing.
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(session.input, []);
    const stderr = client.open({ streamtype: 'stderr' });
    await client.until('stdin delivered', () => session.input.join('') === 'typed');
    session.stdout.write('out');
    session.stderr.write('err');
    session.exit(3);
    await client.until('the status', () => client.stream(error).fin);
    assert.equal(client.stream(stdout).data.toString(), 'out');
    assert.ok(client.stream(stdout).fin);
    assert.equal(client.stream(stderr).data.toString(), 'err');
    const status = JSON.parse(client.stream(error).data.toString());
    assert.equal(status.reason, 'NonZeroExitCode');
    assert.equal(status.details.causes[0].message, '3');
    await client.until('GOAWAY', () => client.events.some((e) => e.type === 'goAway'));
    client.close();
    socket.destroy();
  });

  it('passes terminal sizes to the session and reports a failure to start on the error stream', async () => {
    const session = fakeSession();
    const { client, socket } = await connect({
      protocol: 'v5.channel.k8s.io', opts: opts({ stdin: false, stderr: false, tty: true }),
      open: async () => session, exitCode: (s) => s.wait(),
    });
    const error = client.open({ streamtype: 'error' });
    client.open({ streamtype: 'stdout' });
    const resize = client.open({ streamtype: 'resize' });
    client.data(resize, Buffer.from('{"Width":120,"Height":40}\n'));
    await client.until('the resize', () => session.sizes.length === 1);
    assert.deepEqual(session.sizes, [{ cols: 120, rows: 40 }]);
    session.exit(0);
    await client.until('the status', () => client.stream(error).fin);
    assert.equal(client.stream(error).data.toString(), '{"metadata":{},"status":"Success"}');
    client.close();
    socket.destroy();

    const failing = await connect({
      protocol: 'v3.channel.k8s.io', opts: opts({}),
      open: async () => { throw new Error('container not running'); }, exitCode: async () => 0,
    });
    const err = failing.client.open({ streamtype: 'error' });
    failing.client.open({ streamtype: 'stdout' });
    failing.client.open({ streamtype: 'stderr' });
    await failing.client.until('the failure', () => failing.client.stream(err).fin);
    assert.equal(failing.client.stream(err).data.toString(), 'container not running');
    failing.client.close();
    failing.socket.destroy();
  });

  it('refuses an unknown stream type and closes the session when the client goes away', async () => {
    const session = fakeSession();
    const { client, socket } = await connect({
      protocol: 'v4.channel.k8s.io', opts: opts({}), open: async () => session, exitCode: (s) => s.wait(),
    });
    const bogus = client.open({ streamtype: 'bogus' });
    await client.until('the refusal', () => client.stream(bogus).reset !== undefined);
    client.open({ streamtype: 'error' });
    client.open({ streamtype: 'stdout' });
    client.open({ streamtype: 'stderr' });
    await client.until('the replies', () => client.events.filter((e) => e.type === 'reply').length === 3);
    socket.destroy();
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(session.closed);
    client.close();
  });
});
