// Starts a real skiff-apiserver process on a temporary data directory, for integration tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // Parsed JSON body (undefined when the body is not JSON).
  body: any;
}

export interface RequestOptions {
  body?: unknown;
  /** Defaults to application/json; '' sends no Content-Type header at all. */
  contentType?: string;
  headers?: Record<string, string>;
  token?: string | null;
}

export interface TestApiserver {
  url: string;
  port: number;
  token: string;
  caPem: string;
  dataDir: string;
  kubeconfig: string;
  /** Writes a kubeconfig for another user's token (one of `tokens`) and returns its path. */
  kubeconfigFor(user: string, token: string): string;
  request(method: string, urlPath: string, opts?: RequestOptions): Promise<ApiResponse>;
  /** Graceful stop (SIGTERM); resolves with the exit code. */
  stop(): Promise<number | null>;
  /** kill -9, as a crash. */
  kill9(): Promise<void>;
  /** Starts the apiserver again on the same data directory and port. */
  restart(): Promise<void>;
  /** Removes the data directory (after stop). */
  cleanup(): void;
  logs(): string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** `tokens`: more lines for the token file (`token,user,uid,"group1,group2"`), for tests that need other users. */
export async function startApiserver(opts: { args?: string[]; dataDir?: string; tokens?: string[] } = {}): Promise<TestApiserver> {
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'skiff-api-'));
  const token = randomBytes(16).toString('hex');
  const tokenFile = path.join(dataDir, 'tokens.csv');
  writeFileSync(tokenFile, [`${token},admin,admin-uid,"system:masters"`, ...(opts.tokens ?? [])].map((l) => `${l}\n`).join(''), { mode: 0o600 });
  const port = await freePort();
  const agent = new https.Agent({ keepAlive: true, maxSockets: 64 });
  let child: ChildProcess | undefined;
  let output = '';
  let caPem = '';

  const launch = async (): Promise<void> => {
    output = '';
    child = spawn(process.execPath, [
      '--import', 'tsx', path.join(repoRoot, 'apiserver/main.ts'),
      '--secure-port', String(port), '--bind-address', '127.0.0.1', '--advertise-address', '127.0.0.1',
      '--data-dir', dataDir, '--token-auth-file', tokenFile, '--log-level', 'warn', ...(opts.args ?? []),
    ], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`apiserver exited with ${child.exitCode}:\n${output}`);
      try {
        caPem = readFileSync(path.join(dataDir, 'pki', 'ca.crt'), 'utf8');
        const r = await raw('GET', '/readyz', {});
        if (r.status === 200) return;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) throw new Error(`apiserver did not become ready:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const raw = (method: string, urlPath: string, ro: RequestOptions): Promise<ApiResponse> => new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...ro.headers };
    const tok = ro.token === undefined ? token : ro.token;
    if (tok) headers.authorization = `Bearer ${tok}`;
    let payload: string | undefined;
    if (ro.body !== undefined) {
      payload = typeof ro.body === 'string' ? ro.body : JSON.stringify(ro.body);
      if (ro.contentType !== '') headers['content-type'] = ro.contentType ?? 'application/json';
      // Node frames DELETE bodies only when told their length.
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    const req = https.request({ host: '127.0.0.1', port, path: urlPath, method, headers, ca: caPem, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try { body = JSON.parse(text); } catch { body = undefined; }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
      });
    });
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });

  const exited = (): Promise<number | null> => new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve(child?.exitCode ?? null);
    child.once('exit', (code) => resolve(code));
  });

  await launch();
  const kubeconfigFor = (user: string, userToken: string): string => {
    const file = path.join(dataDir, `${user.replace(/[^a-z0-9-]/gi, '_')}.kubeconfig`);
    writeFileSync(file, [
      'apiVersion: v1', 'kind: Config', 'current-context: skiff',
      'clusters:', '- name: skiff', '  cluster:', `    server: https://127.0.0.1:${port}`,
      `    certificate-authority-data: ${Buffer.from(caPem).toString('base64')}`,
      'users:', `- name: ${JSON.stringify(user)}`, '  user:', `    token: ${userToken}`,
      'contexts:', '- name: skiff', '  context:', '    cluster: skiff', `    user: ${JSON.stringify(user)}`, '    namespace: default', '',
    ].join('\n'), { mode: 0o600 });
    return file;
  };
  const kubeconfig = kubeconfigFor('admin', token);

  return {
    url: `https://127.0.0.1:${port}`, port, token, dataDir, kubeconfig, kubeconfigFor,
    get caPem() { return caPem; },
    request: (method, urlPath, ro = {}) => raw(method, urlPath, ro),
    stop: async () => {
      const done = exited();
      child?.kill('SIGTERM');
      return done;
    },
    kill9: async () => {
      const done = exited();
      child?.kill('SIGKILL');
      await done;
    },
    restart: launch,
    cleanup: () => {
      agent.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    },
    logs: () => output,
  };
}

/**
 * Creates Node `name` whose kubelet listens on 127.0.0.1:port (the address and port the apiserver proxies logs, exec,
 * attach, port-forward and stats to); `status` adds to the Node's status (capacity, allocatable...).
 */
export async function registerNodeAt(api: TestApiserver, name: string, port: number,
  opts: { labels?: Record<string, string>; status?: Record<string, unknown> } = {}): Promise<void> {
  const node = await api.request('POST', '/api/v1/nodes', { body: { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: opts.labels } } });
  if (node.status !== 201) throw new Error(`creating node ${name}: ${node.status} ${node.text}`);
  const status = await api.request('PATCH', `/api/v1/nodes/${name}/status`, {
    contentType: 'application/merge-patch+json',
    body: { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } }, ...opts.status } },
  });
  if (status.status !== 200) throw new Error(`node ${name}'s status: ${status.status} ${status.text}`);
}
