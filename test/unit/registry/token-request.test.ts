// serviceaccounts/token: kube's TokenREST checks, defaults and claims, on a real registry.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { isApiError } from '../../../apiserver/api/errors.ts';
import { resourceFor } from '../../../apiserver/api/resources.ts';
import type { KubeObject, TokenRequest } from '../../../apiserver/api/types.ts';
import { Registry } from '../../../apiserver/registry/registry.ts';
import { createToken, type TokenIssuerConfig } from '../../../apiserver/registry/token-request.ts';
import { decodeJwt, signingKey } from '../../../apiserver/serviceaccount/jwt.ts';
import { openTestStore, tempDir } from '../storage/store-fixtures.ts';

const issuer = 'https://kubernetes.default.svc.cluster.local';
const now = Date.parse('2025-03-01T12:00:00Z');

describe('createToken', async () => {
  const dir = tempDir();
  const store = await openTestStore(dir.dbPath);
  after(async () => {
    await store.close();
    dir.remove();
  });
  const registry = new Registry(store);
  const make = (plural: string, namespace: string, obj: KubeObject) => registry.create(resourceFor('', 'v1', plural)!, namespace, obj);
  const sa = await make('serviceaccounts', 'team', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'bot' } });
  const node = await make('nodes', '', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
  const pod = await make('pods', 'team', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' },
    spec: { serviceAccountName: 'bot', nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }] } });
  const other = await make('pods', 'team', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'other' },
    spec: { containers: [{ name: 'c', image: 'busybox' }] } });
  const config: TokenIssuerConfig = {
    issuer, apiAudiences: [issuer], key: signingKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey),
    maxExpirationSeconds: 0, extendExpiration: true, clock: () => now,
  };
  // kubernetes-types marks audiences required; clients (kubectl) leave it out for the apiserver's default.
  const request = (spec: Partial<TokenRequest['spec']> = {}): TokenRequest => ({ spec: spec as TokenRequest['spec'] });
  const claims = (tr: TokenRequest) => decodeJwt(tr.status!.token)!.payload;
  const fails = async (p: Promise<unknown>, code: number, message: RegExp) => {
    await assert.rejects(p, (e: unknown) => isApiError(e) && e.code === code && message.test(e.message));
  };

  it('defaults: the apiserver\'s audiences and an hour; answers with the token and its expiry', async () => {
    const tr = await createToken(registry, config, 'team', 'bot', request());
    assert.equal(tr.kind, 'TokenRequest');
    assert.equal(tr.apiVersion, 'authentication.k8s.io/v1');
    assert.deepEqual(tr.metadata, { name: 'bot', namespace: 'team', uid: sa.metadata.uid, creationTimestamp: '2025-03-01T12:00:00Z' });
    assert.deepEqual(tr.spec, { audiences: [issuer], expirationSeconds: 3600 });
    assert.equal(tr.status!.expirationTimestamp, '2025-03-01T13:00:00Z');
    const c = claims(tr);
    assert.equal(c.iss, issuer);
    assert.equal(c.sub, 'system:serviceaccount:team:bot');
    assert.equal(c.exp, now / 1000 + 3600);
    assert.deepEqual(c['kubernetes.io'], { namespace: 'team', serviceaccount: { name: 'bot', uid: sa.metadata.uid } });
  });

  it('a pod-bound token names the pod and its node', async () => {
    const tr = await createToken(registry, config, 'team', 'bot', request({
      audiences: ['vault'], expirationSeconds: 600,
      boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'web', uid: pod.metadata.uid },
    }));
    assert.deepEqual(claims(tr).aud, ['vault']);
    assert.deepEqual(claims(tr)['kubernetes.io'], {
      namespace: 'team', serviceaccount: { name: 'bot', uid: sa.metadata.uid },
      pod: { name: 'web', uid: pod.metadata.uid }, node: { name: 'n1', uid: node.metadata.uid },
    });
  });

  it('the kube-api-access lifetime (3607 s) bound to a pod is extended to a year, with warnafter', async () => {
    const tr = await createToken(registry, config, 'team', 'bot', request({
      expirationSeconds: 3607, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web' },
    }));
    assert.equal(tr.status!.expirationTimestamp, '2025-03-01T13:00:07Z', 'the status keeps the requested lifetime');
    assert.equal(claims(tr).exp, now / 1000 + 365 * 24 * 3600);
    assert.equal((claims(tr)['kubernetes.io'] as { warnafter: number }).warnafter, now / 1000 + 3607);
    const plain = await createToken(registry, { ...config, extendExpiration: false }, 'team', 'bot', request({
      expirationSeconds: 3607, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web' },
    }));
    assert.equal(claims(plain).exp, now / 1000 + 3607);
  });

  it('--service-account-max-token-expiration caps the lifetime', async () => {
    const tr = await createToken(registry, { ...config, maxExpirationSeconds: 1200 }, 'team', 'bot', request({ expirationSeconds: 7200 }));
    assert.equal(tr.spec.expirationSeconds, 1200);
    assert.equal(claims(tr).exp, now / 1000 + 1200);
  });

  it('kube\'s refusals', async () => {
    await fails(createToken(registry, config, 'team', 'nobody', request()), 404, /serviceaccounts "nobody" not found/);
    await fails(createToken(registry, config, 'team', 'bot', request({ expirationSeconds: 599 })), 422,
      /spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes/);
    await fails(createToken(registry, config, 'team', 'bot', { metadata: { name: 'other' }, spec: { audiences: [] } }), 422,
      /metadata.name: Invalid value: "other": must match the service account name if specified/);
    await fails(createToken(registry, config, 'team', 'bot', request({ boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'other' } })), 400,
      /cannot bind token for serviceaccount "bot" to pod running with different serviceaccount name/);
    await fails(createToken(registry, config, 'team', 'bot', request({ boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web', uid: other.metadata.uid } })), 409,
      /the UID in the bound object reference .* does not match the UID in record/);
    await fails(createToken(registry, config, 'team', 'bot', request({ boundObjectRef: { kind: 'ConfigMap', apiVersion: 'v1', name: 'x' } })), 400,
      /cannot bind token to object of type \/v1, Kind=ConfigMap/);
    await fails(createToken(registry, config, 'team', 'bot', request({ boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'missing' } })), 404,
      /pods "missing" not found/);
  });
});
