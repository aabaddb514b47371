import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Container, Pod } from '../../../../apiserver/api/types.ts';
import { computePodActions } from '../../../../kubelet/pods/pod-actions.ts';
import type { RuntimeContainer, RuntimePod } from '../../../../kubelet/pods/runtime-pod.ts';

const c = (name: string, over: Partial<Container> = {}): Container => ({ name, image: 'img', ...over });
const pod = (spec: Partial<Pod['spec']> & { containers: Container[] }): Pod => ({ metadata: { name: 'p', namespace: 'ns', uid: 'u1' }, spec });
const sandbox = (state: 'running' | 'exited' = 'running', attempt = 0) => ({ id: `sb${attempt}`, attempt, state, ip: '10.0.0.2', createdAt: new Date(attempt * 1000) });
const ctr = (name: string, state: RuntimeContainer['state'], over: Partial<RuntimeContainer> = {}): RuntimeContainer => ({
  id: `${name}-${over.attempt ?? 0}`, name, attempt: 0, state, exitCode: state === 'exited' ? 0 : undefined, reason: undefined, message: undefined,
  createdAt: new Date(), startedAt: new Date(), finishedAt: state === 'exited' ? new Date() : undefined, image: 'img', imageId: 'sha256:x',
  specHash: 'h', sandboxId: 'sb0', ...over,
});
const rt = (sandboxes: RuntimePod['sandboxes'], containers: RuntimeContainer[] = []): RuntimePod => ({ uid: 'u1', name: 'p', namespace: 'ns', sandboxes, containers });
const decide = (p: Pod, r: RuntimePod, probeRestart: (n: string, id: string) => string | undefined = () => undefined) =>
  computePodActions({ pod: p, runtime: r, specHash: () => 'h', probeRestart });

