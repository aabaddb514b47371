import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Node, Pod } from '../../../apiserver/api/types.ts';
import { parseAffinityTerm } from '../../../scheduler/framework/affinity-terms.ts';
import type { ExistingTermKind } from '../../../scheduler/framework/affinity-term-index.ts';
import type { PodMatcher } from '../../../scheduler/framework/pod-count-index.ts';
import { assumePod, buildSnapshot, Snapshot } from '../../../scheduler/framework/snapshot.ts';
import { termMatcher } from '../../../scheduler/framework/term-matchers.ts';
import { makeNode, makePod } from './fixtures.ts';

const webMatcher: PodMatcher = {
  key: 'test-web', usesNamespaceLabels: false,
  matches: (p) => p.namespace === 'default' && p.labels.app === 'web',
};
const anyNamespaceDb = termMatcher(parseAffinityTerm('default', {
  topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'db' } }, namespaceSelector: {},
}));
const matchers = [webMatcher, anyNamespaceDb];
const kinds: ExistingTermKind[] = ['requiredAffinity', 'requiredAntiAffinity', 'preferredAffinity', 'preferredAntiAffinity'];

const sortedEntries = <V>(m: ReadonlyMap<string, V>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** Everything the snapshot derives from its nodes and pods, in a comparable form. */
function digest(s: Snapshot) {
  const names = s.nodeList().map((n) => n.name);
  assert.equal(new Set(names).size, names.length, 'each node listed once');
  assert.equal(names.length, s.numNodes);
  return {
    nodes: [...names].sort().map((name) => {
      const n = s.get(name)!;
      return {
        name, labels: n.labels, pods: [...n.pods.keys()].sort(),
        requested: { ...n.requested, scalar: sortedEntries(n.requested.scalar) },
        nonZero: n.nonZeroRequested, ports: n.usedPorts.describe(), owners: sortedEntries(n.ownerCounts),
        allocatable: { ...n.allocatable, scalar: sortedEntries(n.allocatable.scalar) },
      };
    }),
    waiting: sortedEntries(s.podsWaitingForNodes()).map(([node, pods]) => [node, [...pods.keys()].sort()]),
    terms: kinds.map((k) => [...s.affinityTerms.groupsOf(k)].map((g) => [`${g.weight}|${g.term.key}`, sortedEntries(g.counts)]).sort()),
    counts: matchers.map((m) => sortedEntries(s.countMatchingPods(m))),
  };
}

const nodeNames = ['n0', 'n1', 'n2', 'n3'];

const nodeArb = fc.record({
  name: fc.constantFrom(...nodeNames),
  cpu: fc.constantFrom('1', '2', '3500m'),
  zone: fc.constantFrom('a', 'b', undefined),
});

const podArb = fc.record({
  name: fc.constantFrom('p0', 'p1', 'p2', 'p3', 'p4', 'p5'),
  namespace: fc.constantFrom('default', 'other'),
  node: fc.constantFrom(...nodeNames, 'ghost', undefined),
  cpu: fc.constantFrom('100m', '1', '0.5m', undefined),
  app: fc.constantFrom('web', 'db', undefined),
  owner: fc.constantFrom('rs-a', 'rs-b', undefined),
  port: fc.constantFrom(80, 443, undefined),
  gpu: fc.boolean(),
  anti: fc.boolean(),
  preferred: fc.boolean(),
  terminating: fc.boolean(),
  phase: fc.constantFrom('Running', 'Pending', 'Succeeded', undefined),
});

function toNode(n: { name: string; cpu: string; zone: string | undefined }): Node {
  return makeNode(n.name, { cpu: n.cpu, labels: n.zone ? { 'topology.kubernetes.io/zone': n.zone } : {}, extra: { 'example.com/gpu': '2' } });
}

type PodSpecArb = typeof podArb extends fc.Arbitrary<infer T> ? T : never;

function toPod(p: PodSpecArb, nodeOverride?: string): Pod {
  return makePod(p.name, {
    namespace: p.namespace, nodeName: nodeOverride ?? p.node, cpu: p.cpu, labels: p.app ? { app: p.app } : undefined,
    owner: p.owner, hostPorts: p.port ? [{ hostPort: p.port }] : undefined, requests: p.gpu ? { 'example.com/gpu': '1' } : undefined,
    terminating: p.terminating, phase: p.phase,
    affinity: {
      podAntiAffinity: p.anti ? { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } }] } : undefined,
      podAffinity: p.preferred ? { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 7, podAffinityTerm: { topologyKey: 'topology.kubernetes.io/zone', labelSelector: { matchLabels: { app: 'db' } } } }] } : undefined,
    },
  });
}

const opArb = fc.oneof(
  fc.record({ op: fc.constant('addNode' as const), node: nodeArb }),
  fc.record({ op: fc.constant('removeNode' as const), name: fc.constantFrom(...nodeNames) }),
  fc.record({ op: fc.constant('addPod' as const), pod: podArb }),
  fc.record({ op: fc.constant('assumePod' as const), pod: podArb, node: fc.constantFrom(...nodeNames) }),
  fc.record({ op: fc.constant('removePod' as const), name: fc.constantFrom('p0', 'p1', 'p2', 'p3', 'p4', 'p5'), namespace: fc.constantFrom('default', 'other') }),
  fc.record({ op: fc.constant('query' as const) }),
);

