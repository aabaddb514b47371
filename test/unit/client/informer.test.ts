import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { resourceFor } from '../../../apiserver/api/resources.ts';
import type { Pod } from '../../../apiserver/api/types.ts';
import { nodeNameIndex, ObjectCache, ownerUidIndex } from '../../../apiserver/client/cache.ts';
import { Informer } from '../../../apiserver/client/informer.ts';
import { SharedInformerFactory } from '../../../apiserver/client/informer-factory.ts';
import { RestClient } from '../../../apiserver/client/rest.ts';
import { FakeApiServer, type StoredObj } from './fake-apiserver.ts';

const pods = resourceFor('', 'v1', 'pods')!;
const nodes = resourceFor('', 'v1', 'nodes')!;
const quiet = pino({ level: 'silent' });
const fastBackoff = { initialMs: 5, maxMs: 20, jitter: 0 };

function pod(ns: string, name: string, extra: { nodeName?: string; owner?: string; labels?: Record<string, string> } = {}): StoredObj {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name, namespace: ns, labels: extra.labels,
      ownerReferences: extra.owner ? [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: extra.owner, controller: true }] : undefined,
    },
    spec: { containers: [{ name: 'c', image: 'busybox' }], nodeName: extra.nodeName },
  };
}

async function waitFor(cond: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

type Recorded = ['add', string, boolean] | ['update', string, string, string] | ['delete', string, boolean];

function recorder(informer: Informer<Pod>): Recorded[] {
  const events: Recorded[] = [];
  const key = (p: Pod): string => `${p.metadata?.namespace}/${p.metadata?.name}`;
  informer.addEventHandler({
    onAdd: (p, initial) => events.push(['add', key(p), initial]),
    onUpdate: (o, n) => events.push(['update', key(n), o.metadata?.resourceVersion ?? '', n.metadata?.resourceVersion ?? '']),
    onDelete: (p, unknown) => events.push(['delete', key(p), unknown]),
  });
  return events;
}

describe('ObjectCache', () => {
  test('indexes follow updates and deletes; indexes added later cover existing objects', () => {
    const cache = new ObjectCache<Pod>({ node: nodeNameIndex });
    cache.upsert(pod('a', 'p1', { nodeName: 'n1', owner: 'u1' }) as Pod);
    cache.upsert(pod('a', 'p2', { nodeName: 'n1' }) as Pod);
    cache.upsert(pod('b', 'p3') as Pod);
    assert.deepEqual(cache.indexKeys('node', 'n1').sort(), ['a/p1', 'a/p2']);
    cache.upsert(pod('a', 'p2', { nodeName: 'n2' }) as Pod);
    assert.deepEqual(cache.indexKeys('node', 'n1'), ['a/p1']);
    assert.deepEqual(cache.indexKeys('node', 'n2'), ['a/p2']);
    cache.addIndexers({ owner: ownerUidIndex });
    assert.deepEqual(cache.byIndex('owner', 'u1').map((p) => p.metadata?.name), ['p1']);
    cache.remove('a/p1');
    assert.deepEqual(cache.indexKeys('node', 'n1'), []);
    assert.deepEqual(cache.indexValues('node'), ['n2']);
    assert.throws(() => cache.byIndex('nope', 'x'), /no index named "nope"/);
    assert.throws(() => cache.addIndexers({ node: nodeNameIndex }), /already exists/);
  });
});

describe('Informer', () => {
  let fake: FakeApiServer;
  let client: RestClient;
  let informer: Informer<Pod> | undefined;
  // A fresh fake per test, so resourceVersions and histories do not leak between tests.
  beforeEach(async () => {
    fake = new FakeApiServer();
    client = new RestClient({ server: await fake.start(), logger: quiet });
  });
  afterEach(async () => {
    await informer?.stop();
    informer = undefined;
    client.close();
    await fake.close();
  });

  function newInformer(opts: Partial<ConstructorParameters<typeof Informer<Pod>>[1]> = {}): Informer<Pod> {
    informer = new Informer<Pod>(client, { resource: pods, pageSize: 2, backoff: fastBackoff, logger: quiet, ...opts });
    return informer;
  }

  test('lists in pages, then watches from the list resourceVersion; handlers, cache and indexes follow', async () => {
    for (let i = 0; i < 5; i++) fake.put('', 'pods', pod('default', `p${i}`, { nodeName: i < 3 ? 'n1' : 'n2' }));
    fake.put('', 'pods', pod('other', 'q', { owner: 'rs-uid' }));
    const listRv = String(fake.resourceVersion);
    const inf = newInformer({ indexers: { node: nodeNameIndex } });
    const events = recorder(inf);
    assert.equal(inf.hasSynced(), false);
    inf.start();
    assert.equal(await inf.waitForSync(), true);

    const lists = fake.requests.filter((r) => r.method === 'GET' && r.query.get('watch') !== 'true');
    assert.equal(lists.length, 3, '6 objects in pages of 2');
    assert.deepEqual(lists.map((r) => r.query.get('limit')), ['2', '2', '2']);
    assert.equal(lists[0].query.get('continue'), null);
    assert.ok(lists[1].query.get('continue'));
    assert.equal(inf.list().length, 6);
    assert.equal(events.length, 6);
    assert.ok(events.every((e) => e[0] === 'add' && e[2] === true));

    await waitFor(() => fake.openWatches === 1, 'the watch');
    const watchReq = fake.watchRequests()[0];
    assert.equal(watchReq.query.get('resourceVersion'), listRv);
    assert.equal(watchReq.query.get('allowWatchBookmarks'), 'true');

    assert.deepEqual(inf.byIndex('namespace', 'other').map((p) => p.metadata?.name), ['q']);
    assert.deepEqual(inf.indexKeys('node', 'n1').sort(), ['default/p0', 'default/p1', 'default/p2']);
    inf.addIndexers({ owner: ownerUidIndex });
    assert.deepEqual(inf.indexKeys('owner', 'rs-uid'), ['other/q']);

    events.length = 0;
    const before = inf.get('default/p0')!.metadata!.resourceVersion!;
    fake.put('', 'pods', pod('default', 'p0', { nodeName: 'n2' }));
    fake.put('', 'pods', pod('default', 'new'));
    fake.remove('', 'pods', 'default', 'p4');
    await waitFor(() => events.length === 3, 'three events');
    assert.deepEqual(events, [
      ['update', 'default/p0', before, inf.get('default/p0')!.metadata!.resourceVersion!],
      ['add', 'default/new', false],
      ['delete', 'default/p4', false],
    ]);
    assert.equal(inf.get('default/p4'), undefined);
    assert.deepEqual(inf.indexKeys('node', 'n1').sort(), ['default/p1', 'default/p2'], 'p0 moved to n2');
    assert.deepEqual(inf.indexKeys('node', 'n2').sort(), ['default/p0', 'default/p3']);
    assert.equal(inf.getByName('default', 'new')?.metadata?.name, 'new');
    assert.equal(inf.lastSyncResourceVersion(), String(fake.resourceVersion));
  });

  test('handlers registered after sync get synthetic adds; removed handlers get nothing more', async () => {
    fake.put('', 'pods', pod('default', 'a'));
    fake.put('', 'pods', pod('default', 'b'));
    const inf = newInformer();
    inf.start();
    await inf.waitForSync();
    const late = recorder(inf);
    assert.deepEqual(late.map((e) => e.slice(0, 3)).sort(), [['add', 'default/a', true], ['add', 'default/b', true]]);
    const removed: string[] = [];
    const reg = inf.addEventHandler({ onAdd: (p) => removed.push(p.metadata!.name!) });
    removed.length = 0;
    reg.remove();
    await waitFor(() => fake.openWatches === 1, 'the watch');
    fake.put('', 'pods', pod('default', 'c'));
    await waitFor(() => late.length === 3, 'the add');
    assert.deepEqual(removed, []);
  });

  test('a throwing handler does not stop the others', async () => {
    fake.put('', 'pods', pod('default', 'a'));
    const inf = newInformer();
    inf.addEventHandler({ onAdd: () => { throw new Error('boom'); } });
    const events = recorder(inf);
    inf.start();
    await inf.waitForSync();
    assert.deepEqual(events, [['add', 'default/a', true]]);
  });

  for (const mode of ['http', 'event'] as const) {
    test(`410 Expired (${mode === 'http' ? 'HTTP 410 at connect' : 'ERROR event in the stream'}) -> relist with a correct diff`, async () => {
      fake.expiredMode = mode;
      for (const n of ['keep', 'change', 'vanish']) fake.put('', 'pods', pod('default', n));
      const inf = newInformer();
      const events = recorder(inf);
      inf.start();
      await inf.waitForSync();
      await waitFor(() => fake.openWatches === 1, 'the watch');
      events.length = 0;
      const oldChangeRv = inf.get('default/change')!.metadata!.resourceVersion!;

      // The informer misses these changes, then its resourceVersion is compacted away.
      fake.suspendDelivery = true;
      fake.put('', 'pods', pod('default', 'change', { labels: { v: '2' } }));
      fake.remove('', 'pods', 'default', 'vanish');
      fake.put('', 'pods', pod('default', 'appear'));
      fake.compact();
      fake.suspendDelivery = false;
      const listsBefore = fake.requests.filter((r) => r.method === 'GET' && r.query.get('watch') !== 'true').length;
      fake.closeWatches();

      await waitFor(() => events.length === 3, 'the relist diff');
      const newChangeRv = fake.get('', 'pods', 'default', 'change')!.metadata.resourceVersion!;
      assert.deepEqual(events.sort(), [
        ['add', 'default/appear', false],
        ['delete', 'default/vanish', true],
        ['update', 'default/change', oldChangeRv, newChangeRv],
      ]);
      assert.deepEqual(inf.keys().sort(), ['default/appear', 'default/change', 'default/keep']);
      assert.deepEqual(inf.get('default/change')?.metadata?.labels, { v: '2' });
      const listsAfter = fake.requests.filter((r) => r.method === 'GET' && r.query.get('watch') !== 'true').length;
      assert.ok(listsAfter > listsBefore, 'it listed again');
      // And it keeps watching from the new list.
      await waitFor(() => fake.openWatches === 1, 'the new watch');
      fake.put('', 'pods', pod('default', 'later'));
      await waitFor(() => events.length === 4, 'a live event after the relist');
      assert.deepEqual(events[3], ['add', 'default/later', false]);
    });
  }

  test('resync re-delivers every cached object as an update with old === new', async () => {
    fake.put('', 'pods', pod('default', 'a'));
    fake.put('', 'pods', pod('default', 'b'));
    const inf = newInformer({ resyncPeriodMs: 40 });
    const same: string[] = [];
    inf.addEventHandler({ onUpdate: (o, n) => { if (o === n) same.push(n.metadata!.name!); } });
    inf.start();
    await inf.waitForSync();
    await waitFor(() => same.length >= 4, 'two resyncs');
    assert.deepEqual(same.slice(0, 4).sort(), ['a', 'a', 'b', 'b']);
  });

  test('keeps retrying while the apiserver is down, and syncs once it answers', async () => {
    let failing = true;
    fake.intercept = () => (failing ? { status: 503, body: { kind: 'Status', code: 503, reason: 'ServiceUnavailable' } } : 'pass');
    fake.put('', 'pods', pod('default', 'a'));
    const inf = newInformer();
    inf.start();
    await waitFor(() => fake.requests.length >= 3, 'a few failed lists');
    assert.equal(inf.hasSynced(), false);
    failing = false;
    assert.equal(await inf.waitForSync(), true);
    assert.equal(inf.list().length, 1);
  });

  test('waitForSync answers false when stopped first; cluster-scoped keys are bare names', async () => {
    fake.intercept = () => 'hang';
    const inf = newInformer();
    inf.start();
    const waiting = inf.waitForSync();
    await inf.stop();
    assert.equal(await waiting, false);
    fake.intercept = undefined;

    const nodeInformer = new Informer(client, { resource: nodes, logger: quiet, backoff: fastBackoff });
    fake.put('', 'nodes', { metadata: { name: 'n1' } });
    nodeInformer.start();
    await nodeInformer.waitForSync();
    assert.deepEqual(nodeInformer.keys(), ['n1']);
    assert.equal(nodeInformer.getByName('ignored', 'n1')?.metadata?.name, 'n1');
    await nodeInformer.stop();
  });
});

describe('SharedInformerFactory', () => {
  test('one informer per resource, shared; started and synced together', async () => {
    const fake = new FakeApiServer();
    const client = new RestClient({ server: await fake.start(), logger: quiet });
    fake.put('', 'pods', pod('default', 'a', { nodeName: 'n1' }));
    fake.put('', 'nodes', { metadata: { name: 'n1' } });
    const factory = new SharedInformerFactory(client, { logger: quiet, informerDefaults: { backoff: fastBackoff } });
    const podsA = factory.informerFor<Pod>(pods, { indexers: { node: nodeNameIndex } });
    const podsB = factory.informerFor<Pod>(pods, { indexers: { node: nodeNameIndex, owner: ownerUidIndex } });
    assert.equal(podsA, podsB);
    assert.ok(podsA.hasIndex('owner'));
    const nodeInf = factory.informerFor(nodes);
    assert.notEqual(nodeInf as unknown, podsA as unknown);
    factory.start();
    assert.equal(await factory.waitForCacheSync(), true);
    assert.deepEqual(podsA.indexKeys('node', 'n1'), ['default/a']);
    assert.equal(nodeInf.list().length, 1);
    // Made after start: started at once.
    const scheduled = factory.informerFor<Pod>(pods, { fieldSelector: 'spec.nodeName=n1' });
    assert.notEqual(scheduled, podsA);
    assert.equal(await scheduled.waitForSync(), true);
    const lists = fake.requests.filter((r) => r.path === '/api/v1/pods' && r.query.get('watch') !== 'true');
    assert.equal(lists.length, 2, 'one list for the shared informer, one for the field-selected one');
    await factory.shutDown();
    await waitFor(() => fake.openWatches === 0, 'the watches to close after shutDown');
    client.close();
    await fake.close();
  });
});
