// skiffctl port-forward's pure parts: the port specs and addresses as kubectl and client-go parse them, the service
// port → target port mapping (named ports through the pod), the UDP refusal, the client's channel reading, and the
// klog line kubectl prints for a failed connection.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod, Service } from '../../../apiserver/api/types.ts';
import { goQuote } from '../../../apiserver/api/go-format.ts';
import { klogHeader, klogLine } from '../../../cli/klog.ts';
import {
  checkUdpPorts, containerPortForServicePort, parseAddresses, parsePorts, podPorts, servicePorts, splitPort,
} from '../../../cli/port-forward-ports.ts';
import { PortChannelReader } from '../../../apiserver/client/port-forward-protocol.ts';
import { dataMessage } from '../../../cli/port-forward-tunnel.ts';

const pod: Pod = {
  metadata: { name: 'web-1' },
  spec: {
    containers: [
      { name: 'app', ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] },
      { name: 'side', ports: [{ name: 'metrics', containerPort: 9100, protocol: 'TCP' }] },
    ],
  },
};

const service: Service = {
  metadata: { name: 'web' },
  spec: {
    ports: [
      { name: 'http', port: 80, targetPort: 'http' },
      { name: 'plain', port: 8000, targetPort: 9000 },
      { name: 'same', port: 7000 },
      { name: 'udp', port: 53, targetPort: 53, protocol: 'UDP' },
      { name: 'missing', port: 81, targetPort: 'nope' },
    ],
  },
};

const message = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
};

describe('port specs', () => {
  it('splits [LOCAL:]REMOTE as kubectl does', () => {
    assert.deepEqual(splitPort('8080:80'), { local: '8080', remote: '80' });
    assert.deepEqual(splitPort('80'), { local: '80', remote: '80' });
    assert.deepEqual(splitPort(':80'), { local: '', remote: '80' });
    assert.deepEqual(splitPort('1:2:3'), { local: '1', remote: '1' });
  });

  it('parses them as client-go does, :REMOTE and 0:REMOTE asking for a free local port', () => {
    assert.deepEqual(parsePorts(['5000', '8888:5000', ':5000', '0:5000']),
      [{ local: 5000, remote: 5000 }, { local: 8888, remote: 5000 }, { local: 0, remote: 5000 }, { local: 0, remote: 5000 }]);
    assert.equal(message(() => parsePorts(['1:2:3'])), "invalid port format '1:2:3'");
    assert.equal(message(() => parsePorts(['abc:80'])), 'error parsing local port \'abc\': strconv.ParseUint: parsing "abc": invalid syntax');
    assert.equal(message(() => parsePorts(['80:70000'])), 'error parsing remote port \'70000\': strconv.ParseUint: parsing "70000": value out of range');
    assert.equal(message(() => parsePorts(['8080:0'])), 'remote port must be > 0');
    assert.equal(message(() => parsePorts([])), 'you must specify at least 1 port');
  });

  it('turns a named container port into its number for a pod, keeping the local port', () => {
    assert.deepEqual(podPorts(['http', '9999:http', ':http', '8080', '1234:80', ':80'], pod), ['8080', '9999:8080', ':8080', '8080', '1234:80', ':80']);
    assert.equal(message(() => podPorts(['ftp'], pod)), "Pod 'web-1' does not have a named port 'ftp'");
    assert.equal(message(() => podPorts(['8080:'], pod)), 'remote port cannot be empty');
  });
});

