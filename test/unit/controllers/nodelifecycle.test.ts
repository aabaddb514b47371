import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Lease, Node, NodeCondition, Pod, Taint } from '../../../apiserver/api/types.ts';
import {
  TokenBucket, afterOwnWrite, computeZoneState, disruptionTransition, heartbeatTimedOut, noExecuteDecision,
  nodeStartupGracePeriodMs, notReadyPodStatus, observeNodeHealth, plannedTaints, unknownConditions,
  wantedNoScheduleKeys, zoneEvictionRate, zoneKey, type ZoneState,
} from '../../../controllers/nodelifecycle-plan.ts';

const t0 = Date.parse('2024-05-01T10:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const grace = 50_000;

const cond = (type: string, status: string, heartbeat = iso(t0)): NodeCondition =>
  ({ type, status, lastHeartbeatTime: heartbeat, lastTransitionTime: iso(t0 - 3600_000), reason: 'Kubelet', message: 'm' });

function node(opts: { ready?: string; heartbeat?: string; conditions?: NodeCondition[]; taints?: Taint[]; unschedulable?: boolean; labels?: Record<string, string> } = {}): Node {
  const conditions = opts.conditions ?? (opts.ready === undefined ? [] : [
    cond('MemoryPressure', 'False'), cond('DiskPressure', 'False'), cond('PIDPressure', 'False'), cond('Ready', opts.ready, opts.heartbeat),
  ]);
  return {
    metadata: { name: 'n1', creationTimestamp: iso(t0 - 600_000), labels: opts.labels },
    spec: { taints: opts.taints, unschedulable: opts.unschedulable },
    status: { conditions },
  };
}

const lease = (renewTime: string): Lease => ({ metadata: { name: 'n1', namespace: 'kube-node-lease' }, spec: { renewTime } });
const micro = (ms: number): string => new Date(ms).toISOString().replace(/Z$/, '000Z');

describe('observeNodeHealth', () => {
  it('a node first seen is timed from now; a renewed lease moves the probe, an unchanged one does not', () => {
    const n = node({ ready: 'True' });
    let h = observeNodeHealth(undefined, n, lease(micro(t0)), t0);
    assert.equal(h.probeMs, t0);
    h = observeNodeHealth(h, n, lease(micro(t0)), t0 + 30_000);
    assert.equal(h.probeMs, t0, 'same renewTime is no heartbeat');
    assert.equal(heartbeatTimedOut(h, n, grace, t0 + 50_000), false);
    assert.equal(heartbeatTimedOut(h, n, grace, t0 + 50_001), true);
    h = observeNodeHealth(h, n, lease(micro(t0 + 40_000)), t0 + 45_000);
    assert.equal(h.probeMs, t0 + 45_000, 'the controller\'s own clock, not the kubelet\'s, times the heartbeat');
    assert.equal(heartbeatTimedOut(h, n, grace, t0 + 90_000), false);
  });

  it('an older renewTime (a clock gone back) is not a heartbeat', () => {
    const n = node({ ready: 'True' });
    const h = observeNodeHealth(undefined, n, lease(micro(t0)), t0);
    assert.equal(observeNodeHealth(h, n, lease(micro(t0 - 5000)), t0 + 10_000).probeMs, t0);
  });

  it('a changed Ready heartbeat counts even without a lease', () => {
    const h = observeNodeHealth(undefined, node({ ready: 'True', heartbeat: iso(t0) }), undefined, t0);
    assert.equal(observeNodeHealth(h, node({ ready: 'True', heartbeat: iso(t0 + 10_000) }), undefined, t0 + 20_000).probeMs, t0 + 20_000);
    assert.equal(observeNodeHealth(h, node({ ready: 'True', heartbeat: iso(t0) }), undefined, t0 + 20_000).probeMs, t0);
  });

  it('a node that never posted Ready is timed from its creation with the startup grace period', () => {
    const n = node();
    const h = observeNodeHealth(undefined, n, undefined, t0);
    assert.equal(h.probeMs, t0 - 600_000);
    assert.equal(heartbeatTimedOut(h, n, grace, t0 - 600_000 + nodeStartupGracePeriodMs - 1), false);
    assert.equal(heartbeatTimedOut(h, n, grace, t0 - 600_000 + nodeStartupGracePeriodMs + 1), true);
  });

  it('the controller\'s own Unknown write is not taken for a heartbeat', () => {
    const n = node();
    const h = observeNodeHealth(undefined, n, undefined, t0);
    const conditions = unknownConditions(n, iso(t0))!;
    const after = afterOwnWrite(h, conditions);
    const written: Node = { ...n, status: { conditions } };
    assert.equal(observeNodeHealth(after, written, undefined, t0 + 1000).probeMs, h.probeMs);
  });
});

describe('unknownConditions', () => {
  it('turns the kubelet\'s conditions Unknown, keeping their heartbeat', () => {
    const out = unknownConditions(node({ ready: 'True' }), iso(t0 + 60_000))!;
    for (const c of out) {
      assert.equal(c.status, 'Unknown');
      assert.equal(c.reason, 'NodeStatusUnknown');
      assert.equal(c.message, 'Kubelet stopped posting node status.');
      assert.equal(c.lastTransitionTime, iso(t0 + 60_000));
      assert.equal(c.lastHeartbeatTime, iso(t0));
    }
    assert.deepEqual(out.map((c) => c.type).sort(), ['DiskPressure', 'MemoryPressure', 'PIDPressure', 'Ready']);
  });

  it('adds the ones never posted, and leaves NetworkUnavailable alone', () => {
    const out = unknownConditions(node({ conditions: [cond('NetworkUnavailable', 'False')] }), iso(t0))!;
    assert.equal(out.find((c) => c.type === 'NetworkUnavailable')?.status, 'False');
    const ready = out.find((c) => c.type === 'Ready')!;
    assert.equal(ready.reason, 'NodeStatusNeverUpdated');
    assert.equal(ready.message, 'Kubelet never posted node status.');
    assert.equal(ready.lastHeartbeatTime, iso(t0 - 600_000));
  });

  it('nothing to write when they are Unknown already', () => {
    const conditions = unknownConditions(node({ ready: 'False' }), iso(t0))!;
    assert.equal(unknownConditions(node({ conditions }), iso(t0 + 5000)), undefined);
  });
});

describe('taints', () => {
  const keys = (taints: Taint[] | undefined): string[] => (taints ?? []).map((t) => `${t.key}:${t.effect}`).sort();

  it('NoSchedule taints follow the conditions and cordoning', () => {
    assert.deepEqual(wantedNoScheduleKeys(node({ ready: 'True' })), []);
    assert.deepEqual(wantedNoScheduleKeys(node({ ready: 'False' })), ['node.kubernetes.io/not-ready']);
    assert.deepEqual(wantedNoScheduleKeys(node({ ready: 'Unknown' })), ['node.kubernetes.io/unreachable']);
    const pressured = node({ conditions: [cond('Ready', 'True'), cond('DiskPressure', 'True'), cond('MemoryPressure', 'True'), cond('NetworkUnavailable', 'True')], unschedulable: true });
    assert.deepEqual(wantedNoScheduleKeys(pressured).sort(), [
      'node.kubernetes.io/disk-pressure', 'node.kubernetes.io/memory-pressure', 'node.kubernetes.io/network-unavailable', 'node.kubernetes.io/unschedulable',
    ]);
  });

  it('Ready=Unknown: unreachable NoSchedule and NoExecute, both with timeAdded', () => {
    const n = node({ ready: 'Unknown' });
    const d = noExecuteDecision(n, false);
    assert.deepEqual(d, { key: 'node.kubernetes.io/unreachable', needsToken: true });
    const taints = plannedTaints(n, 'node.kubernetes.io/unreachable', iso(t0))!;
    assert.deepEqual(keys(taints), ['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
    assert.ok(taints.every((t) => t.timeAdded === iso(t0)));
  });

  it('Ready=False swaps unreachable for not-ready at once (no token), NoSchedule likewise', () => {
    const n = node({ ready: 'False', taints: [
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: iso(t0) },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: iso(t0) },
    ] });
    const d = noExecuteDecision(n, false);
    assert.deepEqual(d, { key: 'node.kubernetes.io/not-ready', needsToken: false });
    const taints = plannedTaints(n, 'node.kubernetes.io/not-ready', iso(t0 + 5000))!;
    assert.deepEqual(keys(taints), ['node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/not-ready:NoSchedule']);
    assert.ok(taints.every((t) => t.timeAdded === iso(t0 + 5000)));
  });

  it('Ready again: the controller\'s taints go, everybody else\'s stay, kept ones keep their timeAdded', () => {
    const mine = { key: 'example.com/dedicated', value: 'gpu', effect: 'NoSchedule' as const };
    const n = node({ ready: 'True', taints: [
      mine,
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: iso(t0) },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: iso(t0) },
    ] });
    const d = noExecuteDecision(n, false);
    assert.deepEqual(d, { key: undefined, needsToken: false });
    assert.deepEqual(plannedTaints(n, undefined, iso(t0 + 5000)), [mine]);
    const cordoned = node({ ready: 'True', unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: iso(t0) }] });
    assert.equal(plannedTaints(cordoned, undefined, iso(t0 + 5000)), undefined, 'nothing changes');
  });

  it('while rate-limited the NoExecute taints stay as they are, NoSchedule ones still follow', () => {
    const n = node({ ready: 'Unknown' });
    assert.deepEqual(keys(plannedTaints(n, 'unchanged', iso(t0))), ['node.kubernetes.io/unreachable:NoSchedule']);
  });

  it('no decision for a node that never posted Ready; removal while evictions are stopped', () => {
    assert.equal(noExecuteDecision(node(), false), 'unchanged');
    assert.deepEqual(noExecuteDecision(node({ ready: 'Unknown' }), true), { key: undefined, needsToken: false });
    const tainted = node({ ready: 'Unknown', taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }] });
    assert.deepEqual(noExecuteDecision(tainted, false), { key: 'node.kubernetes.io/unreachable', needsToken: false });
  });
});

