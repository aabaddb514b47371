// Requests with `Upgrade:` (kubectl exec/attach over WebSocket or SPDY) go through Fastify like any other request,
// so authentication, authorization and routing apply to them too. Node hands such requests to the server's
// 'upgrade' listener with the raw socket; we give Fastify a response bound to that socket, and keep the socket
// where the route handler that takes the upgrade over (the exec/attach proxy) can claim it.
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';

export interface PendingUpgrade {
  socket: Duplex;
  /** Bytes the client sent after the request headers. */
  head: Buffer;
}

const pending = new WeakMap<IncomingMessage, PendingUpgrade & { claimed: boolean }>();

/**
 * The upgrade a request carries, now owned by the caller (the socket no longer closes when Fastify's response
 * ends); undefined for an ordinary request.
 */
export function claimUpgrade(req: IncomingMessage): PendingUpgrade | undefined {
  const p = pending.get(req);
  if (!p || p.claimed) return undefined;
  p.claimed = true;
  return { socket: p.socket, head: p.head };
}

/** Whether the request came in as an upgrade that nothing has claimed yet. */
export function hasUpgrade(req: IncomingMessage): boolean {
  const p = pending.get(req);
  return p !== undefined && !p.claimed;
}

export function registerUpgradeRouting(app: FastifyInstance): void {
  const open = new Set<Duplex>();
  app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const entry = { socket, head, claimed: false };
    pending.set(req, entry);
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    socket.on('error', () => socket.destroy());
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as Socket);
    // An upgrade refused with an ordinary answer (401, 404, a Status) ends the connection with it.
    res.once('finish', () => {
      if (!entry.claimed) socket.end();
    });
    app.routing(req, res);
  });
  // Upgraded connections are not the HTTP server's to close any more; streams end with the server.
  app.addHook('preClose', async () => {
    for (const socket of open) socket.destroy();
  });
}
