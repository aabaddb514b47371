// GET /containerLogs/{namespace}/{pod}/{container}: the container's output with kubectl's log options, which the
// apiserver's pods/log proxies here.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ContainerRuntime, LogOptions } from '../runtime/runtime.ts';
import type { ContainerLocator } from './container-locator.ts';
import { sendText } from './http-reply.ts';

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

/** limitBytes: a positive byte count, or undefined for no limit. */
export function limitBytesFrom(q: URLSearchParams): number | undefined {
  const text = q.get('limitBytes');
  return text !== null && /^\d+$/.test(text) && Number(text) > 0 ? Number(text) : undefined;
}

export async function serveContainerLogs(
  runtime: ContainerRuntime, locator: ContainerLocator, req: IncomingMessage, res: ServerResponse,
  target: { namespace: string; pod: string; container: string }, q: URLSearchParams,
): Promise<void> {
  const { namespace, pod, container } = target;
  const previous = q.get('previous') === 'true';
  const id = await locator.containerId(namespace, pod, container, { previous });
  if (!id) {
    return sendText(res, previous ? 400 : 404, previous
      ? `previous terminated container "${container}" in pod "${pod}" not found`
      : `container "${container}" in pod "${pod}" is not available`);
  }
  const stream = await runtime.containerLogs(id, logOptionsFrom(q));
  const limit = limitBytesFrom(q);
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
  let sent = 0;
  stream.on('data', (data: Buffer | string) => {
    const chunk = typeof data === 'string' ? Buffer.from(data) : data;
    if (limit !== undefined && sent + chunk.length >= limit) {
      res.end(chunk.subarray(0, limit - sent));
      stream.destroy();
      return;
    }
    sent += chunk.length;
    // A follower that cannot keep up holds Docker's stream back instead of piling output up in memory.
    if (!res.write(chunk)) {
      stream.pause();
      res.once('drain', () => stream.resume());
    }
  });
  stream.on('end', () => res.end());
  stream.on('error', () => res.end());
  req.on('close', () => stream.destroy());
  res.on('close', () => stream.destroy());
}
