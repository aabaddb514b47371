import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containerLabels, sandboxLabels } from '../../../../kubelet/runtime/naming.ts';
import type { ContainerSummary } from '../../../../kubelet/runtime/runtime.ts';
import { dockerContainerLocator, rankAttempts } from '../../../../kubelet/server/container-locator.ts';
import { FakeRuntime } from '../../../helpers/fake-runtime.ts';

function summary(id: string, uid: string, attempt: number, createdAt: number, node = 'n1', container = 'app'): ContainerSummary {
  return {
    id, name: id, state: 'exited', image: 'busybox', imageId: '', createdAt: new Date(createdAt),
    labels: containerLabels({ pod: { name: 'p', namespace: 'ns', uid }, containerName: container, restartCount: attempt, nodeName: node, sandboxId: 's', specHash: 'h' }),
  };
}

describe('rankAttempts', () => {
  it('puts the highest attempt first, then the newest', () => {
    const ranked = rankAttempts([summary('a0', 'u', 0, 1000), summary('a2', 'u', 2, 3000), summary('a1', 'u', 1, 2000), summary('a1b', 'u', 1, 2500)], 'n1');
    assert.deepEqual(ranked.map((c) => c.id), ['a2', 'a1b', 'a1', 'a0']);
  });

  it('keeps only the newest pod UID (a pod created again under the same name) and this node', () => {
    const ranked = rankAttempts([summary('old', 'u1', 5, 1000), summary('new', 'u2', 0, 2000), summary('other', 'u2', 9, 3000, 'n2')], 'n1');
    assert.deepEqual(ranked.map((c) => c.id), ['new']);
  });

  it('ignores sandboxes and unlabelled containers', () => {
    const sandbox = { ...summary('s', 'u', 3, 1), labels: { ...summary('s', 'u', 3, 1).labels, 'io.kubernetes.docker.type': 'podsandbox' } };
    const bare = { ...summary('x', 'u', 0, 1), labels: {} };
    assert.deepEqual(rankAttempts([sandbox, bare, summary('c', 'u', 0, 1)], 'n1').map((c) => c.id), ['c']);
  });
});

describe('dockerContainerLocator', () => {
  it('finds the current and the previous attempt through the runtime\'s labels', async () => {
    const runtime = new FakeRuntime(['pause', 'busybox']);
    const pod = { name: 'p', namespace: 'ns', uid: 'u' };
    const sandbox = await runtime.createSandbox({ name: 'k8s_POD_p_ns_u_0', image: 'pause', hostname: 'p', portMappings: [], network: { mode: 'host' }, labels: {} });
    const ids: string[] = [];
    for (const attempt of [0, 1]) {
      ids.push(await runtime.createContainer({
        name: `k8s_app_p_ns_u_${attempt}`, image: 'busybox', sandboxId: sandbox.id, pidNamespace: 'container', env: [], mounts: [],
        labels: containerLabels({ pod, containerName: 'app', restartCount: attempt, nodeName: 'n1', sandboxId: sandbox.id, specHash: 'h' }),
      }));
    }
    const locator = dockerContainerLocator(runtime, 'n1');
    assert.equal(await locator.containerId('ns', 'p', 'app'), ids[1]);
    assert.equal(await locator.containerId('ns', 'p', 'app', { previous: true }), ids[0]);
    assert.equal(await locator.containerId('ns', 'p', 'other'), undefined);
    assert.equal(await dockerContainerLocator(runtime, 'n2').containerId('ns', 'p', 'app'), undefined);
  });

  it('finds the pod\'s newest sandbox, not its containers', async () => {
    const runtime = new FakeRuntime(['pause', 'busybox']);
    const pod = { name: 'p', namespace: 'ns', uid: 'u' };
    const sandboxes: string[] = [];
    for (const attempt of [0, 1]) {
      sandboxes.push((await runtime.createSandbox({
        name: `k8s_POD_p_ns_u_${attempt}`, image: 'pause', hostname: 'p', portMappings: [], network: { mode: 'host' },
        labels: sandboxLabels({ pod, attempt, nodeName: 'n1' }),
      })).id);
    }
    await runtime.createContainer({
      name: 'k8s_app_p_ns_u_0', image: 'busybox', sandboxId: sandboxes[1], pidNamespace: 'container', env: [], mounts: [],
      labels: containerLabels({ pod, containerName: 'app', restartCount: 3, nodeName: 'n1', sandboxId: sandboxes[1], specHash: 'h' }),
    });
    assert.equal(await dockerContainerLocator(runtime, 'n1').sandboxId('ns', 'p'), sandboxes[1]);
    assert.equal(await dockerContainerLocator(runtime, 'n1').sandboxId('ns', 'other'), undefined);
    assert.equal(await dockerContainerLocator(runtime, 'n2').sandboxId('ns', 'p'), undefined);
  });
});
