// The DaemonSet controller's pure decisions: node eligibility (selector, affinity, taints), the automatic daemon
// tolerations, the per-node pod spec, and the steps of a rolling update.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DaemonSet, Node, Pod } from '../../../apiserver/api/types.ts';
import {
  daemonPodSpec, nodeShouldRunDaemonPod, planDaemonSet, resolveMaxUnavailable, targetNodeName, withDaemonTolerations,
} from '../../../controllers/daemonset-plan.ts';

const node = (name: string, labels: Record<string, string> = {}, taints: { key: string; effect: string; value?: string }[] = []): Node =>
  ({ metadata: { name, labels }, spec: { taints } });
const ds = (extra: Partial<NonNullable<DaemonSet['spec']>> = {}): DaemonSet => ({
  metadata: { name: 'd' },
  spec: { selector: {}, template: { spec: { containers: [] } }, ...extra },
});
const pod = (name: string, nodeName: string, hash: string, ready: boolean, created = '2026-01-01T00:00:00Z'): Pod => ({
  metadata: { name, labels: { 'controller-revision-hash': hash }, creationTimestamp: created },
  spec: daemonPodSpec({ containers: [] }, nodeName),
  status: ready ? { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } : { phase: 'Pending' },
});

describe('daemonset node eligibility', () => {
  it('adds the automatic tolerations once', () => {
    const tols = withDaemonTolerations([{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }]);
    assert.equal(tols.filter((t) => t.key === 'node.kubernetes.io/not-ready').length, 1);
    assert.equal(tols.find((t) => t.key === 'node.kubernetes.io/not-ready')?.tolerationSeconds, 5);
    for (const k of ['unreachable', 'disk-pressure', 'memory-pressure', 'pid-pressure', 'unschedulable']) {
      assert.ok(tols.some((t) => t.key === `node.kubernetes.io/${k}`), k);
    }
    assert.equal(tols.find((t) => t.key === 'node.kubernetes.io/unreachable')?.tolerationSeconds, undefined);
  });

  it('runs on nodes with automatic-tolerated taints, not on others', () => {
    const spec = ds().spec!.template.spec;
    assert.deepEqual(nodeShouldRunDaemonPod(node('a'), spec), { shouldRun: true, shouldContinueRunning: true });
    assert.equal(nodeShouldRunDaemonPod(node('a', {}, [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }]), spec).shouldRun, true);
    assert.equal(nodeShouldRunDaemonPod(node('a', {}, [{ key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' }]), spec).shouldRun, true);
    assert.deepEqual(nodeShouldRunDaemonPod(node('a', {}, [{ key: 'gpu', effect: 'NoSchedule' }]), spec), { shouldRun: false, shouldContinueRunning: true });
    assert.deepEqual(nodeShouldRunDaemonPod(node('a', {}, [{ key: 'gpu', effect: 'NoExecute' }]), spec), { shouldRun: false, shouldContinueRunning: false });
    assert.equal(nodeShouldRunDaemonPod(node('a', {}, [{ key: 'gpu', effect: 'PreferNoSchedule' }]), spec).shouldRun, true);
    const tolerant = { containers: [], tolerations: [{ key: 'gpu', operator: 'Equal', value: 'x', effect: 'NoSchedule' }] };
    assert.equal(nodeShouldRunDaemonPod(node('a', {}, [{ key: 'gpu', value: 'x', effect: 'NoSchedule' }]), tolerant).shouldRun, true);
    assert.equal(nodeShouldRunDaemonPod(node('a', {}, [{ key: 'gpu', value: 'y', effect: 'NoSchedule' }]), tolerant).shouldRun, false);
  });

  it('honours nodeSelector and required node affinity', () => {
    const sel = { containers: [], nodeSelector: { disk: 'ssd' } };
    assert.equal(nodeShouldRunDaemonPod(node('a', { disk: 'ssd' }), sel).shouldRun, true);
    assert.equal(nodeShouldRunDaemonPod(node('a', { disk: 'hdd' }), sel).shouldRun, false);
    const aff = {
      containers: [],
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [
        { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] },
        { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['special'] }] },
      ] } } },
    };
    assert.equal(nodeShouldRunDaemonPod(node('x', { zone: 'b' }), aff).shouldRun, true);
    assert.equal(nodeShouldRunDaemonPod(node('x', { zone: 'c' }), aff).shouldRun, false);
    assert.equal(nodeShouldRunDaemonPod(node('special'), aff).shouldRun, true);
  });

  it('pins each pod to its node by a matchFields affinity', () => {
    const spec = daemonPodSpec({ containers: [], affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }] } } } }, 'n7');
    assert.deepEqual(spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms,
      [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n7'] }] }]);
    assert.equal(targetNodeName({ spec }), 'n7');
  });
});

describe('daemonset plan', () => {
  const now = Date.parse('2026-01-02T00:00:00Z');
  it('creates on nodes without a pod and deletes extras and pods on nodes they may not stay on', () => {
    const plan = planDaemonSet(ds(), [
      { node: node('a'), pods: [] },
      { node: node('b'), pods: [pod('b1', 'b', 'h', true, '2026-01-01T00:00:00Z'), pod('b2', 'b', 'h', true, '2026-01-01T00:01:00Z')] },
      { node: node('c', {}, [{ key: 'x', effect: 'NoExecute' }]), pods: [pod('c1', 'c', 'h', true)] },
    ], 'h', now);
    assert.deepEqual(plan.create, ['a']);
    assert.deepEqual(plan.delete.map((p) => p.metadata?.name).sort(), ['b2', 'c1']);
  });

  it('rolling update: replaces old unavailable pods at once, available ones within maxUnavailable', () => {
    const nodes = ['a', 'b', 'c', 'd'].map((n) => ({ node: node(n), pods: [pod(`${n}1`, n, 'old', n !== 'd')] }));
    const plan = planDaemonSet(ds({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } } }), nodes, 'new', now);
    // d is unavailable (uses one of the two), so one available old pod may go besides it.
    assert.deepEqual(plan.delete.map((p) => p.metadata?.name), ['d1', 'a1']);
    const onDelete = planDaemonSet(ds({ updateStrategy: { type: 'OnDelete' } }), nodes, 'new', now);
    assert.deepEqual(onDelete.delete, []);
  });

  it('waits while a node is missing its pod and the budget is spent', () => {
    const nodes = [{ node: node('a'), pods: [] }, { node: node('b'), pods: [pod('b1', 'b', 'old', true)] }];
    const plan = planDaemonSet(ds(), nodes, 'new', now);
    assert.deepEqual(plan.create, ['a']);
    assert.deepEqual(plan.delete, []);
  });

  it('resolves maxUnavailable percentages against desired nodes, rounding up', () => {
    assert.equal(resolveMaxUnavailable(ds({ updateStrategy: { rollingUpdate: { maxUnavailable: '25%' } } }), 10), 3);
    assert.equal(resolveMaxUnavailable(ds(), 10), 1);
  });
});
