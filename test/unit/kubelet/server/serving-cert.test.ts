import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { kubeletServingCert } from '../../../../kubelet/server/serving-cert.ts';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'skiff-kubelet-cert-'));
  dirs.push(d);
  return d;
};
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

describe('kubeletServingCert', () => {
  it('issues one under <root-dir>/pki for the node name and IP, key 0600, and reuses it', async () => {
    const rootDir = tmp();
    const first = await kubeletServingCert({ rootDir, nodeName: 'node-a', nodeIP: '10.1.2.3' });
    const cert = new X509Certificate(first.certPem);
    assert.ok(cert.checkHost('node-a', { subject: 'never' }));
    assert.ok(cert.checkIP('10.1.2.3'));
    assert.ok(cert.checkIP('127.0.0.1'));
    assert.equal(statSync(path.join(rootDir, 'pki', 'kubelet.key')).mode & 0o777, 0o600);
    const again = await kubeletServingCert({ rootDir, nodeName: 'node-a', nodeIP: '10.1.2.3' });
    assert.equal(again.certPem, first.certPem);
    // A new address is not covered: a new certificate.
    const moved = await kubeletServingCert({ rootDir, nodeName: 'node-a', nodeIP: '10.9.9.9' });
    assert.notEqual(moved.certPem, first.certPem);
    assert.ok(new X509Certificate(moved.certPem).checkIP('10.9.9.9'));
  });

  it('uses --tls-cert-file and --tls-private-key-file as given', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'c.pem'), 'CERT');
    writeFileSync(path.join(dir, 'k.pem'), 'KEY');
    assert.deepEqual(await kubeletServingCert({ rootDir: dir, nodeName: 'n', nodeIP: '1.2.3.4', certFile: path.join(dir, 'c.pem'), keyFile: path.join(dir, 'k.pem') }),
      { certPem: 'CERT', keyPem: 'KEY' });
  });
});
