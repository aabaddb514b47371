import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod, Taint, Toleration } from '../../../apiserver/api/types.ts';
import {
  disruptionTargetStatus, noExecuteTaints, planTaintEviction, taintAddedMs,
} from '../../../controllers/taint-eviction-plan.ts';

const t0 = Date.parse('2024-05-01T10:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const unreachable: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: iso(t0) };
const notReady: Taint = { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute', timeAdded: iso(t0 + 10_000) };
const tol = (key: string, seconds?: number, extra: Partial<Toleration> = {}): Toleration =>
  ({ key, operator: 'Exists', effect: 'NoExecute', ...(seconds === undefined ? {} : { tolerationSeconds: seconds }), ...extra });
const start = (t: Taint): number => taintAddedMs(t)!;

describe('planTaintEviction', () => {
  it('a taint nobody tolerates: at once', () => {
    assert.deepEqual(planTaintEviction([unreachable], [], t0, start), { kind: 'evict' });
    assert.deepEqual(planTaintEviction([unreachable], undefined, t0, start), { kind: 'evict' });
    // A toleration with the wrong value tolerates nothing.
    assert.deepEqual(planTaintEviction([unreachable], [tol(unreachable.key!, 300, { operator: 'Equal', value: 'x' })], t0, start), { kind: 'evict' });
  });

  it('tolerated for a while: evicted tolerationSeconds after the taint was added', () => {
    const tolerations = [tol(unreachable.key!, 2)];
    assert.deepEqual(planTaintEviction([unreachable], tolerations, t0 + 500, start), { kind: 'wait', atMs: t0 + 2000 });
    assert.deepEqual(planTaintEviction([unreachable], tolerations, t0 + 2000, start), { kind: 'evict' });
  });

  it('tolerated for ever: kept; zero or negative seconds: at once', () => {
    assert.deepEqual(planTaintEviction([unreachable], [tol(unreachable.key!)], t0 + 1e9, start), { kind: 'keep' });
    assert.deepEqual(planTaintEviction([unreachable], [tol('', undefined, { key: undefined })], t0, start), { kind: 'keep' }, 'an empty key with Exists tolerates everything');
    assert.deepEqual(planTaintEviction([unreachable], [tol(unreachable.key!, 0)], t0, start), { kind: 'evict' });
    assert.deepEqual(planTaintEviction([unreachable], [tol(unreachable.key!, -5)], t0, start), { kind: 'evict' });
  });

  it('several taints: the earliest deadline wins; one untolerated taint evicts at once', () => {
    const tolerations = [tol(unreachable.key!, 300), tol(notReady.key!, 20)];
    assert.deepEqual(planTaintEviction([unreachable, notReady], tolerations, t0, start), { kind: 'wait', atMs: t0 + 30_000 });
    assert.deepEqual(planTaintEviction([unreachable, notReady], [tol(unreachable.key!)], t0, start), { kind: 'evict' });
    assert.deepEqual(planTaintEviction([unreachable, notReady], [tol(unreachable.key!), tol(notReady.key!)], t0, start), { kind: 'keep' });
  });

  it('the first matching toleration counts, as kube: a later, longer one does not extend it', () => {
    const tolerations = [tol(unreachable.key!, 5), tol('', undefined, { key: undefined })];
    assert.deepEqual(planTaintEviction([unreachable], tolerations, t0, start), { kind: 'wait', atMs: t0 + 5000 });
  });

  it('only NoExecute taints count', () => {
    assert.deepEqual(noExecuteTaints({ spec: { taints: [unreachable, { key: 'a', effect: 'NoSchedule' }] } }), [unreachable]);
    assert.deepEqual(noExecuteTaints(undefined), []);
  });

  it('a taint without timeAdded has no start of its own', () => {
    assert.equal(taintAddedMs({ key: 'a', effect: 'NoExecute' }), undefined);
    assert.equal(taintAddedMs(unreachable), t0);
  });
});

describe('disruptionTargetStatus', () => {
  const pod = (conditions: NonNullable<Pod['status']>['conditions'] = []): Pod => ({ metadata: { name: 'p' }, status: { phase: 'Running', conditions } });

  it('adds DisruptionTarget=True saying why, once', () => {
    const status = disruptionTargetStatus(pod([{ type: 'Ready', status: 'True' }]), iso(t0))!;
    assert.deepEqual(status.conditions?.[1], {
      type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager',
      message: 'Taint manager: deleting due to NoExecute taint', lastTransitionTime: iso(t0),
    });
    assert.equal(disruptionTargetStatus({ ...pod(), status }, iso(t0 + 1000)), undefined);
  });
});
