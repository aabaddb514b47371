// Static pods: a manifest in the kubelet's --pod-manifest-path runs on its node without the apiserver's say, and the
// apiserver gets a mirror pod carrying its status; deleting the mirror does not stop the pod; editing the file
// replaces the pod; removing the file removes it. The kubelet runs as its node (system:node:<name>), so its mirror
// pods pass NodeRestriction as a real kubelet's must.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import Docker from 'dockerode';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { waitFor } from '../../helpers/component.ts';
import { testImage } from '../../helpers/images.ts';
import { startNode, type TestNode } from '../../helpers/node.ts';

let api: TestApiserver;
let node: TestNode;
let dir: string;
const docker = new Docker({ socketPath: '/var/run/docker.sock' });

const manifest = (message: string): string => `
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {tier: static}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: ${testImage}
    imagePullPolicy: IfNotPresent
    command: [sh, -c, 'echo ${message}; exec sleep 3600']
`;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-manifests-'));
  const name = `e2e-static-${process.pid}`;
  const nodeToken = randomBytes(16).toString('hex');
  api = await startApiserver({ tokens: [`${nodeToken},system:node:${name},${name}-uid,"system:nodes"`] });
  node = await startNode(api, {
    name, kubeconfig: api.kubeconfigFor(`system:node:${name}`, nodeToken),
    extraArgs: ['--pod-manifest-path', dir, '--file-check-frequency', '500ms'],
  });
});
after(async () => {
  await node?.cleanup();
  await api?.stop();
  api?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const mirrorName = (): string => `web-${node.name}`;

async function mirror(): Promise<any> {
  const res = await api.request('GET', `/api/v1/namespaces/default/pods/${mirrorName()}`);
  return res.status === 200 ? res.body : undefined;
}

async function runningContainers(): Promise<string[]> {
  const list = await docker.listContainers({ filters: { label: [`skiff.node=${node.name}`, 'io.kubernetes.container.name=main'] } });
  return list.map((c) => c.Id);
}

it('runs the manifest and mirrors it, with its status, into the apiserver', async () => {
  writeFileSync(path.join(dir, 'web.yaml'), manifest('first'));
  const m = await waitFor('a Running mirror pod', async () => {
    const p = await mirror();
    return p?.status?.phase === 'Running' ? p : undefined;
  }, 60_000);
  assert.ok(m.metadata.annotations['kubernetes.io/config.mirror'], 'marked as a mirror');
  assert.equal(m.metadata.annotations['kubernetes.io/config.source'], 'file');
  assert.equal(m.spec.nodeName, node.name);
  const self = (await api.request('GET', `/api/v1/nodes/${node.name}`)).body;
  assert.deepEqual(m.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: node.name, uid: self.metadata.uid, controller: true }]);
  assert.equal(m.metadata.labels.tier, 'static');
  assert.equal(m.status.containerStatuses[0].ready, true);
  assert.equal((await runningContainers()).length, 1);
});

it('puts a deleted mirror back without touching the running pod', async () => {
  const before = await mirror();
  const containers = await runningContainers();
  const del = await api.request('DELETE', `/api/v1/namespaces/default/pods/${mirrorName()}`);
  assert.equal(del.status, 200, del.text);
  const again = await waitFor('a new mirror', async () => {
    const p = await mirror();
    return p && p.metadata.uid !== before.metadata.uid && !p.metadata.deletionTimestamp && p.status?.phase === 'Running' ? p : undefined;
  }, 30_000);
  assert.ok(again);
  assert.deepEqual(await runningContainers(), containers, 'the same container still runs');
});

it('replaces the pod when its file changes, and removes it with the file', async () => {
  const [old] = await runningContainers();
  const oldHash = (await mirror()).metadata.annotations['kubernetes.io/config.mirror'];
  writeFileSync(path.join(dir, 'web.yaml'), manifest('second'));
  await waitFor('the new pod running', async () => {
    const p = await mirror();
    const ids = await runningContainers();
    return p && p.metadata.annotations['kubernetes.io/config.mirror'] !== oldHash && p.status?.phase === 'Running'
      && ids.length === 1 && ids[0] !== old ? true : undefined;
  }, 60_000);
  unlinkSync(path.join(dir, 'web.yaml'));
  await waitFor('mirror and containers gone', async () => (!(await mirror()) && (await runningContainers()).length === 0 ? true : undefined), 60_000);
});
