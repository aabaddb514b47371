// The DNS sockets: UDP and TCP on one address and port, each query decoded with dns-packet, answered by `resolve`
// (records.ts over the informer caches), and, for names outside the cluster domain, forwarded over UDP to the
// upstream when there is one (REFUSED when not). A UDP answer larger than the client can take loses its
// additional section first, then is cut and marked truncated, so the client asks again over TCP (RFC 7766).
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket, { type Answer, type DecodedPacket, type OptAnswer, type Packet } from 'dns-packet';
import type { Logger } from 'pino';
import type { Lookup, Question } from './records.ts';

export interface Upstream {
  host: string;
  port: number;
}

export interface DnsServerOptions {
  host: string;
  /** 0 picks a free port that UDP and TCP share. */
  port: number;
  /** Answers a question; undefined while the caches are not filled yet (SERVFAIL, so nothing is cached). */
  resolve: (q: Question) => Lookup | undefined;
  upstream?: Upstream;
  upstreamTimeoutMs?: number;
  logger: Logger;
}

export interface DnsServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

const rcodes = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
type Rcode = keyof typeof rcodes;

/** RFC 1035's limit without EDNS; with EDNS the client's size, capped at what we advertise ourselves. */
const plainUdpSize = 512;
const ednsUdpSize = 1232;
const tcpMaxSize = 65535;
const tcpIdleMs = 10_000;

function parseFlags(flags: number): { opcode: number; rd: boolean } {
  return { opcode: (flags >> 11) & 0xf, rd: (flags & dnsPacket.RECURSION_DESIRED) !== 0 };
}

/** Forwards raw queries over one UDP socket, matching replies by a fresh message id. */
class UpstreamClient {
  private socket: dgram.Socket | undefined;
  private readonly pending = new Map<number, (reply: Buffer) => void>();
  private readonly upstream: Upstream;
  private readonly timeoutMs: number;

  constructor(upstream: Upstream, timeoutMs: number) {
    this.upstream = upstream;
    this.timeoutMs = timeoutMs;
  }

  private open(): dgram.Socket {
    if (this.socket) return this.socket;
    const socket = dgram.createSocket(net.isIPv6(this.upstream.host) ? 'udp6' : 'udp4');
    socket.on('message', (msg, rinfo) => {
      // Only the upstream's replies count: a spoofed reply from elsewhere is dropped.
      if (msg.length < 12 || rinfo.port !== this.upstream.port || rinfo.address !== this.upstream.host) return;
      this.pending.get(msg.readUInt16BE(0))?.(msg);
    });
    socket.on('error', () => undefined);
    socket.unref();
    this.socket = socket;
    return socket;
  }

  /** The upstream's reply carrying the query's own id; rejects on timeout. */
  exchange(query: Buffer): Promise<Buffer> {
    const socket = this.open();
    let id = Math.floor(Math.random() * 65536);
    for (let tries = 0; this.pending.has(id) && tries < 65536; tries++) id = (id + 1) % 65536;
    if (this.pending.has(id)) return Promise.reject(new Error('too many queries in flight upstream'));
    const originalId = query.readUInt16BE(0);
    const out = Buffer.from(query);
    out.writeUInt16BE(id, 0);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no answer from ${this.upstream.host}:${this.upstream.port} in ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(id, (reply) => {
        clearTimeout(timer);
        this.pending.delete(id);
        const copy = Buffer.from(reply);
        copy.writeUInt16BE(originalId, 0);
        resolve(copy);
      });
      socket.send(out, this.upstream.port, this.upstream.host, (err) => {
        if (!err) return;
        clearTimeout(timer);
        this.pending.delete(id);
        reject(err);
      });
    });
  }

  close(): void {
    this.socket?.close();
    this.socket = undefined;
  }
}

