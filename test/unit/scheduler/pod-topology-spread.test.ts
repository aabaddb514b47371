import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TopologySpreadConstraint } from '../../../apiserver/api/pod-types.ts';
import { podTopologySpread } from '../../../scheduler/plugins/pod-topology-spread.ts';
import { filterReasons, makeNode, makePod, runScore, snapshotOf } from './fixtures.ts';

const zone = 'topology.kubernetes.io/zone';
const host = 'kubernetes.io/hostname';
const SKEW = "node(s) didn't match pod topology spread constraints";
const MISSING = "node(s) didn't match pod topology spread constraints (missing required label)";

const spread = (topologyKey: string, maxSkew: number, when: 'DoNotSchedule' | 'ScheduleAnyway', extra: Partial<TopologySpreadConstraint> = {}): TopologySpreadConstraint => ({
  topologyKey, maxSkew, whenUnsatisfiable: when, labelSelector: { matchLabels: { app: 'web' } }, ...extra,
});

function zones() {
  return snapshotOf([
    makeNode('a1', { labels: { [zone]: 'a' } }), makeNode('a2', { labels: { [zone]: 'a' } }),
    makeNode('b1', { labels: { [zone]: 'b' } }), makeNode('bare'),
  ], [
    makePod('w1', { nodeName: 'a1', labels: { app: 'web' } }),
    makePod('w2', { nodeName: 'a2', labels: { app: 'web' } }),
    makePod('other-ns', { nodeName: 'b1', namespace: 'elsewhere', labels: { app: 'web' } }),
    makePod('leaving', { nodeName: 'b1', labels: { app: 'web' }, terminating: true }),
    makePod('db', { nodeName: 'b1', labels: { app: 'db' } }),
  ]);
}

describe('PodTopologySpread filter', () => {
  it('rejects domains that would exceed maxSkew, and nodes without the topology label', () => {
    const pod = makePod('p', { labels: { app: 'web' }, topologySpreadConstraints: [spread(zone, 1, 'DoNotSchedule')] });
    // Zone a holds 2 web pods, zone b none (other namespaces and terminating pods do not count).
    assert.deepEqual(filterReasons(podTopologySpread, pod, zones()), { a1: SKEW, b1: '', bare: MISSING, a2: SKEW });
    const loose = makePod('p', { labels: { app: 'web' }, topologySpreadConstraints: [spread(zone, 3, 'DoNotSchedule')] });
    assert.deepEqual(filterReasons(podTopologySpread, loose, zones()), { a1: '', b1: '', bare: MISSING, a2: '' });
  });

  it('does not count the pod itself when it does not match the selector', () => {
    const s = zones();
    s.addPod(makePod('w3', { nodeName: 'b1', labels: { app: 'web' } }));
    const matching = makePod('p', { labels: { app: 'web' }, topologySpreadConstraints: [spread(zone, 1, 'DoNotSchedule')] });
    assert.equal(filterReasons(podTopologySpread, matching, s).a1, SKEW);
    const notMatching = makePod('p', { labels: { app: 'api' }, topologySpreadConstraints: [spread(zone, 1, 'DoNotSchedule')] });
    assert.equal(filterReasons(podTopologySpread, notMatching, s).a1, '');
  });

  it('treats missing domains as empty when there are fewer than minDomains', () => {
    const s = zones();
    s.addPod(makePod('w3', { nodeName: 'b1', labels: { app: 'web' } }));
    s.addPod(makePod('w4', { nodeName: 'b1', labels: { app: 'web' } }));
    const two = makePod('p', { labels: { app: 'web' }, topologySpreadConstraints: [spread(zone, 1, 'DoNotSchedule')] });
    assert.equal(filterReasons(podTopologySpread, two, s).a1, '');
    const three = makePod('p', { labels: { app: 'web' }, topologySpreadConstraints: [spread(zone, 1, 'DoNotSchedule', { minDomains: 3 })] });
    assert.equal(filterReasons(podTopologySpread, three, s).a1, SKEW);
  });

  it('counts only nodes the pod\'s node affinity accepts (nodeAffinityPolicy Honor), unless told to Ignore', () => {
    const s = snapshotOf([
      makeNode('a1', { labels: { [zone]: 'a', pool: 'x' } }), makeNode('b1', { labels: { [zone]: 'b', pool: 'x' } }),
      makeNode('c1', { labels: { [zone]: 'c', pool: 'y' } }),
    ], [makePod('w1', { nodeName: 'a1', labels: { app: 'web' } }), makePod('w2', { nodeName: 'b1', labels: { app: 'web' } })]);
    const honor = makePod('p', { labels: { app: 'web' }, nodeSelector: { pool: 'x' }, topologySpreadConstraints: [spread(zone, 1, 'DoNotSchedule')] });
    assert.deepEqual(filterReasons(podTopologySpread, honor, s), { a1: '', b1: '', c1: '' });
    const ignore = makePod('p', { labels: { app: 'web' }, nodeSelector: { pool: 'x' }, topologySpreadConstraints: [spread(zone, 1, 'DoNotSchedule', { nodeAffinityPolicy: 'Ignore' })] });
    assert.deepEqual(filterReasons(podTopologySpread, ignore, s), { a1: SKEW, b1: SKEW, c1: '' });
  });

  it('leaves tainted nodes out when nodeTaintsPolicy is Honor', () => {
    const s = snapshotOf([
      makeNode('a1', { labels: { [zone]: 'a' } }), makeNode('b1', { labels: { [zone]: 'b' } }),
      makeNode('c1', { labels: { [zone]: 'c' }, taints: [{ key: 'gpu', effect: 'NoSchedule' }] }),
    ], [makePod('w1', { nodeName: 'a1', labels: { app: 'web' } }), makePod('w2', { nodeName: 'b1', labels: { app: 'web' } })]);
    const ignore = makePod('p', { labels: { app: 'web' }, topologySpreadConstraints: [spread(zone, 1, 'DoNotSchedule')] });
    assert.equal(filterReasons(podTopologySpread, ignore, s).a1, SKEW);
    const honor = makePod('p', { labels: { app: 'web' }, topologySpreadConstraints: [spread(zone, 1, 'DoNotSchedule', { nodeTaintsPolicy: 'Honor' })] });
    assert.equal(filterReasons(podTopologySpread, honor, s).a1, '');
  });

  it('narrows the selector with matchLabelKeys', () => {
    const s = snapshotOf([makeNode('a1', { labels: { [zone]: 'a' } }), makeNode('b1', { labels: { [zone]: 'b' } })], [
      makePod('old1', { nodeName: 'a1', labels: { app: 'web', rev: '1' } }), makePod('old2', { nodeName: 'a1', labels: { app: 'web', rev: '1' } }),
    ]);
    const plain = makePod('p', { labels: { app: 'web', rev: '2' }, topologySpreadConstraints: [spread(zone, 1, 'DoNotSchedule')] });
    assert.equal(filterReasons(podTopologySpread, plain, s).a1, SKEW);
    const byRevision = makePod('p', { labels: { app: 'web', rev: '2' }, topologySpreadConstraints: [spread(zone, 1, 'DoNotSchedule', { matchLabelKeys: ['rev'] })] });
    assert.equal(filterReasons(podTopologySpread, byRevision, s).a1, '');
  });

  it('is skipped when the pod has no DoNotSchedule constraint (system defaults only score)', () => {
    assert.ok(Object.values(filterReasons(podTopologySpread, makePod('p', { owner: 'rs', labels: { app: 'web' } }), zones())).every((r) => r === ''));
  });
});