describe('computePodActions', () => {
  it('creates the sandbox and starts every container of a new pod', () => {
    const a = decide(pod({ containers: [c('a'), c('b')] }), rt([]));
    assert.equal(a.createSandbox, true);
    assert.equal(a.sandboxAttempt, 0);
    assert.deepEqual(a.start.map((x) => x.name), ['a', 'b']);
    assert.equal(a.killPod, false);
  });

  it('starts only the first init container with a new sandbox', () => {
    const a = decide(pod({ initContainers: [c('i1'), c('i2')], containers: [c('a')] }), rt([]));
    assert.equal(a.nextInit?.name, 'i1');
    assert.deepEqual(a.start, []);
  });

  it('moves to the next init container once the previous one succeeded', () => {
    const a = decide(pod({ initContainers: [c('i1'), c('i2')], containers: [c('a')] }), rt([sandbox()], [ctr('i1', 'exited')]));
    assert.equal(a.nextInit?.name, 'i2');
  });

  it('waits while an init container runs', () => {
    const a = decide(pod({ initContainers: [c('i1')], containers: [c('a')] }), rt([sandbox()], [ctr('i1', 'running')]));
    assert.equal(a.nextInit, undefined);
    assert.deepEqual(a.start, []);
    assert.equal(a.killPod, false);
  });

  it('retries a failed init container unless restartPolicy is Never, which fails the pod', () => {
    const failed = [ctr('i1', 'exited', { exitCode: 1 })];
    assert.equal(decide(pod({ initContainers: [c('i1')], containers: [c('a')] }), rt([sandbox()], failed)).nextInit?.name, 'i1');
    const never = decide(pod({ restartPolicy: 'Never', initContainers: [c('i1')], containers: [c('a')] }), rt([sandbox()], failed));
    assert.equal(never.initFailed, true);
    assert.equal(never.killPod, true);
    assert.equal(never.nextInit, undefined);
  });

  it('starts app containers after all init containers succeeded', () => {
    const a = decide(pod({ initContainers: [c('i1')], containers: [c('a')] }), rt([sandbox()], [ctr('i1', 'exited')]));
    assert.deepEqual(a.start.map((x) => x.name), ['a']);
  });

  it('keeps running containers and does nothing else', () => {
    const a = decide(pod({ containers: [c('a')] }), rt([sandbox()], [ctr('a', 'running')]));
    assert.deepEqual(a, { killPod: false, createSandbox: false, sandboxAttempt: 0, nextInit: undefined, start: [], kill: [], initFailed: false });
  });

  it('restarts exited containers by restartPolicy', () => {
    const failed = [ctr('a', 'exited', { exitCode: 2 })];
    const ok = [ctr('a', 'exited', { exitCode: 0 })];
    assert.deepEqual(decide(pod({ containers: [c('a')] }), rt([sandbox()], ok)).start.map((x) => x.name), ['a']);
    assert.deepEqual(decide(pod({ restartPolicy: 'OnFailure', containers: [c('a')] }), rt([sandbox()], failed)).start.map((x) => x.name), ['a']);
    const onFailureDone = decide(pod({ restartPolicy: 'OnFailure', containers: [c('a')] }), rt([sandbox()], ok));
    assert.deepEqual(onFailureDone.start, []);
    assert.equal(onFailureDone.killPod, true, 'a finished pod gives up its sandbox');
    const never = decide(pod({ restartPolicy: 'Never', containers: [c('a')] }), rt([sandbox()], failed));
    assert.deepEqual(never.start, []);
    assert.equal(never.killPod, true);
  });

  it('kills and restarts a container whose liveness probe failed', () => {
    const a = decide(pod({ containers: [c('a')] }), rt([sandbox()], [ctr('a', 'running')]), () => 'Container a failed liveness probe, will be restarted');
    assert.deepEqual(a.kill, [{ id: 'a-0', name: 'a', message: 'Container a failed liveness probe, will be restarted' }]);
    assert.deepEqual(a.start.map((x) => x.name), ['a']);
  });

  it('kills without restarting under restartPolicy Never', () => {
    const a = decide(pod({ restartPolicy: 'Never', containers: [c('a')] }), rt([sandbox()], [ctr('a', 'running')]), () => 'failed');
    assert.equal(a.kill.length, 1);
    assert.deepEqual(a.start, []);
  });

  it('restarts a container whose spec changed', () => {
    const a = decide(pod({ containers: [c('a')] }), rt([sandbox()], [ctr('a', 'running', { specHash: 'old' })]));
    assert.match(a.kill[0].message, /definition changed/);
    assert.deepEqual(a.start.map((x) => x.name), ['a']);
  });

  it('replaces a dead sandbox: kills what runs and starts over with the next attempt', () => {
    const a = decide(pod({ containers: [c('a')] }), rt([sandbox('exited', 0)], [ctr('a', 'running')]));
    assert.equal(a.createSandbox, true);
    assert.equal(a.sandboxAttempt, 1);
    assert.equal(a.killPod, true);
    assert.deepEqual(a.start.map((x) => x.name), ['a']);
  });

  it('does not recreate the sandbox of a finished restartPolicy Never pod', () => {
    const a = decide(pod({ restartPolicy: 'Never', containers: [c('a')] }), rt([sandbox('exited', 0)], [ctr('a', 'exited')]));
    assert.equal(a.createSandbox, false);
    assert.deepEqual(a.start, []);
  });

  it('keeps a running sidecar init container beside the app and restarts it when it exits', () => {
    const sidecar = c('side', { restartPolicy: 'Always' });
    const running = decide(pod({ initContainers: [sidecar], containers: [c('a')] }), rt([sandbox()], [ctr('side', 'running')]));
    assert.deepEqual(running.start.map((x) => x.name), ['a']);
    const exited = decide(pod({ initContainers: [sidecar], containers: [c('a')] }), rt([sandbox()], [ctr('side', 'exited'), ctr('a', 'running')]));
    assert.equal(exited.nextInit?.name, 'side');
  });
});
