// The runtime contract, run against Docker and against the in-memory fake the kubelet's unit tests use: the fake
// is only worth trusting while it behaves like the real thing on every rule the pod logic relies on.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { labels } from '../../../kubelet/runtime/naming.ts';
import { isRuntimeError, type ContainerRuntime } from '../../../kubelet/runtime/runtime.ts';
import { FakeRuntime } from '../../helpers/fake-runtime.ts';
import { createFixture, waitFor, type Fixture } from './runtime-fixture.ts';

let fx: Fixture;

before(async () => {
  fx = await createFixture('runtime-contract');
});

after(async () => {
  await fx?.cleanup();
});

function contract(name: string, runtime: () => ContainerRuntime): void {
  describe(`contract: ${name}`, () => {
    test('images: present, missing', async () => {
      const rt = runtime();
      assert.equal(await rt.imageExists(fx.pauseImage), true);
      assert.equal(await rt.imageExists('skiff.local/contract-missing:1'), false);
    });

    test('lifecycle: sandbox running with an IP; container created → running → exited → removed', async () => {
      const rt = runtime();
      const pod = fx.newPod();
      const sandbox = await rt.createSandbox(fx.sandboxConfig(pod));
      assert.ok(sandbox.ip);
      assert.equal((await rt.inspectContainer(sandbox.id)).state, 'running');
      const id = await rt.createContainer(fx.containerConfig(pod, 'app', sandbox.id, { command: ['sleep', '3600'] }));
      assert.equal((await rt.inspectContainer(id)).state, 'created');
      await rt.startContainer(id);
      await rt.startContainer(id); // starting a running container is a no-op
      const running = await rt.inspectContainer(id);
      assert.equal(running.state, 'running');
      assert.ok(running.startedAt);
      await assert.rejects(rt.removeContainer(id), (err) => isRuntimeError(err, 'Conflict'));
      await rt.stopContainer(id, 1);
      const exited = await rt.inspectContainer(id);
      assert.equal(exited.state, 'exited');
      assert.equal(typeof exited.exitCode, 'number');
      assert.ok(exited.finishedAt);
      await rt.removeContainer(id);
      await assert.rejects(rt.inspectContainer(id), (err) => isRuntimeError(err, 'NotFound'));
      await rt.removeContainer(id);
      await rt.stopContainer(id, 1);
    });

    test('names are unique; a missing image or sandbox fails the create', async () => {
      const rt = runtime();
      const pod = fx.newPod();
      const sandbox = await rt.createSandbox(fx.sandboxConfig(pod));
      await assert.rejects(rt.createSandbox(fx.sandboxConfig(pod)), (err) => isRuntimeError(err, 'Conflict'));
      const config = fx.containerConfig(pod, 'app', sandbox.id, { command: ['sleep', '3600'] });
      await rt.createContainer(config);
      await assert.rejects(rt.createContainer(config), (err) => isRuntimeError(err, 'Conflict'));
      await assert.rejects(rt.createContainer(fx.containerConfig(pod, 'other', sandbox.id, { image: 'skiff.local/contract-missing:1' })),
        (err) => isRuntimeError(err, 'ImageNotFound'));
      await assert.rejects(rt.createContainer(fx.containerConfig(pod, 'orphan', 'skiff-no-such-sandbox', { command: ['true'] })),
        (err) => isRuntimeError(err, 'NotFound'));
    });

    test('listing filters by every given label and includes exited containers', async () => {
      const rt = runtime();
      const pod = fx.newPod();
      const sandbox = await rt.createSandbox(fx.sandboxConfig(pod));
      const id = await rt.createContainer(fx.containerConfig(pod, 'app', sandbox.id, { command: ['sleep', '3600'] }));
      await rt.startContainer(id);
      await rt.stopContainer(id, 0);
      const mine = await rt.listContainers({ ...fx.label, [labels.podUid]: pod.uid });
      assert.deepEqual(mine.map((c) => c.id).sort(), [sandbox.id, id].sort());
      assert.equal(mine.find((c) => c.id === id)?.state, 'exited');
      const onlyApp = await rt.listContainers({ ...fx.label, [labels.podUid]: pod.uid, [labels.type]: 'container' });
      assert.deepEqual(onlyApp.map((c) => c.id), [id]);
    });

    test('exec needs a running container', async () => {
      const rt = runtime();
      const pod = fx.newPod();
      const sandbox = await rt.createSandbox(fx.sandboxConfig(pod));
      const id = await rt.createContainer(fx.containerConfig(pod, 'app', sandbox.id, { command: ['sleep', '3600'] }));
      await assert.rejects(rt.execSync(id, ['true'], 1000), (err) => isRuntimeError(err, 'Conflict'));
      await rt.startContainer(id);
      assert.equal((await rt.execSync(id, ['true'], 5000)).exitCode, 0);
    });
  });
}

contract('docker', () => fx.runtime);

// One fake for the whole file: it only knows the images the fixture has.
let fake: FakeRuntime | undefined;
contract('fake', () => (fake ??= new FakeRuntime([fx.pauseImage, fx.busyboxImage])));

test('the fake lets a test play the container\'s part: exit, OOM, output, injected failures', async () => {
  const rt = new FakeRuntime([fx.pauseImage, fx.busyboxImage]);
  const pod = fx.newPod();
  const sandbox = await rt.createSandbox(fx.sandboxConfig(pod));
  const id = await rt.createContainer(fx.containerConfig(pod, 'app', sandbox.id));
  await rt.startContainer(id);
  const follow = await rt.containerLogs(id, { follow: true });
  rt.log(id, 'hello');
  rt.exit(id, 137, { oomKilled: true });
  let text = '';
  for await (const chunk of follow) text += String(chunk);
  assert.equal(text, 'hello\n');
  const status = await rt.inspectContainer(id);
  assert.deepEqual([status.state, status.exitCode, status.reason], ['exited', 137, 'OOMKilled']);
  rt.failNext('startContainer', new Error('boom'));
  await assert.rejects(rt.startContainer(id), /boom/);
  await rt.startContainer(id);
  await waitFor('running', async () => ((await rt.inspectContainer(id)).state === 'running' ? true : undefined));
  assert.deepEqual(rt.calls.slice(0, 3).map((c) => c.method), ['createSandbox', 'createContainer', 'startContainer']);
});
