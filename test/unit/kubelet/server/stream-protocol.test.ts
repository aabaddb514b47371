import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  channel, chooseProtocol, exitCodeStatus, frame, parseClientMessage, parseStreamOptions, protocolV4, protocolV5,
} from '../../../../kubelet/server/stream-protocol.ts';

describe('frames', () => {
  it('prefix the payload with the channel byte', () => {
    assert.deepEqual([...frame(channel.stdout, 'hi')], [1, 0x68, 0x69]);
    assert.deepEqual([...frame(channel.error, Buffer.alloc(0))], [3]);
  });

  it('parse stdin, resize and (v5 only) close from the client', () => {
    assert.deepEqual(parseClientMessage(Buffer.from([0, 0x61]), protocolV5), { type: 'stdin', data: Buffer.from('a') });
    assert.deepEqual(parseClientMessage(frame(4, '{"Width":80,"Height":24}'), protocolV5), { type: 'resize', cols: 80, rows: 24 });
    assert.deepEqual(parseClientMessage(Buffer.from([255, 0]), protocolV5), { type: 'close', channel: 0 });
    assert.deepEqual(parseClientMessage(Buffer.from([255, 0]), protocolV4), { type: 'ignored' });
  });

  it('drop malformed resizes and unknown channels', () => {
    assert.deepEqual(parseClientMessage(frame(4, 'not json'), protocolV5), { type: 'ignored' });
    assert.deepEqual(parseClientMessage(frame(4, '{"Width":"80","Height":24}'), protocolV5), { type: 'ignored' });
    assert.deepEqual(parseClientMessage(frame(1, 'x'), protocolV5), { type: 'ignored' });
    assert.deepEqual(parseClientMessage(Buffer.alloc(0), protocolV5), { type: 'ignored' });
  });
});

describe('subprotocol choice', () => {
  it('prefers v5, accepts v4, refuses the rest', () => {
    assert.equal(chooseProtocol(['v4.channel.k8s.io', 'v5.channel.k8s.io']), protocolV5);
    assert.equal(chooseProtocol(['v4.channel.k8s.io', 'channel.k8s.io']), protocolV4);
    assert.equal(chooseProtocol(['channel.k8s.io', 'base64.channel.k8s.io']), undefined);
  });
});

describe('stream options', () => {
  it('reads kube\'s kubelet names and the PodExecOptions names', () => {
    const kube = parseStreamOptions(new URLSearchParams('command=sh&command=-c&command=true&input=1&output=1&error=1'));
    assert.deepEqual(kube, { command: ['sh', '-c', 'true'], stdin: true, stdout: true, stderr: true, tty: false });
    const direct = parseStreamOptions(new URLSearchParams('command=ls&stdout=true&stderr=false'));
    assert.deepEqual(direct, { command: ['ls'], stdin: false, stdout: true, stderr: false, tty: false });
  });

  it('turns stderr off with a TTY, as the kubelet does', () => {
    assert.deepEqual(parseStreamOptions(new URLSearchParams('command=sh&input=1&output=1&error=1&tty=1')),
      { command: ['sh'], stdin: true, stdout: true, stderr: false, tty: true });
  });

  it('needs at least one stream', () => {
    assert.deepEqual(parseStreamOptions(new URLSearchParams('command=ls&tty=1')), { error: 'you must specify at least 1 of stdin, stdout, stderr' });
    assert.deepEqual(parseStreamOptions(new URLSearchParams('command=ls&output=0')), { error: 'you must specify at least 1 of stdin, stdout, stderr' });
  });
});

describe('exit status', () => {
  it('carries the exit code as the ExitCode cause kubectl reads', () => {
    const s = exitCodeStatus(3);
    assert.equal(s.status, 'Failure');
    assert.equal(s.reason, 'NonZeroExitCode');
    assert.deepEqual(s.details, { causes: [{ reason: 'ExitCode', message: '3' }] });
  });
});
