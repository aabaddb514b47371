import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Container, Pod } from '../../../../apiserver/api/types.ts';
import { generatePodStatus, type WaitingReason } from '../../../../kubelet/pods/pod-status.ts';
import type { RuntimeContainer, RuntimePod } from '../../../../kubelet/pods/runtime-pod.ts';

const c = (name: string, over: Partial<Container> = {}): Container => ({ name, image: 'busybox', ...over });
const pod = (spec: Partial<Pod['spec']> & { containers: Container[] }, status?: Pod['status']): Pod => ({ metadata: { name: 'p', namespace: 'ns', uid: 'u1' }, spec, status });
const ctr = (name: string, state: RuntimeContainer['state'], over: Partial<RuntimeContainer> = {}): RuntimeContainer => ({
  id: `${name}${over.attempt ?? 0}`, name, attempt: 0, state, exitCode: state === 'exited' ? 0 : undefined, reason: undefined, message: undefined,
  createdAt: new Date(0), startedAt: new Date('2026-01-01T00:00:00Z'), finishedAt: state === 'exited' ? new Date('2026-01-01T00:01:00Z') : undefined,
  image: 'busybox', imageId: 'sha256:abc', specHash: 'h', sandboxId: 'sb', ...over,
});
const running = { id: 'sb', attempt: 0, state: 'running' as const, ip: '10.1.0.5', createdAt: new Date(0) };
const rt = (containers: RuntimeContainer[], sandboxes = [running]): RuntimePod => ({ uid: 'u1', name: 'p', namespace: 'ns', sandboxes, containers });
const status = (p: Pod, r: RuntimePod, o: { waiting?: Map<string, WaitingReason>; ready?: boolean; terminal?: boolean } = {}) => generatePodStatus({
  pod: p, runtime: r, waiting: o.waiting ?? new Map(), isReady: () => o.ready ?? true, isStarted: () => true,
  podIP: r.sandboxes[0]?.ip, hostIP: '192.168.1.10', nowIso: '2026-01-01T00:02:00Z', terminal: o.terminal,
});
const cond = (s: ReturnType<typeof status>, type: string) => s.conditions!.find((x) => x.type === type)!;

describe('generatePodStatus', () => {
  it('reports a pod whose containers all run and are ready as Running and Ready', () => {
    const s = status(pod({ containers: [c('a'), c('b')] }), rt([ctr('a', 'running'), ctr('b', 'running')]));
    assert.equal(s.phase, 'Running');
    assert.equal(cond(s, 'Ready').status, 'True');
    assert.equal(cond(s, 'ContainersReady').status, 'True');
    assert.equal(cond(s, 'Initialized').status, 'True');
    assert.equal(s.podIP, '10.1.0.5');
    assert.deepEqual(s.podIPs, [{ ip: '10.1.0.5' }]);
    assert.equal(s.hostIP, '192.168.1.10');
    assert.equal(s.qosClass, 'BestEffort');
    assert.equal(s.containerStatuses![0].containerID, 'docker://a0');
    assert.deepEqual(s.containerStatuses![0].state, { running: { startedAt: '2026-01-01T00:00:00Z' } });
  });

  it('is Pending with ContainerCreating before the containers exist', () => {
    const s = status(pod({ containers: [c('a')] }), rt([], []));
    assert.equal(s.phase, 'Pending');
    assert.equal(s.containerStatuses![0].state!.waiting!.reason, 'ContainerCreating');
    assert.equal(cond(s, 'Ready').reason, 'ContainersNotReady');
    assert.equal(cond(s, 'Ready').message, 'containers with unready status: [a]');
  });

  it('shows CrashLoopBackOff with the last exit in lastState', () => {
    const waiting = new Map([['a', { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container=a pod=p_ns(u1)' }]]);
    const s = status(pod({ containers: [c('a')] }), rt([ctr('a', 'exited', { exitCode: 1, attempt: 1 }), ctr('a', 'exited', { exitCode: 1 })]), { waiting });
    const cs = s.containerStatuses![0];
    assert.equal(cs.state!.waiting!.reason, 'CrashLoopBackOff');
    assert.equal(cs.lastState!.terminated!.exitCode, 1);
    assert.equal(cs.lastState!.terminated!.reason, 'Error');
    assert.equal(cs.restartCount, 1);
    assert.equal(s.phase, 'Running', 'a restarting container keeps an Always pod Running');
  });

  it('is Succeeded when every container of an OnFailure pod exited 0, and Failed under Never with a failure', () => {
    const done = status(pod({ restartPolicy: 'OnFailure', containers: [c('a')] }), rt([ctr('a', 'exited')]));
    assert.equal(done.phase, 'Succeeded');
    assert.equal(cond(done, 'Ready').reason, 'PodCompleted');
    assert.equal(done.containerStatuses![0].state!.terminated!.reason, 'Completed');
    const failed = status(pod({ restartPolicy: 'Never', containers: [c('a'), c('b')] }), rt([ctr('a', 'exited'), ctr('b', 'exited', { exitCode: 2 })]));
    assert.equal(failed.phase, 'Failed');
  });

  it('never moves a terminal phase back', () => {
    const s = status(pod({ containers: [c('a')] }, { phase: 'Succeeded' }), rt([ctr('a', 'running')]));
    assert.equal(s.phase, 'Succeeded');
  });

  it('gives a deleted pod a terminal phase from its exit codes', () => {
    assert.equal(status(pod({ containers: [c('a')] }), rt([ctr('a', 'exited', { exitCode: 143 })]), { terminal: true }).phase, 'Failed');
    assert.equal(status(pod({ containers: [c('a')] }), rt([ctr('a', 'exited')]), { terminal: true }).phase, 'Succeeded');
  });

  it('is Pending and not Initialized while init containers run', () => {
    const s = status(pod({ initContainers: [c('i1'), c('i2')], containers: [c('a')] }), rt([ctr('i1', 'exited'), ctr('i2', 'running')]));
    assert.equal(s.phase, 'Pending');
    assert.equal(cond(s, 'Initialized').status, 'False');
    assert.equal(cond(s, 'Initialized').message, 'containers with incomplete status: [i2]');
    assert.equal(s.containerStatuses![0].state!.waiting!.reason, 'PodInitializing');
    assert.equal(s.initContainerStatuses!.length, 2);
  });

  it('keeps lastTransitionTime while a condition does not change', () => {
    const first = status(pod({ containers: [c('a')] }), rt([ctr('a', 'running')]));
    const again = generatePodStatus({
      pod: pod({ containers: [c('a')] }, first), runtime: rt([ctr('a', 'running')]), waiting: new Map(), isReady: () => true, isStarted: () => true,
      podIP: '10.1.0.5', hostIP: '192.168.1.10', nowIso: '2026-01-01T09:00:00Z',
    });
    assert.equal(cond(again, 'Ready').lastTransitionTime, '2026-01-01T00:02:00Z');
  });

  it('is not Ready while a readiness probe fails', () => {
    const s = status(pod({ containers: [c('a')] }), rt([ctr('a', 'running')]), { ready: false });
    assert.equal(s.phase, 'Running');
    assert.equal(cond(s, 'Ready').status, 'False');
    assert.equal(s.containerStatuses![0].ready, false);
  });

  it('reports Guaranteed when limits equal requests', () => {
    const res = { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } };
    assert.equal(status(pod({ containers: [c('a', { resources: res })] }), rt([ctr('a', 'running')])).qosClass, 'Guaranteed');
  });
});
