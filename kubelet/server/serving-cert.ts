// The kubelet's serving certificate: given by --tls-cert-file/--tls-private-key-file, or kube's self-signed
// kubelet certificate: issued by a CA of the kubelet's own under <root-dir>/pki, for the node's name and IP, kept
// as <root-dir>/pki/kubelet.crt and kubelet.key (0600) and reused on the next start while it still fits.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ensureCA, issueServingCert, servingCertReusable, writeSecretFile } from '../../apiserver/server/certs.ts';
import { writePublicFile } from '../../apiserver/server/secret-file.ts';

export interface KubeletServingCertOptions {
  rootDir: string;
  nodeName: string;
  nodeIP: string;
  certFile?: string;
  keyFile?: string;
}

export async function kubeletServingCert(o: KubeletServingCertOptions): Promise<{ certPem: string; keyPem: string }> {
  if (o.certFile && o.keyFile) return { certPem: await readFile(o.certFile, 'utf8'), keyPem: await readFile(o.keyFile, 'utf8') };
  const dir = path.join(o.rootDir, 'pki');
  const ca = await ensureCA(dir);
  const certPath = path.join(dir, 'kubelet.crt');
  const keyPath = path.join(dir, 'kubelet.key');
  const want = { dnsNames: unique([o.nodeName.toLowerCase(), 'localhost']), ipAddresses: unique([o.nodeIP, '127.0.0.1']) };
  const [certPem, keyPem] = await Promise.all([readIfExists(certPath), readIfExists(keyPath)]);
  if (certPem !== undefined && keyPem !== undefined && servingCertReusable(certPem, keyPem, ca, want, Date.now())) {
    return { certPem, keyPem };
  }
  const pair = await issueServingCert(ca, { commonName: `${o.nodeName}@kubelet`, ...want });
  // Key first: after a crash in between, the pair does not match and is issued again.
  await writeSecretFile(keyPath, pair.keyPem);
  await writePublicFile(certPath, pair.certPem);
  return { certPem: pair.certPem, keyPem: pair.keyPem };
}

function unique(values: string[]): string[] {
  return [...new Set(values.filter(Boolean))];
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