describe('notReadyPodStatus', () => {
  const pod = (ready?: string): Pod => ({
    metadata: { name: 'p' },
    status: { phase: 'Running', conditions: ready ? [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: ready, reason: 'r', lastTransitionTime: iso(t0) }] : [] },
  });

  it('Ready becomes False with a new transition time, the rest stays', () => {
    const status = notReadyPodStatus(pod('True'), iso(t0 + 1000))!;
    assert.deepEqual(status.conditions, [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'False', reason: 'r', lastTransitionTime: iso(t0 + 1000) }]);
    assert.equal(status.phase, 'Running');
  });

  it('nothing to do without a Ready condition or when it is False already', () => {
    assert.equal(notReadyPodStatus(pod(), iso(t0)), undefined);
    assert.equal(notReadyPodStatus(pod('False'), iso(t0)), undefined);
  });
});

describe('zones', () => {
  it('zone keys from the topology labels, beta labels first', () => {
    assert.equal(zoneKey(node()), '');
    assert.equal(zoneKey(node({ labels: { 'topology.kubernetes.io/zone': 'a', 'topology.kubernetes.io/region': 'r' } })), 'r:\u0000:a');
    assert.equal(zoneKey(node({ labels: { 'topology.kubernetes.io/zone': 'a', 'failure-domain.beta.kubernetes.io/zone': 'b' } })), ':\u0000:b');
  });

  it('zone states as kube computes them', () => {
    assert.equal(computeZoneState(['True', 'True']), 'Normal');
    assert.equal(computeZoneState(['Unknown']), 'FullDisruption');
    assert.equal(computeZoneState(['True', 'Unknown', 'False']), 'Normal', 'two not ready is never a partial disruption');
    assert.equal(computeZoneState(['True', 'True', 'Unknown', 'False', undefined]), 'PartialDisruption');
    assert.equal(computeZoneState(['True', 'True', 'True', 'Unknown', 'False', 'False']), 'Normal', '50% is under the 55% threshold');
  });

  it('rates: normal, full disruption of one zone, partial disruption small and large', () => {
    assert.equal(zoneEvictionRate('Normal', 3), 0.1);
    assert.equal(zoneEvictionRate('FullDisruption', 3), 0.1);
    assert.equal(zoneEvictionRate('PartialDisruption', 10), 0);
    assert.equal(zoneEvictionRate('PartialDisruption', 51), 0.01);
  });

  it('master disruption when every zone is down, left when one is back', () => {
    const m = (entries: [string, ZoneState][]) => new Map(entries);
    assert.equal(disruptionTransition(m([['a', 'Initial']]), m([['a', 'FullDisruption']])), 'enter');
    assert.equal(disruptionTransition(m([['a', 'Normal'], ['b', 'Normal']]), m([['a', 'FullDisruption'], ['b', 'Normal']])), 'none');
    assert.equal(disruptionTransition(m([['a', 'FullDisruption'], ['b', 'Normal']]), m([['a', 'FullDisruption'], ['b', 'FullDisruption']])), 'enter');
    assert.equal(disruptionTransition(m([['a', 'FullDisruption'], ['b', 'FullDisruption']]), m([['a', 'FullDisruption'], ['b', 'FullDisruption']])), 'none');
    assert.equal(disruptionTransition(m([['a', 'FullDisruption'], ['b', 'FullDisruption']]), m([['a', 'Normal'], ['b', 'FullDisruption']])), 'exit');
    assert.equal(disruptionTransition(m([]), m([])), 'none');
  });

  it('the token bucket lets one node through, then one every 1/qps seconds; a rate of zero lets none', () => {
    const b = new TokenBucket(0.1, 1, t0);
    assert.equal(b.tryTake(t0), true);
    assert.equal(b.tryTake(t0 + 5000), false);
    assert.equal(b.tryTake(t0 + 10_000), true);
    b.setRate(0, t0 + 30_000);
    assert.equal(b.tryTake(t0 + 100_000), false);
    b.setRate(0.1, t0 + 100_000);
    assert.equal(b.tryTake(t0 + 105_000), false);
    assert.equal(b.tryTake(t0 + 110_000), true);
  });
});
