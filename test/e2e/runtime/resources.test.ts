// Pod resources all the way to the kernel: the settings resources.ts computes from a Pod, applied by Docker, read
// back from the container's cgroup (v1, cgroupfs driver: /sys/fs/cgroup/<controller>/docker/<id>/) and /proc.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import type { Container, Pod } from '../../../apiserver/api/types.ts';
import { containerResources, sandboxResources } from '../../../kubelet/runtime/resources.ts';
import { createFixture, type Fixture } from './runtime-fixture.ts';

let fx: Fixture;

before(async () => {
  fx = await createFixture('runtime-resources');
});

after(async () => {
  await fx?.cleanup();
});

async function cgroup(controller: string, id: string, file: string): Promise<string> {
  return (await readFile(`/sys/fs/cgroup/${controller}/docker/${id}/${file}`, 'utf8')).trim();
}

async function oomScoreAdj(pid: number): Promise<number> {
  return Number((await readFile(`/proc/${pid}/oom_score_adj`, 'utf8')).trim());
}

/**
 * The score the kernel should show: the computed one, raised to the runtime's floor on machines without
 * CAP_SYS_RESOURCE (like the CI machines this project runs on), where negative scores cannot be applied.
 */
async function expectedOom(computed: number): Promise<number> {
  const floor = await fx.runtime.oomScoreAdjFloor();
  return floor === undefined ? computed : Math.max(computed, floor);
}

async function runPod(container: Container): Promise<{ sandboxId: string; id: string; pid: number; sandboxPid: number }> {
  const ref = fx.newPod();
  const pod: Pod = { metadata: { name: ref.name, namespace: ref.namespace, uid: ref.uid }, spec: { containers: [container] } };
  const sandbox = await fx.runtime.createSandbox(fx.sandboxConfig(ref, { resources: sandboxResources() }));
  const id = await fx.runtime.createContainer(fx.containerConfig(ref, container.name, sandbox.id, {
    command: ['sleep', '3600'], resources: containerResources(pod, container, os.totalmem()),
  }));
  await fx.runtime.startContainer(id);
  return {
    sandboxId: sandbox.id, id,
    pid: (await fx.runtime.inspectContainer(id)).pid,
    sandboxPid: (await fx.runtime.inspectContainer(sandbox.id)).pid,
  };
}

describe('cgroup values of a pod\'s containers', () => {
  before(function () {
    assert.ok(existsSync('/sys/fs/cgroup/cpu/docker'), 'this test reads cgroup v1 files laid out by Docker\'s cgroupfs driver');
  });

  test('Burstable: requests cpu 250m / memory 64Mi, limits cpu 500m / memory 128Mi', async () => {
    const c: Container = {
      name: 'app', image: fx.busyboxImage,
      resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
    };
    const { id, pid } = await runPod(c);
    assert.equal(await cgroup('cpu', id, 'cpu.cfs_quota_us'), '50000');
    assert.equal(await cgroup('cpu', id, 'cpu.cfs_period_us'), '100000');
    assert.equal(await cgroup('cpu', id, 'cpu.shares'), '256');
    assert.equal(await cgroup('memory', id, 'memory.limit_in_bytes'), String(128 * 1024 * 1024));
    if (existsSync(`/sys/fs/cgroup/memory/docker/${id}/memory.memsw.limit_in_bytes`)) {
      // No swap on top of the limit.
      assert.equal(await cgroup('memory', id, 'memory.memsw.limit_in_bytes'), String(128 * 1024 * 1024));
    }
    const burstable = 1000 - Math.trunc((1000 * 64 * 1024 * 1024) / os.totalmem());
    assert.equal(await oomScoreAdj(pid), await expectedOom(burstable));
  });

  test('Guaranteed: 1.5 CPUs and 256Mi; oom_score_adj -997 (or the floor)', async () => {
    const c: Container = {
      name: 'app', image: fx.busyboxImage,
      resources: { requests: { cpu: '1500m', memory: '256Mi' }, limits: { cpu: '1500m', memory: '256Mi' } },
    };
    const { id, pid } = await runPod(c);
    assert.equal(await cgroup('cpu', id, 'cpu.cfs_quota_us'), '150000');
    assert.equal(await cgroup('cpu', id, 'cpu.shares'), '1536');
    assert.equal(await cgroup('memory', id, 'memory.limit_in_bytes'), String(256 * 1024 * 1024));
    assert.equal(await oomScoreAdj(pid), await expectedOom(-997));
  });

  test('a tiny CPU limit gets the 1 ms minimum quota', async () => {
    const c: Container = { name: 'app', image: fx.busyboxImage, resources: { limits: { cpu: '5m' } } };
    const { id } = await runPod(c);
    assert.equal(await cgroup('cpu', id, 'cpu.cfs_quota_us'), '1000');
    assert.equal(await cgroup('cpu', id, 'cpu.shares'), '5');
  });

  test('BestEffort: minimum shares, no quota, no memory limit, oom_score_adj 1000; the sandbox gets 2 and -998', async (t) => {
    const { id, pid, sandboxId, sandboxPid } = await runPod({ name: 'app', image: fx.busyboxImage });
    t.diagnostic(`oom_score_adj floor on this machine: ${await fx.runtime.oomScoreAdjFloor() ?? 'none (CAP_SYS_RESOURCE held)'}`);
    assert.equal(await cgroup('cpu', id, 'cpu.shares'), '2');
    assert.equal(await cgroup('cpu', id, 'cpu.cfs_quota_us'), '-1');
    assert.ok(BigInt(await cgroup('memory', id, 'memory.limit_in_bytes')) > BigInt(os.totalmem()));
    assert.equal(await oomScoreAdj(pid), 1000);
    assert.equal(await cgroup('cpu', sandboxId, 'cpu.shares'), '2');
    assert.equal(await oomScoreAdj(sandboxPid), await expectedOom(-998));
  });

  test('a container over its memory limit is OOM-killed and reported so', async () => {
    const ref = fx.newPod();
    const sandbox = await fx.runtime.createSandbox(fx.sandboxConfig(ref));
    const id = await fx.runtime.createContainer(fx.containerConfig(ref, 'hog', sandbox.id, {
      // tail keeps an ever-growing line in memory: /dev/zero has no newline.
      command: ['sh', '-c', 'tail /dev/zero'],
      resources: { memoryLimitBytes: 16 * 1024 * 1024 },
    }));
    await fx.runtime.startContainer(id);
    const deadline = Date.now() + 20_000;
    let status = await fx.runtime.inspectContainer(id);
    while (status.state === 'running' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      status = await fx.runtime.inspectContainer(id);
    }
    assert.equal(status.state, 'exited');
    assert.equal(status.oomKilled, true);
    assert.equal(status.reason, 'OOMKilled');
    assert.equal(status.exitCode, 137);
  });
});
