// What callers see when things go wrong: each failure arrives as a ContainerRuntimeError with a reason the pod
// worker can act on (ErrImagePull, CreateContainerError, RunContainerError, ...), and a failed step leaves nothing
// half-made behind.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { DockerRuntime } from '../../../kubelet/runtime/docker-runtime.ts';
import { ImagePullError, isRuntimeError, type RuntimeErrorReason } from '../../../kubelet/runtime/runtime.ts';
import { createFixture, type Fixture } from './runtime-fixture.ts';

let fx: Fixture;

before(async () => {
  fx = await createFixture('runtime-errors');
});

after(async () => {
  await fx?.cleanup();
});

const because = (reason: RuntimeErrorReason, text?: RegExp) => (err: unknown): boolean =>
  isRuntimeError(err, reason) && (!text || text.test(err.message));

async function countContainers(): Promise<number> {
  return (await fx.runtime.listContainers(fx.label)).length;
}

describe('runtime errors', () => {
  test('a pull that fails is an ImagePullError (registry on a closed loopback port: no traffic leaves the host)', async () => {
    const image = '127.0.0.1:1/skiff/none:1';
    const progress: string[] = [];
    await assert.rejects(fx.runtime.pullImage(image, (p) => progress.push(p.status)), (err: unknown) =>
      err instanceof ImagePullError && err.reason === 'ImagePull' && err.image === image && /127\.0\.0\.1:1/.test(err.message));
    assert.equal(await fx.runtime.imageExists(image), false);
  });

  test('an invalid reference is an ImagePullError too', async () => {
    await assert.rejects(fx.runtime.pullImage('Not_A/Valid::ref'), (err: unknown) => err instanceof ImagePullError);
  });

  test('creating from a missing image is ImageNotFound, for sandboxes and containers', async () => {
    const pod = fx.newPod();
    const before = await countContainers();
    await assert.rejects(fx.runtime.createSandbox(fx.sandboxConfig(pod, { image: 'skiff.local/missing:1' })), because('ImageNotFound'));
    const sandbox = await fx.runtime.createSandbox(fx.sandboxConfig(pod));
    await assert.rejects(fx.runtime.createContainer(fx.containerConfig(pod, 'app', sandbox.id, { image: 'skiff.local/missing:1' })),
      because('ImageNotFound', /no such image/i));
    assert.equal(await countContainers(), before + 1);
  });

  test('a taken name is a Conflict (what makes create idempotent after a kubelet crash)', async () => {
    const pod = fx.newPod();
    const sandbox = await fx.runtime.createSandbox(fx.sandboxConfig(pod));
    await assert.rejects(fx.runtime.createSandbox(fx.sandboxConfig(pod)), because('Conflict'));
    const config = fx.containerConfig(pod, 'app', sandbox.id, { command: ['sleep', '3600'] });
    await fx.runtime.createContainer(config);
    await assert.rejects(fx.runtime.createContainer(config), because('Conflict'));
  });

  test('a command that does not exist: create works, start fails, inspect says ContainerCannotRun', async () => {
    const pod = fx.newPod();
    const sandbox = await fx.runtime.createSandbox(fx.sandboxConfig(pod));
    const id = await fx.runtime.createContainer(fx.containerConfig(pod, 'app', sandbox.id, { command: ['/no/such/binary'] }));
    await assert.rejects(fx.runtime.startContainer(id), (err: unknown) => isRuntimeError(err) && /no such file or directory|not found/.test(err.message));
    const status = await fx.runtime.inspectContainer(id);
    assert.equal(status.state, 'exited');
    assert.equal(status.reason, 'ContainerCannotRun');
    assert.notEqual(status.exitCode, 0);
    assert.match(status.message ?? '', /no such file or directory|not found/);
  });

  test('a sandbox that cannot start is removed, leaving its name free', async () => {
    const pod = fx.newPod();
    const before = await countContainers();
    // A second sandbox asking for an address already taken on the network fails at start.
    const network = await fx.network();
    const ip = `${network.prefix}9`;
    await fx.runtime.createSandbox(fx.sandboxConfig(fx.newPod(), { network: { mode: 'network', network: network.name, ip } }));
    await assert.rejects(fx.runtime.createSandbox(fx.sandboxConfig(pod, { network: { mode: 'network', network: network.name, ip } })));
    assert.equal(await countContainers(), before + 1);
    const retry = await fx.runtime.createSandbox(fx.sandboxConfig(pod, { network: { mode: 'network', network: network.name } }));
    assert.ok(retry.ip?.startsWith(network.prefix));
  });

  test('mounting the Docker socket, or a directory holding it, is refused before anything is created', async () => {
    const pod = fx.newPod();
    const sandbox = await fx.runtime.createSandbox(fx.sandboxConfig(pod));
    const before = await countContainers();
    for (const hostPath of ['/var/run/docker.sock', '/run/docker.sock', '/var/run', '/run', '/']) {
      await assert.rejects(fx.runtime.createContainer(fx.containerConfig(pod, 'app', sandbox.id, {
        mounts: [{ type: 'bind', hostPath, containerPath: '/mnt', readOnly: true }],
      })), because('InvalidConfig', /Docker socket/), hostPath);
    }
    assert.equal(await countContainers(), before);
  });

  test('runAsGroup without runAsUser, and a resolver value with a newline, are InvalidConfig / refused', async () => {
    const pod = fx.newPod();
    const sandbox = await fx.runtime.createSandbox(fx.sandboxConfig(pod));
    await assert.rejects(fx.runtime.createContainer(fx.containerConfig(pod, 'app', sandbox.id, { group: 1000 })), because('InvalidConfig'));
    const before = await countContainers();
    await assert.rejects(fx.runtime.createSandbox(fx.sandboxConfig(fx.newPod(), {
      dns: { nameservers: ['10.0.0.1\nnameserver 1.1.1.1'], searches: [], options: [] },
    })), /invalid resolv.conf value/);
    assert.equal(await countContainers(), before);
  });

  test('unknown containers are NotFound for inspect, logs and stats', async () => {
    await assert.rejects(fx.runtime.inspectContainer('skiff-no-such-container'), because('NotFound'));
    await assert.rejects(fx.runtime.containerLogs('skiff-no-such-container', {}), because('NotFound'));
    await assert.rejects(fx.runtime.containerStats('skiff-no-such-container'), because('NotFound'));
    await assert.rejects(fx.runtime.startContainer('skiff-no-such-container'), because('NotFound'));
  });

  test('no daemon on the socket is Unavailable', async () => {
    const rt = new DockerRuntime({ socketPath: '/nonexistent/docker.sock', logger: pino({ level: 'silent' }) });
    await assert.rejects(rt.runtimeVersion(), because('Unavailable'));
    await assert.rejects(rt.listContainers({}), because('Unavailable'));
  });
});
