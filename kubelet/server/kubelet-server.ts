// The kubelet's HTTPS endpoint (port 10250): /healthz and /containerLogs, which the apiserver proxies for
// `kubectl logs`. With --client-ca-file only clients holding a certificate from that CA (the apiserver's
// --kubelet-client-certificate) are served, as the kubelet's x509 authentication does.
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import type { ContainerRuntime, LogOptions } from '../runtime/runtime.ts';
import { locateContainer } from './container-locator.ts';

export interface KubeletServerOptions {
  host: string;
  port: number;
  tls: { certPem: string; keyPem: string };
  clientCaPem?: string;
  runtime: ContainerRuntime;
  nodeName: string;
  logger: Logger;
}

/** Reads kubectl's log options (already validated by the apiserver) into the runtime's. */
export function logOptionsFrom(q: URLSearchParams, now = Date.now()): LogOptions {
  const opts: LogOptions = {};
  if (q.get('follow') === 'true') opts.follow = true;
  if (q.get('timestamps') === 'true') opts.timestamps = true;
  const tail = q.get('tailLines');
  if (tail !== null && /^\d+$/.test(tail)) opts.tail = Number(tail);
  const sinceSeconds = q.get('sinceSeconds');
  if (sinceSeconds !== null && /^\d+$/.test(sinceSeconds)) opts.since = new Date(now - Number(sinceSeconds) * 1000);
  const sinceTime = q.get('sinceTime');
  if (sinceTime && !Number.isNaN(Date.parse(sinceTime))) opts.since = new Date(sinceTime);
  return opts;
}

export async function startKubeletServer(o: KubeletServerOptions): Promise<{ port: number; close(): Promise<void> }> {
  const server = https.createServer({
    cert: o.tls.certPem, key: o.tls.keyPem,
    requestCert: o.clientCaPem !== undefined, rejectUnauthorized: false,
    ...(o.clientCaPem ? { ca: o.clientCaPem } : {}),
  }, (req, res) => void handle(req, res).catch((err: Error) => {
    o.logger.warn({ url: req.url, err: err.message }, 'kubelet request failed');
    if (!res.headersSent) send(res, 500, err.message);
    else res.end();
  }));

  function send(res: ServerResponse, code: number, text: string): void {
    res.writeHead(code, { 'Content-Type': 'text/plain' });
    res.end(`${text}\n`);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (o.clientCaPem && !(req.socket as TLSSocket).authorized) return send(res, 401, 'Unauthorized');
    const url = new URL(req.url ?? '/', 'https://kubelet');
    if (req.method !== 'GET') return send(res, 405, 'method not allowed');
    if (url.pathname === '/healthz') return send(res, 200, 'ok');
    const logs = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (!logs) return send(res, 404, 'not found');
    const [namespace, pod, container] = logs.slice(1).map(decodeURIComponent);
    const previous = url.searchParams.get('previous') === 'true';
    const id = await locateContainer(o.runtime, o.nodeName, namespace, pod, container, previous);
    if (!id) {
      return send(res, previous ? 400 : 404, previous
        ? `previous terminated container "${container}" in pod "${pod}" not found`
        : `container "${container}" in pod "${pod}" is not available`);
    }
    const stream = await o.runtime.containerLogs(id, logOptionsFrom(url.searchParams));
    const limit = Number(url.searchParams.get('limitBytes') ?? 0);
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
    let sent = 0;
    stream.on('data', (chunk: Buffer) => {
      if (limit > 0 && sent + chunk.length >= limit) {
        res.end(chunk.subarray(0, limit - sent));
        stream.destroy();
        return;
      }
      sent += chunk.length;
      res.write(chunk);
    });
    stream.on('end', () => res.end());
    stream.on('error', () => res.end());
    req.on('close', () => stream.destroy());
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : o.port,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
