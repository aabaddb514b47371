import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  admitNodeRestriction, apiObjectReference, type NodeRestrictionLookup,
} from '../../../apiserver/admission/node-restriction.ts';
import { forbiddenNodeLabels } from '../../../apiserver/api/kubelet-labels.ts';
import { ApiError } from '../../../apiserver/api/errors.ts';
import { resourceFor } from '../../../apiserver/api/resources.ts';
import type { KubeObject, Node, Pod } from '../../../apiserver/api/types.ts';
import type { AdmissionAttributes } from '../../../apiserver/registry/registry.ts';
import type { UserInfo } from '../../../apiserver/server/user.ts';

const mynode: UserInfo = { name: 'system:node:mynode', groups: ['system:nodes', 'system:authenticated'] };
const nameless: UserInfo = { name: 'system:node:', groups: ['system:nodes'] };
const admin: UserInfo = { name: 'admin', groups: ['system:masters'] };

const pods = resourceFor('', 'v1', 'pods')!;
const nodes = resourceFor('', 'v1', 'nodes')!;
const pvcs = resourceFor('', 'v1', 'persistentvolumeclaims')!;
const serviceaccounts = resourceFor('', 'v1', 'serviceaccounts')!;
const leases = resourceFor('coordination.k8s.io', 'v1', 'leases')!;

const nodeUid = 'node-uid';
const pod = (name: string, nodeName: string, extra: Partial<Pod> = {}): Pod => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name, namespace: 'ns', uid: `${name}-uid`, ...extra.metadata },
  spec: { nodeName, containers: [{ name: 'c', image: 'busybox' }], ...extra.spec },
  ...(extra.status ? { status: extra.status } : {}),
});
const mirror = (extra: { spec?: Partial<NonNullable<Pod['spec']>>; owners?: NonNullable<Pod['metadata']>['ownerReferences'] } = {}): Pod => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: {
    name: 'static-mynode', namespace: 'ns', annotations: { 'kubernetes.io/config.mirror': 'hash' },
    ownerReferences: extra.owners ?? [{ apiVersion: 'v1', kind: 'Node', name: 'mynode', uid: nodeUid, controller: true }],
  },
  spec: { nodeName: 'mynode', containers: [{ name: 'c', image: 'busybox' }], ...extra.spec },
});

const lookup: NodeRestrictionLookup = {
  pod: async (namespace, name) => [pod('mine', 'mynode'), pod('theirs', 'othernode')].find((p) => p.metadata?.namespace === namespace && p.metadata?.name === name),
  node: async (name) => (name === 'mynode' ? { metadata: { name, uid: nodeUid } } as Node : undefined),
};

const obj = (o: unknown) => o as KubeObject;
function attrs(a: Partial<AdmissionAttributes> & Pick<AdmissionAttributes, 'operation' | 'ri'>): AdmissionAttributes {
  return { namespace: '', name: '', subresource: '', ...a };
}

async function refusal(user: UserInfo, a: AdmissionAttributes): Promise<ApiError> {
  try {
    await admitNodeRestriction(user, a, lookup);
  } catch (e) {
    assert.ok(e instanceof ApiError, String(e));
    return e;
  }
  assert.fail('admitted');
}
async function forbidden(user: UserInfo, a: AdmissionAttributes, message: string): Promise<void> {
  const e = await refusal(user, a);
  assert.equal(e.code, 403);
  assert.equal(e.message, message);
}
const admitted = (user: UserInfo, a: AdmissionAttributes) => admitNodeRestriction(user, a, lookup);

describe('NodeRestriction: who it applies to', () => {
  it('passes users that are not nodes, whatever they do', async () => {
    await admitted(admin, attrs({ operation: 'CREATE', ri: pods, namespace: 'ns', name: 'p', object: obj(pod('p', 'othernode')) }));
    await admitted({ name: 'system:node:mynode', groups: [] }, attrs({ operation: 'UPDATE', ri: nodes, name: 'othernode', object: obj({}), oldObject: obj({}) }));
  });

  it('refuses a node user without a node name', async () => {
    await forbidden(nameless, attrs({ operation: 'DELETE', ri: pods, namespace: 'ns', name: 'mine' }),
      'pods "mine" is forbidden: could not determine node from user "system:node:"');
  });

  it('leaves kinds it does not restrict to authorization', async () => {
    await admitted(mynode, attrs({ operation: 'CREATE', ri: resourceFor('', 'v1', 'events')!, namespace: 'ns', name: 'e', object: obj({ metadata: { name: 'e' } }) }));
  });
});

