import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  defaultServingSANs, ensureCA, ensureServingCert, issueClientCert, issueServingCert, servingCertReusable,
  writeSecretFile, type LoadedCA,
} from '../../../apiserver/server/certs.ts';
import { modeOf, openssl, opensslOk, tempDir } from './helpers.ts';

const serverAuth = '1.3.6.1.5.5.7.3.1';
const clientAuth = '1.3.6.1.5.5.7.3.2';
const dayMs = 24 * 60 * 60 * 1000;

function write(dir: string, name: string, content: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

/** The raw DER of a certificate's issuer and subject Names (tbsCertificate fields 4 and 6, after the version). */
function rawNames(certPem: string): { issuer: Buffer; subject: Buffer } {
  const der = new X509Certificate(certPem).raw;
  const tbs = children(der, contentOf(der, 0))[0];
  const fields = children(der, contentOf(der, tbs.start));
  return { issuer: der.subarray(fields[3].start, fields[3].end), subject: der.subarray(fields[5].start, fields[5].end) };
}

interface Span { start: number; end: number }

/** Content span of the DER element starting at `at` (single-byte tags; long-form lengths). */
function contentOf(der: Buffer, at: number): Span {
  let len = der[at + 1];
  let header = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[at + 2 + i];
    header += n;
  }
  return { start: at + header, end: at + header + len };
}

function children(der: Buffer, span: Span): Span[] {
  const out: Span[] = [];
  for (let at = span.start; at < span.end;) {
    const c = contentOf(der, at);
    out.push({ start: at, end: c.end });
    at = c.end;
  }
  return out;
}

describe('ensureCA', () => {
  it('creates a P-256 self-signed CA valid for 10 years, key 0600 in a 0700 directory', async () => {
    const dir = path.join(tempDir(), 'pki');
    const ca = await ensureCA(dir);
    assert.equal(ca.certPath, path.join(dir, 'ca.crt'));
    assert.equal(ca.keyPath, path.join(dir, 'ca.key'));
    assert.equal(modeOf(dir), 0o700);
    assert.equal(modeOf(ca.keyPath), 0o600);
    assert.equal(modeOf(ca.certPath), 0o644);
    assert.equal(readFileSync(ca.certPath, 'utf8'), ca.certPem);
    assert.equal(readFileSync(ca.keyPath, 'utf8'), ca.keyPem);
    assert.deepEqual(readdirSync(dir).sort(), ['ca.crt', 'ca.key'], 'no temporary files left behind');

    const cert = new X509Certificate(ca.certPem);
    assert.equal(cert.subject, 'CN=skiff-ca');
    assert.equal(cert.issuer, 'CN=skiff-ca');
    assert.equal(cert.ca, true);
    assert.ok(cert.verify(cert.publicKey), 'self-signed');
    assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    const years = (Date.parse(cert.validTo) - Date.now()) / (365 * dayMs);
    assert.ok(years > 9.9 && years < 10.1, `valid for ${years} years`);

    const text = opensslOk(['x509', '-in', ca.certPath, '-noout', '-text']);
    assert.match(text, /Basic Constraints: critical\s+CA:TRUE/);
    assert.match(text, /Key Usage: critical\s+Certificate Sign, CRL Sign/);
    assert.match(text, /Subject Key Identifier/);
  });

  it('loads the existing CA instead of creating another', async () => {
    const dir = tempDir();
    const first = await ensureCA(dir);
    const second = await ensureCA(dir);
    assert.equal(second.certPem, first.certPem);
    assert.equal(second.keyPem, first.keyPem);
  });

  it('refuses a lone certificate or key rather than overwriting it', async () => {
    const source = await ensureCA(tempDir());
    const onlyCert = tempDir();
    write(onlyCert, 'ca.crt', source.certPem);
    await assert.rejects(ensureCA(onlyCert), /ca\.crt exists but .*ca\.key does not/);
    assert.equal(existsSync(path.join(onlyCert, 'ca.key')), false);
    const onlyKey = tempDir();
    write(onlyKey, 'ca.key', source.keyPem);
    await assert.rejects(ensureCA(onlyKey), /ca\.key exists but .*ca\.crt does not/);
  });

  it('refuses a key that does not belong to the certificate, and a certificate that is not a CA', async () => {
    const a = await ensureCA(tempDir());
    const b = await ensureCA(tempDir());
    const mixed = tempDir();
    write(mixed, 'ca.crt', a.certPem);
    write(mixed, 'ca.key', b.keyPem);
    await assert.rejects(ensureCA(mixed), /is not the private key of/);

    const leaf = await issueClientCert(a, { commonName: 'someone', organizations: [] });
    const notCA = tempDir();
    write(notCA, 'ca.crt', leaf.certPem);
    write(notCA, 'ca.key', leaf.keyPem);
    await assert.rejects(ensureCA(notCA), /is not a CA/);
  });
});

