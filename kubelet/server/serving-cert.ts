// The kubelet's serving certificate: given by --tls-cert-file/--tls-private-key-file, or issued at start by a CA
// of the kubelet's own under <root-dir>/pki (kube's self-signed kubelet certificate), for the node's name and IP.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ensureCA, issueServingCert } from '../../apiserver/server/certs.ts';

export async function kubeletServingCert(o: { rootDir: string; nodeName: string; nodeIP: string; certFile?: string; keyFile?: string }): Promise<{ certPem: string; keyPem: string }> {
  if (o.certFile && o.keyFile) return { certPem: await readFile(o.certFile, 'utf8'), keyPem: await readFile(o.keyFile, 'utf8') };
  const ca = await ensureCA(path.join(o.rootDir, 'pki'));
  const pair = await issueServingCert(ca, { commonName: `${o.nodeName}@kubelet`, dnsNames: [o.nodeName, 'localhost'], ipAddresses: [o.nodeIP, '127.0.0.1'] });
  return { certPem: pair.certPem, keyPem: pair.keyPem };
}
