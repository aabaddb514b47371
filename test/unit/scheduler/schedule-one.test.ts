import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod } from '../../../apiserver/api/types.ts';
import { CycleState } from '../../../scheduler/framework/cycle-state.ts';
import { fitErrorMessage, newDiagnosis } from '../../../scheduler/framework/fit-error.ts';
import { numFeasibleNodesToFind } from '../../../scheduler/framework/num-feasible-nodes.ts';
import { findNodesThatFit, prioritize, schedulePod, selectHost } from '../../../scheduler/framework/schedule-one.ts';
import type { FilterPlugin, NodeInfo, Profile, ScorePlugin } from '../../../scheduler/framework/types.ts';
import { defaultProfile } from '../../../scheduler/plugins/default-profile.ts';
import { makeNode, makePod, sequence, snapshotOf } from './fixtures.ts';

function fitError(result: ReturnType<typeof schedulePod>): string {
  assert.ok('fitError' in result, `expected a FitError, got ${JSON.stringify(result)}`);
  return result.fitError;
}

function placed(result: ReturnType<typeof schedulePod>): string {
  assert.ok('nodeName' in result, `expected a node, got ${JSON.stringify(result)}`);
  return result.nodeName;
}

describe('fitErrorMessage', () => {
  it('counts reasons over nodes and sorts them as strings, like kube', () => {
    const d = newDiagnosis();
    d.nodeToReasons.set('n1', ['node(s) were unschedulable']);
    d.nodeToReasons.set('n2', ['Insufficient cpu']);
    d.nodeToReasons.set('n3', ['Insufficient cpu']);
    assert.equal(fitErrorMessage(3, d), '0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu.');
  });
  it('counts every reason of a node, and sorts "10 ..." before "2 ..." as Go does', () => {
    const d = newDiagnosis();
    for (let i = 0; i < 10; i++) d.nodeToReasons.set(`m${i}`, ['Insufficient memory']);
    d.nodeToReasons.set('x', ['Insufficient cpu', 'Too many pods']);
    d.nodeToReasons.set('y', ['Insufficient cpu']);
    assert.equal(fitErrorMessage(12, d), '0/12 nodes are available: 1 Too many pods, 10 Insufficient memory, 2 Insufficient cpu.');
  });
  it('uses a PreFilter rejection alone, and counts nodes a PreFilter left out', () => {
    const pre = newDiagnosis();
    pre.preFilterMessage = 'pod affinity terms conflict';
    pre.nodeToReasons.set('ignored', ['Insufficient cpu']);
    assert.equal(fitErrorMessage(4, pre), '0/4 nodes are available: pod affinity terms conflict.');
    const absent = newDiagnosis();
    absent.nodeToReasons.set('n1', ['Insufficient cpu']);
    absent.absentNodesReasons = ["node(s) didn't satisfy plugin(s) [NodeAffinity]"];
    assert.equal(fitErrorMessage(3, absent), "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity].");
  });
});