describe('issueServingCert', () => {
  it('issues a serverAuth certificate for the SANs, signed by the CA', async () => {
    const dir = tempDir();
    const ca = await ensureCA(dir);
    const pair = await issueServingCert(ca, {
      commonName: 'kube-apiserver', dnsNames: ['localhost', 'api.example.test'], ipAddresses: ['127.0.0.1', '::1', '10.96.0.1'],
    });
    const cert = new X509Certificate(pair.certPem);
    const caCert = new X509Certificate(ca.certPem);
    assert.equal(cert.subject, 'CN=kube-apiserver');
    assert.equal(cert.issuer, caCert.subject);
    assert.equal(cert.ca, false);
    assert.ok(cert.checkIssued(caCert));
    assert.ok(cert.verify(caCert.publicKey));
    assert.equal(cert.verify(cert.publicKey), false, 'not self-signed');
    assert.deepEqual(cert.keyUsage, [serverAuth]);
    for (const name of ['localhost', 'api.example.test']) assert.equal(cert.checkHost(name, { subject: 'never' }), name);
    for (const ip of ['127.0.0.1', '::1', '10.96.0.1']) assert.equal(cert.checkIP(ip), ip);
    assert.equal(cert.checkHost('kube-apiserver', { subject: 'never' }), undefined, 'the CN is not a SAN');
    assert.equal(cert.checkIP('10.96.0.2'), undefined);
    const days = (Date.parse(cert.validTo) - Date.now()) / dayMs;
    assert.ok(days > 364 && days <= 365, `valid for ${days} days`);
    assert.ok(Date.parse(cert.validFrom) < Date.now() - 60_000, 'backdated for clock skew');
    assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');

    const certPath = write(dir, 'serving.crt', pair.certPem);
    assert.equal(openssl(['verify', '-CAfile', ca.certPath, '-purpose', 'sslserver', certPath]).status, 0);
    const asClient = openssl(['verify', '-CAfile', ca.certPath, '-purpose', 'sslclient', certPath]);
    assert.notEqual(asClient.status, 0, 'a serving certificate must not pass as a client certificate');
    assert.match(asClient.output, /unsuitable certificate purpose/);
    // The key openssl reads back is the certificate's.
    const keyPath = write(dir, 'serving.key', pair.keyPem);
    assert.equal(
      opensslOk(['pkey', '-in', keyPath, '-pubout']),
      opensslOk(['x509', '-in', certPath, '-noout', '-pubkey']),
    );
  });

  it('honours days, and never outlives the CA', async () => {
    const ca = await ensureCA(tempDir());
    const short = new X509Certificate((await issueServingCert(ca, { commonName: 'x', dnsNames: ['x'], ipAddresses: [], days: 2 })).certPem);
    const days = (Date.parse(short.validTo) - Date.now()) / dayMs;
    assert.ok(days > 1.99 && days <= 2, `valid for ${days} days`);
    const long = new X509Certificate((await issueServingCert(ca, { commonName: 'x', dnsNames: ['x'], ipAddresses: [], days: 20 * 365 })).certPem);
    assert.equal(long.validTo, new X509Certificate(ca.certPem).validTo);
  });

  it('rejects certificates no client could match, and malformed names', async () => {
    const ca = await ensureCA(tempDir());
    await assert.rejects(issueServingCert(ca, { commonName: 'x', dnsNames: [], ipAddresses: [] }), /at least one DNS name or IP/);
    await assert.rejects(issueServingCert(ca, { commonName: 'x', dnsNames: [], ipAddresses: ['10.0.0.256'] }), /not an IP address/);
    await assert.rejects(issueServingCert(ca, { commonName: 'x', dnsNames: ['has space'], ipAddresses: [] }), /not a valid DNS name/);
    await assert.rejects(issueServingCert(ca, { commonName: 'x', dnsNames: ['x'], ipAddresses: [], days: 0 }), /positive/);
  });
});

