// Graceful stop: SIGTERM first, SIGKILL when the grace period runs out, measured against the real daemon.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createFixture, readText, waitFor, type Fixture } from './runtime-fixture.ts';

let fx: Fixture;

before(async () => {
  fx = await createFixture('runtime-stop');
});

after(async () => {
  await fx?.cleanup();
});

/** Starts a container running `script` and waits until it has printed `ready` (its traps are installed by then). */
async function runUntilReady(script: string): Promise<string> {
  const pod = fx.newPod();
  const sandbox = await fx.runtime.createSandbox(fx.sandboxConfig(pod));
  const id = await fx.runtime.createContainer(fx.containerConfig(pod, 'app', sandbox.id, { command: ['sh', '-c', script] }));
  await fx.runtime.startContainer(id);
  await waitFor('the container to be ready', async () =>
    (await readText(await fx.runtime.containerLogs(id, {}))).includes('ready') ? true : undefined);
  return id;
}

async function timedStop(id: string, grace: number): Promise<number> {
  const t0 = performance.now();
  await fx.runtime.stopContainer(id, grace);
  return performance.now() - t0;
}

describe('stopContainer', () => {
  test('a container that handles SIGTERM stops at once, long before its grace period', async (t) => {
    const id = await runUntilReady("trap 'echo got TERM; exit 0' TERM; echo ready; while :; do sleep 60 & wait $!; done");
    const ms = await timedStop(id, 30);
    t.diagnostic(`TERM-handling container stopped in ${ms.toFixed(0)} ms (grace 30 s)`);
    assert.ok(ms < 2000, `${ms} ms`);
    const status = await fx.runtime.inspectContainer(id);
    assert.equal(status.state, 'exited');
    assert.equal(status.exitCode, 0);
    assert.equal(status.reason, 'Completed');
    assert.match(await readText(await fx.runtime.containerLogs(id, {})), /got TERM/);
  });

  test('a container that ignores SIGTERM is killed when the grace period ends', async (t) => {
    const id = await runUntilReady("trap '' TERM; echo ready; while :; do sleep 1; done");
    const ms = await timedStop(id, 2);
    t.diagnostic(`TERM-ignoring container killed after ${ms.toFixed(0)} ms (grace 2 s)`);
    assert.ok(ms >= 1900 && ms < 4500, `${ms} ms`);
    const status = await fx.runtime.inspectContainer(id);
    assert.equal(status.state, 'exited');
    assert.equal(status.exitCode, 137);
    assert.equal(status.reason, 'Error');
    assert.ok(status.finishedAt && status.startedAt && status.finishedAt > status.startedAt);
  });

  test('grace 0 kills at once', async (t) => {
    const id = await runUntilReady("trap '' TERM; echo ready; while :; do sleep 1; done");
    const ms = await timedStop(id, 0);
    t.diagnostic(`grace 0: killed after ${ms.toFixed(0)} ms`);
    assert.ok(ms < 1500, `${ms} ms`);
    assert.equal((await fx.runtime.inspectContainer(id)).exitCode, 137);
  });

  test('a custom stop signal is sent instead of SIGTERM', async () => {
    const pod = fx.newPod();
    const sandbox = await fx.runtime.createSandbox(fx.sandboxConfig(pod));
    const id = await fx.runtime.createContainer(fx.containerConfig(pod, 'app', sandbox.id, {
      command: ['sh', '-c', "trap 'exit 7' USR1; trap '' TERM; echo ready; while :; do sleep 60 & wait $!; done"],
      stopSignal: 'SIGUSR1',
    }));
    await fx.runtime.startContainer(id);
    await waitFor('ready', async () => ((await readText(await fx.runtime.containerLogs(id, {}))).includes('ready') ? true : undefined));
    const ms = await timedStop(id, 30);
    assert.ok(ms < 2000, `${ms} ms`);
    assert.equal((await fx.runtime.inspectContainer(id)).exitCode, 7);
  });

  test('stopping a stopped container, and stopping or removing a missing one, is not an error', async () => {
    const id = await runUntilReady('echo ready; exec sleep 3600');
    await fx.runtime.stopContainer(id, 0);
    await fx.runtime.stopContainer(id, 0);
    await fx.runtime.removeContainer(id);
    await fx.runtime.removeContainer(id);
    await fx.runtime.stopContainer(id, 1);
  });

  test('a running container is removed only with force', async () => {
    const id = await runUntilReady('echo ready; exec sleep 3600');
    await assert.rejects(fx.runtime.removeContainer(id), (err: Error & { reason?: string }) => err.reason === 'Conflict');
    await fx.runtime.removeContainer(id, { force: true });
    await assert.rejects(fx.runtime.inspectContainer(id), (err: Error & { reason?: string }) => err.reason === 'NotFound');
  });
});
