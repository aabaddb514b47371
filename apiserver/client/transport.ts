// The HTTP(S) connection to one apiserver: its own Agent (so each client trusts its own CA and presents its own
// certificate), keep-alive sockets, bearer-token auth. RestClient builds requests; this only moves bytes.
import http from 'node:http';
import https from 'node:https';

export interface TransportOptions {
  /** `https://host:6443` (a path prefix is allowed, as in kubeconfig). */
  server: string;
  token?: string;
  /** PEM text of the CA bundle that signed the server's certificate. */
  ca?: string | Buffer;
  /** PEM client certificate and key for mutual TLS. */
  cert?: string | Buffer;
  key?: string | Buffer;
  insecureSkipTLSVerify?: boolean;
  /** Name to verify the server certificate against when it differs from the URL's host. */
  tlsServerName?: string;
  userAgent?: string;
}

export interface RawRequest {
  method: string;
  /** Path plus query string, relative to the server URL. */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
  signal?: AbortSignal;
}

export interface RawResponse {
  statusCode: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export class Transport {
  readonly server: URL;
  private readonly agent: http.Agent;
  private readonly baseHeaders: Record<string, string>;
  private readonly servername: string | undefined;

  constructor(opts: TransportOptions) {
    this.server = new URL(opts.server);
    if (this.server.protocol !== 'https:' && this.server.protocol !== 'http:') {
      throw new Error(`unsupported server URL ${JSON.stringify(opts.server)}: expected http:// or https://`);
    }
    this.agent = this.server.protocol === 'https:'
      ? new https.Agent({
        keepAlive: true,
        ca: opts.ca,
        cert: opts.cert,
        key: opts.key,
        rejectUnauthorized: !opts.insecureSkipTLSVerify,
      })
      : new http.Agent({ keepAlive: true });
    this.servername = opts.tlsServerName;
    this.baseHeaders = { 'User-Agent': opts.userAgent ?? 'skiff-client/0.1.0' };
    if (opts.token) this.baseHeaders.Authorization = `Bearer ${opts.token}`;
  }

  /** The absolute URL for `path` (which must start with '/'), keeping any path prefix of the server URL. */
  url(path: string): URL {
    const prefix = this.server.pathname.replace(/\/+$/, '');
    return new URL(`${this.server.origin}${prefix}${path}`);
  }

  /**
   * Sends the request and resolves with the response as soon as its headers arrive; the body is left to stream.
   * Aborting `signal` destroys the request or the response stream.
   */
  open(req: RawRequest): Promise<http.IncomingMessage> {
    const url = this.url(req.path);
    const headers: Record<string, string> = { ...this.baseHeaders, ...req.headers };
    if (req.body) headers['Content-Length'] = String(req.body.length);
    const send = url.protocol === 'https:' ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const r = send(url, {
        method: req.method, headers, agent: this.agent, signal: req.signal,
        ...(this.servername ? { servername: this.servername } : {}),
      }, resolve);
      r.on('error', reject);
      r.end(req.body);
    });
  }

  /** Sends the request and reads the whole response body. */
  async send(req: RawRequest): Promise<RawResponse> {
    const res = await this.open(req);
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    return { statusCode: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) };
  }

  /** Closes idle keep-alive sockets; open streams end when their callers abort them. */
  close(): void {
    this.agent.destroy();
  }
}
