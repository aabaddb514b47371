// The keys ServiceAccount tokens are signed and verified with, from kube-apiserver's flags:
// --service-account-signing-key-file (the private key new tokens are signed with) and --service-account-key-file
// (repeatable: every public or private key whose tokens are accepted, so a rotated-out key keeps its tokens valid
// until they expire). Without either, a key pair is made once under the cert dir (sa.key 0600, sa.pub), as kubeadm
// does, so a cluster's tokens survive apiserver restarts.
import { X509Certificate, createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { writePublicFile, writeSecretFile } from '../server/secret-file.ts';
import { signingKey, verificationKey, type SigningKey, type VerificationKey } from './jwt.ts';

const generateKeyPairAsync = promisify(generateKeyPair);

export interface ServiceAccountKeys {
  signing: SigningKey;
  verifying: VerificationKey[];
}

export interface ServiceAccountKeyFlags {
  signingKeyFile?: string;
  keyFiles: string[];
  /** Where sa.key/sa.pub are generated when no signing key file is given. */
  certDir: string;
}

export async function loadServiceAccountKeys(flags: ServiceAccountKeyFlags): Promise<ServiceAccountKeys> {
  let signingPem: string;
  if (flags.signingKeyFile) {
    signingPem = await readFile(flags.signingKeyFile, 'utf8');
  } else {
    if (flags.keyFiles.length > 0) {
      throw new Error('--service-account-key-file was given without --service-account-signing-key-file: give the private key that signs new tokens too');
    }
    signingPem = await ensureGeneratedKeyPair(flags.certDir);
  }
  const signing = signingKey(parsePrivateKey(signingPem, flags.signingKeyFile ?? path.join(flags.certDir, 'sa.key')));
  const verifying: VerificationKey[] = [];
  for (const file of flags.keyFiles) {
    for (const key of parsePublicKeys(await readFile(file, 'utf8'), file)) verifying.push(verificationKey(key));
  }
  if (flags.keyFiles.length === 0) verifying.push(verificationKey(signing.privateKey));
  // kube would start and issue tokens nobody accepts; say so instead.
  if (!verifying.some((k) => k.kid === signing.kid)) {
    throw new Error('the service account signing key\'s public key is not in any --service-account-key-file: the tokens it signs would never verify');
  }
  return { signing, verifying };
}

/** `dir/sa.key` (created when absent: RSA 2048, like kubeadm's), returned as PEM. sa.pub is its public half. */
async function ensureGeneratedKeyPair(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const keyPath = path.join(dir, 'sa.key');
  const pubPath = path.join(dir, 'sa.pub');
  const existing = await readIfExists(keyPath);
  if (existing !== undefined) {
    // A lost sa.pub is only a convenience copy; put it back from the key.
    if (await readIfExists(pubPath) === undefined) await writePublicFile(pubPath, publicPem(createPrivateKey(existing)));
    return existing;
  }
  const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  await writeSecretFile(keyPath, pem);
  await writePublicFile(pubPath, publicPem(privateKey));
  return pem;
}

function publicPem(key: KeyObject): string {
  return createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
}

function parsePrivateKey(pem: string, file: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (err) {
    throw new Error(`${file}: not a PEM private key (${(err as Error).message})`);
  }
}

const pemBlock = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/** Every key in a PEM file, as kube's keyutil.ParsePublicKeysPEM reads it: public keys, private keys, certificates. */
export function parsePublicKeys(text: string, file: string): KeyObject[] {
  const keys: KeyObject[] = [];
  for (const match of text.matchAll(pemBlock)) {
    const [block, type] = match;
    try {
      if (type === 'CERTIFICATE') keys.push(new X509Certificate(block).publicKey);
      else if (type.endsWith('PRIVATE KEY')) keys.push(createPublicKey(createPrivateKey(block)));
      else if (type.endsWith('PUBLIC KEY')) keys.push(createPublicKey(block));
    } catch (err) {
      throw new Error(`${file}: unreadable ${type} block (${(err as Error).message})`);
    }
  }
  if (keys.length === 0) throw new Error(`${file}: no public or private key found`);
  return keys;
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
