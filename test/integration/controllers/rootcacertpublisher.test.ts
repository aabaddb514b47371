// root-ca-cert-publisher against a real apiserver: kube-root-ca.crt with the apiserver's CA in every namespace,
// made again when deleted, put back when edited.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { controllerFactories } from '../../../controllers/all.ts';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { waitFor } from '../../helpers/component.ts';
import { runControllers, type RunningControllers } from './harness.ts';

let api: TestApiserver;
let ctrl: RunningControllers;

before(async () => {
  api = await startApiserver();
  ctrl = await runControllers(api, [controllerFactories['root-ca-cert-publisher']], { settings: { rootCA: api.caPem } });
});
after(async () => {
  await ctrl.stop();
  await api.stop();
  api.cleanup();
});

const path = (ns: string) => `/api/v1/namespaces/${ns}/configmaps/kube-root-ca.crt`;
const published = (ns: string, check: (cm: any) => boolean = () => true) => waitFor(`kube-root-ca.crt in ${ns}`, async () => {
  const res = await api.request('GET', path(ns));
  return res.status === 200 && check(res.body) ? res.body : undefined;
});

describe('root-ca-cert-publisher', () => {
  it('publishes the apiserver CA in every namespace, new ones too', async () => {
    await api.request('POST', '/api/v1/namespaces', { body: { metadata: { name: 'late' } } });
    for (const ns of ['default', 'kube-system', 'kube-public', 'late']) {
      const cm = await published(ns);
      assert.deepEqual(cm.data, { 'ca.crt': api.caPem });
      assert.match(cm.metadata.annotations['kubernetes.io/description'], /^Contains a CA bundle that can be used to verify the kube-apiserver/);
    }
  });

  it('makes it again after it is deleted', async () => {
    const before = await published('late');
    assert.equal((await api.request('DELETE', path('late'))).status, 200);
    const again = await published('late', (cm) => cm.metadata.uid !== before.metadata.uid);
    assert.deepEqual(again.data, { 'ca.crt': api.caPem });
  });

  it('puts the CA back when someone edits it', async () => {
    const res = await api.request('PATCH', path('late'), {
      body: { data: { 'ca.crt': 'not a CA' } }, contentType: 'application/merge-patch+json',
    });
    assert.equal(res.status, 200, res.text);
    const restored = await published('late', (cm) => cm.data['ca.crt'] === api.caPem && Number(cm.metadata.resourceVersion) > Number(res.body.metadata.resourceVersion));
    assert.deepEqual(Object.keys(restored.data), ['ca.crt']);
  });
});
