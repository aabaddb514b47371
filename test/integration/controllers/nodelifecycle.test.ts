// node-lifecycle-controller, taint-eviction-controller and node-ipam-controller against a real apiserver, with
// short grace periods. No kubelet runs: the test plays the kubelets, creating Nodes and renewing their Leases in
// kube-node-lease itself (or not, for a node that "dies"), and binds pods to nodes by setting spec.nodeName.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { controllerFactories } from '../../../controllers/all.ts';
import { startApiserver, type ApiResponse, type TestApiserver } from '../../helpers/apiserver.ts';
import { waitFor } from '../../helpers/component.ts';
import { runControllers, type RunningControllers } from './harness.ts';

let api: TestApiserver;
let ctrl: RunningControllers | undefined;

before(async () => {
  api = await startApiserver();
});
after(async () => {
  await ctrl?.stop();
  await api.stop();
  api.cleanup();
});

interface Taint { key: string; value?: string; effect: string; timeAdded?: string }
interface Condition { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string; lastHeartbeatTime?: string }
interface NodeView { metadata: { name: string; resourceVersion: string }; spec: { podCIDR?: string; podCIDRs?: string[]; taints?: Taint[] }; status: { conditions?: Condition[] } }
interface PodView {
  metadata: { name: string; uid: string; deletionTimestamp?: string; deletionGracePeriodSeconds?: number };
  spec: { tolerations?: { key?: string; operator?: string; effect?: string; tolerationSeconds?: number }[] };
  status: { conditions?: Condition[] };
}

const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const microTime = (ms: number): string => new Date(ms).toISOString().replace(/Z$/, '000Z');
const unreachable = 'node.kubernetes.io/unreachable';
const notReady = 'node.kubernetes.io/not-ready';

async function ok(res: Promise<ApiResponse>, status = 200): Promise<any> {
  const r = await res;
  assert.equal(r.status, status, r.text);
  return r.body;
}

function kubeletConditions(ready: 'True' | 'False', now = Date.now()): Condition[] {
  const c = (type: string, status: string, reason: string): Condition =>
    ({ type, status, reason, message: reason, lastHeartbeatTime: rfc3339(now), lastTransitionTime: rfc3339(now) });
  return [
    c('MemoryPressure', 'False', 'KubeletHasSufficientMemory'), c('DiskPressure', 'False', 'KubeletHasNoDiskPressure'),
    c('PIDPressure', 'False', 'KubeletHasSufficientPID'), c('Ready', ready, ready === 'True' ? 'KubeletReady' : 'KubeletNotReady'),
  ];
}

/** Registers a node as a kubelet would: the Node with its status, and its Lease. */
async function registerNode(name: string, opts: { zone?: string; ready?: 'True' | 'False'; lease?: boolean } = {}): Promise<void> {
  await ok(api.request('POST', '/api/v1/nodes', {
    body: {
      metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(opts.zone ? { 'topology.kubernetes.io/zone': opts.zone } : {}) } },
      spec: {},
      status: opts.ready ? { conditions: kubeletConditions(opts.ready) } : {},
    },
  }), 201);
  if (opts.lease === false) return;
  await ok(api.request('POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', {
    body: { metadata: { name }, spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: microTime(Date.now()) } },
  }), 201);
}

async function renewLease(name: string): Promise<void> {
  await ok(api.request('PATCH', `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${name}`, {
    body: { spec: { renewTime: microTime(Date.now()) } }, contentType: 'application/merge-patch+json',
  }));
}

/** The kubelet reporting Ready=True again (status PUT with fresh heartbeats). */
async function postReady(name: string, ready: 'True' | 'False'): Promise<void> {
  const node = await getNode(name);
  await ok(api.request('PUT', `/api/v1/nodes/${name}/status`, { body: { ...node, status: { ...node.status, conditions: kubeletConditions(ready) } } }));
}

/** Renews the leases of the nodes in `alive` every 200 ms, as their kubelets would; a node taken out "dies". */
function heartbeats(alive: Set<string>): { stop(): Promise<void> } {
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const n of [...alive]) await renewLease(n).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  return { stop: async () => { running = false; await loop; } };
}

const getNode = (name: string): Promise<NodeView> => ok(api.request('GET', `/api/v1/nodes/${name}`));

async function getPod(name: string): Promise<PodView | undefined> {
  const r = await api.request('GET', `/api/v1/namespaces/default/pods/${name}`);
  if (r.status === 404) return undefined;
  assert.equal(r.status, 200, r.text);
  return r.body;
}

