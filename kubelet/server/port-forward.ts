// The kubelet's /portForward/{namespace}/{pod} endpoint: takes the upgrade kubectl port-forward makes (through the
// apiserver), either a WebSocket with the `SPDY/3.1+portforward.k8s.io` subprotocol (kubectl 1.31+, the SPDY bytes
// ride in binary messages) or a plain `Upgrade: SPDY/3.1` (older kubectl, and its fallback), and serves the SPDY
// connection inside with port-forward-session.ts; any other WebSocket speaks kube's channel protocol
// (`v4.channel.k8s.io`, its base64 form, or none; the ports in the query), port-forward-channels.ts, as the official
// client libraries and skiffctl use it. The pod is reached at its IP on the pod bridge from the host.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ContainerRuntime } from '../runtime/runtime.ts';
import type { ContainerLocator } from './container-locator.ts';
import { refuseUpgrade } from './http-reply.ts';
import { channelProtocols, chooseChannelProtocol, parsePortsQuery, serveChannelPortForward } from './port-forward-channels.ts';
import { portForwardHandler, portForwardProtocol, portForwardTunnelProtocol, type PortForwardTarget } from './port-forward-session.ts';
import { SpdyConnection, type SpdyTransport } from './spdy-connection.ts';
import { headerValues, negotiateStreamProtocol, runOnSocket, socketTransport, switchToSpdy } from './spdy-upgrade.ts';

export interface PortForwardEndpoint {
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, namespace: string, pod: string): Promise<void>;
  /** Drops every open port-forward connection (the server is stopping). */
  close(): void;
}

/** `/portForward/{namespace}/{pod}` or, as kube also routes it, `/portForward/{namespace}/{pod}/{uid}`. */
export function parsePortForwardPath(pathname: string): { namespace: string; pod: string } | undefined {
  const parts = pathname.split('/').slice(1);
  if (parts[0] !== 'portForward' || (parts.length !== 3 && parts.length !== 4) || parts.some((p) => p === '')) return undefined;
  return { namespace: decodeURIComponent(parts[1]), pod: decodeURIComponent(parts[2]) };
}

function webSocketTransport(ws: WebSocket): SpdyTransport {
  return {
    send: (bytes, written) => {
      if (ws.readyState !== ws.OPEN) return written();
      ws.send(bytes, { binary: true }, () => written());
    },
    bufferedAmount: () => ws.bufferedAmount,
    pause: () => ws.pause(),
    resume: () => ws.resume(),
    close: () => ws.close(1000),
  };
}

export function portForwardEndpoint(runtime: ContainerRuntime, locator: ContainerLocator, logger: Logger): PortForwardEndpoint {
  const log = logger.child({ component: 'port-forward' });
  // `SPDY/3.1+portforward.k8s.io` is not an RFC 7230 token ('/' is a separator), so ws refuses the header that
  // offers it; Go's WebSocket libraries accept it. The protocol is checked here, the header kept from ws, and the
  // answer given in the handshake's headers.
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  wss.on('headers', (headers) => headers.push(`Sec-WebSocket-Protocol: ${portForwardTunnelProtocol}`));
  const channelWss = new WebSocketServer({
    noServer: true, perMessageDeflate: false, handleProtocols: (offered) => chooseChannelProtocol([...offered]) ?? false,
  });
  const open = new Set<() => void>();

  return {
    async upgrade(req, socket, head, namespace, pod) {
      if (!await locator.sandboxId(namespace, pod)) return refuseUpgrade(socket, 404, 'pod does not exist');
      // Looked up again for every forwarded connection: a restarted pod has a new sandbox and address.
      const resolve = async (): Promise<PortForwardTarget> => {
        const id = await locator.sandboxId(namespace, pod);
        if (!id) throw new Error('pod does not exist');
        const sandbox = await runtime.inspectContainer(id);
        if (sandbox.state !== 'running') throw new Error(`container not running (${id})`);
        // A sandbox with no address of its own shares the node's network (hostNetwork): its ports are ours.
        return { host: sandbox.ip ?? '127.0.0.1', podId: id };
      };
      const handler = portForwardHandler({ resolve, log });
      const serve = (transport: SpdyTransport, kill: () => void): SpdyConnection => {
        const conn = new SpdyConnection(transport, { ...handler, log });
        open.add(kill);
        return conn;
      };

      const upgrade = (req.headers.upgrade ?? '').toLowerCase();
      if (upgrade === 'websocket') {
        const offered = headerValues(req, 'sec-websocket-protocol');
        if (!offered.includes(portForwardTunnelProtocol)) {
          if (chooseChannelProtocol(offered) === undefined) {
            return refuseUpgrade(socket, 400, `unable to upgrade: none of the offered subprotocols [${offered.join(' ')}] is supported; `
              + `use one of [${[portForwardTunnelProtocol, ...channelProtocols].join(' ')}]`);
          }
          const ports = parsePortsQuery(new URL(req.url ?? '/', 'https://kubelet').searchParams);
          if ('error' in ports) return refuseUpgrade(socket, 400, ports.error);
          channelWss.handleUpgrade(req, socket, head, (ws) => {
            const kill = (): void => ws.terminate();
            open.add(kill);
            ws.once('close', () => open.delete(kill));
            serveChannelPortForward(ws, ports, { resolve, log });
          });
          return;
        }
        delete req.headers['sec-websocket-protocol'];
        wss.handleUpgrade(req, socket, head, (ws) => {
          const kill = (): void => ws.terminate();
          const conn = serve(webSocketTransport(ws), kill);
          ws.on('message', (data: Buffer, isBinary: boolean) => {
            // The tunnel carries SPDY bytes in binary messages only; anything else ends it, as in kubectl.
            if (isBinary) conn.receive(data);
            else conn.close();
          });
          ws.on('close', () => { open.delete(kill); conn.transportClosed(); });
          ws.on('error', () => undefined);
        });
        return;
      }
      if (upgrade === 'spdy/3.1') {
        const negotiated = negotiateStreamProtocol(headerValues(req, 'x-stream-protocol-version'), [portForwardProtocol]);
        if ('error' in negotiated) return refuseUpgrade(socket, negotiated.code, negotiated.error);
        switchToSpdy(socket, negotiated.protocol);
        const kill = (): void => { socket.destroy(); };
        const conn = serve(socketTransport(socket), kill);
        runOnSocket(socket, head, conn, () => open.delete(kill));
        return;
      }
      return refuseUpgrade(socket, 400, `unable to upgrade: unsupported upgrade "${req.headers.upgrade ?? ''}"; port-forward takes a WebSocket (${portForwardTunnelProtocol}) or SPDY/3.1`);
    },
    close() {
      for (const kill of open) kill();
      open.clear();
      wss.close();
      channelWss.close();
    },
  };
}