describe('schedulePod with the default profile', () => {
  it('gives kube\'s message for the issue\'s example', () => {
    const s = snapshotOf([makeNode('cordoned', { unschedulable: true }), makeNode('small1', { cpu: '1' }), makeNode('small2', { cpu: '1' })]);
    const result = schedulePod(makePod('big', { cpu: '2' }), s, defaultProfile());
    assert.equal(fitError(result), '0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu.');
    assert.ok('diagnosis' in result);
    assert.deepEqual([...result.diagnosis.unschedulablePlugins].sort(), ['NodeResourcesFit', 'NodeUnschedulable']);
  });

  it('reports the first failing filter per node, in the profile\'s order', () => {
    const s = snapshotOf([
      makeNode('control', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }], labels: { disk: 'ssd' } }),
      makeNode('worker', { cpu: '1' }),
      makeNode('down', { ready: 'False', unschedulable: true }),
    ]);
    const pod = makePod('p', { cpu: '2', nodeSelector: { disk: 'ssd' } });
    assert.equal(fitError(schedulePod(pod, s, defaultProfile())),
      "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 1 node(s) were unschedulable.");
  });

  it('counts nodes outside a DaemonSet pod\'s pinned node as not satisfying NodeAffinity', () => {
    const s = snapshotOf([makeNode('a', { cpu: '1' }), makeNode('b'), makeNode('c')]);
    const pod = makePod('ds', { cpu: '2', affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [
      { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a'] }] },
    ] } } } });
    assert.equal(fitError(schedulePod(pod, s, defaultProfile())), "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity].");
    const pinnedToFit = makePod('ds2', { cpu: '1', affinity: pod.spec!.affinity });
    assert.equal(placed(schedulePod(pinnedToFit, s, defaultProfile())), 'a');
  });

  it('says so when there are no nodes at all', () => {
    assert.equal(fitError(schedulePod(makePod('p'), snapshotOf([]), defaultProfile())), 'no nodes available to schedule pods');
  });

  it('picks the best-scored node', () => {
    const s = snapshotOf([makeNode('busy', { cpu: '4' }), makeNode('idle', { cpu: '4' }), makeNode('full', { cpu: '4' })], [
      makePod('a', { nodeName: 'busy', cpu: '3' }), makePod('b', { nodeName: 'full', cpu: '4' }),
    ]);
    for (let i = 0; i < 5; i++) assert.equal(placed(schedulePod(makePod(`p${i}`, { cpu: '500m', memory: '512Mi' }), s, defaultProfile())), 'idle');
  });

  it('spreads a ReplicaSet\'s pods across nodes as they are assumed one by one', () => {
    const s = snapshotOf(['a', 'b', 'c', 'd'].map((n) => makeNode(n)));
    const counts: Record<string, number> = {};
    for (let i = 0; i < 12; i++) {
      const pod = makePod(`r${i}`, { owner: 'rs', cpu: '100m', memory: '100Mi' });
      const node = placed(schedulePod(pod, s, defaultProfile(), sequence(0.5)));
      s.assumePod(pod, node);
      counts[node] = (counts[node] ?? 0) + 1;
    }
    assert.deepEqual(counts, { a: 3, b: 3, c: 3, d: 3 });
  });

  it('skips scoring when a single node fits', () => {
    const s = snapshotOf([makeNode('only'), makeNode('off', { unschedulable: true })]);
    const result = schedulePod(makePod('p'), s, defaultProfile());
    assert.deepEqual(result, { nodeName: 'only', evaluatedNodes: 2, feasibleNodes: 1 });
  });
});

describe('selectHost', () => {
  const tied = [{ name: 'a', score: 10 }, { name: 'b', score: 30 }, { name: 'c', score: 30 }, { name: 'd', score: 30 }];
  it('returns the highest score whatever the random source says', () => {
    assert.equal(selectHost([{ name: 'x', score: 1 }, { name: 'y', score: 9 }, { name: 'z', score: 3 }], () => 0), 'y');
  });
  it('breaks ties with the random source (reservoir sampling)', () => {
    assert.equal(selectHost(tied, () => 0.99), 'b');
    assert.equal(selectHost(tied, () => 0), 'd');
    assert.equal(selectHost(tied, sequence(0, 0.9)), 'c');
  });
  it('chooses each tied node about equally often', () => {
    const seen: Record<string, number> = { b: 0, c: 0, d: 0 };
    for (let i = 0; i < 3000; i++) seen[selectHost(tied)]++;
    for (const n of Object.values(seen)) assert.ok(n > 850 && n < 1150, JSON.stringify(seen));
  });
  it('refuses an empty list', () => {
    assert.throws(() => selectHost([]), /empty priorityList/);
  });
});

