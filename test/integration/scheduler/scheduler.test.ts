// skiff-scheduler against a real apiserver, with Node objects created through the API: each filter and score,
// the Unschedulable condition and event, retrying when the cluster changes, and a restart with pods waiting.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { fastLeaderElection, startComponent, waitFor, type TestComponent } from '../../helpers/component.ts';

let api: TestApiserver;
let scheduler: TestComponent;
before(async () => {
  api = await startApiserver();
  scheduler = startComponent('scheduler/main.ts', api, fastLeaderElection);
});
after(async () => {
  await scheduler.stop();
  await api.stop();
  api.cleanup();
});
afterEach(async () => {
  // Nothing runs these pods, so delete them at once; then the nodes.
  await api.request('DELETE', '/api/v1/namespaces/default/pods', { body: { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0 } });
  await api.request('DELETE', '/api/v1/nodes');
});

interface NodeOpts {
  cpu?: string; memory?: string; pods?: string; labels?: Record<string, string>; ready?: boolean; unschedulable?: boolean;
  taints?: { key: string; value?: string; effect: string }[];
}

async function addNode(name: string, o: NodeOpts = {}): Promise<void> {
  const capacity = { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110' };
  const res = await api.request('POST', '/api/v1/nodes', {
    body: {
      metadata: { name, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
      spec: { unschedulable: o.unschedulable, taints: o.taints },
      status: {
        capacity, allocatable: capacity,
        conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', reason: 'KubeletReady' }],
      },
    },
  });
  assert.equal(res.status, 201, res.text);
}

async function addPod(name: string, spec: Record<string, unknown> = {}, labels: Record<string, string> = {}, extraMeta: Record<string, unknown> = {}): Promise<void> {
  const { containers, ...rest } = spec as { containers?: unknown[] };
  const res = await api.request('POST', '/api/v1/namespaces/default/pods', {
    body: { metadata: { name, labels, ...extraMeta }, spec: { containers: containers ?? [{ name: 'c', image: 'busybox' }], ...rest } },
  });
  assert.equal(res.status, 201, res.text);
}

const withRequests = (cpu: string, memory = '10Mi', ports?: unknown[]) =>
  ({ containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu, memory } }, ports }] });

async function nodeOf(pod: string, timeoutMs = 10_000): Promise<string> {
  return waitFor(`pod ${pod} to be bound`, async () => {
    const res = await api.request('GET', `/api/v1/namespaces/default/pods/${pod}`);
    return res.body?.spec?.nodeName as string | undefined;
  }, timeoutMs);
}

async function unschedulableMessage(pod: string): Promise<string> {
  return waitFor(`pod ${pod} to be marked Unschedulable`, async () => {
    const res = await api.request('GET', `/api/v1/namespaces/default/pods/${pod}`);
    const c = res.body?.status?.conditions?.find((x: { type: string }) => x.type === 'PodScheduled');
    return c?.status === 'False' && c.reason === 'Unschedulable' ? c.message as string : undefined;
  });
}

describe('filters', () => {
  it('binds to the only node that fits, with a Scheduled event', async () => {
    await addNode('only');
    await addPod('p1');
    assert.equal(await nodeOf('p1'), 'only');
    const events = await waitFor('the Scheduled event', async () => {
      const res = await api.request('GET', '/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dp1,reason%3DScheduled');
      return res.body.items.length > 0 ? res.body.items : undefined;
    });
    assert.equal(events[0].message, 'Successfully assigned default/p1 to only');
    assert.equal(events[0].source.component, 'default-scheduler');
  });

  it('leaves cordoned, NotReady and untolerated-tainted nodes out, with kube\'s message', async () => {
    await addNode('cordoned', { unschedulable: true });
    await addNode('down', { ready: false });
    await addNode('tainted', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] });
    await addPod('p2');
    const message = await unschedulableMessage('p2');
    assert.ok(message.startsWith('0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) were not ready, 1 node(s) were unschedulable.'), message);
    const events = await api.request('GET', '/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dp2,reason%3DFailedScheduling');
    assert.equal(events.body.items[0].type, 'Warning');
    // A toleration lets it onto the tainted node.
    await addPod('p3', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] });
    assert.equal(await nodeOf('p3'), 'tainted');
  });

  it('counts requests, init containers included, and reports Insufficient cpu', async () => {
    await addNode('small', { cpu: '1' });
    await addPod('fits', withRequests('600m'));
    assert.equal(await nodeOf('fits'), 'small');
    await addPod('big-init', { ...withRequests('100m'), initContainers: [{ name: 'init', image: 'busybox', resources: { requests: { cpu: '500m' } } }] });
    assert.match(await unschedulableMessage('big-init'), /^0\/1 nodes are available: 1 Insufficient cpu\./);
  });

  it('retries an unschedulable pod when a node is added', async () => {
    await addPod('waiting', withRequests('2'));
    await unschedulableMessage('waiting');
    await addNode('roomy', { cpu: '8' });
    assert.equal(await nodeOf('waiting'), 'roomy');
  });

  it('honours pod count capacity, host ports, nodeSelector and required node affinity', async () => {
    await addNode('tiny', { pods: '1', labels: { disk: 'hdd', zone: 'a' } });
    await addNode('ssd', { labels: { disk: 'ssd', zone: 'b', gen: '5' } });
    await addPod('sel', { nodeSelector: { disk: 'ssd' } });
    assert.equal(await nodeOf('sel'), 'ssd');
    await addPod('aff', {
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['4'] }] }] } } },
    });
    assert.equal(await nodeOf('aff'), 'ssd');
    await addPod('port-a', withRequests('10m', '10Mi', [{ containerPort: 80, hostPort: 8080 }]), {}, {});
    const first = await nodeOf('port-a');
    await addPod('port-b', withRequests('10m', '10Mi', [{ containerPort: 80, hostPort: 8080 }]));
    const second = await nodeOf('port-b');
    assert.notEqual(first, second, 'the same hostPort goes to different nodes');
    await addPod('one-too-many', { nodeSelector: { disk: 'hdd' } });
    assert.match(await unschedulableMessage('one-too-many'), /Too many pods|didn't have free ports|didn't match Pod's node affinity/);
  });

  it('required pod anti-affinity keeps replicas apart', async () => {
    await addNode('n1');
    await addNode('n2');
    const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' }] } };
    await addPod('db-0', { affinity: anti }, { app: 'db' });
    await addPod('db-1', { affinity: anti }, { app: 'db' });
    assert.notEqual(await nodeOf('db-0'), await nodeOf('db-1'));
    await addPod('db-2', { affinity: anti }, { app: 'db' });
    assert.match(await unschedulableMessage('db-2'), /anti-affinity/);
  });

  it('required pod affinity puts a pod next to the pods it names', async () => {
    await addNode('a1', { labels: { zone: 'z1' } });
    await addNode('a2', { labels: { zone: 'z2' } });
    await addPod('cache', { nodeName: 'a2' }, { app: 'cache' });
    await addPod('near-cache', {
      affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'cache' } }, topologyKey: 'zone' }] } },
    });
    assert.equal(await nodeOf('near-cache'), 'a2');
    await addPod('near-nothing', {
      affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'absent' } }, topologyKey: 'zone' }] } },
    });
    assert.match(await unschedulableMessage('near-nothing'), /didn't match pod affinity rules/);
  });

  it('leaves pods for other schedulers alone', async () => {
    await addNode('any');
    await addPod('other', { schedulerName: 'someone-else' });
    await addPod('mine');
    await nodeOf('mine');
    const other = await api.request('GET', '/api/v1/namespaces/default/pods/other');
    assert.equal(other.body.spec.nodeName, undefined);
  });
});

