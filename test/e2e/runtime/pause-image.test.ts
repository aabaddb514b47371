// Skiff's locally built images: the pause process (prompt exit on SIGTERM/SIGINT, zombie reaping as PID 1 of a
// shared PID namespace) and busybox images imported under any name.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import {
  ensurePauseImage, importBusyboxImage, localImageLabel, pauseEntrypoint,
} from '../../../kubelet/runtime/local-images.ts';
import { removeLabelled } from '../../helpers/docker-cleanup.ts';
import { createFixture, readText, waitFor, type Fixture } from './runtime-fixture.ts';

let fx: Fixture;
const extraImages: string[] = [];

before(async () => {
  fx = await createFixture('runtime-pause');
});

after(async () => {
  try {
    // Images built through ensurePauseImage carry only the local-image label with their (random) name.
    for (const ref of extraImages) await removeLabelled({ [localImageLabel]: ref });
  } finally {
    await fx?.cleanup();
  }
});

/** Waits until the process has a handler for the signal (its SigCgt bit), so the test never races the trap. */
async function waitForHandler(pid: number, signal: number): Promise<void> {
  await waitFor(`pid ${pid} to catch signal ${signal}`, async () => {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const caught = /^SigCgt:\s*([0-9a-f]+)$/m.exec(status)?.[1];
    return caught && ((BigInt(`0x${caught}`) >> BigInt(signal - 1)) & 1n) === 1n ? true : undefined;
  });
}

async function runningSandbox(image?: string): Promise<{ id: string; pid: number }> {
  const pod = fx.newPod();
  const { id } = await fx.runtime.createSandbox(fx.sandboxConfig(pod, image ? { image } : {}));
  return { id, pid: (await fx.runtime.inspectContainer(id)).pid };
}

async function waitExited(id: string): Promise<number | undefined> {
  return waitFor('exit', async () => {
    const s = await fx.runtime.inspectContainer(id);
    return s.state === 'exited' ? s.exitCode : undefined;
  });
}

describe('the pause container', () => {
  test('exits 0 within 1 s of SIGTERM', async (t) => {
    const { id, pid } = await runningSandbox();
    await waitForHandler(pid, 15);
    const t0 = performance.now();
    await fx.runtime.stopContainer(id, 30);
    const ms = performance.now() - t0;
    t.diagnostic(`pause stopped ${ms.toFixed(0)} ms after SIGTERM`);
    assert.ok(ms < 1000, `${ms} ms`);
    assert.equal((await fx.runtime.inspectContainer(id)).exitCode, 0);
  });

  test('exits 0 within 1 s of SIGINT', async (t) => {
    const { id, pid } = await runningSandbox();
    await waitForHandler(pid, 2);
    const t0 = performance.now();
    await fx.docker.getContainer(id).kill({ signal: 'SIGINT' });
    const code = await waitExited(id);
    const ms = performance.now() - t0;
    t.diagnostic(`pause exited ${ms.toFixed(0)} ms after SIGINT`);
    assert.ok(ms < 1000, `${ms} ms`);
    assert.equal(code, 0);
  });

  /**
   * In a shared PID namespace an orphan is re-parented to PID 1. The app container's shell starts `sleep 2` in a
   * subshell that exits at once, so the sleep is orphaned; when it ends, only PID 1 can reap it.
   */
  async function orphanIn(sandboxId: string): Promise<{ appId: string; orphanPid: string }> {
    const pod = fx.newPod();
    const appId = await fx.runtime.createContainer(fx.containerConfig(pod, 'app', sandboxId, {
      pidNamespace: 'pod',
      command: ['sh', '-c', '(sleep 2 & echo $! > /tmp/orphan.pid); exec sleep 3600'],
    }));
    await fx.runtime.startContainer(appId);
    const orphanPid = await waitFor('the orphan pid', async () => {
      const r = await fx.runtime.execSync(appId, ['cat', '/tmp/orphan.pid'], 5000);
      return r.exitCode === 0 && r.stdout.trim() ? r.stdout.trim() : undefined;
    });
    return { appId, orphanPid };
  }

  async function procState(appId: string, pid: string): Promise<string | undefined> {
    const r = await fx.runtime.execSync(appId, ['cat', `/proc/${pid}/stat`], 5000);
    if (r.exitCode !== 0) return 'gone';
    // "pid (comm) S ppid ...": the state follows the parenthesised command name.
    const m = /\) (\S) (\d+)/.exec(r.stdout);
    return m ? `${m[1]} ppid=${m[2]}` : undefined;
  }

  test('reaps a zombie orphaned into its PID namespace', async () => {
    const { id } = await runningSandbox();
    const { appId, orphanPid } = await orphanIn(id);
    // While it runs, the orphan's parent is the pause process (PID 1 of the pod).
    assert.equal(await procState(appId, orphanPid), 'S ppid=1');
    // Once it exits, the pause process reaps it: no zombie is left behind.
    await waitFor('the orphan to be reaped', async () => ((await procState(appId, orphanPid)) === 'gone' ? true : undefined), 8000);
  });

  test('control: under a PID 1 that does not reap, the same orphan stays a zombie', async () => {
    const ref = `skiff.local/e2e-noreap-${randomBytes(3).toString('hex')}:1`;
    await importBusyboxImage(fx.runtime, ref, { entrypoint: ['sleep', '3600'], labels: fx.label });
    const { id } = await runningSandbox(ref);
    const { appId, orphanPid } = await orphanIn(id);
    await waitFor('the orphan to become a zombie', async () => ((await procState(appId, orphanPid)) === 'Z ppid=1' ? true : undefined), 8000);
  });
});

