// ServiceAccount tokens end to end on a real apiserver: TokenRequest over HTTP and through `kubectl create token`,
// the token as a bearer credential (`kubectl auth whoami`), revocation by deleting the account or the bound pod,
// and the kube-api-access volume ServiceAccount admission adds to new pods.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kubectlFor, type Kubectl } from '../../helpers/kubectl.ts';
import { startApiserver, type ApiResponse, type TestApiserver } from '../../helpers/apiserver.ts';

let api: TestApiserver;
let kubectl: Kubectl;
let dir: string;

before(async () => {
  api = await startApiserver();
  dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-satoken-'));
  kubectl = kubectlFor(api.kubeconfig, { cacheDir: path.join(dir, 'cache') });
});
after(async () => {
  await api.stop();
  api.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

async function ok(res: Promise<ApiResponse>, status = 201): Promise<any> {
  const r = await res;
  assert.equal(r.status, status, r.text);
  return r.body;
}

const claimsOf = (token: string): any => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
const serviceAccount = (ns: string, name: string, extra: Record<string, unknown> = {}) =>
  ok(api.request('POST', `/api/v1/namespaces/${ns}/serviceaccounts`, { body: { metadata: { name }, ...extra } }));
const pod = (ns: string, name: string, spec: Record<string, unknown> = {}) => ok(api.request('POST', `/api/v1/namespaces/${ns}/pods`, {
  body: { metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } },
}));
const whoami = (token: string) => kubectl('--token', token, 'auth', 'whoami', '-o', 'json').then((out) => JSON.parse(out).status.userInfo);

describe('TokenRequest', () => {
  it('POST serviceaccounts/<name>/token issues a signed token for the account', async () => {
    const sa = await serviceAccount('default', 'robot');
    const tr = await ok(api.request('POST', '/api/v1/namespaces/default/serviceaccounts/robot/token', {
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 900 } },
    }));
    assert.equal(tr.kind, 'TokenRequest');
    assert.equal(tr.spec.expirationSeconds, 900);
    assert.deepEqual(tr.spec.audiences, ['https://kubernetes.default.svc.cluster.local']);
    const expires = Date.parse(tr.status.expirationTimestamp);
    assert.ok(Math.abs(expires - (Date.now() + 900_000)) < 5000, tr.status.expirationTimestamp);
    const claims = claimsOf(tr.status.token);
    assert.equal(claims.iss, 'https://kubernetes.default.svc.cluster.local');
    assert.equal(claims.sub, 'system:serviceaccount:default:robot');
    assert.equal(claims['kubernetes.io'].serviceaccount.uid, sa.metadata.uid);
    assert.equal(claims.exp - claims.iat, 900);
  });

  it('is listed in discovery as serviceaccounts/token, taking a TokenRequest', async () => {
    const list = await ok(api.request('GET', '/api/v1'), 200);
    const entry = list.resources.find((r: any) => r.name === 'serviceaccounts/token');
    assert.deepEqual(entry, {
      name: 'serviceaccounts/token', singularName: '', namespaced: true, group: 'authentication.k8s.io', version: 'v1',
      kind: 'TokenRequest', verbs: ['create'],
    });
  });

  it('refuses short lifetimes and unknown accounts as kube does', async () => {
    const short = await api.request('POST', '/api/v1/namespaces/default/serviceaccounts/robot/token', { body: { spec: { expirationSeconds: 60 } } });
    assert.equal(short.status, 422, short.text);
    assert.match(short.body.message, /may not specify a duration less than 10 minutes/);
    const missing = await api.request('POST', '/api/v1/namespaces/default/serviceaccounts/nobody/token', { body: { spec: {} } });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.message, 'serviceaccounts "nobody" not found');
  });
});

