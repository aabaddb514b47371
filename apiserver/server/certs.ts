// The apiserver's certificates on disk: a cluster CA created on first start (or supplied by the operator), and a
// serving certificate from it when no --tls-cert-file is given. Deploy scripts reuse the same functions (see
// gen-certs.ts) to issue kubelet, scheduler, controller-manager and admin certificates.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  createSelfSignedCA, issueServingCert, keyMatchesCertificate, parseCACertificate, type CertificateAuthority,
} from './x509-issue.ts';
import { writePublicFile, writeSecretFile } from './secret-file.ts';

export { issueClientCert, issueServingCert } from './x509-issue.ts';
export type { CertificateAuthority, CertKeyPair, ClientCertOptions, ServingCertOptions } from './x509-issue.ts';
export { writeSecretFile } from './secret-file.ts';

export interface LoadedCA extends CertificateAuthority {
  certPath: string;
  keyPath: string;
}

const caDays = 3650;
const caCommonName = 'skiff-ca';
const servingCommonName = 'kube-apiserver';
/** Reissue the serving certificate on start when it would expire within this window. */
const renewBeforeMs = 30 * 24 * 60 * 60 * 1000;
/** The kubernetes Service's default ClusterIP: the first address of the default service CIDR 10.96.0.0/16. */
export const defaultServiceIP = '10.96.0.1';

/**
 * Loads `dir/ca.crt` and `dir/ca.key`, or creates a self-signed CA there (10 years, CN skiff-ca) when neither
 * exists. The directory is created 0700 and the key written 0600. A lone certificate or a lone key is an error,
 * never overwritten: it may be the only copy of an operator's CA.
 */
export async function ensureCA(dir: string): Promise<LoadedCA> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const certPath = path.join(dir, 'ca.crt');
  const keyPath = path.join(dir, 'ca.key');
  const [certPem, keyPem] = await Promise.all([readIfExists(certPath), readIfExists(keyPath)]);
  if (certPem !== undefined && keyPem !== undefined) {
    parseCACertificate(certPem);
    if (!keyMatchesCertificate(certPem, keyPem)) throw new Error(`${keyPath} is not the private key of ${certPath}`);
    return { certPem, keyPem, certPath, keyPath };
  }
  if (certPem !== undefined || keyPem !== undefined) {
    const [present, missing] = certPem !== undefined ? [certPath, keyPath] : [keyPath, certPath];
    throw new Error(`${present} exists but ${missing} does not; restore it or remove both to create a new CA`);
  }
  const ca = await createSelfSignedCA({ commonName: caCommonName, days: caDays });
  // Key first: a crash between the two writes leaves a lone key, which the check above reports rather than
  // pairing a certificate with a key that does not belong to it.
  await writeSecretFile(keyPath, ca.keyPem);
  await writePublicFile(certPath, ca.certPem);
  return { ...ca, certPath, keyPath };
}

export interface ServingSANOptions {
  /** First address of --service-cluster-ip-range; in-cluster clients reach the apiserver there. */
  serviceIP?: string;
  /** e.g. --advertise-address. */
  extraIPs?: string[];
  extraDNSNames?: string[];
}

/**
 * The names clients may use to reach the apiserver: loopback, this host's name and non-internal IPv4 addresses,
 * the in-cluster names of the `kubernetes` Service, its ClusterIP, and whatever the caller adds.
 */
export function defaultServingSANs(opts: ServingSANOptions = {}): { dnsNames: string[]; ipAddresses: string[] } {
  const dnsNames = [
    'localhost',
    ...hostNames(),
    'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local',
    ...(opts.extraDNSNames ?? []),
  ];
  const ipAddresses = [
    '127.0.0.1', '::1',
    ...hostIPv4Addresses(),
    opts.serviceIP ?? defaultServiceIP,
    ...(opts.extraIPs ?? []),
  ];
  return { dnsNames: unique(dnsNames), ipAddresses: unique(ipAddresses) };
}

/**
 * Returns `dir/apiserver.crt` and `dir/apiserver.key`, reusing them when they were signed by this CA, match each
 * other, cover every wanted name and stay valid for 30 more days; otherwise issues new ones. `issued` says which.
 */
export async function ensureServingCert(
  dir: string, ca: CertificateAuthority, sans: ServingSANOptions = {},
): Promise<{ certPath: string; keyPath: string; issued: boolean }> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const certPath = path.join(dir, 'apiserver.crt');
  const keyPath = path.join(dir, 'apiserver.key');
  const want = defaultServingSANs(sans);
  const [certPem, keyPem] = await Promise.all([readIfExists(certPath), readIfExists(keyPath)]);
  if (certPem !== undefined && keyPem !== undefined && servingCertReusable(certPem, keyPem, ca, want, Date.now())) {
    return { certPath, keyPath, issued: false };
  }
  const pair = await issueServingCert(ca, { commonName: servingCommonName, ...want });
  // Key first, then certificate: after a crash in between, the mismatch is detected and both are reissued.
  await writeSecretFile(keyPath, pair.keyPem);
  await writePublicFile(certPath, pair.certPem);
  return { certPath, keyPath, issued: true };
}

const serverAuthOID = '1.3.6.1.5.5.7.3.1';

/** Whether an existing serving certificate can keep being used. Any parse failure means "no": we reissue. */
export function servingCertReusable(
  certPem: string, keyPem: string, ca: CertificateAuthority,
  want: { dnsNames: string[]; ipAddresses: string[] }, now: number,
): boolean {
  try {
    const cert = new X509Certificate(certPem);
    const caCert = new X509Certificate(ca.certPem);
    if (!cert.checkIssued(caCert) || !cert.verify(caCert.publicKey)) return false;
    if (!cert.checkPrivateKey(createPrivateKey(keyPem))) return false;
    const notAfter = Date.parse(cert.validTo);
    if (!(notAfter - now > renewBeforeMs)) return false;
    if (!(cert.keyUsage ?? []).includes(serverAuthOID)) return false;
    // subject: 'never' — clients (Go, Node) match on SANs only, so the CN must not count as coverage.
    return want.dnsNames.every((name) => cert.checkHost(name, { subject: 'never' }) !== undefined)
      && want.ipAddresses.every((ip) => cert.checkIP(ip) !== undefined);
  } catch {
    return false;
  }
}

function hostNames(): string[] {
  const name = os.hostname().toLowerCase();
  // A host name that cannot be a certificate DNS name (empty, non-ASCII) is left out rather than failing start.
  return /^[a-z0-9]([a-z0-9_.-]*[a-z0-9])?$/.test(name) && name !== 'localhost' ? [name] : [];
}

function hostIPv4Addresses(): string[] {
  const out: string[] = [];
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) out.push(a.address);
  }
  return out;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
