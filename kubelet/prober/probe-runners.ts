// The three probe actions (kube's pkg/probe): exec in the container, HTTP GET, TCP connect. Each resolves to a
// result and the output kube would put in the Unhealthy event.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Container, Probe } from '../../apiserver/api/types.ts';
import { resolvePort } from '../pods/lifecycle-hooks.ts';
import type { ContainerRuntime } from '../runtime/runtime.ts';

export interface ProbeOutcome {
  ok: boolean;
  output: string;
}

const maxBody = 10 * 1024;
export const probeUserAgent = 'kube-probe/1.31';

export async function runProbe(probe: Probe, o: {
  runtime: ContainerRuntime; containerId: string; container: Container; podIP: string | undefined;
}): Promise<ProbeOutcome> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.exec) {
    const cmd = probe.exec.command ?? [];
    try {
      const r = await o.runtime.execSync(o.containerId, cmd, timeoutMs);
      if (r.timedOut) return { ok: false, output: `command "${cmd.join(' ')}" timed out` };
      return { ok: r.exitCode === 0, output: `${r.stdout}${r.stderr}`.trim() };
    } catch (err) {
      return { ok: false, output: (err as Error).message };
    }
  }
  if (probe.httpGet) return httpProbe(probe.httpGet, o.container, o.podIP, timeoutMs);
  if (probe.tcpSocket) {
    const port = resolvePort(probe.tcpSocket.port as number | string, o.container);
    const host = probe.tcpSocket.host || o.podIP || '127.0.0.1';
    if (port === undefined) return { ok: false, output: `unable to resolve port ${String(probe.tcpSocket.port)}` };
    return tcpProbe(host, port, timeoutMs);
  }
  if (probe.grpc) return { ok: false, output: 'grpc probes are not supported by Skiff' };
  return { ok: false, output: 'probe has no action' };
}

function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ ok: false, output: `dial tcp ${host}:${port}: i/o timeout` });
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ ok: true, output: '' });
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      resolve({ ok: false, output: `dial tcp ${host}:${port}: ${err.message}` });
    });
  });
}

function httpProbe(get: NonNullable<Probe['httpGet']>, container: Container, podIP: string | undefined, timeoutMs: number): Promise<ProbeOutcome> {
  const port = resolvePort(get.port as number | string, container);
  const host = get.host || podIP || '127.0.0.1';
  if (port === undefined) return Promise.resolve({ ok: false, output: `unable to resolve port ${String(get.port)}` });
  const scheme = (get.scheme ?? 'HTTP').toLowerCase();
  const path = get.path ? (get.path.startsWith('/') ? get.path : `/${get.path}`) : '/';
  const headers: Record<string, string> = { 'User-Agent': probeUserAgent, Accept: '*/*' };
  for (const h of get.httpHeaders ?? []) headers[h.name] = h.value;
  const url = `${scheme}://${host}:${port}${path}`;
  return new Promise((resolve) => {
    const lib = scheme === 'https' ? https : http;
    const req = lib.get({ host, port, path, headers, timeout: timeoutMs, rejectUnauthorized: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { if (body.length < maxBody) body += chunk; });
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        resolve(code >= 200 && code < 400
          ? { ok: true, output: '' }
          : { ok: false, output: `HTTP probe failed with statuscode: ${code}` });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`(Client.Timeout exceeded while awaiting headers)`)));
    req.on('error', (err) => resolve({ ok: false, output: `Get "${url}": ${err.message}` }));
  });
}
