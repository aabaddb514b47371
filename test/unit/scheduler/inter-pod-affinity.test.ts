import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PodAffinityTerm } from '../../../apiserver/api/pod-types.ts';
import { interPodAffinity } from '../../../scheduler/plugins/inter-pod-affinity.ts';
import { filterReasons, makeNode, makePod, runFilter, runScore, snapshotOf } from './fixtures.ts';

const host = 'kubernetes.io/hostname';
const zone = 'topology.kubernetes.io/zone';
const selecting = (app: string, topologyKey = host, extra: Partial<PodAffinityTerm> = {}): PodAffinityTerm => ({
  topologyKey, labelSelector: { matchLabels: { app } }, ...extra,
});

const AFFINITY = "node(s) didn't match pod affinity rules";
const ANTI = "node(s) didn't match pod anti-affinity rules";
const EXISTING = "node(s) didn't satisfy existing pods anti-affinity rules";

function cluster() {
  return snapshotOf([
    makeNode('a1', { labels: { [zone]: 'a' } }), makeNode('a2', { labels: { [zone]: 'a' } }),
    makeNode('b1', { labels: { [zone]: 'b' } }), makeNode('nozone'),
  ], [
    makePod('db-0', { nodeName: 'a1', labels: { app: 'db' } }),
    makePod('web-0', { nodeName: 'b1', labels: { app: 'web' } }),
  ]);
}

describe('InterPodAffinity filter', () => {
  it('required affinity: only nodes in a domain holding a matching pod', () => {
    const pod = makePod('p', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [selecting('db')] } } });
    assert.deepEqual(filterReasons(interPodAffinity, pod, cluster()), { a1: '', b1: AFFINITY, a2: AFFINITY, nozone: AFFINITY });
    const byZone = makePod('p', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [selecting('db', zone)] } } });
    assert.deepEqual(filterReasons(interPodAffinity, byZone, cluster()), { a1: '', b1: AFFINITY, a2: '', nozone: AFFINITY });
  });

  it('lets the first pod of a self-affine group go anywhere the topology key exists', () => {
    const pod = makePod('p', { labels: { app: 'cache' }, affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [selecting('cache', zone)] } } });
    assert.deepEqual(filterReasons(interPodAffinity, pod, cluster()), { a1: '', b1: '', a2: '', nozone: AFFINITY });
    const notSelf = makePod('p', { labels: { app: 'other' }, affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [selecting('cache', zone)] } } });
    assert.ok(Object.values(filterReasons(interPodAffinity, notSelf, cluster())).every((r) => r === AFFINITY));
  });

  it('required anti-affinity: no node in a domain holding a matching pod', () => {
    const pod = makePod('p', { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [selecting('web')] } } });
    assert.deepEqual(filterReasons(interPodAffinity, pod, cluster()), { a1: '', b1: ANTI, a2: '', nozone: '' });
    const byZone = makePod('p', { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [selecting('db', zone)] } } });
    assert.deepEqual(filterReasons(interPodAffinity, byZone, cluster()), { a1: ANTI, b1: '', a2: ANTI, nozone: '' });
  });

  it('honours the anti-affinity of pods already placed', () => {
    const s = cluster();
    s.addPod(makePod('loner', { nodeName: 'a2', labels: { app: 'loner' }, affinity: { podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [selecting('web', zone)],
    } } }));
    assert.deepEqual(filterReasons(interPodAffinity, makePod('w', { labels: { app: 'web' } }), s), { a1: EXISTING, b1: '', a2: EXISTING, nozone: '' });
    assert.equal(runFilter(interPodAffinity, makePod('x', { labels: { app: 'x' } }), s, 'a2'), 'skip');
  });

  it('sees pods assumed since the last attempt', () => {
    const s = cluster();
    const pod = (n: string) => makePod(n, { labels: { app: 'spread' }, affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [selecting('spread')] } } });
    assert.equal(runFilter(interPodAffinity, pod('p1'), s, 'a2'), null);
    s.assumePod(pod('p1'), 'a2');
    assert.deepEqual(runFilter(interPodAffinity, pod('p2'), s, 'a2'), { reasons: [ANTI], unresolvable: false });
    s.forgetPod(pod('p1'));
    assert.equal(runFilter(interPodAffinity, pod('p3'), s, 'a2'), null);
  });

  it('matches namespaces: the pod\'s own by default, listed ones, or those a namespaceSelector picks', () => {
    const s = snapshotOf([makeNode('n1'), makeNode('n2'), makeNode('n3')], [
      makePod('db', { nodeName: 'n1', namespace: 'prod', labels: { app: 'db' } }),
      makePod('db', { nodeName: 'n2', namespace: 'dev', labels: { app: 'db' } }),
    ]);
    s.setNamespaceLabels('prod', { env: 'prod' });
    s.setNamespaceLabels('dev', { env: 'dev' });
    const anti = (term: PodAffinityTerm) => makePod('p', { namespace: 'prod', affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } } });
    assert.deepEqual(filterReasons(interPodAffinity, anti(selecting('db')), s), { n1: ANTI, n2: '', n3: '' });
    assert.deepEqual(filterReasons(interPodAffinity, anti(selecting('db', host, { namespaces: ['dev'] })), s), { n1: '', n2: ANTI, n3: '' });
    assert.deepEqual(filterReasons(interPodAffinity, anti(selecting('db', host, { namespaceSelector: {} })), s), { n1: ANTI, n2: ANTI, n3: '' });
    const devSelector = selecting('db', host, { namespaceSelector: { matchLabels: { env: 'dev' } } });
    assert.deepEqual(filterReasons(interPodAffinity, anti(devSelector), s), { n1: '', n2: ANTI, n3: '' });
    s.setNamespaceLabels('prod', { env: 'dev' });
    assert.deepEqual(filterReasons(interPodAffinity, anti(devSelector), s), { n1: ANTI, n2: ANTI, n3: '' });
  });

  it('refuses a pod whose term cannot be parsed, and skips pods with no affinity at all', () => {
    const bad = makePod('p', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [
      { topologyKey: host, labelSelector: { matchExpressions: [{ key: 'app', operator: 'Near' }] } },
    ] } } });
    const r = runFilter(interPodAffinity, bad, cluster(), 'a1');
    assert.ok(r !== 'skip' && r !== null && r.reasons[0].startsWith('parsing pod: '), JSON.stringify(r));
    assert.equal(runFilter(interPodAffinity, makePod('plain'), cluster(), 'a1'), 'skip');
  });
});

