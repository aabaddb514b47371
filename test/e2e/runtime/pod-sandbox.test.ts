// A pod through the Docker runtime: a sandbox plus app containers that share its network (localhost), IPC and
// hostname, and an emptyDir-like host directory; the pod IP, resolv.conf and hostPorts; listing by labels.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import { labels as labelKeys, parseLabels, parseName } from '../../../kubelet/runtime/naming.ts';
import { createFixture, median, waitFor, type Fixture } from './runtime-fixture.ts';

let fx: Fixture;

before(async () => {
  fx = await createFixture('runtime-pod');
});

after(async () => {
  await fx?.cleanup();
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function httpGet(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
  return res.text();
}

describe('a pod: sandbox and two app containers', () => {
  let sandboxId: string;
  let podIp: string | undefined;
  let webId: string;
  let clientId: string;
  let hostPort: number;
  let wwwDir: string;
  const dns = { nameservers: ['10.96.0.10'], searches: ['e2e.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], options: ['ndots:5'] };
  const pod = { name: 'web-0', namespace: 'e2e', uid: '' };

  before(async () => {
    Object.assign(pod, fx.newPod('web-0'));
    const network = await fx.network();
    wwwDir = await fx.tempDir();
    hostPort = await freePort();
    const sandbox = await fx.runtime.createSandbox(fx.sandboxConfig(pod, {
      network: { mode: 'network', network: network.name, ip: `${network.prefix}5` },
      dns,
      portMappings: [{ containerPort: 8080, hostPort, protocol: 'TCP', hostIP: '127.0.0.1' }],
      extraHosts: [{ ip: '10.1.2.3', hostnames: ['db.example'] }],
    }));
    sandboxId = sandbox.id;
    podIp = sandbox.ip;
    webId = await fx.runtime.createContainer(fx.containerConfig(pod, 'web', sandboxId, {
      command: ['httpd', '-f', '-p', '8080', '-h', '/www'],
      mounts: [{ type: 'bind', hostPath: wwwDir, containerPath: '/www', readOnly: true }],
    }));
    clientId = await fx.runtime.createContainer(fx.containerConfig(pod, 'client', sandboxId, {
      command: ['sh', '-c', 'echo hello-from-client > /shared/index.html; exec sleep 3600'],
      mounts: [{ type: 'bind', hostPath: wwwDir, containerPath: '/shared', readOnly: false }],
    }));
    await fx.runtime.startContainer(webId);
    await fx.runtime.startContainer(clientId);
  });

  test('the sandbox gets the requested fixed pod IP on the network', async () => {
    const network = await fx.network();
    assert.equal(podIp, `${network.prefix}5`);
    const status = await fx.runtime.inspectContainer(sandboxId);
    assert.equal(status.state, 'running');
    assert.equal(status.ip, podIp);
  });

  test('containers share localhost: the client reaches the web server on 127.0.0.1, serving the shared directory', async () => {
    const body = await waitFor('the web server to answer on the pod\'s localhost', async () => {
      const r = await fx.runtime.execSync(clientId, ['sh', '-c', 'timeout 5 wget -qO- http://127.0.0.1:8080/'], 10_000);
      return r.exitCode === 0 ? r.stdout : undefined;
    });
    assert.equal(body, 'hello-from-client\n');
  });

  test('the host reaches the pod at its IP and through the hostPort on loopback', async () => {
    assert.equal(await waitFor('pod IP', async () => httpGet(`http://${podIp}:8080/`)), 'hello-from-client\n');
    assert.equal(await waitFor('hostPort', async () => httpGet(`http://127.0.0.1:${hostPort}/`)), 'hello-from-client\n');
  });

  test('the shared directory is the host directory both ways', async () => {
    await writeFile(`${wwwDir}/from-host.txt`, 'written on the host\n');
    const r = await fx.runtime.execSync(clientId, ['cat', '/shared/from-host.txt'], 5000);
    assert.equal(r.stdout, 'written on the host\n');
    const ro = await fx.runtime.execSync(webId, ['sh', '-c', 'echo x > /www/nope'], 5000);
    assert.notEqual(ro.exitCode, 0, 'a read-only bind mount refuses writes');
  });

  test('network and IPC namespaces are the sandbox\'s; PID namespaces stay separate without shareProcessNamespace', async () => {
    const ns = async (id: string, kind: string): Promise<string> =>
      (await fx.runtime.execSync(id, ['readlink', `/proc/self/ns/${kind}`], 5000)).stdout.trim();
    for (const kind of ['net', 'ipc']) {
      const sandboxNs = await ns(sandboxId, kind);
      assert.match(sandboxNs, new RegExp(`^${kind}:\\[\\d+\\]$`));
      assert.equal(await ns(webId, kind), sandboxNs, kind);
      assert.equal(await ns(clientId, kind), sandboxNs, kind);
    }
    assert.notEqual(await ns(webId, 'pid'), await ns(clientId, 'pid'));
  });

  test('every container sees the pod hostname, the pod resolv.conf and the host aliases', async () => {
    for (const id of [sandboxId, webId, clientId]) {
      assert.equal((await fx.runtime.execSync(id, ['hostname'], 5000)).stdout, 'web-0\n');
      assert.equal((await fx.runtime.execSync(id, ['cat', '/etc/resolv.conf'], 5000)).stdout,
        'nameserver 10.96.0.10\nsearch e2e.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n');
      assert.match((await fx.runtime.execSync(id, ['cat', '/etc/hosts'], 5000)).stdout, /10\.1\.2\.3\s+db\.example/);
    }
  });

  test('inspect reports running containers with their image and labels', async () => {
    const web = await fx.runtime.inspectContainer(webId);
    assert.equal(web.state, 'running');
    assert.equal(web.image, fx.busyboxImage);
    assert.match(web.imageId, /^sha256:[0-9a-f]{64}$/);
    assert.ok(web.pid > 0);
    assert.ok(web.startedAt && web.startedAt.getTime() <= Date.now());
    assert.equal(web.exitCode, undefined);
    const identity = parseLabels(web.labels);
    assert.equal(identity?.sandboxId, sandboxId);
    assert.equal(identity?.containerName, 'web');
    assert.deepEqual(parseName(web.name)?.pod, pod);
  });

  test('listing by labels finds exactly this pod\'s containers, exited ones included', async () => {
    const exitingId = await fx.runtime.createContainer(fx.containerConfig(pod, 'job', sandboxId, { command: ['true'] }));
    await fx.runtime.startContainer(exitingId);
    await waitFor('the job to exit', async () => ((await fx.runtime.inspectContainer(exitingId)).state === 'exited' ? true : undefined));
    const listed = await fx.runtime.listContainers({ ...fx.label, [labelKeys.podUid]: pod.uid });
    assert.deepEqual(listed.map((c) => c.id).sort(), [sandboxId, webId, clientId, exitingId].sort());
    assert.equal(listed.find((c) => c.id === exitingId)?.state, 'exited');
    const sandboxes = await fx.runtime.listContainers({ ...fx.label, [labelKeys.type]: 'podsandbox' });
    assert.ok(sandboxes.some((c) => c.id === sandboxId));
    assert.ok(sandboxes.every((c) => c.labels[labelKeys.type] === 'podsandbox'));
    assert.deepEqual(await fx.runtime.listContainers({ [labelKeys.node]: 'no-such-node', ...fx.label }), []);
  });
});

describe('shareProcessNamespace and host networking', () => {
  test('a container in the pod PID namespace sees the pause process as PID 1', async () => {
    const pod = fx.newPod();
    const sandbox = await fx.runtime.createSandbox(fx.sandboxConfig(pod));
    const id = await fx.runtime.createContainer(fx.containerConfig(pod, 'app', sandbox.id, { pidNamespace: 'pod', command: ['sleep', '3600'] }));
    await fx.runtime.startContainer(id);
    const r = await fx.runtime.execSync(id, ['cat', '/proc/1/cmdline'], 5000);
    assert.match(r.stdout.replaceAll('\0', ' '), /^\/bin\/sh -c trap 'exit 0' TERM INT/);
  });

  test('a hostNetwork sandbox has no pod IP of its own and the node\'s hostname', async () => {
    const pod = fx.newPod();
    const sandbox = await fx.runtime.createSandbox(fx.sandboxConfig(pod, { network: { mode: 'host' } }));
    assert.equal(sandbox.ip, undefined);
    const r = await fx.runtime.execSync(sandbox.id, ['hostname'], 5000);
    assert.equal(r.stdout.trim(), (await import('node:os')).hostname());
  });
});

describe('latency', () => {
  test('sandbox create+start and container create+start', async (t) => {
    const sandboxMs: number[] = [];
    const containerMs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const pod = fx.newPod();
      let t0 = performance.now();
      const sandbox = await fx.runtime.createSandbox(fx.sandboxConfig(pod));
      sandboxMs.push(performance.now() - t0);
      t0 = performance.now();
      const id = await fx.runtime.createContainer(fx.containerConfig(pod, 'app', sandbox.id, { command: ['sleep', '3600'] }));
      await fx.runtime.startContainer(id);
      containerMs.push(performance.now() - t0);
    }
    t.diagnostic(`sandbox create+start+inspect: median ${median(sandboxMs).toFixed(0)} ms (${sandboxMs.map((v) => v.toFixed(0)).join(', ')})`);
    t.diagnostic(`container create+start: median ${median(containerMs).toFixed(0)} ms (${containerMs.map((v) => v.toFixed(0)).join(', ')})`);
    // Well inside the 5 s pod-startup SLO, even on a loaded machine.
    assert.ok(median(containerMs) < 2000);
  });
});
