// A WebSocket to the apiserver with the session's credentials and TLS settings, for the streaming subresources
// (exec and attach in remote-command.ts, port-forward in port-forward-tunnel.ts), and the refusal it may get before
// the upgrade, worded as kubectl words it.
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import type { ResolvedKubeconfig } from '../apiserver/client/kubeconfig.ts';
import { CliError } from './errors.ts';

function wsUrl(config: ResolvedKubeconfig, path: string, query: URLSearchParams): string {
  const server = new URL(config.server);
  const prefix = server.pathname.replace(/\/+$/, '');
  const scheme = server.protocol === 'http:' ? 'ws:' : 'wss:';
  return `${scheme}//${server.host}${prefix}${path}?${query}`;
}

/** Opens `path?query` on the apiserver offering `protocols` (in order of preference). */
export function apiWebSocket(config: ResolvedKubeconfig, path: string, query: URLSearchParams, protocols: string[]): WebSocket {
  const headers: Record<string, string> = { 'User-Agent': `skiffctl/${process.version}` };
  if (config.token) headers.Authorization = `Bearer ${config.token}`;
  return new WebSocket(wsUrl(config, path, query), protocols, {
    headers,
    ca: config.caData,
    cert: config.clientCertData,
    key: config.clientKeyData,
    rejectUnauthorized: !config.insecureSkipTLSVerify,
    // ws hands unknown options on to tls.connect; its types just do not list servername.
    ...(config.tlsServerName ? { servername: config.tlsServerName } as Record<string, string> : {}),
    perMessageDeflate: false,
  });
}

/** A refusal before the upgrade (the apiserver's Status body), as kubectl words it. */
export async function refusal(res: IncomingMessage): Promise<CliError> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    const status = JSON.parse(text) as { message?: string; reason?: string };
    if (status.message) {
      return new CliError(status.reason ? `Error from server (${status.reason}): ${status.message}` : `Error from server: ${status.message}`);
    }
  } catch {
    // not a Status
  }
  return new CliError(`error: unable to upgrade connection: ${text.trim() || `${res.statusCode}`}`);
}