describe('NodeRestriction: pods', () => {
  const create = (p: Pod) => attrs({ operation: 'CREATE', ri: pods, namespace: 'ns', name: p.metadata!.name!, object: obj(p) });

  it('admits a mirror pod bound to itself and owned by its Node', async () => {
    await admitted(mynode, create(mirror()));
  });

  it('refuses a pod that is not a mirror pod', async () => {
    await forbidden(mynode, create(pod('plain', 'mynode')),
      'pods "plain" is forbidden: pod does not have "kubernetes.io/config.mirror" annotation, node "mynode" can only create mirror pods');
  });

  it('refuses a mirror pod bound elsewhere', async () => {
    await forbidden(mynode, create(mirror({ spec: { nodeName: 'othernode' } })),
      'pods "static-mynode" is forbidden: node "mynode" can only create pods with spec.nodeName set to itself');
  });

  it('checks the owner reference as kube does', async () => {
    const owner = { apiVersion: 'v1', kind: 'Node', name: 'mynode', uid: nodeUid, controller: true };
    const cases: [NonNullable<Pod['metadata']>['ownerReferences'], string][] = [
      [[], 'node "mynode" can only create pods with an owner reference set to itself'],
      [[owner, owner], 'node "mynode" can only create pods with a single owner reference set to itself'],
      [[{ ...owner, name: 'othernode' }], 'node "mynode" can only create pods with an owner reference set to itself'],
      [[{ ...owner, kind: 'ReplicaSet', apiVersion: 'apps/v1' }], 'node "mynode" can only create pods with an owner reference set to itself'],
      [[{ ...owner, controller: false }], 'node "mynode" can only create pods with a controller owner reference set to itself'],
      [[{ ...owner, blockOwnerDeletion: true }], 'node "mynode" must not set blockOwnerDeletion on an owner reference'],
      [[{ ...owner, uid: 'stale' }], `node mynode UID mismatch: expected stale got ${nodeUid}`],
    ];
    for (const [owners, message] of cases) await forbidden(mynode, create(mirror({ owners })), `pods "static-mynode" is forbidden: ${message}`);
  });

  it('is NotFound when its own Node does not exist yet', async () => {
    const e = await refusal({ name: 'system:node:ghost', groups: ['system:nodes'] },
      create(mirror({ spec: { nodeName: 'ghost' }, owners: [{ apiVersion: 'v1', kind: 'Node', name: 'ghost', uid: 'u', controller: true }] })));
    assert.equal(e.code, 404);
    assert.equal(e.message, 'nodes "ghost" not found');
  });

  it('refuses a mirror pod that references other API objects', async () => {
    const cases: [Partial<NonNullable<Pod['spec']>>, string][] = [
      [{ serviceAccountName: 'default' }, 'a service account'],
      [{ imagePullSecrets: [{ name: 'pull' }] }, 'secrets'],
      [{ volumes: [{ name: 'v', secret: { secretName: 's' } }] }, 'secrets'],
      [{ containers: [{ name: 'c', image: 'i', env: [{ name: 'E', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }] }, 'secrets'],
      [{ initContainers: [{ name: 'i', image: 'i', envFrom: [{ secretRef: { name: 's' } }] }] }, 'secrets'],
      [{ volumes: [{ name: 'v', projected: { sources: [{ secret: { name: 's' } }] } }] }, 'secrets'],
      [{ containers: [{ name: 'c', image: 'i', envFrom: [{ configMapRef: { name: 'cm' } }] }] }, 'configmaps'],
      [{ volumes: [{ name: 'v', configMap: { name: 'cm' } }] }, 'configmaps'],
      [{ volumes: [{ name: 'v', projected: { sources: [{ clusterTrustBundle: { name: 'b', path: 'p' } }] } }] }, 'clustertrustbundles'],
      [{ volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'c' } }] }, 'persistentvolumeclaims'],
      [{ resourceClaims: [{ name: 'gpu' }] }, 'resourceclaims'],
      [{ volumes: [{ name: 'v', projected: { sources: [{ serviceAccountToken: { path: 't' } }] } }] }, 'serviceaccounts (via projected volumes)'],
      [{ volumes: [{ name: 'v', ephemeral: { volumeClaimTemplate: { spec: {} } } }] }, 'persistentvolumeclaims (via ephemeral volumes)'],
    ];
    for (const [spec, what] of cases) {
      await forbidden(mynode, create(mirror({ spec })), `pods "static-mynode" is forbidden: node "mynode" can not create pods that reference ${what}`);
    }
  });

  it('allows volumes that need nothing from the API', () => {
    assert.equal(apiObjectReference(mirror({ spec: { volumes: [
      { name: 'h', hostPath: { path: '/etc' } }, { name: 'e', emptyDir: {} },
      { name: 'd', projected: { sources: [{ downwardAPI: { items: [{ path: 'n', fieldRef: { fieldPath: 'metadata.name' } }] } }] } },
    ] } })), undefined);
  });

  it('deletes only pods bound to itself; a missing pod is NotFound', async () => {
    await admitted(mynode, attrs({ operation: 'DELETE', ri: pods, namespace: 'ns', name: 'mine' }));
    await forbidden(mynode, attrs({ operation: 'DELETE', ri: pods, namespace: 'ns', name: 'theirs' }),
      'pods "theirs" is forbidden: node "mynode" can only delete pods with spec.nodeName set to itself');
    assert.equal((await refusal(mynode, attrs({ operation: 'DELETE', ri: pods, namespace: 'ns', name: 'gone' }))).code, 404);
  });

  it('never updates a pod itself', async () => {
    await forbidden(mynode, attrs({ operation: 'UPDATE', ri: pods, namespace: 'ns', name: 'mine', object: obj(pod('mine', 'mynode')), oldObject: obj(pod('mine', 'mynode')) }),
      'pods "mine" is forbidden: unexpected operation "UPDATE", node "mynode" can only create and delete mirror pods');
  });

  it('updates status only of pods bound to itself, without touching labels or claim statuses', async () => {
    const status = (old: Pod, next: Pod) => attrs({ operation: 'UPDATE', ri: pods, namespace: 'ns', name: old.metadata!.name!, subresource: 'status', object: obj(next), oldObject: obj(old) });
    await admitted(mynode, status(pod('mine', 'mynode'), pod('mine', 'mynode', { status: { phase: 'Running' } })));
    await forbidden(mynode, status(pod('theirs', 'othernode'), pod('theirs', 'othernode')),
      'pods "theirs" is forbidden: node "mynode" can only update pod status for pods with spec.nodeName set to itself');
    await forbidden(mynode, status(pod('mine', 'mynode'), pod('mine', 'mynode', { metadata: { name: 'mine', labels: { a: 'b' } } })),
      'pods "mine" is forbidden: node "mynode" cannot update labels through pod status');
    await forbidden(mynode, status(pod('mine', 'mynode'), pod('mine', 'mynode', { status: { resourceClaimStatuses: [{ name: 'gpu', resourceClaimName: 'x' }] } })),
      'pods "mine" is forbidden: node "mynode" cannot update resource claim statues');
  });

  it('evicts only pods bound to itself', async () => {
    const evict = (name: string) => attrs({ operation: 'CREATE', ri: pods, namespace: 'ns', name, subresource: 'eviction', object: obj({ metadata: { name } }) });
    await admitted(mynode, evict('mine'));
    await forbidden(mynode, evict('theirs'), 'pods "theirs" is forbidden: node mynode can only evict pods with spec.nodeName set to itself');
    assert.equal((await refusal(mynode, evict('gone'))).code, 404);
  });

  it('refuses other pod subresources', async () => {
    await forbidden(mynode, attrs({ operation: 'UPDATE', ri: pods, namespace: 'ns', name: 'mine', subresource: 'binding', object: obj(pod('mine', 'mynode')) }),
      `pods "mine" is forbidden: unexpected pod subresource "binding", only 'status' and 'eviction' are allowed`);
  });
});

