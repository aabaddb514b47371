// Opens a watch on a test apiserver and hands out its events one at a time, with a deadline on each.
import https from 'node:https';

export interface WatchEventLine {
  type: string;
  object: any;
}

export interface TestWatch {
  status: Promise<number>;
  next(timeoutMs?: number): Promise<WatchEventLine>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export function openWatch(server: { port: number; token: string; caPem: string }, urlPath: string, headers: Record<string, string> = {}): TestWatch {
  const queue: WatchEventLine[] = [];
  const waiters: ((e: WatchEventLine) => void)[] = [];
  let buffer = '';
  let resolveStatus!: (n: number) => void;
  let resolveEnded!: () => void;
  const status = new Promise<number>((r) => { resolveStatus = r; });
  const ended = new Promise<void>((r) => { resolveEnded = r; });
  const req = https.request({
    host: '127.0.0.1', port: server.port, path: urlPath, method: 'GET', ca: server.caPem,
    headers: { authorization: `Bearer ${server.token}`, ...headers },
  }, (res) => {
    resolveStatus(res.statusCode ?? 0);
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (!line) continue;
        const event = JSON.parse(line) as WatchEventLine;
        const waiter = waiters.shift();
        if (waiter) waiter(event);
        else queue.push(event);
      }
    });
    res.on('end', () => resolveEnded());
    res.on('close', () => resolveEnded());
  });
  req.on('error', () => { resolveStatus(0); resolveEnded(); });
  req.end();
  return {
    status,
    ended,
    next(timeoutMs = 5000) {
      const queued = queue.shift();
      if (queued) return Promise.resolve(queued);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          const i = waiters.indexOf(waiter);
          if (i >= 0) waiters.splice(i, 1);
          reject(new Error(`no watch event within ${timeoutMs} ms on ${urlPath}`));
        }, timeoutMs);
        const waiter = (e: WatchEventLine) => { clearTimeout(timer); resolve(e); };
        waiters.push(waiter);
      });
    },
    close() { req.destroy(); },
  };
}