describe('scores', () => {
  it('prefers the least allocated node', async () => {
    await addNode('busy');
    await addNode('idle');
    await addPod('load', { ...withRequests('3', '6Gi'), nodeName: 'busy' });
    await addPod('light', withRequests('100m'));
    assert.equal(await nodeOf('light'), 'idle');
  });

  it('spreads the pods of one ReplicaSet across nodes', async () => {
    for (const n of ['s1', 's2', 's3']) await addNode(n);
    const owner = { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs-uid-1', controller: true }] };
    for (let i = 0; i < 3; i++) await addPod(`web-${i}`, withRequests('10m'), { app: 'web' }, owner);
    const placed = new Set([await nodeOf('web-0'), await nodeOf('web-1'), await nodeOf('web-2')]);
    assert.equal(placed.size, 3, `spread over ${[...placed].join(', ')}`);
  });

  it('follows preferred node affinity and avoids PreferNoSchedule taints', async () => {
    await addNode('plain');
    await addNode('preferred', { labels: { fast: 'yes' } });
    await addNode('avoid', { taints: [{ key: 'old', effect: 'PreferNoSchedule' }] });
    await addPod('pref', {
      affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: { matchExpressions: [{ key: 'fast', operator: 'In', values: ['yes'] }] } }] } },
    });
    assert.equal(await nodeOf('pref'), 'preferred');
    for (let i = 0; i < 4; i++) await addPod(`any-${i}`, withRequests('10m'));
    for (let i = 0; i < 4; i++) assert.notEqual(await nodeOf(`any-${i}`), 'avoid');
  });

  it('follows preferred pod affinity', async () => {
    await addNode('b1');
    await addNode('b2');
    await addPod('front', { nodeName: 'b2' }, { app: 'front' });
    await addPod('likes-front', {
      ...withRequests('10m'),
      affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'front' } }, topologyKey: 'kubernetes.io/hostname' } }] } },
    });
    assert.equal(await nodeOf('likes-front'), 'b2');
  });

  it('topologySpreadConstraints with DoNotSchedule keep the skew', async () => {
    await addNode('za', { labels: { zone: 'a' } });
    await addNode('zb', { labels: { zone: 'b' } });
    const spread = { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'spread' } } }] };
    for (let i = 0; i < 4; i++) await addPod(`sp-${i}`, spread, { app: 'spread' });
    const nodes = await Promise.all([0, 1, 2, 3].map((i) => nodeOf(`sp-${i}`)));
    assert.equal(nodes.filter((n) => n === 'za').length, 2, nodes.join(','));
  });
});

describe('leader election', () => {
  it('a second scheduler takes over when the leader dies', async () => {
    await addNode('le');
    const standby = startComponent('scheduler/main.ts', api, fastLeaderElection);
    try {
      await addPod('before');
      assert.equal(await nodeOf('before'), 'le');
      await scheduler.kill9();
      await addPod('after');
      // The standby waits out the dead leader's 2 s lease, then schedules.
      assert.equal(await nodeOf('after', 15_000), 'le');
    } finally {
      scheduler = standby;
    }
  });
});

describe('restart', () => {
  it('binds pods created while the scheduler was down', async () => {
    await addNode('r1');
    await scheduler.stop();
    for (let i = 0; i < 5; i++) await addPod(`late-${i}`);
    const before = Date.now();
    scheduler = startComponent('scheduler/main.ts', api, fastLeaderElection);
    for (let i = 0; i < 5; i++) assert.equal(await nodeOf(`late-${i}`, 15_000), 'r1');
    assert.ok(Date.now() - before < 15_000);
  });
});
