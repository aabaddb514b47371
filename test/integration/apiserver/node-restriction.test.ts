// NodeRestriction on a real apiserver run as kubeadm's is (--authorization-mode=Node,RBAC): a kubelet's token
// registers its own Node, renews its own Lease, makes mirror pods owned by its Node and writes status of its own
// pods; everything the Node authorizer lets through but that belongs to another node, or would steer workloads
// to it, is refused with kube's messages.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApiserver, type ApiResponse, type TestApiserver } from '../../helpers/apiserver.ts';

let api: TestApiserver;
const node1 = 'node1-token-0123456789';
let node1Uid = '';

const asNode = (method: string, urlPath: string, body?: unknown, contentType?: string): Promise<ApiResponse> =>
  api.request(method, urlPath, { token: node1, body, contentType });
const admin = (method: string, urlPath: string, body?: unknown): Promise<ApiResponse> => api.request(method, urlPath, { body });

function expectForbidden(res: ApiResponse, message: string): void {
  assert.equal(res.status, 403, res.text);
  assert.equal(res.body.reason, 'Forbidden');
  assert.equal(res.body.message, message);
}

const podBody = (name: string, nodeName: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, ...extra },
  spec: { nodeName, containers: [{ name: 'c', image: 'busybox' }] },
});

/** Retries while the Node authorizer's graph has not yet seen a pod the request depends on. */
async function eventually(what: string, attempt: () => Promise<ApiResponse>, done: (r: ApiResponse) => boolean): Promise<ApiResponse> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const res = await attempt();
    if (done(res)) return res;
    if (Date.now() > deadline) assert.fail(`${what}: ${res.status} ${res.text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  api = await startApiserver({
    args: ['--authorization-mode=Node,RBAC'],
    tokens: [`${node1},system:node:node1,node1-uid,"system:nodes"`],
  });
  const registered = await asNode('POST', '/api/v1/nodes', {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name: 'node1', labels: { 'kubernetes.io/hostname': 'node1', 'kubernetes.io/os': 'linux', tier: 'test' } },
    spec: { taints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }] },
  });
  assert.equal(registered.status, 201, registered.text);
  node1Uid = registered.body.metadata.uid;
  assert.equal((await admin('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node2' } })).status, 201);
  assert.equal((await admin('POST', '/api/v1/namespaces/default/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'app' } })).status, 201);
  for (const [name, node] of [['mine', 'node1'], ['theirs', 'node2']]) {
    const res = await admin('POST', '/api/v1/namespaces/default/pods', { ...podBody(name, node), spec: { ...podBody(name, node).spec, serviceAccountName: 'app' } });
    assert.equal(res.status, 201, res.text);
  }
});
after(async () => {
  await api.stop();
  api.cleanup();
});

describe('NodeRestriction', () => {
  it('lets a node make a mirror pod owned by its Node, and nothing else', async () => {
    const mirror = (owner: Record<string, unknown>) => ({
      ...podBody('static-node1', 'node1', {
        annotations: { 'kubernetes.io/config.mirror': 'hash' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'node1', uid: node1Uid, controller: true, ...owner }],
      }),
    });
    const made = await asNode('POST', '/api/v1/namespaces/default/pods', mirror({}));
    assert.equal(made.status, 201, made.text);
    expectForbidden(await asNode('POST', '/api/v1/namespaces/default/pods', podBody('plain', 'node1')),
      'pods "plain" is forbidden: pod does not have "kubernetes.io/config.mirror" annotation, node "node1" can only create mirror pods');
    expectForbidden(await asNode('POST', '/api/v1/namespaces/default/pods', { ...mirror({ uid: 'stale' }), metadata: { ...mirror({ uid: 'stale' }).metadata, name: 'stale' } }),
      `pods "stale" is forbidden: node node1 UID mismatch: expected stale got ${node1Uid}`);
    const withSecret = mirror({});
    withSecret.metadata.name = 'secretive';
    (withSecret.spec as Record<string, unknown>).volumes = [{ name: 's', secret: { secretName: 'top' } }];
    expectForbidden(await asNode('POST', '/api/v1/namespaces/default/pods', withSecret),
      'pods "secretive" is forbidden: node "node1" can not create pods that reference secrets');
    // Its own pods it may delete; others' it may not.
    assert.equal((await asNode('DELETE', '/api/v1/namespaces/default/pods/static-node1?gracePeriodSeconds=0')).status, 200);
    expectForbidden(await asNode('DELETE', '/api/v1/namespaces/default/pods/theirs'),
      'pods "theirs" is forbidden: node "node1" can only delete pods with spec.nodeName set to itself');
  });

  it('writes status and evicts only pods bound to itself', async () => {
    const patch = { status: { phase: 'Running' } };
    const own = await asNode('PATCH', '/api/v1/namespaces/default/pods/mine/status', patch, 'application/merge-patch+json');
    assert.equal(own.status, 200, own.text);
    expectForbidden(await asNode('PATCH', '/api/v1/namespaces/default/pods/theirs/status', patch, 'application/merge-patch+json'),
      'pods "theirs" is forbidden: node "node1" can only update pod status for pods with spec.nodeName set to itself');
    expectForbidden(await asNode('POST', '/api/v1/namespaces/default/pods/theirs/eviction',
      { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'theirs' } }),
    'pods "theirs" is forbidden: node node1 can only evict pods with spec.nodeName set to itself');
    assert.equal((await admin('GET', '/api/v1/namespaces/default/pods/theirs')).status, 200, 'still there');
  });

  it('keeps a node off other Nodes, restricted labels and its taints', async () => {
    expectForbidden(await asNode('PATCH', '/api/v1/nodes/node2', { metadata: { labels: { tier: 'x' } } }, 'application/merge-patch+json'),
      'nodes "node2" is forbidden: node "node1" is not allowed to modify node "node2"');
    const ok = await asNode('PATCH', '/api/v1/nodes/node1', { metadata: { labels: { tier: 'prod', 'node.kubernetes.io/pool': 'a' } } }, 'application/merge-patch+json');
    assert.equal(ok.status, 200, ok.text);
    expectForbidden(await asNode('PATCH', '/api/v1/nodes/node1', { metadata: { labels: { 'node-role.kubernetes.io/control-plane': '' } } }, 'application/merge-patch+json'),
      'nodes "node1" is forbidden: is not allowed to modify labels: node-role.kubernetes.io/control-plane');
    expectForbidden(await asNode('PATCH', '/api/v1/nodes/node1', { spec: { taints: null } }, 'application/merge-patch+json'),
      'nodes "node1" is forbidden: node "node1" is not allowed to modify taints');
    const created = await asNode('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node1-b' } });
    expectForbidden(created, 'nodes "node1-b" is forbidden: node "node1" is not allowed to modify node "node1-b"');
  });

  it('creates only its own Lease', async () => {
    const lease = (name: string) => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name }, spec: { holderIdentity: name } });
    assert.equal((await asNode('POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', lease('node1'))).status, 201);
    expectForbidden(await asNode('POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', lease('node2')),
      'leases.coordination.k8s.io "node2" is forbidden: can only access node lease with the same name as the requesting node');
  });

  it('requests tokens only bound to a pod of its own', async () => {
    const mine = (await admin('GET', '/api/v1/namespaces/default/pods/mine')).body;
    const token = (ref: Record<string, unknown> | undefined) => asNode('POST', '/api/v1/namespaces/default/serviceaccounts/app/token',
      { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: [], boundObjectRef: ref } });
    const ref = { apiVersion: 'v1', kind: 'Pod', name: 'mine', uid: mine.metadata.uid };
    const granted = await eventually('a token for its own pod', () => token(ref), (r) => r.status === 201);
    assert.ok(granted.body.status.token);
    expectForbidden(await token(undefined), 'serviceaccounts "app" is forbidden: node requested token not bound to a pod');
    expectForbidden(await token({ ...ref, uid: 'old' }),
      'serviceaccounts "app" is forbidden: the UID in the bound object reference (old) does not match the UID in record. The object might have been deleted and then recreated');
    const theirs = (await admin('GET', '/api/v1/namespaces/default/pods/theirs')).body;
    // The Node authorizer only asks whether a pod of node1 uses the account (one does): the binding is admission's.
    expectForbidden(await token({ apiVersion: 'v1', kind: 'Pod', name: 'theirs', uid: theirs.metadata.uid }),
      'serviceaccounts "app" is forbidden: node requested token bound to a pod scheduled on a different node');
  });

  it('leaves users that are not nodes alone', async () => {
    const res = await api.request('PATCH', '/api/v1/nodes/node1',
      { body: { metadata: { labels: { 'node-restriction.kubernetes.io/trusted': 'yes' } }, spec: { taints: null } }, contentType: 'application/merge-patch+json' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.metadata.labels['node-restriction.kubernetes.io/trusted'], 'yes');
  });
});
