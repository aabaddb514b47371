// An HTTPS server on loopback standing in for a kubelet, for integration tests of what the apiserver proxies to one
// (stats, logs, attach): the test writes the answers. The apiserver does not verify kubelets' certificates unless
// given --kubelet-certificate-authority, so any serving certificate does.
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ensureCA, issueServingCert } from '../../apiserver/server/certs.ts';

export interface FakeKubelet {
  server: https.Server;
  port: number;
  close(): void;
}

export async function startFakeKubelet(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<FakeKubelet> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-fake-kubelet-'));
  const tls = await issueServingCert(await ensureCA(dir), { commonName: 'fake-kubelet', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  const server = https.createServer({ cert: tls.certPem, key: tls.keyPem }, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close() {
      server.closeAllConnections();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
