// daemonset-controller against a real apiserver, with Nodes created through the API. No scheduler or kubelet runs:
// daemon pods stay unbound (their node is named by their required node affinity), and the test plays the kubelet
// by writing pod status (Running and Ready) through the API where readiness matters.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newDaemonSetController } from '../../../controllers/daemonset.ts';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { waitFor } from '../../helpers/component.ts';
import { runControllers, type RunningControllers } from './harness.ts';

let api: TestApiserver;
let ctrl: RunningControllers;
before(async () => {
  api = await startApiserver();
  ctrl = await runControllers(api, [newDaemonSetController]);
});
after(async () => {
  await ctrl.stop();
  await api.stop();
  api.cleanup();
});

interface PodView {
  metadata: { name: string; labels: Record<string, string> };
  spec: { tolerations?: { key?: string }[]; affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: { matchFields?: { values: string[] }[] }[] } } } };
  status?: { phase?: string };
}

async function addNode(name: string, taints?: { key: string; effect: string }[], labels: Record<string, string> = {}): Promise<void> {
  const res = await api.request('POST', '/api/v1/nodes', {
    body: {
      metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
      spec: { taints },
      status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }] },
    },
  });
  assert.equal(res.status, 201, res.text);
}

const nodeOf = (p: PodView): string | undefined =>
  p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]?.matchFields?.[0]?.values[0];

async function podsOf(ds: string): Promise<PodView[]> {
  const res = await api.request('GET', `/api/v1/namespaces/default/pods?labelSelector=app%3D${ds}`);
  return res.body.items as PodView[];
}

async function waitForNodes(ds: string, nodes: string[]): Promise<PodView[]> {
  const want = [...nodes].sort().join(',');
  return waitFor(`${ds} pods on ${want}`, async () => {
    const pods = await podsOf(ds);
    return pods.map(nodeOf).sort().join(',') === want ? pods : undefined;
  });
}

/** Plays the kubelet: the pod's containers run and pass their readiness probe. */
async function markReady(name: string): Promise<void> {
  const pod = await api.request('GET', `/api/v1/namespaces/default/pods/${name}`);
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const body = { ...pod.body, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] } };
  const res = await api.request('PUT', `/api/v1/namespaces/default/pods/${name}/status`, { body });
  assert.equal(res.status, 200, res.text);
}

async function createDaemonSet(name: string, spec: Record<string, unknown> = {}, podSpec: Record<string, unknown> = {}): Promise<void> {
  const res = await api.request('POST', '/apis/apps/v1/namespaces/default/daemonsets', {
    body: {
      metadata: { name },
      spec: {
        selector: { matchLabels: { app: name } }, ...spec,
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox:1' }], ...podSpec } },
      },
    },
  });
  assert.equal(res.status, 201, res.text);
}

describe('daemonset-controller', () => {
  it('runs one pod per eligible node, following nodes as they come, with taints and node selectors', async () => {
    await addNode('n1');
    await addNode('n2');
    await addNode('tainted', [{ key: 'dedicated', effect: 'NoSchedule' }]);
    await addNode('cordoned-ish', [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]);
    await createDaemonSet('agent');
    const pods = await waitForNodes('agent', ['n1', 'n2', 'cordoned-ish']);
    for (const p of pods) {
      assert.ok(p.metadata.labels['controller-revision-hash']);
      assert.ok(p.spec.tolerations?.some((t) => t.key === 'node.kubernetes.io/not-ready'));
    }
    await addNode('n3');
    await waitForNodes('agent', ['n1', 'n2', 'cordoned-ish', 'n3']);
    const ds = await waitFor('status', async () => {
      const res = await api.request('GET', '/apis/apps/v1/namespaces/default/daemonsets/agent');
      return res.body.status?.currentNumberScheduled === 4 ? res.body : undefined;
    });
    assert.equal(ds.status.desiredNumberScheduled, 4);
    assert.equal(ds.status.numberUnavailable, 4);
    assert.equal(ds.status.updatedNumberScheduled, 4);
    assert.equal(ds.status.observedGeneration, 1);
    const revs = await api.request('GET', '/apis/apps/v1/namespaces/default/controllerrevisions');
    assert.equal((revs.body.items as { metadata: { name: string } }[]).filter((r) => r.metadata.name.startsWith('agent-')).length, 1);

    await createDaemonSet('picky', {}, { nodeSelector: { disk: 'ssd' } });
    await addNode('fast', undefined, { disk: 'ssd' });
    await waitForNodes('picky', ['fast']);
  });

  it('rolls a template change out within maxUnavailable 1', async () => {
    await createDaemonSet('roll', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } } },
      { nodeSelector: { roll: 'yes' } });
    for (const n of ['r1', 'r2', 'r3']) await addNode(n, undefined, { roll: 'yes' });
    const first = await waitForNodes('roll', ['r1', 'r2', 'r3']);
    for (const p of first) await markReady(p.metadata.name);
    const oldHash = first[0].metadata.labels['controller-revision-hash'];
    const patch = await api.request('PATCH', '/apis/apps/v1/namespaces/default/daemonsets/roll', {
      body: { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox:2' }] } } } },
      contentType: 'application/strategic-merge-patch+json',
    });
    assert.equal(patch.status, 200, patch.text);
    // Each step: at most one pod is missing or unready; the test makes each new pod ready in turn.
    const seen = new Set<string>();
    await waitFor('all pods updated', async () => {
      const pods = await podsOf('roll');
      const fresh = pods.filter((p) => p.metadata.labels['controller-revision-hash'] !== oldHash);
      const unready = pods.filter((p) => p.status?.phase !== 'Running').length + (3 - pods.length);
      assert.ok(unready <= 1, `at most one unavailable, saw ${unready}`);
      for (const p of fresh) {
        if (seen.has(p.metadata.name)) continue;
        seen.add(p.metadata.name);
        await markReady(p.metadata.name);
      }
      return fresh.length === 3 && pods.length === 3 ? true : undefined;
    }, 15_000);
    const revs = await api.request('GET', '/apis/apps/v1/namespaces/default/controllerrevisions');
    assert.equal((revs.body.items as { metadata: { name: string } }[]).filter((r) => r.metadata.name.startsWith('roll-')).length, 2);
  });
});