describe('PodTopologySpread score', () => {
  it('prefers less crowded domains for ScheduleAnyway constraints, and leaves nodes missing a key at 0', () => {
    const pod = makePod('p', { labels: { app: 'web' }, topologySpreadConstraints: [spread(zone, 1, 'ScheduleAnyway')] });
    const scores = runScore(podTopologySpread, pod, zones())!;
    assert.equal(scores.bare, 0);
    assert.equal(scores.b1, 100);
    assert.ok(scores.a1 < scores.b1 && scores.a1 === scores.a2, JSON.stringify(scores));
  });

  it('spreads pods of the same owner by default, over hostnames even without zone labels', () => {
    const s = snapshotOf([makeNode('n0'), makeNode('n1')], [
      makePod('r1', { nodeName: 'n1', owner: 'rs' }), makePod('r2', { nodeName: 'n1', owner: 'rs' }),
      makePod('x1', { nodeName: 'n0', owner: 'other' }), makePod('x2', { nodeName: 'n0', owner: 'other' }),
    ]);
    // n0: 0 × ln 4 + (3 − 1) = 2; n1: 2 × ln 4 + 2 ≈ 4.77 → 5. Normalised: 100 × (5 + 2 − s) / 5.
    assert.deepEqual(runScore(podTopologySpread, makePod('p', { owner: 'rs' }), s), { n0: 100, n1: 40 });
    assert.equal(runScore(podTopologySpread, makePod('p'), s), null, 'no owner, no constraints: nothing to spread');
  });

  it('keeps scores in 0..100', () => {
    const s = zones();
    for (let i = 0; i < 7; i++) s.addPod(makePod(`r${i}`, { nodeName: ['a1', 'a2', 'b1'][i % 3], owner: 'rs' }));
    for (const pod of [makePod('p', { owner: 'rs' }), makePod('q', { labels: { app: 'web' }, topologySpreadConstraints: [spread(host, 2, 'ScheduleAnyway')] })]) {
      const scores = runScore(podTopologySpread, pod, s)!;
      assert.ok(Object.values(scores).every((x) => Number.isInteger(x) && x >= 0 && x <= 100), JSON.stringify(scores));
    }
  });
});
