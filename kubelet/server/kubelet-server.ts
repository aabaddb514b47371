// The kubelet's HTTPS endpoint (port 10250), the paths the apiserver proxies to: /healthz, /containerLogs
// (kubectl logs), /exec and /attach over WebSocket or SPDY (kubectl exec/attach), /portForward over SPDY (kubectl
// port-forward, port-forward.ts), /stats/summary (metrics). With --client-ca-file only clients holding a
// certificate from that CA (the apiserver's --kubelet-client-certificate) are served, as the kubelet's x509
// authentication does; without it anyone on the network is, so we say so once.
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ContainerRuntime, ExecSession } from '../runtime/runtime.ts';
import { dockerContainerLocator, type ContainerLocator } from './container-locator.ts';
import { serveContainerLogs } from './container-logs.ts';
import { refuseUpgrade, sendJson, sendText } from './http-reply.ts';
import { parsePortForwardPath, portForwardEndpoint } from './port-forward.ts';
import { runtimeSummaryProvider } from './stats-summary.ts';
import { chooseProtocol, parseStreamOptions, supportedProtocols, type StreamOptions } from './stream-protocol.ts';
import { failSession, pumpSession } from './stream-session.ts';
import { serveSpdyRemoteCommand, spdyRemoteCommandProtocols, type SpdyRemoteCommand } from './spdy-remote-command.ts';
import { headerValues, negotiateStreamProtocol } from './spdy-upgrade.ts';

export { logOptionsFrom } from './container-logs.ts';

export interface KubeletServerOptions {
  host: string;
  port: number;
  tls: { certPem: string; keyPem: string };
  clientCaPem?: string;
  runtime: ContainerRuntime;
  /** Finds containers; by default through Docker labels of `nodeName`'s containers. */
  locator?: ContainerLocator;
  nodeName: string;
  logger: Logger;
  /** /stats/summary; by default built from the runtime's container stats and the host's /proc. */
  statsProvider?: () => Promise<unknown>;
}

export interface KubeletServer {
  port: number;
  close(): Promise<void>;
}

interface Target { namespace: string; pod: string; container: string }

/** `/{verb}/{namespace}/{pod}/{container}` or, as kube also routes it, `/{verb}/{namespace}/{pod}/{uid}/{container}`. */
export function parseTarget(pathname: string, verb: string): Target | undefined {
  const parts = pathname.split('/').slice(1);
  if (parts[0] !== verb || (parts.length !== 4 && parts.length !== 5) || parts.some((p) => p === '')) return undefined;
  const [namespace, pod, container] = [parts[1], parts[2], parts[parts.length - 1]].map(decodeURIComponent);
  return { namespace, pod, container };
}

