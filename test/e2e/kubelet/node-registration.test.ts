// A real skiff-kubelet against a real apiserver and the Docker daemon: it registers a Ready Node with the host's
// capacity and node info, heartbeats its Lease, and adopts its Node after a restart.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import Docker from 'dockerode';
import { freePort, startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { startComponent, waitFor, type TestComponent } from '../../helpers/component.ts';

let api: TestApiserver;
let kubelet: TestComponent;
let rootDir: string;
let port: number;
// Its own port and pod network, so it cannot meet a developer's cluster or another test file's node.
const args = () => ['--hostname-override', 'e2e-node', '--node-ip', '127.0.0.1', '--root-dir', rootDir, '--node-labels', 'tier=test', '--system-reserved', 'cpu=100m',
  '--port', String(port), '--address', '127.0.0.1', '--pod-network', 'skiff-e2e-registration', '--pod-network-subnet', '10.199.0.0/24', '--pod-network-bridge', 'skfe2ereg0'];

before(async () => {
  api = await startApiserver();
  port = await freePort();
  rootDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-kubelet-'));
  kubelet = startComponent('kubelet/main.ts', api, args());
});
after(async () => {
  await kubelet.stop();
  await api.stop();
  api.cleanup();
  rmSync(rootDir, { recursive: true, force: true });
  await new Docker({ socketPath: '/var/run/docker.sock' }).getNetwork('skiff-e2e-registration').remove().catch(() => undefined);
});

it('registers a Ready node with the host\'s capacity', async () => {
  const node = await waitFor('the node to register', async () => {
    const res = await api.request('GET', '/api/v1/nodes/e2e-node');
    return res.status === 200 ? res.body : undefined;
  });
  const ready = node.status.conditions.find((c: { type: string }) => c.type === 'Ready');
  assert.equal(ready.status, 'True', JSON.stringify(node.status.conditions));
  assert.equal(node.status.capacity.cpu, String(os.cpus().length));
  assert.equal(node.status.allocatable.cpu, `${os.cpus().length * 1000 - 100}m`);
  assert.equal(node.status.capacity.pods, '110');
  assert.match(node.status.nodeInfo.containerRuntimeVersion, /^docker:\/\/\d+\./);
  assert.equal(node.metadata.labels.tier, 'test');
  assert.equal(node.metadata.labels['kubernetes.io/hostname'], 'e2e-node');
  assert.deepEqual(node.status.addresses[0], { type: 'InternalIP', address: '127.0.0.1' });
});

it('heartbeats its Lease in kube-node-lease', async () => {
  const lease = await waitFor('the node lease', async () => {
    const res = await api.request('GET', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/e2e-node');
    return res.status === 200 ? res.body : undefined;
  });
  assert.equal(lease.spec.holderIdentity, 'e2e-node');
  assert.equal(lease.spec.leaseDurationSeconds, 40);
  assert.match(lease.spec.renewTime, /\.\d{6}Z$/);
  assert.equal(lease.metadata.ownerReferences[0].kind, 'Node');
  // The next renewal comes 10 s later.
  await waitFor('the lease to be renewed', async () => {
    const res = await api.request('GET', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/e2e-node');
    return res.body.spec.renewTime !== lease.spec.renewTime ? true : undefined;
  }, 15_000);
});

it('a restarted kubelet adopts its node and keeps labels others added', async () => {
  const labelled = await api.request('PATCH', '/api/v1/nodes/e2e-node', { body: { metadata: { labels: { added: 'by-kubectl' } } }, contentType: 'application/merge-patch+json' });
  assert.equal(labelled.status, 200);
  const uid = labelled.body.metadata.uid;
  await kubelet.stop();
  kubelet = startComponent('kubelet/main.ts', api, args());
  await waitFor('the restarted kubelet to report', async () => {
    const res = await api.request('GET', '/api/v1/nodes/e2e-node');
    const hb = res.body.status.conditions.find((c: { type: string }) => c.type === 'Ready').lastHeartbeatTime;
    return hb !== labelled.body.status.conditions.find((c: { type: string }) => c.type === 'Ready').lastHeartbeatTime ? res.body : undefined;
  }, 15_000).then((node) => {
    assert.equal(node.metadata.uid, uid, 'the same Node object');
    assert.equal(node.metadata.labels.added, 'by-kubectl');
  });
});

it('refuses kubernetes.io labels that are not a kubelet\'s own before registering, as NodeRestriction would', async () => {
  const refused = startComponent('kubelet/main.ts', api, [...args().map((a) => (a === 'e2e-node' ? 'e2e-node-labels' : a)),
    '--node-labels', 'node-role.kubernetes.io/control-plane=,node.kubernetes.io/pool=a']);
  assert.equal(await refused.exited(), 1);
  assert.match(refused.logs(), /unknown 'kubernetes.io' or 'k8s.io' labels specified with --node-labels: \[node-role\.kubernetes\.io\/control-plane\]/);
  assert.equal((await api.request('GET', '/api/v1/nodes/e2e-node-labels')).status, 404);
});