describe('kubectl create token and the token as a credential', () => {
  it('kubectl create token prints a token kubectl auth whoami then authenticates as the account', async () => {
    const sa = await serviceAccount('default', 'builder');
    const token = (await kubectl('create', 'token', 'builder', '--duration', '20m')).trim();
    assert.equal(claimsOf(token).exp - claimsOf(token).iat, 1200);
    assert.deepEqual(await whoami(token), {
      username: 'system:serviceaccount:default:builder', uid: sa.metadata.uid,
      groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
      extra: { 'authentication.kubernetes.io/credential-id': [`JTI=${claimsOf(token).jti}`] },
    });
    assert.match(await kubectl('--token', token, 'get', 'serviceaccounts'), /^builder\s/m);
  });

  it('deleting the account revokes its tokens: 401', async () => {
    await serviceAccount('default', 'doomed');
    const token = (await kubectl('create', 'token', 'doomed')).trim();
    assert.equal((await api.request('GET', '/api/v1/namespaces/default/pods', { token })).status, 200);
    await kubectl('delete', 'serviceaccount', 'doomed');
    const res = await api.request('GET', '/api/v1/namespaces/default/pods', { token });
    assert.equal(res.status, 401);
    assert.equal(res.body.reason, 'Unauthorized');
    // A new account of the same name is someone else.
    await serviceAccount('default', 'doomed');
    assert.equal((await api.request('GET', '/api/v1/namespaces/default/pods', { token })).status, 401);
  });

  it('a token bound to a pod names it, and stops working when the pod is deleted', async () => {
    await serviceAccount('default', 'runner');
    const p = await pod('default', 'bound', { serviceAccountName: 'runner' });
    const token = (await kubectl('create', 'token', 'runner', '--bound-object-kind', 'Pod', '--bound-object-name', 'bound')).trim();
    assert.deepEqual(claimsOf(token)['kubernetes.io'].pod, { name: 'bound', uid: p.metadata.uid });
    const user = await whoami(token);
    assert.deepEqual(user.extra['authentication.kubernetes.io/pod-name'], ['bound']);
    assert.deepEqual(user.extra['authentication.kubernetes.io/pod-uid'], [p.metadata.uid]);
    await ok(api.request('DELETE', '/api/v1/namespaces/default/pods/bound?gracePeriodSeconds=0'), 200);
    assert.equal((await api.request('GET', '/api/v1/namespaces/default/pods', { token })).status, 401);
    assert.match(await kubectl.fails('create', 'token', 'runner', '--bound-object-kind', 'Pod', '--bound-object-name', 'bound'),
      /pods "bound" not found/);
  });

  it('a token for another audience, a forged one and garbage are 401; the token file still works', async () => {
    await serviceAccount('default', 'aud');
    const foreign = (await kubectl('create', 'token', 'aud', '--audience', 'vault')).trim();
    assert.equal((await api.request('GET', '/api/v1/namespaces', { token: foreign })).status, 401);
    const [h, p, s] = (await kubectl('create', 'token', 'aud')).trim().split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'system:serviceaccount:kube-system:default' })).toString('base64url')}.${s}`;
    assert.equal((await api.request('GET', '/api/v1/namespaces', { token: forged })).status, 401);
    assert.equal((await api.request('GET', '/api/v1/namespaces', { token: 'a.b.c' })).status, 401);
    assert.equal((await api.request('GET', '/api/v1/namespaces')).status, 200, 'the admin token from the token file');
  });
});

describe('ServiceAccount admission', () => {
  it('a pod created where its account exists gets the kube-api-access volume in every container', async () => {
    await ok(api.request('POST', '/api/v1/namespaces', { body: { metadata: { name: 'apps' } } }));
    await serviceAccount('apps', 'default');
    const created = await pod('apps', 'web', {
      initContainers: [{ name: 'init', image: 'busybox' }],
      containers: [{ name: 'a', image: 'busybox' }, { name: 'b', image: 'busybox' }],
    });
    const volume = created.spec.volumes.find((v: any) => v.name.startsWith('kube-api-access-'));
    assert.match(volume.name, /^kube-api-access-[a-z0-9]{5}$/);
    assert.deepEqual(volume.projected, {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    });
    for (const c of [...created.spec.initContainers, ...created.spec.containers]) {
      assert.deepEqual(c.volumeMounts, [{ name: volume.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }]);
    }
    // What was stored is what was answered.
    const stored = await ok(api.request('GET', '/api/v1/namespaces/apps/pods/web'), 200);
    assert.deepEqual(stored.spec.volumes, created.spec.volumes);
  });

  it('automountServiceAccountToken: false on the pod or its account means no volume', async () => {
    await serviceAccount('apps', 'quiet', { automountServiceAccountToken: false });
    const fromAccount = await pod('apps', 'quiet', { serviceAccountName: 'quiet' });
    assert.equal(fromAccount.spec.volumes, undefined);
    const fromPod = await pod('apps', 'optout', { automountServiceAccountToken: false });
    assert.equal(fromPod.spec.volumes, undefined);
  });

  it('a pod whose account does not exist is admitted without the volume', async () => {
    const created = await pod('apps', 'orphan', { serviceAccountName: 'ghost' });
    assert.equal(created.spec.volumes, undefined);
  });
});

describe('signing keys', () => {
  it('the generated key is kept: tokens survive an apiserver restart', async () => {
    await serviceAccount('default', 'durable');
    const token = (await kubectl('create', 'token', 'durable')).trim();
    await api.stop();
    await api.restart();
    assert.equal((await api.request('GET', '/api/v1/namespaces', { token })).status, 200);
  });

  it('--service-account-signing-key-file, --service-account-issuer and --api-audiences are kube\'s', async () => {
    const keyFile = path.join(dir, 'sa-ec.key');
    writeFileSync(keyFile, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const other = await startApiserver({ args: [
      '--service-account-signing-key-file', keyFile, '--service-account-key-file', keyFile,
      '--service-account-issuer', 'https://skiff.example', '--api-audiences', 'https://skiff.example,skiff',
    ] });
    try {
      await ok(other.request('POST', '/api/v1/namespaces/default/serviceaccounts', { body: { metadata: { name: 'ec' } } }));
      const tr = await ok(other.request('POST', '/api/v1/namespaces/default/serviceaccounts/ec/token', { body: { spec: { audiences: ['skiff'] } } }));
      const header = JSON.parse(Buffer.from(tr.status.token.split('.')[0], 'base64url').toString());
      assert.equal(header.alg, 'ES256');
      assert.equal(claimsOf(tr.status.token).iss, 'https://skiff.example');
      assert.equal((await other.request('GET', '/api/v1/namespaces', { token: tr.status.token })).status, 200);
      // The first apiserver's tokens are another issuer's, signed with another key.
      const foreign = (await kubectl('create', 'token', 'durable')).trim();
      assert.equal((await other.request('GET', '/api/v1/namespaces', { token: foreign })).status, 401);
    } finally {
      await other.stop();
      other.cleanup();
    }
  });
});