describe('building images locally', () => {
  test('ensurePauseImage builds once, with the pause entrypoint, PATH=/bin and a real busybox file', async () => {
    const ref = `skiff.local/e2e-pause-${randomBytes(3).toString('hex')}:3.9`;
    extraImages.push(ref);
    assert.equal(await fx.runtime.imageExists(ref), false);
    await Promise.all([ensurePauseImage(fx.runtime, ref), ensurePauseImage(fx.runtime, ref)]);
    assert.equal(await fx.runtime.imageExists(ref), true);
    const images = (await fx.runtime.listImages()).filter((i) => i.repoTags.includes(ref));
    assert.equal(images.length, 1);
    const config = (await fx.docker.getImage(ref).inspect()).Config;
    assert.deepEqual(config.Entrypoint, pauseEntrypoint);
    assert.deepEqual(config.Env, ['PATH=/bin']);
    // The test image shares the root fs: busybox itself is a regular file, applets link to it.
    const pod = fx.newPod();
    const { id: sandboxId } = await fx.runtime.createSandbox(fx.sandboxConfig(pod));
    const app = await fx.runtime.createContainer(fx.containerConfig(pod, 'app', sandboxId, { command: ['sleep', '3600'] }));
    await fx.runtime.startContainer(app);
    const r = await fx.runtime.execSync(app, ['sh', '-c', 'test -f /bin/busybox && ! test -L /bin/busybox && for f in sh nslookup timeout; do readlink /bin/$f; done'], 5000);
    assert.equal(r.stdout, 'busybox\nbusybox\nbusybox\n');
  });

  test('importBusyboxImage tags an image under a manifest-style name that serves HTTP', async () => {
    const ref = `skiff.local/e2e-nginx-${randomBytes(3).toString('hex')}:1.25`;
    await importBusyboxImage(fx.runtime, ref, { entrypoint: ['httpd', '-f', '-p', '80', '-h', '/var/www'], labels: fx.label });
    const www = await fx.tempDir();
    await writeFile(`${www}/index.html`, 'served by busybox httpd\n');
    const pod = fx.newPod();
    const sandbox = await fx.runtime.createSandbox(fx.sandboxConfig(pod));
    const web = await fx.runtime.createContainer(fx.containerConfig(pod, 'web', sandbox.id, {
      image: ref, mounts: [{ type: 'bind', hostPath: www, containerPath: '/var/www', readOnly: true }],
    }));
    await fx.runtime.startContainer(web);
    assert.ok(sandbox.ip);
    const body = await waitFor('httpd', async () => (await fetch(`http://${sandbox.ip}/`, { signal: AbortSignal.timeout(2000) })).text());
    assert.equal(body, 'served by busybox httpd\n');
    // wget from a second container of the pod, the way tests must write it here (timeout, not -T).
    const client = await fx.runtime.createContainer(fx.containerConfig(pod, 'client', sandbox.id, { command: ['sleep', '3600'] }));
    await fx.runtime.startContainer(client);
    const r = await fx.runtime.execSync(client, ['timeout', '5', 'wget', '-qO-', 'http://127.0.0.1/'], 10_000);
    assert.equal(r.stdout, 'served by busybox httpd\n');
  });

  test('a missing or dynamically linked busybox fails with a message naming busybox-static', async () => {
    await assert.rejects(ensurePauseImage(fx.runtime, 'skiff.local/e2e-never:1', '/nonexistent/busybox'), /busybox-static/);
    await assert.rejects(importBusyboxImage(fx.runtime, 'skiff.local/e2e-never:1', { busyboxPath: process.execPath }), /statically linked.*busybox-static/);
    assert.equal(await fx.runtime.imageExists('skiff.local/e2e-never:1'), false);
  });

  test('the pause container logs nothing and stays up', async () => {
    const { id } = await runningSandbox();
    assert.equal(await readText(await fx.runtime.containerLogs(id, {})), '');
    assert.equal((await fx.runtime.inspectContainer(id)).state, 'running');
  });
});
