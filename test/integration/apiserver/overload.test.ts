// Past --max-mutating-requests-inflight the apiserver answers 429 with Retry-After, and health checks still answer.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';

let api: TestApiserver;
before(async () => { api = await startApiserver({ args: ['--max-mutating-requests-inflight', '1'] }); });
after(async () => { await api.stop(); api.cleanup(); });

it('sheds load with 429 TooManyRequests', async () => {
  const results = await Promise.all(Array.from({ length: 60 }, (_, i) =>
    api.request('POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: `load-${i}` }, data: { blob: 'x'.repeat(50_000) } } })));
  const shed = results.filter((r) => r.status === 429);
  const created = results.filter((r) => r.status === 201);
  assert.ok(shed.length > 0, 'some requests are shed');
  assert.ok(created.length > 0, 'some requests get through');
  assert.equal(shed.length + created.length, results.length);
  assert.equal(shed[0].body.reason, 'TooManyRequests');
  assert.equal(shed[0].body.kind, 'Status');
  assert.equal(shed[0].headers['retry-after'], '1');
  assert.equal((await api.request('GET', '/healthz', { token: null })).status, 200);
  const list = await api.request('GET', '/api/v1/namespaces/default/configmaps');
  assert.equal(list.body.items.length, created.length, 'a shed request stored nothing');
});
