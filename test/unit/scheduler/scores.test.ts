import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { defaultNormalizeScore } from '../../../scheduler/framework/normalize.ts';
import { maxNodeScore } from '../../../scheduler/framework/types.ts';
import { balancedResourceScore, nodeResourcesBalancedAllocation } from '../../../scheduler/plugins/balanced-allocation.ts';
import { defaultScores } from '../../../scheduler/plugins/default-profile.ts';
import { nodeAffinity } from '../../../scheduler/plugins/node-affinity.ts';
import { leastRequestedScore, nodeResourcesFit } from '../../../scheduler/plugins/node-resources-fit.ts';
import { taintToleration } from '../../../scheduler/plugins/taint-toleration.ts';
import { makeNode, makePod, runScore, snapshotOf } from './fixtures.ts';

describe('default score weights', () => {
  it('are kube\'s default profile\'s', () => {
    assert.deepEqual(Object.fromEntries(defaultScores.map((p) => [p.name, p.weight])), {
      TaintToleration: 3, NodeAffinity: 2, NodeResourcesFit: 1, PodTopologySpread: 2, InterPodAffinity: 2, NodeResourcesBalancedAllocation: 1,
    });
  });
});

describe('defaultNormalizeScore', () => {
  it('scales to the maximum, and reverses', () => {
    const s = [0, 1, 3];
    defaultNormalizeScore(s, false);
    assert.deepEqual(s, [0, 33, 100]);
    const r = [0, 1, 3];
    defaultNormalizeScore(r, true);
    assert.deepEqual(r, [100, 67, 0]);
    const zeros = [0, 0];
    defaultNormalizeScore(zeros, true);
    assert.deepEqual(zeros, [100, 100]);
  });
  it('always lands in 0..100', () => {
    fc.assert(fc.property(fc.array(fc.nat(1_000_000), { minLength: 1 }), fc.boolean(), (raw, reverse) => {
      const s = [...raw];
      defaultNormalizeScore(s, reverse);
      return s.every((x) => Number.isInteger(x) && x >= 0 && x <= maxNodeScore);
    }));
  });
});

describe('NodeResourcesFit score (LeastAllocated)', () => {
  it('is kube\'s integer formula', () => {
    assert.equal(leastRequestedScore(0, 4000), 100);
    assert.equal(leastRequestedScore(1000, 4000), 75);
    assert.equal(leastRequestedScore(1, 3), 66);
    assert.equal(leastRequestedScore(5000, 4000), 0);
    assert.equal(leastRequestedScore(10, 0), 0);
  });
  it('prefers the emptier node, counting requestless containers at 100m / 200Mi', () => {
    const s = snapshotOf([makeNode('empty', { cpu: '1', memory: '1Gi' }), makeNode('used', { cpu: '1', memory: '1Gi' })], [
      makePod('besteffort', { nodeName: 'used' }),
    ]);
    const scores = runScore(nodeResourcesFit, makePod('p', { cpu: '100m', memory: '128Mi' }), s)!;
    // empty: cpu (1000-100)/1000 → 90, memory (1024-128)/1024 → 87: 88. used adds 100m and 200Mi: 80 and 67: 73.
    assert.deepEqual(scores, { empty: 88, used: 73 });
  });
});

describe('NodeResourcesBalancedAllocation', () => {
  it('is 100 × (1 − std) of the used fractions', () => {
    assert.equal(balancedResourceScore([500, 512], [1000, 1024]), 100);
    assert.equal(balancedResourceScore([1000, 0], [1000, 1024]), 50);
    assert.equal(balancedResourceScore([250, 768], [1000, 1024]), 75);
    assert.equal(balancedResourceScore([2000, 0], [1000, 0]), 100, 'a single resource has no spread');
  });
  it('prefers the node the pod balances, from actual requests', () => {
    const s = snapshotOf([makeNode('cpu-heavy', { cpu: '4', memory: '4Gi' }), makeNode('mem-heavy', { cpu: '4', memory: '4Gi' })], [
      makePod('c', { nodeName: 'cpu-heavy', cpu: '3', memory: '1Gi' }),
      makePod('m', { nodeName: 'mem-heavy', cpu: '1', memory: '3Gi' }),
    ]);
    const scores = runScore(nodeResourcesBalancedAllocation, makePod('p', { cpu: '1', memory: '128Mi' }), s)!;
    assert.ok(scores['mem-heavy'] > scores['cpu-heavy'], JSON.stringify(scores));
    assert.ok(Object.values(scores).every((x) => x >= 0 && x <= 100));
  });
  it('does not score best-effort pods', () => {
    assert.equal(runScore(nodeResourcesBalancedAllocation, makePod('p'), snapshotOf([makeNode('a')])), null);
  });
});

describe('TaintToleration score', () => {
  const s = snapshotOf([
    makeNode('clean'),
    makeNode('one', { taints: [{ key: 'spot', value: 'true', effect: 'PreferNoSchedule' }] }),
    makeNode('two', { taints: [{ key: 'spot', value: 'true', effect: 'PreferNoSchedule' }, { key: 'old', effect: 'PreferNoSchedule' }] }),
  ]);
  it('ranks nodes by untolerated PreferNoSchedule taints, fewest first', () => {
    assert.deepEqual(runScore(taintToleration, makePod('p'), s), { clean: 100, one: 50, two: 0 });
  });
  it('ignores taints the pod tolerates (empty effect tolerates PreferNoSchedule)', () => {
    const pod = makePod('p', { tolerations: [{ key: 'spot', operator: 'Exists' }] });
    assert.deepEqual(runScore(taintToleration, pod, s), { clean: 100, one: 100, two: 0 });
    const noSchedule = makePod('p', { tolerations: [{ key: 'spot', operator: 'Exists', effect: 'NoSchedule' }] });
    assert.deepEqual(runScore(taintToleration, noSchedule, s), { clean: 100, one: 50, two: 0 });
  });
});

describe('NodeAffinity score', () => {
  const s = snapshotOf([
    makeNode('fast', { labels: { disk: 'ssd', zone: 'a' } }), makeNode('slow', { labels: { disk: 'hdd', zone: 'a' } }), makeNode('other', { labels: { zone: 'b' } }),
  ]);
  it('sums the weights of matching preferred terms, scaled to 100', () => {
    const pod = makePod('p', { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [
      { weight: 80, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } },
      { weight: 20, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
    ] } } });
    assert.deepEqual(runScore(nodeAffinity, pod, s), { fast: 100, slow: 20, other: 0 });
  });
  it('is skipped without preferred terms', () => {
    assert.equal(runScore(nodeAffinity, makePod('p'), s), null);
  });
});
