// A pod on a real kubelet gets what the client libraries' in-cluster config reads: a token bound to it, the
// cluster CA and its namespace under /var/run/secrets/kubernetes.io/serviceaccount, and KUBERNETES_SERVICE_HOST/PORT.
// The controller-manager runs the serviceaccount controller and the root-ca-cert-publisher (its CA from its
// kubeconfig). busybox has no TLS client, so the test process calls the apiserver with the token the pod holds.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startApiserver, type ApiResponse, type TestApiserver } from '../../helpers/apiserver.ts';
import { startComponent, waitFor, type TestComponent } from '../../helpers/component.ts';
import { testImage, testRuntime } from '../../helpers/images.ts';
import { startNode, type TestNode } from '../../helpers/node.ts';

let api: TestApiserver;
let node: TestNode;
let controllers: TestComponent;

before(async () => {
  api = await startApiserver();
  controllers = startComponent('controllers/main.ts', api,
    ['--leader-elect=false', '--controllers', 'serviceaccount-controller,root-ca-cert-publisher']);
  node = await startNode(api);
  await waitFor('the default ServiceAccount and kube-root-ca.crt', async () => {
    const sa = await api.request('GET', '/api/v1/namespaces/default/serviceaccounts/default');
    const cm = await api.request('GET', '/api/v1/namespaces/default/configmaps/kube-root-ca.crt');
    return sa.status === 200 && cm.status === 200 ? true : undefined;
  }, 30_000).catch((err: Error) => { throw new Error(`${err.message}\n${controllers.logs()}`); });
});
after(async () => {
  await node?.cleanup();
  await controllers?.stop();
  await api?.stop();
  api?.cleanup();
});

const mountPath = '/var/run/secrets/kubernetes.io/serviceaccount';
const claimsOf = (token: string): any => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());

async function inPod(id: string, cmd: string[]): Promise<string> {
  const r = await testRuntime().execSync(id, cmd, 5000);
  assert.equal(r.exitCode, 0, `${cmd.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

it('a pod reads its token, ca.crt and namespace, and the token authenticates it to the apiserver', async () => {
  const created = await api.request('POST', '/api/v1/namespaces/default/pods', { body: {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'client' },
    spec: { nodeName: node.name, containers: [{ name: 'app', image: testImage, imagePullPolicy: 'Never', command: ['sleep', '3600'] }] },
  } });
  assert.equal(created.status, 201, created.text);
  const volume = created.body.spec.volumes.find((v: { name: string }) => v.name.startsWith('kube-api-access-'));
  assert.ok(volume, JSON.stringify(created.body.spec.volumes));

  const pod = await waitFor('pod client Running', async () => {
    const p = (await api.request('GET', '/api/v1/namespaces/default/pods/client')).body;
    return p.status?.phase === 'Running' ? p : undefined;
  }, 60_000);
  const id = pod.status.containerStatuses[0].containerID.replace('docker://', '');

  assert.deepEqual((await inPod(id, ['ls', mountPath])).split('\n').filter(Boolean).sort(), ['ca.crt', 'namespace', 'token']);
  assert.equal(await inPod(id, ['cat', `${mountPath}/namespace`]), 'default');
  assert.equal(await inPod(id, ['cat', `${mountPath}/ca.crt`]), api.caPem);
  // Read-only, as admission mounted it.
  const write = await testRuntime().execSync(id, ['sh', '-c', `echo x > ${mountPath}/token`], 5000);
  assert.notEqual(write.exitCode, 0);
  const env = await inPod(id, ['sh', '-c', 'echo $KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT']);
  assert.match(env.trim(), /^\d+\.\d+\.\d+\.\d+:\d+$/);

  const token = await inPod(id, ['cat', `${mountPath}/token`]);
  const claims = claimsOf(token);
  assert.equal(claims.sub, 'system:serviceaccount:default:default');
  assert.deepEqual(claims['kubernetes.io'].pod, { name: 'client', uid: pod.metadata.uid });
  assert.equal(claims['kubernetes.io'].node.name, node.name);
  // The kube-api-access lifetime: an hour and 7 s to the kubelet, a year in the token, stale after the hour.
  assert.equal(claims['kubernetes.io'].warnafter - claims.iat, 3607);

  const review = await api.request('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
    token, body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
  });
  assert.equal(review.status, 201, review.text);
  assert.equal(review.body.status.userInfo.username, 'system:serviceaccount:default:default');
  assert.deepEqual(review.body.status.userInfo.extra['authentication.kubernetes.io/pod-name'], ['client']);
  const list: ApiResponse = await api.request('GET', '/api/v1/namespaces/default/pods', { token });
  assert.equal(list.status, 200);

  // The token lives as long as the pod.
  assert.equal((await api.request('DELETE', '/api/v1/namespaces/default/pods/client')).status, 200);
  await waitFor('the pod gone', async () => ((await api.request('GET', '/api/v1/namespaces/default/pods/client')).status === 404 ? true : undefined), 60_000);
  assert.equal((await api.request('GET', '/api/v1/namespaces/default/pods', { token })).status, 401);
});