describe('Snapshot', () => {
  it('kept current incrementally equals a snapshot built afresh from the same nodes and pods', () => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
      const s = new Snapshot();
      s.setNamespaceLabels('other', { team: 'x' });
      const nodes = new Map<string, Node>();
      const pods = new Map<string, Pod>();
      for (const o of ops) {
        switch (o.op) {
          case 'addNode': {
            const n = toNode(o.node);
            nodes.set(o.node.name, n);
            s.addNode(n);
            break;
          }
          case 'removeNode':
            nodes.delete(o.name);
            s.removeNode(o.name);
            break;
          case 'addPod': {
            const p = toPod(o.pod);
            // An unbound, running pod changes nothing (an assumed copy stays); anything else replaces the pod.
            if (p.spec!.nodeName || p.status?.phase === 'Succeeded') pods.set(p.metadata!.uid!, p);
            s.addPod(p);
            break;
          }
          case 'assumePod': {
            const p = toPod(o.pod);
            // An assumed pod counts exactly as if it were bound there.
            pods.set(p.metadata!.uid!, toPod(o.pod, o.node));
            assumePod(s, p, o.node);
            break;
          }
          case 'removePod':
            pods.delete(`${o.namespace}-${o.name}`);
            s.removePod(`${o.namespace}-${o.name}`);
            break;
          case 'query':
            // Memoised counts created mid-way must be kept current by the operations that follow.
            for (const m of matchers) s.countMatchingPods(m);
            break;
        }
      }
      const fresh = buildSnapshot([...nodes.values()], [...pods.values()]);
      fresh.setNamespaceLabels('other', { team: 'x' });
      assert.deepEqual(digest(s), digest(fresh));
    }), { numRuns: 300 });
  });

  it('frees exactly what a pod took when it is removed, and says whether it freed anything', () => {
    const s = buildSnapshot([makeNode('a', { cpu: '2' })], []);
    const before = structuredClone({ requested: s.get('a')!.requested, nonZero: s.get('a')!.nonZeroRequested });
    const pod = makePod('p', { cpu: '700m', memory: '1Gi', hostPorts: [{ hostPort: 8080 }], owner: 'rs' });
    s.assumePod(pod, 'a');
    assert.equal(s.get('a')!.requested.milliCPU, 700);
    assert.equal(s.get('a')!.ownerCounts.get('uid-rs'), 1);
    assert.equal(s.nodeNameOf(pod), 'a');
    assert.equal(s.forgetPod(pod), true);
    assert.deepEqual({ requested: s.get('a')!.requested, nonZero: s.get('a')!.nonZeroRequested }, before);
    assert.equal(s.get('a')!.usedPorts.size, 0);
    assert.equal(s.removePod(pod), false);
  });

  it('replaces an assumed pod by its bound copy instead of counting it twice', () => {
    const s = buildSnapshot([makeNode('a'), makeNode('b')], []);
    const pod = makePod('p', { cpu: '1' });
    s.assumePod(pod, 'a');
    s.addPod({ ...pod, spec: { ...pod.spec!, nodeName: 'a' } });
    assert.equal(s.get('a')!.pods.size, 1);
    assert.equal(s.get('a')!.requested.milliCPU, 1000);
    s.addPod({ ...pod, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False' }] } });
    assert.equal(s.get('a')!.pods.size, 1, 'a status update of the still unbound pod keeps the assumption');
    s.addPod({ ...pod, spec: { ...pod.spec!, nodeName: 'a' }, status: { phase: 'Succeeded' } });
    assert.equal(s.get('a')!.pods.size, 0, 'a finished pod frees its node');
  });

  it('keeps pods of an unknown or removed node aside until the node (re)appears', () => {
    const s = buildSnapshot([], [makePod('early', { nodeName: 'late', cpu: '1' })]);
    assert.equal(s.numNodes, 0);
    s.addNode(makeNode('late'));
    assert.equal(s.get('late')!.requested.milliCPU, 1000);
    s.removeNode('late');
    assert.deepEqual([...s.podsWaitingForNodes().get('late')!.keys()], ['default-early']);
    s.addNode(makeNode('late'));
    assert.equal(s.get('late')!.pods.size, 1);
  });

  it('lists nodes zone by zone in turn, as kube\'s node tree does', () => {
    const zone = (name: string, z: string) => makeNode(name, { labels: { 'topology.kubernetes.io/zone': z } });
    const s = buildSnapshot([zone('a1', 'a'), zone('a2', 'a'), zone('a3', 'a'), zone('b1', 'b'), zone('c1', 'c'), zone('c2', 'c')], []);
    assert.deepEqual(s.nodeList().map((n) => n.name), ['a1', 'b1', 'c1', 'a2', 'c2', 'a3']);
    s.updateNode(zone('a1', 'c'));
    assert.deepEqual(s.nodeList().map((n) => n.name), ['a2', 'b1', 'c1', 'a3', 'c2', 'a1']);
  });

  it('keeps a node\'s pods when the node object is updated', () => {
    const s = buildSnapshot([makeNode('a', { cpu: '1' })], [makePod('p', { nodeName: 'a', cpu: '500m' })]);
    s.setNode(makeNode('a', { cpu: '8', unschedulable: true }));
    assert.equal(s.get('a')!.allocatable.milliCPU, 8000);
    assert.equal(s.get('a')!.requested.milliCPU, 500);
    assert.equal(s.get('a')!.unschedulable, true);
  });
});