/** Encodes `packet` within `limit` bytes: drops the additional section, then answers, setting TC when it must. */
export function encodeWithin(packet: Packet, limit: number): Buffer {
  const whole = dnsPacket.encode(packet);
  if (whole.length <= limit) return whole;
  // Additional records are a courtesy (RFC 2181 §9): leaving them out does not make the answer truncated.
  const opt = (packet.additionals ?? []).filter((a) => a.type === 'OPT');
  const lean: Packet = { ...packet, additionals: opt };
  const leaner = dnsPacket.encode(lean);
  if (leaner.length <= limit) return leaner;
  const answers = packet.answers ?? [];
  const cut = (n: number): Packet => ({
    ...lean, flags: (lean.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE, answers: answers.slice(0, n), authorities: [],
  });
  // The most answers that fit.
  let lo = 0;
  let hi = answers.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (dnsPacket.encodingLength(cut(mid)) <= limit) lo = mid;
    else hi = mid - 1;
  }
  return dnsPacket.encode(cut(lo));
}

export class DnsResponder {
  private readonly o: DnsServerOptions;
  private readonly upstream: UpstreamClient | undefined;

  constructor(o: DnsServerOptions) {
    this.o = o;
    this.upstream = o.upstream ? new UpstreamClient(o.upstream, o.upstreamTimeoutMs ?? 2000) : undefined;
  }

  /** The reply to one DNS message (undefined: drop it). `transport` decides the size limit. */
  async respond(message: Buffer, transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    let query: DecodedPacket;
    try {
      query = dnsPacket.decode(message);
    } catch {
      // Too broken to answer properly; a header is enough to say so.
      if (message.length < 12 || (message.readUInt16BE(2) & 0x8000) !== 0) return undefined;
      return dnsPacket.encode({ id: message.readUInt16BE(0), type: 'response', flags: rcodes.FORMERR, questions: [] });
    }
    if (query.type === 'response') return undefined;
    const { opcode, rd } = parseFlags(query.flags ?? 0);
    const clientOpt = (query.additionals ?? []).find((a): a is OptAnswer => a.type === 'OPT');
    const limit = transport === 'tcp' ? tcpMaxSize
      : clientOpt ? Math.max(plainUdpSize, Math.min(clientOpt.udpPayloadSize, ednsUdpSize)) : plainUdpSize;
    const reply = (rcode: Rcode, body: Partial<Packet> = {}, aa = false): Buffer => {
      let flags = (opcode << 11) | rcodes[rcode];
      if (rd) flags |= dnsPacket.RECURSION_DESIRED;
      if (this.upstream) flags |= dnsPacket.RECURSION_AVAILABLE;
      if (aa) flags |= dnsPacket.AUTHORITATIVE_ANSWER;
      const opt: Answer[] = clientOpt ? [{
        type: 'OPT', name: '.', udpPayloadSize: ednsUdpSize, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [],
      }] : [];
      return encodeWithin({
        id: query.id, type: 'response', flags, questions: query.questions ?? [],
        answers: body.answers ?? [], authorities: body.authorities ?? [], additionals: [...(body.additionals ?? []), ...opt],
      }, limit);
    };

    if (opcode !== 0) return reply('NOTIMP');
    const question = query.questions?.[0];
    if (!question || query.questions!.length !== 1) return reply('FORMERR');
    if ((question.class ?? 'IN') !== 'IN') return reply('REFUSED');

    const found = this.o.resolve({ name: question.name, type: question.type });
    if (found === undefined) return reply('SERVFAIL');
    if (found.kind === 'outside') {
      if (!this.upstream) return reply('REFUSED');
      try {
        return await this.upstream.exchange(message);
      } catch (err) {
        this.o.logger.debug({ err: (err as Error).message, name: question.name }, 'forwarding a DNS query failed');
        return reply('SERVFAIL');
      }
    }
    let answers = found.answers;
    if (found.external && this.upstream) answers = [...answers, ...await this.resolveUpstream(found.external, question.type)];
    return reply(found.rcode, { ...found, answers }, true);
  }

