// Building X.509 certificates in memory: the cluster CA and the certificates it signs. Nothing here touches the
// file system (certs.ts does). Keys are ECDSA P-256: small, fast, and accepted by Go's TLS stack, kubectl and
// client-go, OpenSSL and Node. An operator-supplied CA may also be RSA or ECDSA P-384/P-521.
import './reflect-metadata-shim.ts';
import { createPrivateKey, randomBytes, webcrypto, X509Certificate as NodeX509Certificate } from 'node:crypto';
import net from 'node:net';
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
type SigningAlgorithm = webcrypto.EcdsaParams | webcrypto.RsaHashedImportParams;

// Node's WebCrypto is the standard API the library is written against. The cast bridges @types/node's
// declarations of it to the DOM ones the library's declarations name (absent here: no DOM lib).
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** A certificate and its private key, both PEM (the key as PKCS#8). */
export interface CertKeyPair {
  certPem: string;
  keyPem: string;
}

/** The CA that signs: its certificate and private key, PEM. */
export type CertificateAuthority = CertKeyPair;

export interface ServingCertOptions {
  commonName: string;
  dnsNames: string[];
  ipAddresses: string[];
  /** Validity in days; 365 by default. Never extends past the CA's own expiry. */
  days?: number;
}

export interface ClientCertOptions {
  /** Kubernetes' x509 authenticator takes the CN as the user name. */
  commonName: string;
  /** ...and each O as a group. */
  organizations: string[];
  days?: number;
}

const defaultLeafDays = 365;
/** Certificates start a little in the past so a peer whose clock lags ours still accepts them (kubeadm: 5m). */
const backdateMs = 5 * 60 * 1000;
const dayMs = 24 * 60 * 60 * 1000;
const leafKeyAlgorithm = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** A self-signed CA certificate with a fresh P-256 key: basicConstraints CA, keyUsage keyCertSign and cRLSign. */
export async function createSelfSignedCA(opts: { commonName: string; days: number }): Promise<CertKeyPair> {
  requireName('CA common name', opts.commonName);
  const keys = await newKeyPair();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialNumber(),
    name: [{ CN: [opts.commonName] }],
    notBefore: new Date(now - backdateMs),
    notAfter: new Date(now + opts.days * dayMs),
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: pem(cert), keyPem: await privateKeyPem(keys.privateKey) };
}

/** A TLS server certificate (EKU serverAuth) for the given DNS names and IP addresses. */
export async function issueServingCert(ca: CertificateAuthority, opts: ServingCertOptions): Promise<CertKeyPair> {
  requireName('common name', opts.commonName);
  if (opts.dnsNames.length === 0 && opts.ipAddresses.length === 0) {
    throw new Error('a serving certificate needs at least one DNS name or IP address: clients match on them, not on the CN');
  }
  for (const dns of opts.dnsNames) validateDNSName(dns);
  for (const ip of opts.ipAddresses) {
    if (net.isIP(ip) === 0) throw new Error(`not an IP address: ${JSON.stringify(ip)}`);
  }
  return issueLeaf(ca, {
    subject: [{ CN: [opts.commonName] }],
    days: opts.days ?? defaultLeafDays,
    extendedKeyUsages: [x509.ExtendedKeyUsage.serverAuth],
    altNames: [
      ...opts.dnsNames.map((value) => ({ type: 'dns' as const, value })),
      ...opts.ipAddresses.map((value) => ({ type: 'ip' as const, value })),
    ],
  });
}

/** A TLS client certificate (EKU clientAuth) naming a Kubernetes user (CN) and its groups (O). */
export async function issueClientCert(ca: CertificateAuthority, opts: ClientCertOptions): Promise<CertKeyPair> {
  requireName('common name (the user name)', opts.commonName);
  for (const org of opts.organizations) requireName('organization (a group name)', org);
  return issueLeaf(ca, {
    // One RDN per group, then the CN, as Go's pkix.Name writes them; each O becomes one group.
    subject: [...opts.organizations.map((o) => ({ O: [o] })), { CN: [opts.commonName] }],
    days: opts.days ?? defaultLeafDays,
    extendedKeyUsages: [x509.ExtendedKeyUsage.clientAuth],
    altNames: [],
  });
}

interface LeafTemplate {
  subject: x509.JsonName;
  days: number;
  extendedKeyUsages: x509.ExtendedKeyUsage[];
  altNames: { type: 'dns' | 'ip'; value: string }[];
}

