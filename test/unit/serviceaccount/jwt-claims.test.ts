// ServiceAccount tokens: the JWT signing and verification, the claims kube puts in them, and the pure checks on them.
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  audienceAccepted, buildClaims, checkTimes, readClaims, userForClaims, type ClaimsInput,
} from '../../../apiserver/serviceaccount/claims.ts';
import { decodeJwt, keyId, signJwt, signingKey, verificationKey, verifyJwtSignature } from '../../../apiserver/serviceaccount/jwt.ts';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const now = Date.parse('2025-03-01T12:00:00Z');
const issuer = 'https://kubernetes.default.svc.cluster.local';

const input = (over: Partial<ClaimsInput> = {}): ClaimsInput => ({
  issuer, audiences: [issuer], nowMs: now, expirationSeconds: 3600,
  serviceAccount: { namespace: 'team', name: 'bot', uid: 'sa-uid' }, jti: 'jti-1', ...over,
});

describe('JWT signing', () => {
  for (const [alg, key] of [['RS256', rsa], ['ES256', ec]] as const) {
    it(`${alg}: signs with alg and kid in the header, and verifies with the public key`, () => {
      const token = signJwt({ hello: 'world' }, signingKey(key));
      const jwt = decodeJwt(token)!;
      assert.deepEqual(jwt.header, { alg, kid: keyId(key) });
      assert.deepEqual(jwt.payload, { hello: 'world' });
      assert.equal(verifyJwtSignature(jwt, [verificationKey(createPublicKey(key))]), true);
    });
  }

  it('the key id is kube\'s: base64url SHA-256 of the public key DER, the same from either half', () => {
    assert.match(keyId(rsa), /^[A-Za-z0-9_-]{43}$/);
    assert.equal(keyId(rsa), keyId(createPublicKey(rsa)));
  });

  it('a tampered payload, another key, or alg none does not verify', () => {
    const token = signJwt({ sub: 'a' }, signingKey(rsa));
    const [h, , s] = token.split('.');
    const forged = decodeJwt(`${h}.${Buffer.from('{"sub":"b"}').toString('base64url')}.${s}`)!;
    assert.equal(verifyJwtSignature(forged, [verificationKey(rsa)]), false);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    assert.equal(verifyJwtSignature(decodeJwt(token)!, [verificationKey(other)]), false);
    const none = decodeJwt(`${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"a"}').toString('base64url')}.`)!;
    assert.equal(verifyJwtSignature(none, [verificationKey(rsa)]), false);
    // An RS256 token is not checked against an EC key, nor the other way round.
    assert.equal(verifyJwtSignature(decodeJwt(token)!, [verificationKey(ec)]), false);
  });

  it('with several keys, a token signed by any of them verifies (rotation)', () => {
    const token = signJwt({ sub: 'a' }, signingKey(ec));
    assert.equal(verifyJwtSignature(decodeJwt(token)!, [verificationKey(rsa), verificationKey(ec)]), true);
  });

  it('decodeJwt turns down what is not a compact JWS', () => {
    for (const t of ['', 'abc', 'a.b', 'a.b.c.d', 'not base64!.x.y', `${Buffer.from('[]').toString('base64url')}.e30.`]) {
      assert.equal(decodeJwt(t), undefined, t);
    }
  });
});

describe('ServiceAccount claims', () => {
  it('carries kube\'s registered and private claims', () => {
    const claims = buildClaims(input({ pod: { name: 'web', uid: 'pod-uid' }, node: { name: 'n1', uid: 'node-uid' } }));
    assert.deepEqual(claims, {
      aud: [issuer], exp: now / 1000 + 3600, iat: now / 1000, iss: issuer, jti: 'jti-1',
      'kubernetes.io': {
        namespace: 'team', serviceaccount: { name: 'bot', uid: 'sa-uid' },
        pod: { name: 'web', uid: 'pod-uid' }, node: { name: 'n1', uid: 'node-uid' },
      },
      nbf: now / 1000, sub: 'system:serviceaccount:team:bot',
    });
  });

  it('warnafter is set relative to the issue time', () => {
    assert.equal(buildClaims(input({ warnAfterSeconds: 3607 }))['kubernetes.io'].warnafter, now / 1000 + 3607);
  });

  it('a token is bound to a secret or to a pod, never both', () => {
    assert.throws(() => buildClaims(input({ secret: { name: 's', uid: '1' }, pod: { name: 'p', uid: '2' } })));
  });

  it('reads back what it wrote; a single string audience is accepted too', () => {
    const claims = buildClaims(input({ secret: { name: 's', uid: 's-uid' } }));
    assert.deepEqual(readClaims(JSON.parse(JSON.stringify(claims))), claims);
    const single = readClaims({ ...claims, aud: 'api' });
    assert.ok(typeof single !== 'string');
    assert.deepEqual(single.aud, ['api']);
  });

  it('refuses payloads that are not ServiceAccount tokens', () => {
    const claims = buildClaims(input()) as unknown as Record<string, unknown>;
    assert.equal(typeof readClaims({ ...claims, 'kubernetes.io': undefined }), 'string');
    assert.equal(typeof readClaims({ ...claims, sub: 'system:serviceaccount:team:other' }), 'string');
    assert.equal(typeof readClaims({ ...claims, aud: undefined }), 'string');
    assert.equal(typeof readClaims({ ...claims, exp: '1' }), 'string');
  });

  it('expiry, not-before and issued-at are checked with a minute of leeway', () => {
    const claims = buildClaims(input());
    assert.equal(checkTimes(claims, now), undefined);
    assert.equal(checkTimes(claims, now + 3600_000 + 59_000), undefined, 'within the leeway after exp');
    assert.equal(checkTimes(claims, now + 3600_000 + 61_000), 'service account token has expired');
    assert.equal(checkTimes(claims, now - 61_000), 'service account token is not valid yet');
    assert.equal(checkTimes({ ...claims, nbf: 0 }, now - 61_000), 'service account token is issued in the future');
  });

  it('the audiences must meet those the apiserver accepts', () => {
    const claims = buildClaims(input({ audiences: ['vault', issuer] }));
    assert.equal(audienceAccepted(claims, [issuer]), true);
    assert.equal(audienceAccepted(claims, ['other']), false);
  });

  it('the user is the account, in its groups, with the pod and node as extra', () => {
    assert.deepEqual(userForClaims(buildClaims(input({ pod: { name: 'web', uid: 'p' }, node: { name: 'n1', uid: 'n' } }))), {
      name: 'system:serviceaccount:team:bot', uid: 'sa-uid',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:team'],
      extra: {
        'authentication.kubernetes.io/pod-name': ['web'], 'authentication.kubernetes.io/pod-uid': ['p'],
        'authentication.kubernetes.io/credential-id': ['JTI=jti-1'],
        'authentication.kubernetes.io/node-name': ['n1'], 'authentication.kubernetes.io/node-uid': ['n'],
      },
    });
  });
});
