// The ServiceAccount token authenticator: a token is accepted only while it is signed by our key, from our issuer,
// for our audience, current, and the account (and the pod, secret or node it is bound to) still exists as issued.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { Socket } from 'node:net';
import { describe, it } from 'node:test';
import type { StoredObject } from '../../../apiserver/api/types.ts';
import { buildClaims, type ClaimsInput } from '../../../apiserver/serviceaccount/claims.ts';
import { signJwt, signingKey, verificationKey } from '../../../apiserver/serviceaccount/jwt.ts';
import {
  ServiceAccountTokenAuthenticator, type BoundKind, type TokenVerdict,
} from '../../../apiserver/serviceaccount/token-authenticator.ts';
import { authenticateRequest } from '../../../apiserver/server/authn.ts';

const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const issuer = 'https://kubernetes.default.svc.cluster.local';
const start = Date.parse('2025-03-01T12:00:00Z');

function obj(name: string, uid: string, deletionTimestamp?: string): StoredObject {
  return {
    apiVersion: 'v1', kind: 'X',
    metadata: { name, uid, resourceVersion: '1', creationTimestamp: '2025-01-01T00:00:00Z', ...(deletionTimestamp ? { deletionTimestamp } : {}) },
  };
}

function setup() {
  const objects = new Map<string, StoredObject>([
    ['serviceaccounts/team/bot', obj('bot', 'sa-uid')],
    ['pods/team/web', obj('web', 'pod-uid')],
    ['secrets/team/s', obj('s', 'secret-uid')],
    ['nodes//n1', obj('n1', 'node-uid')],
  ]);
  let now = start;
  const auth = new ServiceAccountTokenAuthenticator({
    issuers: [issuer, 'https://old.example'], audiences: [issuer], keys: [verificationKey(key)],
    objects: async (kind: BoundKind, ns, name) => objects.get(`${kind}/${kind === 'nodes' ? '' : ns}/${name}`),
    clock: () => now,
  });
  const token = (over: Partial<ClaimsInput> = {}, signer = key) => signJwt(buildClaims({
    issuer, audiences: [issuer], nowMs: start, expirationSeconds: 3600,
    serviceAccount: { namespace: 'team', name: 'bot', uid: 'sa-uid' }, jti: 'j', ...over,
  }), signingKey(signer));
  return { objects, auth, token, advance: (ms: number) => { now += ms; } };
}

const errorOf = (v: TokenVerdict): string | undefined => (typeof v === 'object' && 'error' in v ? v.error : undefined);

describe('ServiceAccountTokenAuthenticator', () => {
  it('a fresh token authenticates as its account', async () => {
    const { auth, token } = setup();
    assert.deepEqual(await auth.authenticate(token()), {
      name: 'system:serviceaccount:team:bot', uid: 'sa-uid',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:team'],
      extra: { 'authentication.kubernetes.io/credential-id': ['JTI=j'] },
    });
  });

  it('expires (after the leeway)', async () => {
    const { auth, token, advance } = setup();
    const t = token();
    advance(3600_000 + 30_000);
    assert.ok(await auth.authenticate(t));
    advance(31_000);
    assert.equal(errorOf(await auth.verify(t)), 'service account token has expired');
  });

  it('tokens from other issuers are not ours; any of our issuers is accepted', async () => {
    const { auth, token } = setup();
    assert.equal(await auth.verify(token({ issuer: 'https://elsewhere' })), 'notOurs');
    assert.equal(await auth.verify('not-a-jwt'), 'notOurs');
    assert.ok(await auth.authenticate(token({ issuer: 'https://old.example' })));
  });

  it('a token for another audience is refused', async () => {
    const { auth, token } = setup();
    assert.match(errorOf(await auth.verify(token({ audiences: ['vault'] }))) ?? '', /token audiences \["vault"\] is invalid/);
  });

  it('a token signed by a key we do not hold is refused', async () => {
    const { auth, token } = setup();
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    assert.equal(errorOf(await auth.verify(token({}, other))), 'token signature is invalid');
  });

  it('deleting the ServiceAccount revokes its tokens, and a new account of the same name does not revive them', async () => {
    const { auth, token, objects } = setup();
    const t = token();
    objects.delete('serviceaccounts/team/bot');
    assert.equal(errorOf(await auth.verify(t)), 'serviceaccounts "bot" not found');
    objects.set('serviceaccounts/team/bot', obj('bot', 'new-uid'));
    assert.equal(errorOf(await auth.verify(t)), 'service account UID (new-uid) does not match claim (sa-uid)');
  });

  it('an account being deleted keeps working for the leeway, then not', async () => {
    const { auth, token, objects } = setup();
    objects.set('serviceaccounts/team/bot', obj('bot', 'sa-uid', new Date(start - 30_000).toISOString()));
    assert.ok(await auth.authenticate(token()));
    objects.set('serviceaccounts/team/bot', obj('bot', 'sa-uid', new Date(start - 120_000).toISOString()));
    assert.equal(errorOf(await auth.verify(token())), 'service account team/bot has been deleted');
  });

  it('a pod-bound token lives as long as its pod (same uid), and names it in extra', async () => {
    const { auth, token, objects } = setup();
    const t = token({ pod: { name: 'web', uid: 'pod-uid' }, node: { name: 'gone-node', uid: 'x' } });
    const user = await auth.authenticate(t);
    assert.deepEqual(user?.extra?.['authentication.kubernetes.io/pod-name'], ['web']);
    assert.deepEqual(user?.extra?.['authentication.kubernetes.io/node-name'], ['gone-node'], 'the pod\'s node is not checked');
    objects.set('pods/team/web', obj('web', 'other-uid'));
    assert.equal(errorOf(await auth.verify(t)), 'pod UID (other-uid) does not match service account pod ref claim (pod-uid)');
    objects.delete('pods/team/web');
    assert.equal(errorOf(await auth.verify(t)), 'service account token has been invalidated');
  });

  it('secret- and node-bound tokens die with their object', async () => {
    const { auth, token, objects } = setup();
    const s = token({ secret: { name: 's', uid: 'secret-uid' } });
    const n = token({ node: { name: 'n1', uid: 'node-uid' } });
    assert.ok(await auth.authenticate(s));
    assert.ok(await auth.authenticate(n));
    objects.delete('secrets/team/s');
    objects.delete('nodes//n1');
    assert.equal(await auth.authenticate(s), undefined);
    assert.equal(await auth.authenticate(n), undefined);
  });
});

describe('authenticateRequest with ServiceAccount tokens', () => {
  const request = (authorization: string) => ({ headers: { authorization }, socket: new Socket() });

  it('a valid token is the account plus system:authenticated; an invalid one is a 401', async () => {
    const { auth, token } = setup();
    const user = await authenticateRequest(request(`Bearer ${token()}`), { serviceAccountTokens: auth });
    assert.ok(user && user !== 'invalid');
    assert.deepEqual(user.groups, ['system:serviceaccounts', 'system:serviceaccounts:team', 'system:authenticated']);
    assert.equal(await authenticateRequest(request(`Bearer ${token({ audiences: ['x'] })}`), { serviceAccountTokens: auth }), 'invalid');
  });
});