describe('InterPodAffinity score', () => {
  it('preferred affinity favours domains with matching pods', () => {
    const pod = makePod('p', { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [
      { weight: 10, podAffinityTerm: selecting('db', zone) },
    ] } } });
    assert.deepEqual(runScore(interPodAffinity, pod, cluster()), { a1: 100, b1: 0, a2: 100, nozone: 0 });
  });

  it('preferred anti-affinity disfavours them', () => {
    const pod = makePod('p', { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [
      { weight: 10, podAffinityTerm: selecting('web') },
    ] } } });
    assert.deepEqual(runScore(interPodAffinity, pod, cluster()), { a1: 100, b1: 0, a2: 100, nozone: 100 });
  });

  it('combines weights and normalises min..max onto 0..100', () => {
    const s = cluster();
    s.addPod(makePod('db-1', { nodeName: 'b1', labels: { app: 'db' } }));
    const pod = makePod('p', { affinity: {
      podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 30, podAffinityTerm: selecting('db') }] },
      podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: selecting('web') }] },
    } });
    // a1: +30, b1: +30 −10, a2 and nozone: 0.
    assert.deepEqual(runScore(interPodAffinity, pod, s), { a1: 100, b1: 66, a2: 0, nozone: 0 });
  });

  it('counts the preferences and required affinity of pods already placed towards the newcomer', () => {
    const s = cluster();
    s.addPod(makePod('friend', { nodeName: 'a2', affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [
      { weight: 5, podAffinityTerm: selecting('new') },
    ] } } }));
    s.addPod(makePod('needy', { nodeName: 'b1', affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [selecting('new')] } } }));
    s.addPod(makePod('foe', { nodeName: 'a1', affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [
      { weight: 5, podAffinityTerm: selecting('new') },
    ] } } }));
    // a2: +5; b1: +1 (hardPodAffinityWeight); a1: −5; nozone: 0.
    assert.deepEqual(runScore(interPodAffinity, makePod('n', { labels: { app: 'new' } }), s), { a1: 0, b1: 60, a2: 100, nozone: 50 });
    assert.equal(runScore(interPodAffinity, makePod('n', { labels: { app: 'unrelated' } }), s), null);
  });
});
