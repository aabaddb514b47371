// The kubelet scraper against real HTTPS servers on loopback: answers are read and reused for a few seconds, a
// kubelet that refuses, hangs or answers garbage is logged and left out without failing the others.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import type { Node } from '../../../apiserver/api/types.ts';
import { kubeletSummaryScraper } from '../../../apiserver/metrics/scraper.ts';
import { ensureCA, issueServingCert } from '../../../apiserver/server/certs.ts';
import { defaultPreferredAddressTypes } from '../../../apiserver/server/kubelet-proxy.ts';
import { freePort } from '../../helpers/apiserver.ts';

let dir: string;
const servers: https.Server[] = [];
const hits: Record<string, number> = { good: 0, hang: 0, garbage: 0 };
const ports: Record<string, number> = {};
const warnings: string[] = [];
const logger = pino({ level: 'warn' }, { write: (line: string) => { warnings.push(line); } });

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-scraper-'));
  const ca = await ensureCA(dir);
  const tls = await issueServingCert(ca, { commonName: 'kubelet', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  const handlers: Record<string, (res: import('node:http').ServerResponse) => void> = {
    good: (res) => res.end(JSON.stringify({ node: { nodeName: 'good', cpu: { usageNanoCores: 5 } }, pods: [] })),
    hang: () => undefined,
    garbage: (res) => res.end('not json'),
  };
  for (const [name, handle] of Object.entries(handlers)) {
    const server = https.createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
      hits[name]++;
      assert.equal(req.url, '/stats/summary');
      handle(res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    ports[name] = (server.address() as AddressInfo).port;
    servers.push(server);
  }
  ports.refused = await freePort();
});

after(() => {
  for (const s of servers) s.closeAllConnections();
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});

const node = (name: string, port: number | undefined): Node => ({
  metadata: { name },
  status: port === undefined ? {} : { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } },
});

describe('kubeletSummaryScraper', () => {
  it('returns the answering kubelets\' summaries and leaves the others out, logged', async () => {
    const scraper = kubeletSummaryScraper({ preferredAddressTypes: defaultPreferredAddressTypes }, logger, { timeoutMs: 300 });
    const started = Date.now();
    const got = await scraper.summaries([
      node('good', ports.good), node('hang', ports.hang), node('garbage', ports.garbage), node('refused', ports.refused), node('nowhere', undefined),
    ]);
    assert.ok(Date.now() - started < 3000, 'a hung kubelet costs the timeout, not more');
    assert.deepEqual([...got.keys()], ['good']);
    assert.equal(got.get('good')?.node?.cpu?.usageNanoCores, 5);
    for (const name of ['hang', 'garbage', 'refused', 'nowhere']) {
      assert.ok(warnings.some((w) => w.includes(`"node":"${name}"`)), `${name} logged`);
    }
    assert.ok(warnings.some((w) => w.includes('no answer within 0.3s')));
  });

  it('asks each kubelet once within the cache period, and again after it', async () => {
    let clock = 1_000_000;
    const scraper = kubeletSummaryScraper({ preferredAddressTypes: defaultPreferredAddressTypes }, logger, { cacheMs: 5000, now: () => clock });
    const before = hits.good;
    await Promise.all([scraper.summaries([node('good', ports.good)]), scraper.summaries([node('good', ports.good)])]);
    clock += 4000;
    await scraper.summaries([node('good', ports.good)]);
    assert.equal(hits.good - before, 1);
    clock += 1000;
    await scraper.summaries([node('good', ports.good)]);
    assert.equal(hits.good - before, 2);
  });
});
