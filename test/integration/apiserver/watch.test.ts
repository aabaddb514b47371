// The watch contract: initial state, resume from a revision with no gap or duplicate (also across an
// apiserver restart), selectors turning into ADDED/DELETED, bookmarks, timeouts and 410 after compaction.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { openWatch } from '../../helpers/watch.ts';

let api: TestApiserver;
// Short history so the compaction test needs no waiting: at least 20 revisions and 1 s are kept.
before(async () => {
  api = await startApiserver({ args: ['--etcd-compaction-interval', '1s', '--compaction-retain-revisions', '20', '--compaction-retain-age', '1s'] });
});
after(async () => { await api.stop(); api.cleanup(); });

const ns = '/api/v1/namespaces/default/configmaps';
const create = (name: string, labels: Record<string, string> = {}) =>
  api.request('POST', ns, { body: { metadata: { name, labels }, data: { v: '0' } } });
const patchData = (name: string, v: string) =>
  api.request('PATCH', `${ns}/${name}`, { body: { data: { v } }, contentType: 'application/merge-patch+json' });

describe('watch', () => {
  it('without a resourceVersion: the current objects as ADDED, then changes', async () => {
    await create('w-existing');
    const w = openWatch(api, `${ns}?watch=true&fieldSelector=metadata.name%3Dw-existing`);
    assert.equal(await w.status, 200);
    const first = await w.next();
    assert.equal(first.type, 'ADDED');
    assert.equal(first.object.metadata.name, 'w-existing');
    await patchData('w-existing', '1');
    const mod = await w.next();
    assert.equal(mod.type, 'MODIFIED');
    assert.equal(mod.object.data.v, '1');
    await api.request('DELETE', `${ns}/w-existing`);
    const del = await w.next();
    assert.equal(del.type, 'DELETED');
    assert.equal(del.object.data.v, '1', 'DELETED carries the last state');
    w.close();
  });

  it('from a resourceVersion: every change after it, in order, nothing synthetic', async () => {
    const start = (await api.request('GET', ns)).body.metadata.resourceVersion;
    await create('w-a');
    await patchData('w-a', '1');
    await create('w-b');
    const w = openWatch(api, `${ns}?watch=1&resourceVersion=${start}`);
    const events = [await w.next(), await w.next(), await w.next()];
    assert.deepEqual(events.map((e) => [e.type, e.object.metadata.name]), [['ADDED', 'w-a'], ['MODIFIED', 'w-a'], ['ADDED', 'w-b']]);
    const rvs = events.map((e) => Number(e.object.metadata.resourceVersion));
    assert.ok(rvs[0] > Number(start) && rvs[0] < rvs[1] && rvs[1] < rvs[2], `increasing: ${rvs}`);
    w.close();
  });

  it('an object that starts or stops matching the selector is ADDED or DELETED', async () => {
    await create('w-sel', { role: 'none' });
    const w = openWatch(api, `${ns}?watch=true&labelSelector=role%3Dweb&resourceVersion=${(await api.request('GET', ns)).body.metadata.resourceVersion}`);
    const relabel = (role: string) => api.request('PATCH', `${ns}/w-sel`, { body: { metadata: { labels: { role } } }, contentType: 'application/merge-patch+json' });
    await relabel('web');
    const added = await w.next();
    assert.equal(added.type, 'ADDED');
    await relabel('db');
    const gone = await w.next();
    assert.equal(gone.type, 'DELETED');
    assert.equal(gone.object.metadata.labels.role, 'db');
    w.close();
  });

  it('bookmarks only when allowed; sendInitialEvents ends the initial set with a marked bookmark', async () => {
    await create('w-init', { init: 'yes' });
    const w = openWatch(api, `${ns}?watch=true&labelSelector=init%3Dyes&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan`);
    const added = await w.next();
    assert.equal(added.type, 'ADDED');
    const mark = await w.next();
    assert.equal(mark.type, 'BOOKMARK');
    assert.equal(mark.object.metadata.annotations['k8s.io/initial-events-end'], 'true');
    assert.match(mark.object.metadata.resourceVersion, /^\d+$/);
    w.close();
  });

  it('timeoutSeconds ends the stream', async () => {
    const w = openWatch(api, `${ns}?watch=true&timeoutSeconds=1&resourceVersion=${(await api.request('GET', ns)).body.metadata.resourceVersion}`);
    const started = Date.now();
    await w.ended;
    const took = Date.now() - started;
    assert.ok(took >= 900 && took < 4000, `ended after ${took} ms`);
  });

  it('a compacted resourceVersion gets an ERROR event with a 410 Expired Status', async () => {
    const old = (await api.request('GET', ns)).body.metadata.resourceVersion;
    await create('w-churn');
    for (let i = 0; i < 30; i++) await patchData('w-churn', String(i));
    // Compaction runs every second and keeps 20 revisions for at least 1 s: give it two rounds.
    await new Promise((r) => setTimeout(r, 2500));
    const w = openWatch(api, `${ns}?watch=true&resourceVersion=${old}`);
    const e = await w.next();
    assert.equal(e.type, 'ERROR');
    assert.equal(e.object.kind, 'Status');
    assert.equal(e.object.apiVersion, 'v1');
    assert.equal(e.object.code, 410);
    assert.equal(e.object.reason, 'Expired');
    w.close();
  });

  it('resumes across an apiserver restart with no missed or duplicated events', async () => {
    const from = (await api.request('GET', ns)).body.metadata.resourceVersion;
    await create('w-restart');
    const w1 = openWatch(api, `${ns}?watch=true&resourceVersion=${from}&fieldSelector=metadata.name%3Dw-restart`);
    const seen: number[] = [];
    const firstEvent = await w1.next();
    seen.push(Number(firstEvent.object.metadata.resourceVersion));
    for (let i = 0; i < 5; i++) await patchData('w-restart', `before-${i}`);
    for (let i = 0; i < 5; i++) seen.push(Number((await w1.next()).object.metadata.resourceVersion));
    await api.stop();
    await api.restart();
    for (let i = 0; i < 5; i++) await patchData('w-restart', `after-${i}`);
    const w2 = openWatch(api, `${ns}?watch=true&resourceVersion=${seen.at(-1)}&fieldSelector=metadata.name%3Dw-restart`);
    for (let i = 0; i < 5; i++) {
      const e = await w2.next();
      assert.equal(e.type, 'MODIFIED');
      assert.equal(e.object.data.v, `after-${i}`);
      seen.push(Number(e.object.metadata.resourceVersion));
    }
    assert.equal(new Set(seen).size, seen.length, 'no duplicates');
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i] > seen[i - 1], 'in order');
    const list = await api.request('GET', `${ns}/w-restart`);
    assert.equal(Number(list.body.metadata.resourceVersion), seen.at(-1), 'the last event is the stored state');
    w2.close();
  });

  it('serves Table events to kubectl get -w', async () => {
    const w = openWatch(api, `${ns}?watch=true&fieldSelector=metadata.name%3Dw-b`, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    const e = await w.next();
    assert.equal(e.type, 'ADDED');
    assert.equal(e.object.kind, 'Table');
    assert.equal(e.object.rows.length, 1);
    w.close();
  });
});
