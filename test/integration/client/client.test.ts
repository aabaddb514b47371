// The client library against a real apiserver: kubeconfig, REST, informers (including a relist after
// compaction), leader election on a real Lease, and fencing of a deposed leader's writes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resourceFor } from '../../../apiserver/api/resources.ts';
import type { ConfigMap } from '../../../apiserver/api/types.ts';
import {
  ApiStatusError, Informer, LeaderElector, RestClient, loadKubeconfig,
} from '../../../apiserver/client/index.ts';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';

const configmaps = resourceFor('', 'v1', 'configmaps')!;
let api: TestApiserver;
let client: RestClient;

before(async () => {
  api = await startApiserver({ args: ['--etcd-compaction-interval', '1s', '--compaction-retain-revisions', '10', '--compaction-retain-age', '1s'] });
  client = RestClient.fromKubeconfig(loadKubeconfig({ path: api.kubeconfig }));
});
after(async () => {
  client.close();
  await api.stop();
  api.cleanup();
});

async function eventually(cond: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('client against the apiserver', () => {
  it('reads the kubeconfig and does CRUD with typed errors', async () => {
    const created = await client.create(configmaps, 'default', { metadata: { name: 'c1' }, data: { a: '1' } }) as ConfigMap;
    assert.equal(created.metadata?.name, 'c1');
    await assert.rejects(client.create(configmaps, 'default', { metadata: { name: 'c1' } }),
      (e) => e instanceof ApiStatusError && e.code === 409 && e.reason === 'AlreadyExists');
    const stale = { ...created, data: { a: '2' } };
    await client.update(configmaps, 'default', stale);
    await assert.rejects(client.update(configmaps, 'default', { ...created, data: { a: '3' } }),
      (e) => e instanceof ApiStatusError && e.code === 409 && e.reason === 'Conflict');
    const patched = await client.patch(configmaps, 'default', 'c1', { data: { b: '2' } }, 'strategic') as ConfigMap;
    assert.deepEqual(patched.data, { a: '2', b: '2' });
  });

  it('an informer lists, watches, and relists after its revision is compacted', async () => {
    // A slow reconnect lets compaction pass the informer's revision while it is disconnected: slow enough that the
    // restart and the writes below are done first even on a busy machine.
    const informer = new Informer<ConfigMap>(client, {
      resource: configmaps, namespace: 'default', labelSelector: 'inf=yes', backoff: { initialMs: 9000, maxMs: 9000, jitter: 0 },
    });
    const seen: string[] = [];
    informer.addEventHandler({
      onAdd: (o) => seen.push(`add:${o.metadata?.name}`),
      onUpdate: (_old, o) => seen.push(`update:${o.metadata?.name}:${o.data?.v}`),
      onDelete: (o, finalStateUnknown) => seen.push(`delete:${o.metadata?.name}${finalStateUnknown ? ':relist' : ''}`),
    });
    await client.create(configmaps, 'default', { metadata: { name: 'i1', labels: { inf: 'yes' } }, data: { v: '0' } });
    await client.create(configmaps, 'default', { metadata: { name: 'i3', labels: { inf: 'yes' } } });
    const abort = new AbortController();
    informer.start(abort.signal);
    await informer.waitForSync(abort.signal);
    assert.ok(informer.get('default/i1'));
    await client.create(configmaps, 'default', { metadata: { name: 'i2', labels: { inf: 'yes' } } });
    await client.patch(configmaps, 'default', 'i1', { data: { v: '1' } }, 'merge');
    await client.delete(configmaps, 'default', 'i2');
    await eventually(() => seen.includes('delete:i2') && seen.includes('update:i1:1'));
    assert.ok(seen.includes('add:i1') && seen.includes('add:i2'));

    await api.stop();
    await api.restart();
    await client.patch(configmaps, 'default', 'i1', { data: { v: '2' } }, 'merge');
    await client.delete(configmaps, 'default', 'i3');
    for (let i = 0; i < 30; i++) await client.patch(configmaps, 'default', 'c1', { data: { n: String(i) } }, 'merge');
    // The watch resumes from a compacted revision, gets 410, and the relist brings the cache up to date.
    await eventually(() => informer.get('default/i1')?.data?.v === '2' && !informer.get('default/i3'), 30_000);
    assert.ok(seen.includes('delete:i3:relist'), `a deletion noticed by relisting: ${seen.join(' ')}`);
    abort.abort();
    informer.stop();
  });

  it('two electors on a real Lease: one leads, and the deposed leader\'s fenced writes are refused', async () => {
    const leaders: string[] = [];
    const electors = ['a', 'b'].map((identity) => new LeaderElector({
      client, namespace: 'kube-system', name: 'bench-lock', identity,
      leaseDurationSeconds: 2, renewDeadlineSeconds: 1, retryPeriodSeconds: 0.2,
      onStartedLeading: () => { leaders.push(identity); },
    }));
    const stops = electors.map(() => new AbortController());
    const runs = electors.map((e, i) => e.run(stops[i].signal));
    await eventually(() => leaders.length === 1);
    const leader = electors.find((e) => e.isLeader())!;
    const token = leader.fenceToken();
    assert.ok(token);
    const fenced = client.withFence(() => token);
    await fenced.create(configmaps, 'default', { metadata: { name: 'by-leader' } });
    // Stop the leader without releasing: the other takes over once the lease expires.
    stops[electors.indexOf(leader)].abort();
    await eventually(() => leaders.length === 2, 10_000);
    await assert.rejects(fenced.create(configmaps, 'default', { metadata: { name: 'by-old-leader' } }),
      (e) => e instanceof ApiStatusError && e.code === 409);
    await assert.rejects(client.get(configmaps, 'default', 'by-old-leader'), (e) => e instanceof ApiStatusError && e.code === 404);
    for (const s of stops) s.abort();
    await Promise.all(runs);
  });
});