describe('issueClientCert', () => {
  it('puts the user in the CN and each group in an O, with clientAuth only', async () => {
    const dir = tempDir();
    const ca = await ensureCA(dir);
    const pair = await issueClientCert(ca, { commonName: 'system:node:worker-1', organizations: ['system:nodes', 'ops team'] });
    const cert = new X509Certificate(pair.certPem);
    assert.equal(cert.subject, 'O=system:nodes\nO=ops team\nCN=system:node:worker-1');
    assert.deepEqual(cert.keyUsage, [clientAuth]);
    assert.equal(cert.subjectAltName, undefined);
    assert.equal(cert.ca, false);
    assert.ok(cert.verify(new X509Certificate(ca.certPem).publicKey));
    const certPath = write(dir, 'node.crt', pair.certPem);
    assert.equal(openssl(['verify', '-CAfile', ca.certPath, '-purpose', 'sslclient', certPath]).status, 0);
    assert.notEqual(openssl(['verify', '-CAfile', ca.certPath, '-purpose', 'sslserver', certPath]).status, 0);
    assert.match(opensslOk(['x509', '-in', certPath, '-noout', '-subject', '-nameopt', 'RFC2253']),
      /subject=CN=system:node:worker-1,O=ops team,O=system:nodes/);
  });

  it('rejects an empty user or group name', async () => {
    const ca = await ensureCA(tempDir());
    await assert.rejects(issueClientCert(ca, { commonName: '', organizations: [] }), /must not be empty/);
    await assert.rejects(issueClientCert(ca, { commonName: 'u', organizations: [''] }), /must not be empty/);
  });

  it('does not verify against an unrelated CA', async () => {
    const ca = await ensureCA(tempDir());
    const other = await ensureCA(tempDir());
    const cert = new X509Certificate((await issueClientCert(ca, { commonName: 'u', organizations: [] })).certPem);
    assert.equal(cert.verify(new X509Certificate(other.certPem).publicKey), false);
    assert.equal(openssl(['verify', '-CAfile', other.certPath, '-purpose', 'sslclient', write(tempDir(), 'u.crt', cert.toString())]).status === 0, false);
  });
});

