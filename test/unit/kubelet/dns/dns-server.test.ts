import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import dnsPacket, { type Answer, type Packet } from 'dns-packet';
import pino from 'pino';
import { DnsResponder, encodeWithin, parseUpstream } from '../../../../kubelet/dns/dns-server.ts';
import type { Lookup, Question } from '../../../../kubelet/dns/records.ts';

const logger = pino({ level: 'silent' });

function many(n: number, name = 'big.default.svc.cluster.local'): Answer[] {
  return Array.from({ length: n }, (_, i) => ({ name, type: 'A' as const, ttl: 5, class: 'IN' as const, data: `10.244.${i >> 8}.${i & 255}` }));
}

function responder(resolve: (q: Question) => Lookup | undefined): DnsResponder {
  return new DnsResponder({ host: '127.0.0.1', port: 0, resolve, logger });
}

const web: Lookup = {
  kind: 'answer', rcode: 'NOERROR', authorities: [], additionals: [],
  answers: [{ name: 'web.default.svc.cluster.local', type: 'A', ttl: 5, class: 'IN', data: '10.96.0.20' }],
};

function query(extra: Partial<Packet> = {}): Buffer {
  return dnsPacket.encode({
    id: 4242, type: 'query', flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name: 'web.default.svc.cluster.local', type: 'A', class: 'IN' }], ...extra,
  });
}

async function ask(r: DnsResponder, message: Buffer, transport: 'udp' | 'tcp' = 'udp') {
  const out = await r.respond(message, transport);
  assert.ok(out, 'expected a reply');
  return { bytes: out.length, packet: dnsPacket.decode(out) as ReturnType<typeof dnsPacket.decode> & { rcode: string } };
}

describe('DnsResponder', () => {
  it('answers with the query\'s id and question, AA, RD echoed, RA only with an upstream', async () => {
    const { packet } = await ask(responder(() => web), query());
    assert.equal(packet.id, 4242);
    assert.equal(packet.type, 'response');
    assert.equal(packet.rcode, 'NOERROR');
    assert.equal(packet.flag_aa, true);
    assert.equal(packet.flag_rd, true);
    assert.equal(packet.flag_ra, false);
    assert.deepEqual(packet.questions, [{ name: 'web.default.svc.cluster.local', type: 'A', class: 'IN' }]);
    assert.deepEqual(packet.answers?.map((a) => 'data' in a && a.data), ['10.96.0.20']);
  });

  it('NXDOMAIN with the SOA in authority', async () => {
    const soa: Answer = { name: 'cluster.local', type: 'SOA', ttl: 5, class: 'IN', data: { mname: 'ns.dns.cluster.local', rname: 'hostmaster.cluster.local', serial: 1, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 } };
    const { packet } = await ask(responder(() => ({ kind: 'answer', rcode: 'NXDOMAIN', answers: [], authorities: [soa], additionals: [] })), query());
    assert.equal(packet.rcode, 'NXDOMAIN');
    assert.equal(packet.flag_aa, true);
    assert.deepEqual(packet.authorities?.map((a) => a.type), ['SOA']);
  });

  it('names outside the zone without an upstream: REFUSED, not authoritative', async () => {
    const { packet } = await ask(responder(() => ({ kind: 'outside' })), query());
    assert.equal(packet.rcode, 'REFUSED');
    assert.equal(packet.flag_aa, false);
  });

  it('before the caches are filled: SERVFAIL, which clients do not cache as a missing name', async () => {
    const { packet } = await ask(responder(() => undefined), query());
    assert.equal(packet.rcode, 'SERVFAIL');
  });

  it('other opcodes are NOTIMP; zero or two questions FORMERR; class CH REFUSED', async () => {
    const r = responder(() => web);
    assert.equal((await ask(r, query({ flags: 2 << 11 }))).packet.rcode, 'NOTIMP');
    assert.equal((await ask(r, query({ questions: [] }))).packet.rcode, 'FORMERR');
    const two = query({ questions: [{ name: 'a.cluster.local', type: 'A' }, { name: 'b.cluster.local', type: 'A' }] });
    assert.equal((await ask(r, two)).packet.rcode, 'FORMERR');
    assert.equal((await ask(r, query({ questions: [{ name: 'version.bind', type: 'TXT', class: 'CH' }] }))).packet.rcode, 'REFUSED');
  });

  it('a malformed message gets FORMERR with its id; a runt or a response is dropped', async () => {
    const broken = Buffer.concat([query().subarray(0, 12), Buffer.from([0x3f, 0x61])]);
    const { packet } = await ask(responder(() => web), broken);
    assert.equal(packet.id, 4242);
    assert.equal(packet.rcode, 'FORMERR');
    assert.equal(await responder(() => web).respond(Buffer.from([1, 2, 3]), 'udp'), undefined);
    const reply = dnsPacket.encode({ id: 1, type: 'response', questions: [{ name: 'x', type: 'A' }] });
    assert.equal(await responder(() => web).respond(reply, 'udp'), undefined);
  });

  it('EDNS: the OPT record is answered with our 1232-byte payload size', async () => {
    const opt: Answer = { type: 'OPT', name: '.', udpPayloadSize: 4096, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] };
    const { packet } = await ask(responder(() => web), query({ additionals: [opt] }));
    const back = packet.additionals?.find((a) => a.type === 'OPT');
    assert.ok(back && back.type === 'OPT');
    assert.equal(back.udpPayloadSize, 1232);
  });

  it('a big answer over UDP is cut to 512 bytes and marked truncated; over TCP it is whole', async () => {
    const r = responder(() => ({ kind: 'answer', rcode: 'NOERROR', answers: many(100), authorities: [], additionals: [] }));
    const udp = await ask(r, query());
    assert.equal(udp.packet.flag_tc, true);
    assert.ok(udp.bytes <= 512, `${udp.bytes} bytes`);
    assert.ok((udp.packet.answers?.length ?? 0) > 0);
    const tcp = await ask(r, query(), 'tcp');
    assert.equal(tcp.packet.flag_tc, false);
    assert.equal(tcp.packet.answers?.length, 100);
  });

  it('with EDNS the UDP limit is the client\'s size, at most 1232', async () => {
    const r = responder(() => ({ kind: 'answer', rcode: 'NOERROR', answers: many(100), authorities: [], additionals: [] }));
    const opt = (size: number): Answer => ({ type: 'OPT', name: '.', udpPayloadSize: size, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] });
    const big = await ask(r, query({ additionals: [opt(65000)] }));
    assert.equal(big.packet.flag_tc, true);
    assert.ok(big.bytes <= 1232 && big.bytes > 1000, `${big.bytes} bytes`);
    const tiny = await ask(r, query({ additionals: [opt(100)] }));
    assert.ok(tiny.bytes <= 512 && tiny.bytes > 400, 'a size under 512 means 512');
  });
});

