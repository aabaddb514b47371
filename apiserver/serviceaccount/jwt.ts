// Compact JWS (RFC 7515) tokens signed RS256 or ES256 with node's crypto: the format of kube's ServiceAccount tokens.
// Only the two algorithms kube issues are accepted, and a key only ever verifies its own algorithm, so a token cannot
// pick a weaker check for itself (`alg: none`, or HMAC keyed with a public key).
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

export type JwtAlgorithm = 'RS256' | 'ES256';

export interface SigningKey {
  privateKey: KeyObject;
  alg: JwtAlgorithm;
  /** The key's id in the token header (kube: base64url SHA-256 of the public key's DER). */
  kid: string;
}

export interface VerificationKey {
  publicKey: KeyObject;
  alg: JwtAlgorithm;
  kid: string;
}

export interface DecodedJwt {
  header: { alg?: unknown; kid?: unknown; [k: string]: unknown };
  payload: Record<string, unknown>;
  /** `<header>.<payload>` as sent: what the signature covers. */
  signingInput: string;
  signature: Buffer;
}

/** RS256 for RSA keys, ES256 for P-256 keys; anything else cannot sign or verify kube tokens. */
export function algorithmFor(key: KeyObject): JwtAlgorithm {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  const curve = key.asymmetricKeyDetails?.namedCurve;
  throw new Error(`unsupported service account key type ${key.asymmetricKeyType ?? 'unknown'}${curve ? ` (${curve})` : ''}: use RSA or ECDSA P-256`);
}

/** kube's keyIDFromPublicKey: base64url (unpadded) of the SHA-256 of the PKIX DER public key. */
export function keyId(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64url');
}

export function signingKey(privateKey: KeyObject): SigningKey {
  return { privateKey, alg: algorithmFor(privateKey), kid: keyId(privateKey) };
}

export function verificationKey(key: KeyObject): VerificationKey {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return { publicKey, alg: algorithmFor(publicKey), kid: keyId(publicKey) };
}

const segment = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

export function signJwt(payload: object, key: SigningKey): string {
  // go-jose writes exactly these two header fields for kube's tokens.
  const signingInput = `${segment({ alg: key.alg, kid: key.kid })}.${segment(payload)}`;
  const signature = sign('sha256', Buffer.from(signingInput), {
    key: key.privateKey,
    // JWS carries ECDSA signatures as raw r||s, not DER.
    ...(key.alg === 'ES256' ? { dsaEncoding: 'ieee-p1363' as const } : {}),
  });
  return `${signingInput}.${signature.toString('base64url')}`;
}

const base64url = /^[A-Za-z0-9_-]*$/;

/** The parts of a compact JWS, or undefined when `token` is not one (nothing is verified here). */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => base64url.test(p)) || parts[0] === '' || parts[1] === '') return undefined;
  const header = parseObject(parts[0]);
  const payload = parseObject(parts[1]);
  if (!header || !payload) return undefined;
  return { header, payload, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2], 'base64url') };
}

function parseObject(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether one of `keys` signed the token. A `kid` naming a known key narrows the search to it; a token without
 * one (or with an unknown one) is tried against every key of its algorithm, as kube's authenticator does.
 */
export function verifyJwtSignature(jwt: DecodedJwt, keys: readonly VerificationKey[]): boolean {
  const alg = jwt.header.alg;
  if (alg !== 'RS256' && alg !== 'ES256') return false;
  const candidates = keys.filter((k) => k.alg === alg);
  const named = candidates.filter((k) => k.kid === jwt.header.kid);
  for (const k of named.length > 0 ? named : candidates) {
    const ok = verify('sha256', Buffer.from(jwt.signingInput), {
      key: k.publicKey,
      ...(alg === 'ES256' ? { dsaEncoding: 'ieee-p1363' as const } : {}),
    }, jwt.signature);
    if (ok) return true;
  }
  return false;
}
