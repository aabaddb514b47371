// Asks kubelets for GET /stats/summary, as metrics-server scrapes them: over the same TLS client and credentials
// the apiserver proxies logs and exec with (--kubelet-client-certificate, --kubelet-certificate-authority), at the
// node's preferred address, all nodes in parallel with a short timeout. A kubelet that does not answer is logged
// and left out; it never fails the request. Answers are kept a few seconds, so `top` twice in a row (or `top node`,
// which lists nodes and then metrics) asks each kubelet once.
import https from 'node:https';
import type { Logger } from 'pino';
import type { Node } from '../api/types.ts';
import { kubeletAddress, kubeletRequestOptions, type KubeletClientConfig } from '../server/kubelet-proxy.ts';
import type { Summary } from './kubelet-summary.ts';

export interface ScraperOptions {
  /** How long one kubelet may take to answer. */
  timeoutMs?: number;
  /** How long an answer (or a failure) is reused. */
  cacheMs?: number;
  now?: () => number;
}

export interface SummaryScraper {
  /** The summaries of those of `nodes` whose kubelets answered, by node name. */
  summaries(nodes: readonly Node[]): Promise<Map<string, Summary>>;
}

/** A summary is a few kilobytes per pod; anything past this is not a kubelet's answer. */
const maxSummaryBytes = 32 << 20;

export function kubeletSummaryScraper(config: KubeletClientConfig, log: Logger, opts: ScraperOptions = {}): SummaryScraper {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const cacheMs = opts.cacheMs ?? 5_000;
  const now = opts.now ?? Date.now;
  // By node name; `target` is the address asked, so a node that moved is asked again at once.
  const cache = new Map<string, { target: string; at: number; summary: Promise<Summary | undefined> }>();

  const scrape = (name: string, host: string, port: number): Promise<Summary | undefined> =>
    fetchSummary(config, host, port, timeoutMs).catch((err: Error) => {
      log.warn({ node: name, kubelet: `${host}:${port}`, err: err.message }, 'kubelet stats summary unavailable; node left out of metrics');
      return undefined;
    });

  return {
    async summaries(nodes) {
      const at = now();
      for (const [name, entry] of cache) if (at - entry.at >= cacheMs) cache.delete(name);
      const answers = await Promise.all(nodes.map(async (node) => {
        const name = node.metadata?.name ?? '';
        let address: { host: string; port: number };
        try {
          address = kubeletAddress(node, config.preferredAddressTypes);
        } catch (err) {
          log.warn({ node: name, err: (err as Error).message }, 'node has no kubelet address; left out of metrics');
          return undefined;
        }
        const target = `${address.host}:${address.port}`;
        let entry = cache.get(name);
        if (!entry || entry.target !== target) {
          entry = { target, at, summary: scrape(name, address.host, address.port) };
          cache.set(name, entry);
        }
        const summary = await entry.summary;
        return summary ? [name, summary] as const : undefined;
      }));
      return new Map(answers.filter((a) => a !== undefined));
    },
  };
}

function fetchSummary(config: KubeletClientConfig, host: string, port: number, timeoutMs: number): Promise<Summary> {
  return new Promise((resolve, reject) => {
    const req = https.request({
      ...kubeletRequestOptions(config, host, port), path: '/stats/summary', method: 'GET', signal: AbortSignal.timeout(timeoutMs),
      headers: { Accept: 'application/json' },
      agent: false,
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxSummaryBytes) res.destroy(new Error(`summary larger than ${maxSummaryBytes} bytes`));
        else chunks.push(chunk);
      });
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) {
          reject(new Error(`kubelet answered ${res.statusCode}: ${text.trim().slice(0, 200)}`));
          return;
        }
        try {
          const parsed: unknown = JSON.parse(text);
          if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
          resolve(parsed as Summary);
        } catch (err) {
          reject(new Error(`unreadable summary: ${(err as Error).message}`));
        }
      });
    });
    req.on('error', (err) => reject(err.name === 'AbortError' || err.name === 'TimeoutError'
      ? new Error(`no answer within ${timeoutMs / 1000}s`) : err));
    req.end();
  });
}
