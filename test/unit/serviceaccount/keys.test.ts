// The signing and verification keys from kube's flags, or a pair generated once under the cert dir.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { verificationKey } from '../../../apiserver/serviceaccount/jwt.ts';
import { loadServiceAccountKeys, parsePublicKeys } from '../../../apiserver/serviceaccount/keys.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-sa-keys-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('loadServiceAccountKeys', () => {
  it('generates sa.key (0600) and sa.pub once, and reuses them', async () => {
    const certDir = path.join(dir, 'pki');
    const first = await loadServiceAccountKeys({ keyFiles: [], certDir });
    assert.equal(statSync(path.join(certDir, 'sa.key')).mode & 0o777, 0o600);
    assert.match(readFileSync(path.join(certDir, 'sa.pub'), 'utf8'), /BEGIN PUBLIC KEY/);
    assert.equal(first.signing.alg, 'RS256');
    assert.deepEqual(first.verifying.map((k) => k.kid), [first.signing.kid]);
    const again = await loadServiceAccountKeys({ keyFiles: [], certDir });
    assert.equal(again.signing.kid, first.signing.kid);
  });

  it('takes an ECDSA signing key and several verification files (rotation)', async () => {
    const current = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const old = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const signingFile = path.join(dir, 'signing.key');
    writeFileSync(signingFile, current.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const pubs = path.join(dir, 'pubs.pem');
    writeFileSync(pubs, `${current.publicKey.export({ type: 'spki', format: 'pem' })}${old.publicKey.export({ type: 'pkcs1', format: 'pem' })}`);
    const keys = await loadServiceAccountKeys({ signingKeyFile: signingFile, keyFiles: [pubs], certDir: path.join(dir, 'unused') });
    assert.equal(keys.signing.alg, 'ES256');
    assert.deepEqual(keys.verifying.map((k) => k.alg), ['ES256', 'RS256']);
  });

  it('refuses a signing key whose tokens no key file would verify, and key files without a signing key', async () => {
    const signingFile = path.join(dir, 'lonely.key');
    writeFileSync(signingFile, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const other = path.join(dir, 'other.pub');
    writeFileSync(other, generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }));
    await assert.rejects(loadServiceAccountKeys({ signingKeyFile: signingFile, keyFiles: [other], certDir: dir }), /would never verify/);
    await assert.rejects(loadServiceAccountKeys({ keyFiles: [other], certDir: dir }), /without --service-account-signing-key-file/);
  });

  it('parsePublicKeys refuses files without keys and keys it cannot use', () => {
    assert.throws(() => parsePublicKeys('nothing here', 'f'), /no public or private key/);
    const ed = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const [key] = parsePublicKeys(ed, 'f');
    assert.throws(() => verificationKey(key), /unsupported service account key type ed25519/);
  });
});