/** A pod bound to `node` (no scheduler runs), Running and Ready as its kubelet would report it. */
async function runningPod(name: string, node: string, tolerations?: unknown[], labels?: Record<string, string>): Promise<PodView> {
  const created = await ok(api.request('POST', '/api/v1/namespaces/default/pods', {
    body: { metadata: { name, labels }, spec: { nodeName: node, containers: [{ name: 'c', image: 'busybox' }], tolerations } },
  }), 201);
  const since = rfc3339(Date.now());
  return ok(api.request('PUT', `/api/v1/namespaces/default/pods/${name}/status`, {
    body: { ...created, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: since }] } },
  }));
}

const isGoing = (p: PodView | undefined): boolean => !p || Boolean(p.metadata.deletionTimestamp);
/** When the DELETE was made: the deletionTimestamp less the grace period it was given. */
const deletedAtMs = (p: PodView): number => Date.parse(p.metadata.deletionTimestamp!) - (p.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
const taintOf = (n: NodeView, key: string, effect: string): Taint | undefined => n.spec.taints?.find((t) => t.key === key && t.effect === effect);

async function events(reason: string): Promise<{ message: string; involvedObject: { name: string } }[]> {
  const body = await ok(api.request('GET', `/api/v1/namespaces/default/events?fieldSelector=reason%3D${reason}`));
  return body.items;
}

describe('node-ipam-controller', () => {
  // Two /24s in all, so running out and freeing can be seen.
  const settings = { clusterCIDR: '10.250.0.0/23', nodeCIDRMaskSize: 24 };
  const ipam = [controllerFactories['node-ipam-controller']];

  async function cidrsOf(name: string): Promise<string[]> {
    return waitFor(`pod CIDRs of ${name}`, async () => {
      const n = await getNode(name);
      return n.spec.podCIDRs?.length ? n.spec.podCIDRs : undefined;
    }, 10_000);
  }

  it('gives each node its own slice of the cluster CIDR, once; the apiserver refuses to change it', async () => {
    ctrl = await runControllers(api, ipam, { settings });
    await registerNode('ipam-a', { lease: false });
    await registerNode('ipam-b', { lease: false });
    const a = await cidrsOf('ipam-a');
    const b = await cidrsOf('ipam-b');
    assert.deepEqual([...a, ...b].sort(), ['10.250.0.0/24', '10.250.1.0/24']);
    const node = await getNode('ipam-a');
    assert.equal(node.spec.podCIDR, a[0]);
    const moved = await api.request('PUT', '/api/v1/nodes/ipam-a', {
      body: { ...node, spec: { ...node.spec, podCIDR: '10.250.9.0/24', podCIDRs: ['10.250.9.0/24'] } },
    });
    assert.equal(moved.status, 422, moved.text);
    assert.match(moved.text, /may not change podCIDR/);
    await ctrl.stop();
    ctrl = undefined;
  });

  it('a restarted controller knows what is taken from the Nodes, and a deleted node\'s slice goes to the next', async () => {
    ctrl = await runControllers(api, ipam, { settings });
    await registerNode('ipam-c', { lease: false });
    await waitFor('CIDRNotAvailable for ipam-c', async () => {
      const body = await ok(api.request('GET', '/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dipam-c'));
      return (body.items as { reason: string }[]).some((e) => e.reason === 'CIDRNotAvailable') ? true : undefined;
    }, 10_000);
    assert.equal((await getNode('ipam-c')).spec.podCIDRs, undefined, 'the range is full: both CIDRs are held by existing nodes');
    const freed = (await getNode('ipam-a')).spec.podCIDRs;
    await ok(api.request('DELETE', '/api/v1/nodes/ipam-a'));
    assert.deepEqual(await cidrsOf('ipam-c'), freed);
    await ctrl.stop();
    ctrl = undefined;
    // Nodes without kubelets would count as down in the node lifecycle tests below.
    for (const n of ['ipam-b', 'ipam-c']) await ok(api.request('DELETE', `/api/v1/nodes/${n}`));
  });
});

describe('node-lifecycle-controller and taint-eviction-controller', () => {
  let beats: { stop(): Promise<void> };
  const beating = new Set<string>();

  before(async () => {
    ctrl = await runControllers(api, ['node-lifecycle-controller', 'taint-eviction-controller', 'node-ipam-controller',
      'replicaset-controller'].map((n) => controllerFactories[n]), { settings: { nodeMonitorGracePeriodMs: 1500, nodeMonitorPeriodMs: 200 } });
    // `alive` keeps its zone healthy, so losing `lost` is a node failure, not the controller cut off from everyone.
    await registerNode('alive', { zone: 'z1', ready: 'True' });
    await registerNode('lost', { zone: 'z1', ready: 'True' });
    beating.add('alive').add('lost');
    beats = heartbeats(beating);
  });
  after(async () => {
    await beats.stop();
  });

  it('allocates distinct pod CIDRs to the nodes', async () => {
    const cidrs = await waitFor('pod CIDRs', async () => {
      const all = await Promise.all(['alive', 'lost'].map(getNode));
      return all.every((n) => n.spec.podCIDR) ? all.map((n) => n.spec.podCIDR!) : undefined;
    }, 10_000);
    assert.notEqual(cidrs[0], cidrs[1]);
    for (const c of cidrs) assert.match(c, /^10\.244\.\d+\.0\/24$/);
  });

  it('a node whose lease stops becomes Unknown and tainted unreachable; its pods go as their tolerations say', async () => {
    // Default tolerations (300 s), 2 s, for ever, and one that names the taint with a value it does not have.
    const byDefault = await runningPod('p-default', 'lost');
    assert.deepEqual(byDefault.spec.tolerations, [
      { key: notReady, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: unreachable, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
    await runningPod('p-short', 'lost', [{ key: unreachable, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 }]);
    await runningPod('p-forever', 'lost', [{ key: unreachable, operator: 'Exists', effect: 'NoExecute' }]);
    await runningPod('p-none', 'lost', [{ key: unreachable, operator: 'Equal', value: 'never', effect: 'NoExecute' }]);
    // Its kubelet dies.
    beating.delete('lost');

    const node = await waitFor('lost to be Unknown and tainted', async () => {
      const n = await getNode('lost');
      return taintOf(n, unreachable, 'NoExecute') ? n : undefined;
    }, 15_000);
    for (const type of ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure']) {
      const c = node.status.conditions?.find((x) => x.type === type);
      assert.equal(c?.status, 'Unknown', type);
      assert.equal(c?.reason, 'NodeStatusUnknown');
      assert.equal(c?.message, 'Kubelet stopped posting node status.');
    }
    const noExecute = taintOf(node, unreachable, 'NoExecute')!;
    assert.ok(noExecute.timeAdded, 'NoExecute taint has timeAdded');
    assert.ok(taintOf(node, unreachable, 'NoSchedule')?.timeAdded, 'NoSchedule unreachable taint too');
    const alive = await getNode('alive');
    assert.deepEqual(alive.spec.taints ?? [], [], 'the healthy node is left alone');
    assert.equal(alive.status.conditions?.find((c) => c.type === 'Ready')?.status, 'True');

    // Not tolerated: deleted at once, after saying why.
    const none = await waitFor('p-none deleted', async () => {
      const p = await getPod('p-none');
      return isGoing(p) ? p ?? ({} as PodView) : undefined;
    }, 5000);
    if (none.metadata) {
      const target = none.status.conditions?.find((c) => c.type === 'DisruptionTarget');
      assert.equal(target?.reason, 'DeletionByTaintManager');
    }
    // Tolerated for 2 s: deleted 2 s after the taint was added (timeAdded has whole seconds).
    const short = await waitFor('p-short deleted', async () => {
      const p = await getPod('p-short');
      return isGoing(p) ? p : undefined;
    }, 8000);
    assert.ok(short, 'p-short is terminating (bound pods wait for their kubelet)');
    assert.ok(deletedAtMs(short) >= Date.parse(noExecute.timeAdded!) + 2000, `deleted at ${short.metadata.deletionTimestamp}, taint added ${noExecute.timeAdded}`);
    // For ever, and 300 s: still there, but no longer Ready.
    for (const name of ['p-forever', 'p-default']) {
      const p = await getPod(name);
      assert.ok(p && !p.metadata.deletionTimestamp, `${name} kept`);
      await waitFor(`${name} marked not ready`, async () => {
        const q = await getPod(name);
        return q?.status.conditions?.find((c) => c.type === 'Ready')?.status === 'False' ? true : undefined;
      }, 5000);
    }
    const evictions = (await events('TaintManagerEviction')).map((e) => e.message);
    assert.ok(evictions.includes('Marking for deletion Pod default/p-none'), evictions.join('; '));
    assert.ok(evictions.includes('Marking for deletion Pod default/p-short'), evictions.join('; '));
    assert.ok(!evictions.some((m) => m.includes('p-forever') || m.includes('p-default')), evictions.join('; '));
    const notReadyEvents = await events('NodeNotReady');
    assert.ok(notReadyEvents.some((e) => e.involvedObject.name === 'p-forever'));
  });

  it('renewed lease and Ready=True again: the controller\'s taints come off, the pods left stay', async () => {
    beating.add('lost');
    await renewLease('lost');
    await postReady('lost', 'True');
    await waitFor('lost untainted', async () => {
      const n = await getNode('lost');
      return (n.spec.taints ?? []).length === 0 ? n : undefined;
    }, 10_000);
    // A few more health passes: it stays healthy while its lease is renewed.
    await new Promise((r) => setTimeout(r, 2000));
    const n = await getNode('lost');
    assert.equal(n.status.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
    assert.deepEqual(n.spec.taints ?? [], []);
    for (const name of ['p-forever', 'p-default']) assert.ok(!isGoing(await getPod(name)), `${name} kept`);
    const cancelled = (await events('TaintManagerEviction')).map((e) => e.message);
    assert.ok(cancelled.includes('Cancelling deletion of Pod default/p-default'), cancelled.join('; '));
  });

  it('Ready=False from a live kubelet: not-ready taints; a NoExecute taint nobody tolerates evicts a ReplicaSet\'s pod and it makes another', async () => {
    // A second zone, so z1 (all healthy) keeps the controller out of master disruption.
    await registerNode('sick', { zone: 'z2', ready: 'False' });
    beating.add('sick');
    const sick = await waitFor('sick tainted not-ready', async () => {
      const n = await getNode('sick');
      return taintOf(n, notReady, 'NoExecute') && taintOf(n, notReady, 'NoSchedule') ? n : undefined;
    }, 10_000);
    assert.equal(taintOf(sick, unreachable, 'NoExecute'), undefined);
    assert.equal(sick.status.conditions?.find((c) => c.type === 'Ready')?.status, 'False', 'a live kubelet\'s status is left alone');

    // A user's own NoExecute taint on a healthy node.
    await ok(api.request('POST', '/apis/apps/v1/namespaces/default/replicasets', {
      body: { metadata: { name: 'web' }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: {
        metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } } },
    }), 201);
    const first = await waitFor('the ReplicaSet\'s pod', async () => {
      const body = await ok(api.request('GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dweb'));
      return (body.items as PodView[])[0];
    }, 10_000);
    await ok(api.request('POST', `/api/v1/namespaces/default/pods/${first.metadata.name}/binding`, {
      body: { metadata: { name: first.metadata.name }, target: { kind: 'Node', name: 'alive' } },
    }), 201);
    await ok(api.request('PATCH', '/api/v1/nodes/alive', {
      body: { spec: { taints: [{ key: 'example.com/maintenance', value: 'now', effect: 'NoExecute' }] } }, contentType: 'application/merge-patch+json',
    }));
    await waitFor('the pod evicted and replaced', async () => {
      const body = await ok(api.request('GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dweb'));
      const items = body.items as PodView[];
      const old = items.find((p) => p.metadata.uid === first.metadata.uid);
      const replacement = items.find((p) => p.metadata.uid !== first.metadata.uid && !p.metadata.deletionTimestamp);
      return isGoing(old) && replacement ? true : undefined;
    }, 10_000);
    const alive = await getNode('alive');
    assert.deepEqual(alive.spec.taints?.map((t) => t.key), ['example.com/maintenance'], 'someone else\'s taint is left alone');
    await ok(api.request('PATCH', '/api/v1/nodes/alive', { body: { spec: { taints: null } }, contentType: 'application/merge-patch+json' }));
  });
});

describe('tolerationSeconds on the controller\'s clock', () => {
  it('a pod with the default 300 s goes once the clock has moved past the taint\'s timeAdded + 300 s', async () => {
    await ctrl?.stop();
    // Only the taint eviction controller: nothing else reacts to the clock jump.
    ctrl = await runControllers(api, [controllerFactories['taint-eviction-controller']], { settings: { nodeMonitorPeriodMs: 200 } });
    await registerNode('manual', { lease: false });
    await ok(api.request('PATCH', '/api/v1/nodes/manual', {
      body: { spec: { taints: [{ key: notReady, effect: 'NoExecute', timeAdded: rfc3339(Date.now()) }] } }, contentType: 'application/merge-patch+json',
    }));
    await runningPod('p-patient', 'manual');
    await new Promise((r) => setTimeout(r, 1000));
    assert.ok(!isGoing(await getPod('p-patient')), 'tolerated for now');
    ctrl.advance(301_000);
    await waitFor('p-patient evicted', async () => (isGoing(await getPod('p-patient')) ? true : undefined), 5000);
  });
});
