// -v: kubectl logs each request at -v=6 (`GET https://... 200 OK in 3 milliseconds`) and the request headers at
// -v=7. A Transport that times what it sends gives the same view without touching RestClient.
import type http from 'node:http';
import { STATUS_CODES } from 'node:http';
import { Transport, type RawRequest, type TransportOptions } from '../apiserver/client/transport.ts';
import { klogStamp } from './klog.ts';

/** klog's header: `I1206 03:06:34.222496    8829 ` (severity, month-day, time with microseconds, pid). */
export function klogPrefix(now = new Date(), severity = 'I'): string {
  return klogStamp(severity, now.getTime() * 1000, process.pid);
}

export class LoggingTransport extends Transport {
  private readonly level: number;
  private readonly log: (line: string) => void;

  constructor(opts: TransportOptions, level: number, log: (line: string) => void) {
    super(opts);
    this.level = level;
    this.log = log;
  }

  override async open(req: RawRequest): Promise<http.IncomingMessage> {
    const started = performance.now();
    const url = this.url(req.path).toString();
    if (this.level >= 7) {
      this.log(`${klogPrefix()}round_trippers.go] "Request" verb="${req.method}" url="${url}"`);
      for (const [k, v] of Object.entries(req.headers ?? {})) this.log(`${klogPrefix()}round_trippers.go]     ${k}: ${k.toLowerCase() === 'authorization' ? 'Bearer <masked>' : v}`);
    }
    try {
      const res = await super.open(req);
      const ms = Math.round(performance.now() - started);
      const code = res.statusCode ?? 0;
      this.log(`${klogPrefix()}round_trippers.go] ${req.method} ${url} ${code} ${STATUS_CODES[code] ?? ''} in ${ms} milliseconds`);
      return res;
    } catch (e) {
      const ms = Math.round(performance.now() - started);
      this.log(`${klogPrefix()}round_trippers.go] ${req.method} ${url}  in ${ms} milliseconds`);
      throw e;
    }
  }
}