describe('service ports', () => {
  it('maps a service port, by number or name, to its target port in the pod', () => {
    assert.deepEqual(servicePorts(['80', '8080:80', ':80', 'http', '9999:http'], service, pod), ['80:8080', '8080', ':8080', '80:8080', '9999:8080']);
    assert.deepEqual(servicePorts(['8000', '7000', ':plain'], service, pod), ['8000:9000', '7000', ':9000']);
  });

  it('words a missing port as kubectl does', () => {
    assert.equal(message(() => servicePorts(['1234'], service, pod)), 'Service web does not have a service port 1234');
    assert.equal(message(() => servicePorts(['https'], service, pod)), "Service 'web' does not have a named port 'https'");
    assert.equal(message(() => servicePorts(['81'], service, pod)), "Pod 'web-1' does not have a named port 'nope'");
  });

  it('forwards a headless service\'s port as it is', () => {
    const headless: Service = { ...service, spec: { ...service.spec, clusterIP: 'None' } };
    assert.equal(containerPortForServicePort(headless, pod, 80), 80);
    assert.equal(containerPortForServicePort(headless, pod, 1234), 1234);
  });

  it('refuses UDP-only ports of a service or a pod', () => {
    assert.equal(message(() => checkUdpPorts(['53'], { service })), 'UDP protocol is not supported for 53');
    assert.equal(message(() => checkUdpPorts(['udp'], { service })), 'UDP protocol is not supported for udp');
    assert.equal(message(() => checkUdpPorts(['5353:dns'], { pod })), 'UDP protocol is not supported for dns');
    assert.equal(message(() => checkUdpPorts(['80', 'http'], { service })), 'no error');
    assert.equal(message(() => checkUdpPorts(['metrics', '9100'], { pod })), 'no error');
  });
});

describe('addresses', () => {
  it('binds localhost as 127.0.0.1 and ::1, in sorted order, without repeats', () => {
    assert.deepEqual(parseAddresses(['localhost']), [
      { address: '127.0.0.1', family: 4, failureMode: 'all' }, { address: '::1', family: 6, failureMode: 'all' },
    ]);
    assert.deepEqual(parseAddresses(['10.0.0.1', 'localhost', '127.0.0.1']).map((a) => `${a.address}/${a.failureMode}`),
      ['10.0.0.1/any', '127.0.0.1/any', '::1/all']);
    assert.equal(message(() => parseAddresses(['example.com'])), 'example.com is not a valid IP');
  });
});

describe('the client side of the channel protocol', () => {
  it('takes the port announcement off each channel, then hands over data and errors', () => {
    const r = new PortChannelReader();
    assert.equal(r.receive(Buffer.from([0, 0x50, 0x00])), undefined);
    assert.equal(r.receive(Buffer.from([1, 0x50])), undefined, 'half an announcement waits for the rest');
    assert.deepEqual(r.receive(Buffer.from([1, 0x00, 0x21])), { channel: 'error', data: Buffer.from('!') });
    assert.deepEqual(r.receive(Buffer.from([0, 0x68, 0x69])), { channel: 'data', data: Buffer.from('hi') });
    assert.equal(r.receive(Buffer.from([2, 1, 2, 3])), undefined, 'another port\'s channel');
    assert.equal(r.receive(Buffer.alloc(0)), undefined);
    assert.deepEqual(dataMessage(Buffer.from('x')), Buffer.from([0, 0x78]));
  });
});

describe('klog lines', () => {
  it('reads as kubectl\'s runtime.HandleError output', () => {
    const micros = Date.UTC(2024, 11, 6, 6, 10, 10) * 1000 + 580566;
    const local = new Date(micros / 1000);
    const p = (n: number): string => String(n).padStart(2, '0');
    const stamp = `${p(local.getMonth() + 1)}${p(local.getDate())} ${p(local.getHours())}:${p(local.getMinutes())}:${p(local.getSeconds())}.580566`;
    assert.equal(klogHeader('E', 'portforward.go:413', micros, 19678), `E${stamp}   19678 portforward.go:413] `);
    assert.equal(klogLine('E', 'portforward.go:413', 'Unhandled Error', [['err', 'an error occurred forwarding 8080 -> 80: dial tcp4 "x"']], micros, 19678),
      `E${stamp}   19678 portforward.go:413] "Unhandled Error" err="an error occurred forwarding 8080 -> 80: dial tcp4 \\"x\\""\n`);
    assert.match(klogLine('E', 'f.go:1', 'm', [['err', 'a\nb']], micros, 1), /"m" err=<\n\ta\n\tb\n >\n$/);
  });

  it('quotes as Go\'s strconv.Quote', () => {
    assert.equal(goQuote('tab\there\\ "q" \x01 ü'), '"tab\\there\\\\ \\"q\\" \\x01 ü"');
  });
});