  /** The upstream's answers for a CNAME target out of the zone (CoreDNS completes ExternalName answers so). */
  private async resolveUpstream(name: string, type: Question['type']): Promise<Answer[]> {
    try {
      const query = dnsPacket.encode({
        id: 0, type: 'query', flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type: type as 'A', class: 'IN' }],
      });
      const reply = dnsPacket.decode(await this.upstream!.exchange(query));
      return reply.answers ?? [];
    } catch (err) {
      this.o.logger.debug({ err: (err as Error).message, name }, 'resolving an ExternalName target upstream failed');
      return [];
    }
  }

  close(): void {
    this.upstream?.close();
  }
}

function listenUdp(host: string, port: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket({ type: net.isIPv6(host) ? 'udp6' : 'udp4' });
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

function listenTcp(server: net.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export async function startDnsServer(o: DnsServerOptions): Promise<DnsServer> {
  const responder = new DnsResponder(o);
  const log = o.logger;
  const connections = new Set<net.Socket>();
  const tcp = net.createServer((conn) => {
    connections.add(conn);
    let pending: Buffer = Buffer.alloc(0);
    conn.setTimeout(tcpIdleMs, () => conn.destroy());
    conn.on('close', () => connections.delete(conn));
    conn.on('error', () => undefined);
    conn.on('data', (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      // Each message has a two-byte length in front; several may arrive at once, and are answered as they finish.
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const message = pending.subarray(2, 2 + pending.readUInt16BE(0));
        pending = pending.subarray(2 + message.length);
        void responder.respond(Buffer.from(message), 'tcp').then((out) => {
          if (!out || conn.destroyed) return;
          const framed = Buffer.alloc(2 + out.length);
          framed.writeUInt16BE(out.length, 0);
          out.copy(framed, 2);
          conn.write(framed);
        }, (err: unknown) => log.warn({ err: (err as Error).message }, 'answering a DNS query over TCP failed'));
      }
    });
  });

  // UDP first, then TCP on the same port; with port 0, try again until the kernel's UDP choice is free for TCP.
  let udp: dgram.Socket | undefined;
  for (let attempt = 0; ; attempt++) {
    udp = await listenUdp(o.host, o.port);
    try {
      await listenTcp(tcp, o.host, udp.address().port);
      break;
    } catch (err) {
      udp.close();
      if (o.port !== 0 || attempt >= 20) throw err;
    }
  }
  const socket = udp;
  socket.on('message', (message, rinfo) => {
    void responder.respond(message, 'udp').then((out) => {
      if (out) socket.send(out, rinfo.port, rinfo.address);
    }, (err: unknown) => log.warn({ err: (err as Error).message }, 'answering a DNS query over UDP failed'));
  });
  socket.on('error', (err) => log.warn({ err: err.message }, 'DNS UDP socket error'));
  const port = socket.address().port;
  log.info({ host: o.host, port, upstream: o.upstream ? `${o.upstream.host}:${o.upstream.port}` : undefined }, 'serving cluster DNS');
  return {
    host: o.host,
    port,
    close: async () => {
      responder.close();
      for (const c of connections) c.destroy();
      await Promise.all([
        new Promise<void>((resolve) => socket.close(() => resolve())),
        new Promise<void>((resolve) => tcp.close(() => resolve())),
      ]);
    },
  };
}

/** `--dns-upstream`: ip, ip:port or [ipv6]:port; port 53 when left out. Never a name: it would need DNS itself. */
export function parseUpstream(text: string): Upstream {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  let host: string;
  let port: string | undefined;
  if (bracketed) [, host, port] = bracketed;
  else if (net.isIPv6(text)) host = text;
  else [host, port] = text.split(':');
  const portNumber = port === undefined ? 53 : Number(port);
  if (!net.isIP(host ?? '') || !Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535) {
    throw new Error(`--dns-upstream ${JSON.stringify(text)}: want ip, ip:port or [ipv6]:port`);
  }
  return { host, port: portNumber };
}
