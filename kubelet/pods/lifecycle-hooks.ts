// postStart and preStop handlers (kube's lifecycle handler runner): exec in the container, an HTTP GET to the pod,
// or a sleep. A failed postStart kills the container; a preStop is bounded by the termination grace period.
import http from 'node:http';
import type { Container, LifecycleHandler } from '../../apiserver/api/types.ts';
import type { ContainerRuntime } from '../runtime/runtime.ts';

/** Resolves a port given by number or by the name of one of the container's ports. */
export function resolvePort(port: number | string | undefined, container: Container): number | undefined {
  if (typeof port === 'number') return port;
  if (port === undefined) return undefined;
  if (/^[0-9]+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

/** Runs the handler; resolves with an error message when it failed, undefined on success. */
export async function runLifecycleHandler(handler: LifecycleHandler, o: {
  runtime: ContainerRuntime; containerId: string; container: Container; podIP: string | undefined; timeoutMs: number;
}): Promise<string | undefined> {
  if (handler.exec) {
    const result = await o.runtime.execSync(o.containerId, handler.exec.command ?? [], o.timeoutMs).catch((err: Error) => err);
    if (result instanceof Error) return result.message;
    if (result.timedOut) return `command '${(handler.exec.command ?? []).join(' ')}' timed out`;
    if (result.exitCode !== 0) {
      return `command '${(handler.exec.command ?? []).join(' ')}' exited with ${result.exitCode}: ${result.stdout}${result.stderr}`;
    }
    return undefined;
  }
  if (handler.httpGet) {
    const get = handler.httpGet;
    const host = get.host || o.podIP || '127.0.0.1';
    const port = resolvePort(get.port as number | string, o.container);
    if (port === undefined) return `unable to resolve port ${String(get.port)}`;
    const path = get.path ? (get.path.startsWith('/') ? get.path : `/${get.path}`) : '/';
    const headers = Object.fromEntries((get.httpHeaders ?? []).map((h) => [h.name, h.value]));
    return new Promise((resolve) => {
      const req = http.get({ host, port, path, headers, timeout: o.timeoutMs }, (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        resolve(code >= 200 && code < 400 ? undefined : `HTTP lifecycle hook (${path}) for Container "${o.container.name}" failed - HTTP status ${code}`);
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (err) => resolve(`Get "http://${host}:${port}${path}": ${err.message}`));
    });
  }
  if (handler.sleep) {
    await new Promise((r) => setTimeout(r, Math.min(handler.sleep!.seconds * 1000, o.timeoutMs)));
    return undefined;
  }
  return 'lifecycle handler has no action';
}
