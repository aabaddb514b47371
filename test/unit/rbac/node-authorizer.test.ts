// The Node authorizer: kubelets get the node rules, but Secrets, ConfigMaps, volumes and tokens only through
// pods bound to their own node, and only their own Lease.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod, StoredObject } from '../../../apiserver/api/types.ts';
import { NodeAuthorizer, nodeIdentity } from '../../../apiserver/rbac/node-authorizer.ts';
import { NodeGraph } from '../../../apiserver/rbac/node-graph.ts';
import { podReferences } from '../../../apiserver/rbac/pod-references.ts';
import { requestAttributesFrom } from '../../../apiserver/server/authz.ts';
import type { UserInfo } from '../../../apiserver/server/user.ts';

const stored = (obj: object): StoredObject => obj as unknown as StoredObject;
const node = (name: string): UserInfo => ({ name: `system:node:${name}`, groups: ['system:nodes', 'system:authenticated'] });

const web: Pod = {
  metadata: { name: 'web', namespace: 'shop' },
  spec: {
    nodeName: 'n1', serviceAccountName: 'shop-sa', imagePullSecrets: [{ name: 'regcred' }],
    containers: [{ name: 'c', image: 'x', env: [{ name: 'K', valueFrom: { secretKeyRef: { name: 'api-key', key: 'k' } } }], envFrom: [{ configMapRef: { name: 'settings' } }] }],
    volumes: [
      { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
      { name: 'kube-api-access', projected: { sources: [{ configMap: { name: 'kube-root-ca.crt' } }, { serviceAccountToken: { path: 'token' } }] } },
      { name: 'tls', secret: { secretName: 'tls' } },
    ],
  },
};

function graph(): NodeGraph {
  const g = new NodeGraph();
  g.podFeed.replace([stored(web), stored({ metadata: { name: 'pending', namespace: 'shop' }, spec: { containers: [], volumes: [{ name: 's', secret: { secretName: 'unscheduled' } }] } })]);
  g.claimFeed.replace([stored({ metadata: { name: 'data', namespace: 'shop' }, spec: { volumeName: 'pv-7' } })]);
  return g;
}

describe('podReferences', () => {
  it('finds every Secret, ConfigMap, claim and the ServiceAccount a pod uses', () => {
    assert.deepEqual(podReferences(web).sort(), [
      'configmap/shop/kube-root-ca.crt', 'configmap/shop/settings', 'pvc/shop/data',
      'secret/shop/api-key', 'secret/shop/regcred', 'secret/shop/tls', 'serviceaccount/shop/shop-sa',
    ]);
  });
});

describe('NodeAuthorizer', () => {
  const authz = new NodeAuthorizer(graph());
  const ask = (who: UserInfo, method: string, url: string) => authz.authorize(requestAttributesFrom(method, url, who));

  it('has no opinion about anyone but nodes', () => {
    assert.equal(nodeIdentity({ name: 'system:node:n1', groups: [] }), undefined);
    assert.deepEqual(ask({ name: 'jane', groups: [] }, 'GET', '/api/v1/namespaces/shop/secrets/tls'), { allowed: false, reason: '' });
  });

  it('lets a node read what its pods use, and nothing else', () => {
    assert.equal(ask(node('n1'), 'GET', '/api/v1/namespaces/shop/secrets/tls').allowed, true);
    assert.equal(ask(node('n1'), 'GET', '/api/v1/namespaces/shop/configmaps/kube-root-ca.crt').allowed, true);
    assert.equal(ask(node('n1'), 'GET', '/api/v1/namespaces/shop/configmaps?fieldSelector=metadata.name%3Dsettings&watch=true').allowed, true);
    assert.equal(ask(node('n1'), 'GET', '/api/v1/namespaces/shop/persistentvolumeclaims/data').allowed, true);
    assert.equal(ask(node('n1'), 'GET', '/api/v1/persistentvolumes/pv-7').allowed, true);
    assert.equal(ask(node('n1'), 'POST', '/api/v1/namespaces/shop/serviceaccounts/shop-sa/token').allowed, true);
    assert.deepEqual(ask(node('n2'), 'GET', '/api/v1/namespaces/shop/secrets/tls'),
      { allowed: false, reason: "no relationship found between node 'n2' and this object" });
    assert.equal(ask(node('n1'), 'GET', '/api/v1/namespaces/shop/secrets/unscheduled').allowed, false);
    assert.deepEqual(ask(node('n1'), 'GET', '/api/v1/namespaces/shop/secrets'), { allowed: false, reason: 'No Object name found' });
    assert.deepEqual(ask(node('n1'), 'DELETE', '/api/v1/namespaces/shop/secrets/tls'), { allowed: false, reason: 'can only read resources of this type' });
    assert.equal(ask(node('n1'), 'GET', '/api/v1/persistentvolumes/pv-8').allowed, false);
  });

  it('lets a node touch only its own Lease in kube-node-lease', () => {
    assert.equal(ask(node('n1'), 'PUT', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1').allowed, true);
    assert.equal(ask(node('n1'), 'POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases').allowed, true);
    assert.equal(ask(node('n1'), 'PUT', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n2').allowed, false);
    assert.equal(ask(node('n1'), 'GET', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler').allowed, false);
  });

  it('decides the rest by the kubelet rules', () => {
    assert.equal(ask(node('n1'), 'GET', '/api/v1/pods?watch=1').allowed, true);
    assert.equal(ask(node('n1'), 'PATCH', '/api/v1/namespaces/shop/pods/web/status').allowed, true);
    assert.equal(ask(node('n1'), 'PUT', '/api/v1/nodes/n1/status').allowed, true);
    assert.equal(ask(node('n1'), 'POST', '/api/v1/namespaces/shop/events').allowed, true);
    assert.equal(ask(node('n1'), 'POST', '/apis/apps/v1/namespaces/shop/deployments').allowed, false);
    assert.equal(ask(node('n1'), 'GET', '/api/v1/namespaces/shop/endpoints?watch=1').allowed, false);
  });

  it('forgets a pod\'s objects once it is gone', () => {
    const g = graph();
    const a = new NodeAuthorizer(g);
    g.podFeed.apply({ type: 'DELETED', key: '', rv: 2, object: stored(web) });
    assert.equal(a.authorize(requestAttributesFrom('GET', '/api/v1/namespaces/shop/secrets/tls', node('n1'))).allowed, false);
  });
});