async function issueLeaf(ca: CertificateAuthority, template: LeafTemplate): Promise<CertKeyPair> {
  if (!Number.isFinite(template.days) || template.days <= 0) throw new Error(`validity must be a positive number of days, got ${template.days}`);
  const caCert = parseCACertificate(ca.certPem);
  const signer = await importSigningKey(ca.keyPem);
  const keys = await newKeyPair();
  const now = Date.now();
  // A certificate cannot usefully outlive its issuer; capping it makes "expires soon" checks see the real date.
  const notAfter = new Date(Math.min(now + template.days * dayMs, caCert.notAfter.getTime()));
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension(template.extendedKeyUsages, false),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  // The authority key id must repeat the CA's own subject key id; without one, chains are built by name alone.
  const caKeyId = caCert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  if (caKeyId) extensions.push(new x509.AuthorityKeyIdentifierExtension(caKeyId, false));
  if (template.altNames.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(template.altNames, false));

  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialNumber(),
    subject: template.subject,
    // The CA's subject as parsed from its certificate, so the issuer keeps the CA's exact encoding: Go matches
    // issuer to subject byte for byte.
    issuer: caCert.subjectName,
    notBefore: new Date(now - backdateMs),
    notAfter,
    publicKey: keys.publicKey,
    signingKey: signer.key,
    signingAlgorithm: signer.algorithm,
    extensions,
  });
  return { certPem: pem(cert), keyPem: await privateKeyPem(keys.privateKey) };
}

/** Parses a PEM certificate and insists it may sign others (basicConstraints CA:TRUE). */
export function parseCACertificate(certPem: string): x509.X509Certificate {
  const cert = new x509.X509Certificate(certPem);
  if (!cert.getExtension(x509.BasicConstraintsExtension)?.ca) {
    throw new Error(`certificate "${cert.subject}" is not a CA (basicConstraints CA:TRUE is missing)`);
  }
  return cert;
}

/** True when the PEM private key belongs to the PEM certificate. */
export function keyMatchesCertificate(certPem: string, keyPem: string): boolean {
  return new NodeX509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem));
}

async function newKeyPair(): Promise<CryptoKeyPair> {
  return await webcrypto.subtle.generateKey(leafKeyAlgorithm, true, ['sign', 'verify']);
}

interface Signer {
  key: CryptoKey;
  algorithm: SigningAlgorithm;
}

const curveByOpenSSLName: Record<string, { namedCurve: string; hash: string }> = {
  prime256v1: { namedCurve: 'P-256', hash: 'SHA-256' },
  secp384r1: { namedCurve: 'P-384', hash: 'SHA-384' },
  secp521r1: { namedCurve: 'P-521', hash: 'SHA-512' },
};

/** Loads the CA key (PKCS#8, SEC1 or PKCS#1 PEM: whatever openssl wrote) as a WebCrypto signing key. */
async function importSigningKey(keyPem: string): Promise<Signer> {
  const keyObject = createPrivateKey(keyPem);
  const pkcs8 = keyObject.export({ type: 'pkcs8', format: 'der' });
  const subtle = webcrypto.subtle;
  if (keyObject.asymmetricKeyType === 'ec') {
    const curve = curveByOpenSSLName[keyObject.asymmetricKeyDetails?.namedCurve ?? ''];
    if (!curve) throw new Error(`unsupported CA key curve ${keyObject.asymmetricKeyDetails?.namedCurve ?? '(unknown)'}`);
    const key = await subtle.importKey('pkcs8', pkcs8, { name: 'ECDSA', namedCurve: curve.namedCurve }, false, ['sign']);
    return { key, algorithm: { name: 'ECDSA', hash: curve.hash } };
  }
  if (keyObject.asymmetricKeyType === 'rsa') {
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const key = await subtle.importKey('pkcs8', pkcs8, algorithm, false, ['sign']);
    return { key, algorithm };
  }
  throw new Error(`unsupported CA key type ${keyObject.asymmetricKeyType ?? '(unknown)'}: use ECDSA or RSA`);
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }) as string;
}

function pem(cert: x509.X509Certificate): string {
  return `${cert.toString('pem').replace(/\r\n/g, '\n').trimEnd()}\n`;
}

/** 128 random bits, positive (Go rejects negative serial numbers) and never zero. */
function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x01;
  return bytes.toString('hex');
}

function requireName(what: string, value: string): void {
  if (typeof value !== 'string' || value.trim() === '') throw new Error(`${what} must not be empty`);
}

/** SAN dNSNames are IA5 (ASCII) strings; Go refuses to parse certificates whose names are not. */
function validateDNSName(name: string): void {
  if (!/^[A-Za-z0-9*]([A-Za-z0-9_.*-]*[A-Za-z0-9])?$/.test(name)) {
    throw new Error(`not a valid DNS name for a certificate: ${JSON.stringify(name)}`);
  }
}