describe('NodeRestriction: nodes', () => {
  const node = (labels: Record<string, string>, spec: Node['spec'] = {}): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'mynode', labels }, spec });
  const create = (n: Node, name = 'mynode') => attrs({ operation: 'CREATE', ri: nodes, name, object: obj(n) });
  const update = (old: Node, next: Node) => attrs({ operation: 'UPDATE', ri: nodes, name: 'mynode', object: obj(next), oldObject: obj(old) });
  const kubeletLabels = {
    'kubernetes.io/hostname': 'mynode', 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux', 'beta.kubernetes.io/arch': 'amd64', 'topology.kubernetes.io/zone': 'a',
    'node.kubernetes.io/instance-type': 'big', 'kubelet.kubernetes.io/x': 'y', 'foo.node.kubernetes.io/z': '', tier: 'test', 'example.com/a': 'b',
  };

  it('registers itself with kubelet labels and taints', async () => {
    await admitted(mynode, create(node(kubeletLabels, { taints: [{ key: 'k', effect: 'NoSchedule' }] })));
  });

  it('touches no other Node', async () => {
    await forbidden(mynode, create({ ...node({}), metadata: { name: 'othernode' } }, 'othernode'), 'nodes "othernode" is forbidden: node "mynode" is not allowed to modify node "othernode"');
    await forbidden(mynode, attrs({ operation: 'DELETE', ri: nodes, name: 'othernode' }), 'nodes "othernode" is forbidden: node "mynode" is not allowed to modify node "othernode"');
    await admitted(mynode, attrs({ operation: 'DELETE', ri: nodes, name: 'mynode' }));
  });

  it('may not set restricted or unknown kubernetes labels', async () => {
    await forbidden(mynode, create(node({ 'node-restriction.kubernetes.io/trusted': '', 'node-role.kubernetes.io/control-plane': '', 'a.k8s.io/b': '', ok: '' })),
      'nodes "mynode" is forbidden: node "mynode" is not allowed to set the following labels: a.k8s.io/b, node-restriction.kubernetes.io/trusted, node-role.kubernetes.io/control-plane');
  });

  it('may not create itself with a configSource', async () => {
    await forbidden(mynode, create(node({}, { configSource: { configMap: { name: 'c', namespace: 'n', kubeletConfigKey: 'k' } } })),
      'nodes "mynode" is forbidden: node "mynode" is not allowed to create pods with a non-nil configSource');
  });

  it('on update: keeps others\' labels, changes no taints and no configSource', async () => {
    const before = node({ ...kubeletLabels, 'node-role.kubernetes.io/worker': '' }, { taints: [{ key: 'k', effect: 'NoSchedule' }] });
    await admitted(mynode, update(before, node({ ...kubeletLabels, 'node-role.kubernetes.io/worker': '', 'kubernetes.io/os': 'windows' }, before.spec)));
    await forbidden(mynode, update(before, node(kubeletLabels, before.spec)),
      'nodes "mynode" is forbidden: is not allowed to modify labels: node-role.kubernetes.io/worker');
    await forbidden(mynode, update(before, node(before.metadata!.labels!, {})), 'nodes "mynode" is forbidden: node "mynode" is not allowed to modify taints');
    await forbidden(mynode, update(before, node(before.metadata!.labels!, { ...before.spec, configSource: { configMap: { name: 'c', namespace: 'n', kubeletConfigKey: 'k' } } })),
      'nodes "mynode" is forbidden: node "mynode" is not allowed to update configSource to a new non-nil configSource');
  });

  it('treats no taints and an empty list alike', async () => {
    await admitted(mynode, update(node({}, {}), node({}, { taints: [] })));
  });

  it('judges labels by their namespace', () => {
    assert.deepEqual(forbiddenNodeLabels(['kubernetes.io/hostname', 'kubernetes.io/role', 'sub.kubelet.kubernetes.io/x', 'x.node-restriction.kubernetes.io/y', 'plain', 'k8s.io/a']),
      ['k8s.io/a', 'kubernetes.io/role', 'x.node-restriction.kubernetes.io/y']);
  });
});