describe('encodeWithin', () => {
  const base: Packet = { id: 1, type: 'response', questions: [{ name: 'x.cluster.local', type: 'SRV' }] };

  it('leaves a packet that fits alone', () => {
    const packet = { ...base, answers: many(2) };
    assert.deepEqual(encodeWithin(packet, 512), dnsPacket.encode(packet));
  });

  it('drops the additional section first, without the TC flag', () => {
    const out = dnsPacket.decode(encodeWithin({ ...base, answers: many(3), additionals: many(20, 'x.cluster.local') }, 512));
    assert.equal(out.flag_tc, false);
    assert.equal(out.answers?.length, 3);
    assert.deepEqual(out.additionals, []);
  });

  it('keeps the OPT record when it drops additionals', () => {
    const opt: Answer = { type: 'OPT', name: '.', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] };
    const out = dnsPacket.decode(encodeWithin({ ...base, answers: many(3), additionals: [...many(20, 'x.cluster.local'), opt] }, 512));
    assert.deepEqual(out.additionals?.map((a) => a.type), ['OPT']);
  });

  it('keeps the most answers that fit', () => {
    const out = encodeWithin({ ...base, answers: many(50) }, 512);
    const decoded = dnsPacket.decode(out);
    const n = decoded.answers?.length ?? 0;
    assert.ok(out.length <= 512);
    assert.ok(dnsPacket.encodingLength({ ...base, answers: many(n + 1) }) > 512, 'one more would not fit');
  });
});

describe('parseUpstream', () => {
  it('ip, ip:port, [ipv6]:port and bare ipv6; port 53 by default', () => {
    assert.deepEqual(parseUpstream('10.0.0.10'), { host: '10.0.0.10', port: 53 });
    assert.deepEqual(parseUpstream('127.0.0.1:5353'), { host: '127.0.0.1', port: 5353 });
    assert.deepEqual(parseUpstream('[fd00::53]:5300'), { host: 'fd00::53', port: 5300 });
    assert.deepEqual(parseUpstream('fd00::53'), { host: 'fd00::53', port: 53 });
  });

  it('names and bad ports are rejected', () => {
    for (const bad of ['dns.google', 'dns.google:53', '1.2.3.4:0', '1.2.3.4:70000', '1.2.3.4:x', '', '[::1]:']) {
      assert.throws(() => parseUpstream(bad), /--dns-upstream/, bad);
    }
  });
});
