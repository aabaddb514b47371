// Taking over a connection upgraded to `SPDY/3.1` (kubectl's port-forward and, before 1.30 or as its fallback, exec
// and attach): the protocol negotiation of kube's httpstream.Handshake, the 101 answer, and the raw socket as the
// transport of a SpdyConnection.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { SpdyConnection, SpdyTransport } from './spdy-connection.ts';

/** The values of a header that may be sent several times or comma-joined. */
export function headerValues(req: IncomingMessage, name: string): string[] {
  const raw = req.headers[name];
  return (Array.isArray(raw) ? raw : [raw ?? '']).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

/**
 * The first of the client's `X-Stream-Protocol-Version`s that the server speaks (the client's order wins, as in
 * kube), or the text of the refusal: 400 without the header, 403 when nothing matches.
 */
export function negotiateStreamProtocol(clientProtocols: string[], serverProtocols: readonly string[]): { protocol: string } | { code: number; error: string } {
  if (clientProtocols.length === 0) return { code: 400, error: 'unable to upgrade: X-Stream-Protocol-Version is required' };
  const protocol = clientProtocols.find((p) => serverProtocols.includes(p));
  if (protocol) return { protocol };
  return { code: 403, error: `unable to upgrade: unable to negotiate protocol: client supports [${clientProtocols.join(' ')}], server accepts [${serverProtocols.join(' ')}]` };
}

/** Answers the upgrade with 101 and the chosen protocol; from here on the socket speaks SPDY. */
export function switchToSpdy(socket: Duplex, protocol: string): void {
  socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n'
    + `X-Stream-Protocol-Version: ${protocol}\r\n\r\n`);
}

export function socketTransport(socket: Duplex): SpdyTransport {
  return {
    send: (bytes, written) => {
      if (!socket.writable) return written();
      socket.write(bytes, () => written());
    },
    bufferedAmount: () => socket.writableLength,
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    close: () => socket.end(),
  };
}

/** Feeds the socket's bytes (and any that came with the upgrade request) to the connection until it closes. */
export function runOnSocket(socket: Duplex, head: Buffer, conn: SpdyConnection, onClose: () => void): void {
  socket.on('data', (chunk: Buffer) => conn.receive(chunk));
  socket.on('end', () => socket.end());
  socket.on('close', () => {
    conn.transportClosed();
    onClose();
  });
  if (head.length > 0) conn.receive(head);
}