describe('NodeRestriction: leases, tokens, claims', () => {
  it('writes only its own Lease in kube-node-lease', async () => {
    const lease = (name: string) => obj({ metadata: { name } });
    await admitted(mynode, attrs({ operation: 'CREATE', ri: leases, namespace: 'kube-node-lease', name: 'mynode', object: lease('mynode') }));
    await admitted(mynode, attrs({ operation: 'UPDATE', ri: leases, namespace: 'kube-node-lease', name: 'mynode', object: lease('mynode'), oldObject: lease('mynode') }));
    await forbidden(mynode, attrs({ operation: 'CREATE', ri: leases, namespace: 'kube-node-lease', name: 'othernode', object: lease('othernode') }),
      'leases.coordination.k8s.io "othernode" is forbidden: can only access node lease with the same name as the requesting node');
    await forbidden(mynode, attrs({ operation: 'DELETE', ri: leases, namespace: 'kube-node-lease', name: 'othernode' }),
      'leases.coordination.k8s.io "othernode" is forbidden: can only access node lease with the same name as the requesting node');
    await forbidden(mynode, attrs({ operation: 'CREATE', ri: leases, namespace: 'default', name: 'mynode', object: lease('mynode') }),
      'leases.coordination.k8s.io "mynode" is forbidden: can only access leases in the "kube-node-lease" system namespace');
  });

  it('requests tokens only bound to a pod of its own, by uid', async () => {
    const token = (ref: Record<string, string> | undefined) => attrs({ operation: 'CREATE', ri: serviceaccounts, namespace: 'ns', name: 'sa', subresource: 'token', object: obj({ spec: { audiences: [], boundObjectRef: ref } }) });
    const ref = (name: string, uid = `${name}-uid`) => ({ apiVersion: 'v1', kind: 'Pod', name, uid });
    await admitted(mynode, token(ref('mine')));
    await forbidden(mynode, token(undefined), 'serviceaccounts "sa" is forbidden: node requested token not bound to a pod');
    await forbidden(mynode, token({ apiVersion: 'v1', kind: 'Secret', name: 's', uid: 'u' }), 'serviceaccounts "sa" is forbidden: node requested token not bound to a pod');
    await forbidden(mynode, token({ apiVersion: 'v1', kind: 'Pod', name: 'mine' }), 'serviceaccounts "sa" is forbidden: node requested token with a pod binding without a uid');
    await forbidden(mynode, token(ref('mine', 'old')),
      'serviceaccounts "sa" is forbidden: the UID in the bound object reference (old) does not match the UID in record. The object might have been deleted and then recreated');
    await forbidden(mynode, token(ref('theirs')), 'serviceaccounts "sa" is forbidden: node requested token bound to a pod scheduled on a different node');
    assert.equal((await refusal(mynode, token(ref('gone')))).code, 404);
  });

  it('updates only the resize fields of a claim\'s status', async () => {
    const claim = (status: Record<string, unknown>, labels?: Record<string, string>) =>
      obj({ metadata: { name: 'c', namespace: 'ns', resourceVersion: '5', labels }, spec: { resources: { requests: { storage: '2Gi' } } }, status });
    const update = (old: KubeObject, next: KubeObject, subresource = 'status') =>
      attrs({ operation: 'UPDATE', ri: pvcs, namespace: 'ns', name: 'c', subresource, object: next, oldObject: old });
    const old = claim({ phase: 'Bound', capacity: { storage: '1Gi' } });
    await admitted(mynode, update(old, claim({ phase: 'Bound', capacity: { storage: '2Gi' }, conditions: [{ type: 'FileSystemResizePending', status: 'True' }], allocatedResources: { storage: '2Gi' } })));
    await forbidden(mynode, update(old, claim({ phase: 'Lost', capacity: { storage: '1Gi' } })),
      'persistentvolumeclaims "c" is forbidden: node "mynode" is not allowed to update fields other than status.capacity and status.conditions: status.phase');
    await forbidden(mynode, update(old, claim({ phase: 'Bound' }), ''), 'persistentvolumeclaims "c" is forbidden: may only update PVC status');
  });
});
