// pods/eviction: deletes the pod, or, with a dry run in the Eviction's deleteOptions (what kubectl drain
// --dry-run=server sends), only answers as if it had.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';

let api: TestApiserver;
before(async () => { api = await startApiserver(); });
after(async () => { await api.stop(); api.cleanup(); });

async function evict(name: string, deleteOptions?: Record<string, unknown>): Promise<number> {
  const res = await api.request('POST', `/api/v1/namespaces/default/pods/${name}/eviction`, {
    body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' }, ...(deleteOptions ? { deleteOptions } : {}) },
  });
  return res.status;
}

it('a dry run in deleteOptions leaves the pod; a real eviction removes it', async () => {
  const created = await api.request('POST', '/api/v1/namespaces/default/pods', {
    body: { metadata: { name: 'victim' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
  });
  assert.equal(created.status, 201, created.text);
  assert.equal(await evict('victim', { dryRun: ['All'] }), 201);
  assert.equal((await api.request('GET', '/api/v1/namespaces/default/pods/victim')).status, 200);
  assert.equal(await evict('victim'), 201);
  assert.equal((await api.request('GET', '/api/v1/namespaces/default/pods/victim')).status, 404);
});