describe('percentageOfNodesToScore', () => {
  it('follows kube\'s adaptive rule and its minimums', () => {
    assert.equal(numFeasibleNodesToFind(0, 50), 50);
    assert.equal(numFeasibleNodesToFind(0, 100), 100);
    assert.equal(numFeasibleNodesToFind(0, 200), 100);
    assert.equal(numFeasibleNodesToFind(0, 1000), 420);
    assert.equal(numFeasibleNodesToFind(0, 1500), 570);
    assert.equal(numFeasibleNodesToFind(0, 5000), 500);
    assert.equal(numFeasibleNodesToFind(0, 10000), 500);
    assert.equal(numFeasibleNodesToFind(10, 500), 100);
    assert.equal(numFeasibleNodesToFind(50, 1000), 500);
    assert.equal(numFeasibleNodesToFind(100, 1000), 1000);
  });

  const countingFilter = (calls: string[], rejects: ReadonlySet<string> = new Set()): FilterPlugin => ({
    name: 'Counting',
    filter: (_pod: Pod, node: NodeInfo) => {
      calls.push(node.name);
      return rejects.has(node.name) ? { reasons: ['nope'], unresolvable: false } : null;
    },
  });
  const flat: ScorePlugin = { name: 'Flat', weight: 1, score: () => 0 };
  const names = Array.from({ length: 300 }, (_, i) => `n${String(i).padStart(3, '0')}`);

  it('stops after enough feasible nodes and starts the next search where this one stopped', () => {
    const s = snapshotOf(names.map((n) => makeNode(n)));
    const calls: string[] = [];
    const profile: Profile = { filters: [countingFilter(calls, new Set(['n001']))], scores: [flat], percentageOfNodesToScore: 0 };
    // 300 nodes: 50 − 2 = 48% is 144 nodes.
    const first = findNodesThatFit(makePod('p'), s, profile);
    assert.equal(first.feasible.length, 144);
    assert.equal(calls.length, 145, 'the rejected node was looked at too');
    assert.equal(first.feasible[0].name, 'n000');
    assert.deepEqual([...first.diagnosis.nodeToReasons.keys()], ['n001']);
    assert.equal(s.nextStartNodeIndex, 145);
    const second = findNodesThatFit(makePod('q'), s, profile);
    assert.equal(second.feasible[0].name, 'n145');
    assert.equal(second.feasible.at(-1)!.name, 'n288');
    const third = findNodesThatFit(makePod('r'), s, profile);
    assert.equal(third.feasible[0].name, 'n289');
    assert.equal(third.feasible.at(-1)!.name, 'n133', 'wraps around, past the rejected n001');
    assert.ok(third.feasible.every((n) => n.name !== 'n001'));
  });

  it('looks at every node when none fits', () => {
    const s = snapshotOf(names.map((n) => makeNode(n)));
    const calls: string[] = [];
    const profile: Profile = { filters: [countingFilter(calls, new Set(names))], scores: [flat], percentageOfNodesToScore: 0 };
    const r = findNodesThatFit(makePod('p'), s, profile);
    assert.equal(r.feasible.length, 0);
    assert.equal(calls.length, 300);
    assert.equal(fitErrorMessage(300, r.diagnosis), '0/300 nodes are available: 300 nope.');
  });

  it('honours a configured percentage, and needs one node when nothing scores', () => {
    const s = snapshotOf(names.map((n) => makeNode(n)));
    const calls: string[] = [];
    assert.equal(findNodesThatFit(makePod('p'), s, { filters: [countingFilter(calls)], scores: [flat], percentageOfNodesToScore: 100 }).feasible.length, 300);
    assert.equal(findNodesThatFit(makePod('p'), s, { filters: [countingFilter(calls)], scores: [], percentageOfNodesToScore: 0 }).feasible.length, 1);
  });
});

describe('prioritize', () => {
  const s = snapshotOf([makeNode('a'), makeNode('b')]);
  const fixed = (name: string, weight: number, byNode: Record<string, number>): ScorePlugin => ({ name, weight, score: (_p, n) => byNode[n.name] });
  it('adds up each plugin\'s score times its weight, after normalising', () => {
    const halve: ScorePlugin = { ...fixed('Halve', 1, { a: 80, b: 20 }), normalize: (scores) => scores.forEach((v, i) => { scores[i] = v / 2; }) };
    const skipped: ScorePlugin = { ...fixed('Skipped', 5, { a: 100, b: 100 }), preScore: () => 'skip' };
    const pod = makePod('p');
    const totals = prioritize(pod, s.nodeList(), [fixed('Three', 3, { a: 10, b: 50 }), halve, skipped], new CycleState(pod, s));
    assert.deepEqual(totals, [{ name: 'a', score: 70 }, { name: 'b', score: 160 }]);
  });
  it('refuses a score outside 0..100', () => {
    const pod = makePod('p');
    assert.throws(() => prioritize(pod, s.nodeList(), [fixed('Wild', 1, { a: 101, b: 0 })], new CycleState(pod, s)), /plugin Wild returns an invalid score 101 for node a/);
  });
});