describe('a CA made by openssl', () => {
  for (const kind of ['ec', 'rsa'] as const) {
    it(`${kind}: issues certificates whose issuer repeats the CA subject byte for byte`, async () => {
      const dir = tempDir();
      const keyPath = path.join(dir, 'ca.key');
      // An EC key as openssl ecparam writes it (SEC1 "EC PRIVATE KEY"), or an RSA key.
      if (kind === 'ec') opensslOk(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', keyPath]);
      else opensslOk(['genrsa', '-out', keyPath, '2048']);
      opensslOk(['req', '-x509', '-new', '-key', keyPath, '-days', '3', '-subj', '/C=US/O=Example Org/CN=Example Root CA',
        '-out', path.join(dir, 'ca.crt')]);
      const ca = await ensureCA(dir);
      const pair = await issueServingCert(ca, { commonName: 'api', dnsNames: ['api.example.test'], ipAddresses: ['192.0.2.10'] });
      const certPath = write(dir, 'api.crt', pair.certPem);
      assert.equal(openssl(['verify', '-CAfile', ca.certPath, '-purpose', 'sslserver', certPath]).status, 0);
      // Go's chain building compares RawIssuer with the CA's RawSubject; a re-encoded name would not chain.
      assert.ok(rawNames(pair.certPem).issuer.equals(rawNames(ca.certPem).subject));
      // The authority key id repeats the CA's subject key id.
      const caText = opensslOk(['x509', '-in', ca.certPath, '-noout', '-ext', 'subjectKeyIdentifier']);
      const leafText = opensslOk(['x509', '-in', certPath, '-noout', '-ext', 'authorityKeyIdentifier']);
      const caKeyId = /([0-9A-F]{2}(:[0-9A-F]{2}){19})/.exec(caText)?.[1];
      assert.ok(caKeyId);
      assert.ok(leafText.includes(caKeyId), leafText);
      // A 3-day CA caps the leaf's validity.
      assert.equal(new X509Certificate(pair.certPem).validTo, new X509Certificate(ca.certPem).validTo);
    });
  }
});

describe('ensureServingCert', () => {
  async function setup(): Promise<{ dir: string; ca: LoadedCA }> {
    const dir = tempDir();
    return { dir, ca: await ensureCA(dir) };
  }

  it('issues apiserver.crt/.key with the default SANs on first start', async () => {
    const { dir, ca } = await setup();
    const result = await ensureServingCert(dir, ca, { serviceIP: '10.96.0.1', extraIPs: ['192.0.2.7'], extraDNSNames: ['api.example.test'] });
    assert.deepEqual(result, { certPath: path.join(dir, 'apiserver.crt'), keyPath: path.join(dir, 'apiserver.key'), issued: true });
    assert.equal(modeOf(result.keyPath), 0o600);
    assert.equal(modeOf(result.certPath), 0o644);
    const cert = new X509Certificate(readFileSync(result.certPath));
    const dnsNames = ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc',
      'kubernetes.default.svc.cluster.local', 'api.example.test'];
    for (const name of dnsNames) assert.equal(cert.checkHost(name, { subject: 'never' }), name, name);
    for (const ip of ['127.0.0.1', '::1', '10.96.0.1', '192.0.2.7']) assert.equal(cert.checkIP(ip), ip, ip);
    const hostname = os.hostname().toLowerCase();
    if (hostname !== 'localhost') assert.equal(cert.checkHost(hostname, { subject: 'never' }), hostname);
    for (const addrs of Object.values(os.networkInterfaces())) {
      for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) assert.equal(cert.checkIP(a.address), a.address);
    }
    assert.deepEqual(cert.keyUsage, [serverAuth]);
    assert.equal(openssl(['verify', '-CAfile', ca.certPath, '-purpose', 'sslserver', result.certPath]).status, 0);
  });

  it('takes the service IP as a parameter, 10.96.0.1 by default', () => {
    assert.ok(defaultServingSANs().ipAddresses.includes('10.96.0.1'));
    const custom = defaultServingSANs({ serviceIP: '10.100.0.1' });
    assert.ok(custom.ipAddresses.includes('10.100.0.1'));
    assert.equal(custom.ipAddresses.includes('10.96.0.1'), false);
    assert.equal(new Set(custom.dnsNames).size, custom.dnsNames.length, 'no duplicates');
  });

  it('reuses a certificate that still fits, and reissues when a SAN is missing', async () => {
    const { dir, ca } = await setup();
    await ensureServingCert(dir, ca, { serviceIP: '10.96.0.1' });
    const firstPem = readFileSync(path.join(dir, 'apiserver.crt'), 'utf8');
    const again = await ensureServingCert(dir, ca, { serviceIP: '10.96.0.1' });
    assert.equal(again.issued, false);
    assert.equal(readFileSync(path.join(dir, 'apiserver.crt'), 'utf8'), firstPem);

    const moved = await ensureServingCert(dir, ca, { serviceIP: '10.96.0.1', extraIPs: ['198.51.100.9'] });
    assert.equal(moved.issued, true);
    const cert = new X509Certificate(readFileSync(moved.certPath));
    assert.equal(cert.checkIP('198.51.100.9'), '198.51.100.9');
    assert.notEqual(cert.toString(), firstPem);
  });

  it('reissues when the certificate is from another CA, does not match its key, or is garbage', async () => {
    const { dir, ca } = await setup();
    const certPath = path.join(dir, 'apiserver.crt');
    const keyPath = path.join(dir, 'apiserver.key');

    const otherCA = await ensureCA(tempDir());
    await ensureServingCert(dir, otherCA);
    assert.equal((await ensureServingCert(dir, ca)).issued, true, 'signed by another CA');
    assert.ok(new X509Certificate(readFileSync(certPath)).verify(new X509Certificate(ca.certPem).publicKey));

    const stray = await issueServingCert(ca, { commonName: 'x', dnsNames: ['x'], ipAddresses: [] });
    writeFileSync(keyPath, stray.keyPem, { mode: 0o600 });
    assert.equal((await ensureServingCert(dir, ca)).issued, true, 'key does not match');

    writeFileSync(certPath, 'not a certificate');
    assert.equal((await ensureServingCert(dir, ca)).issued, true, 'unparseable');
    assert.equal((await ensureServingCert(dir, ca)).issued, false, 'and then it is reused');
  });

  it('does not reuse a certificate expiring within 30 days', async () => {
    const { dir, ca } = await setup();
    const { certPath, keyPath } = await ensureServingCert(dir, ca);
    const want = defaultServingSANs();
    const certPem = readFileSync(certPath, 'utf8');
    const keyPem = readFileSync(keyPath, 'utf8');
    assert.equal(servingCertReusable(certPem, keyPem, ca, want, Date.now()), true);
    assert.equal(servingCertReusable(certPem, keyPem, ca, want, Date.now() + 330 * dayMs), true, '35 days left');
    assert.equal(servingCertReusable(certPem, keyPem, ca, want, Date.now() + 340 * dayMs), false, '25 days left');
    assert.equal(servingCertReusable(certPem, keyPem, ca, { dnsNames: ['elsewhere.test'], ipAddresses: [] }, Date.now()), false);
  });

  it('does not accept a client certificate as a serving certificate', async () => {
    const { ca } = await setup();
    const client = await issueClientCert(ca, { commonName: 'localhost', organizations: [] });
    assert.equal(servingCertReusable(client.certPem, client.keyPem, ca, { dnsNames: [], ipAddresses: [] }, Date.now()), false);
  });
});

describe('writeSecretFile', () => {
  it('writes 0600 whatever the umask, replaces atomically and leaves no temporary file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'token');
    writeFileSync(file, 'old', { mode: 0o644 });
    const previous = process.umask(0);
    try {
      await writeSecretFile(file, 'new secret');
    } finally {
      process.umask(previous);
    }
    assert.equal(readFileSync(file, 'utf8'), 'new secret');
    assert.equal(modeOf(file), 0o600);
    assert.deepEqual(readdirSync(dir), ['token']);
  });

  it('fails without leaving debris when the directory does not exist', async () => {
    const dir = tempDir();
    await assert.rejects(writeSecretFile(path.join(dir, 'missing', 'key'), 'x'), { code: 'ENOENT' });
    assert.deepEqual(readdirSync(dir), []);
  });
});