export async function startKubeletServer(o: KubeletServerOptions): Promise<KubeletServer> {
  const locator = o.locator ?? dockerContainerLocator(o.runtime, o.nodeName);
  const stats = o.statsProvider ?? runtimeSummaryProvider(o.runtime, o.nodeName);
  const log = o.logger.child({ component: 'kubelet-server' });
  if (!o.clientCaPem) log.warn('no --client-ca-file: the kubelet API (logs, exec, attach, port-forward) is served to any client');
  const server = https.createServer({
    cert: o.tls.certPem, key: o.tls.keyPem,
    requestCert: o.clientCaPem !== undefined, rejectUnauthorized: false,
    ...(o.clientCaPem ? { ca: o.clientCaPem } : {}),
  }, (req, res) => void handle(req, res).catch((err: Error) => {
    log.warn({ url: req.url, err: err.message }, 'kubelet request failed');
    if (!res.headersSent) sendText(res, 500, err.message);
    else res.end();
  }));
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (offered) => chooseProtocol(offered) ?? false });
  const sessions = new Set<WebSocket>();
  const spdySessions = new Set<() => void>();
  const portForward = portForwardEndpoint(o.runtime, locator, o.logger);

  const authorized = (req: IncomingMessage): boolean => !o.clientCaPem || (req.socket as TLSSocket).authorized;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!authorized(req)) return sendText(res, 401, 'Unauthorized');
    const url = new URL(req.url ?? '/', 'https://kubelet');
    if (url.pathname === '/healthz' && req.method === 'GET') return sendText(res, 200, 'ok');
    if (url.pathname === '/stats/summary' && req.method === 'GET') return sendJson(res, 200, await stats());
    const logs = parseTarget(url.pathname, 'containerLogs');
    if (logs && req.method === 'GET') return serveContainerLogs(o.runtime, locator, req, res, logs, url.searchParams);
    if (parseTarget(url.pathname, 'exec') || parseTarget(url.pathname, 'attach') || parsePortForwardPath(url.pathname)) {
      return sendText(res, 400, 'Upgrade request required');
    }
    return sendText(res, 404, '404 page not found');
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    void upgrade(req, socket, head).catch((err: Error) => {
      log.warn({ url: req.url, err: err.message }, 'kubelet stream request failed');
      if (socket.writable) refuseUpgrade(socket, 500, err.message);
    });
  });

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => undefined);
    if (!authorized(req)) return refuseUpgrade(socket, 401, 'Unauthorized');
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const forward = parsePortForwardPath(url.pathname);
    if (forward) return portForward.upgrade(req, socket, head, forward.namespace, forward.pod);
    const verb = url.pathname.startsWith('/attach/') ? 'attach' : 'exec';
    const target = parseTarget(url.pathname, verb);
    if (!target) return refuseUpgrade(socket, 404, '404 page not found');
    const opts = parseStreamOptions(url.searchParams);
    if ('error' in opts) return refuseUpgrade(socket, 400, opts.error);
    if (verb === 'exec' && opts.command.length === 0) return refuseUpgrade(socket, 400, 'you must specify at least one command for the container');
    const id = await locator.containerId(target.namespace, target.pod, target.container);
    if (!id) return refuseUpgrade(socket, 404, `container not found ("${target.container}")`);
    const command = remoteCommand(verb, id, opts);
    const upgradeTo = (req.headers.upgrade ?? '').toLowerCase();
    if (upgradeTo === 'spdy/3.1') {
      const negotiated = negotiateStreamProtocol(headerValues(req, 'x-stream-protocol-version'), spdyRemoteCommandProtocols);
      if ('error' in negotiated) return refuseUpgrade(socket, negotiated.code, negotiated.error);
      const drop = serveSpdyRemoteCommand(socket, head, { ...command, protocol: negotiated.protocol, opts, log });
      spdySessions.add(drop);
      socket.once('close', () => spdySessions.delete(drop));
      return;
    }
    if (upgradeTo !== 'websocket') {
      return refuseUpgrade(socket, 400, `unsupported upgrade "${req.headers.upgrade ?? ''}": exec and attach take a WebSocket (${supportedProtocols.join(', ')}) or SPDY/3.1`);
    }
    const offered = headerValues(req, 'sec-websocket-protocol');
    if (!chooseProtocol(offered)) {
      return refuseUpgrade(socket, 400, `none of the offered subprotocols [${offered.join(' ')}] is supported; use one of [${supportedProtocols.join(' ')}]`);
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      // kubectl sends stdin as soon as the socket opens; hold it until the process is there to take it.
      ws.pause();
      sessions.add(ws);
      ws.once('close', () => sessions.delete(ws));
      void runWebSocketSession(ws, command, opts).catch((err: Error) => {
        log.warn({ url: req.url, err: err.message }, `${verb} session failed`);
        failSession(ws, err.message);
      });
    });
  }

  /** How an exec or attach starts and what it reports at the end, whichever framing carries it. */
  function remoteCommand(verb: 'exec' | 'attach', id: string, opts: StreamOptions): Pick<SpdyRemoteCommand, 'open' | 'exitCode'> {
    if (verb === 'exec') {
      return {
        open: () => o.runtime.execInContainer(id, opts.command, { stdin: opts.stdin, tty: opts.tty })
          .catch((err: Error) => { throw new Error(`error executing command in container: ${err.message}`); }),
        exitCode: (session) => session.wait(),
      };
    }
    return {
      open: async () => {
        if (!o.runtime.attachContainer) throw new Error('attach is not supported by this container runtime');
        return o.runtime.attachContainer(id, { stdin: opts.stdin })
          .catch((err: Error) => { throw new Error(`error attaching to container: ${err.message}`); });
      },
      // An attach ends with the stream, not with an exit code of its own (the pod status carries that).
      exitCode: async (session) => { await session.wait(); return undefined; },
    };
  }

  async function runWebSocketSession(ws: WebSocket, command: Pick<SpdyRemoteCommand, 'open' | 'exitCode'>, opts: StreamOptions): Promise<void> {
    let session: ExecSession;
    try {
      session = await command.open();
    } catch (err) {
      return failSession(ws, (err as Error).message);
    }
    if (!opts.stdin) session.stdin?.end();
    await pumpSession(ws, ws.protocol, session, opts, log, () => command.exitCode(session));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : o.port,
    close: () => new Promise((resolve) => {
      for (const ws of sessions) ws.terminate();
      for (const drop of spdySessions) drop();
      wss.close();
      portForward.close();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
