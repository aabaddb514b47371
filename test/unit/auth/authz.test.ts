import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  alwaysAllowAuthenticated, forbidden, requestAttributesFrom, type RequestAttributes,
} from '../../../apiserver/server/authz.ts';
import { anonymousUser, type UserInfo } from '../../../apiserver/server/user.ts';

const alice: UserInfo = { name: 'alice', groups: ['devs', 'system:authenticated'] };

type Want = Partial<Omit<RequestAttributes, 'user'>>;

describe('requestAttributesFrom', () => {
  const cases: [string, string, Want][] = [
    // Collections and objects.
    ['GET', '/api/v1/namespaces/default/pods', { verb: 'list', apiGroup: '', apiVersion: 'v1', resource: 'pods', namespace: 'default', name: '', subresource: '', resourceRequest: true }],
    ['GET', '/api/v1/namespaces/default/pods/web', { verb: 'get', resource: 'pods', name: 'web', namespace: 'default' }],
    ['HEAD', '/api/v1/namespaces/default/pods/web', { verb: 'get' }],
    ['GET', '/api/v1/pods', { verb: 'list', resource: 'pods', namespace: '' }],
    ['GET', '/apis/apps/v1/namespaces/prod/deployments', { verb: 'list', apiGroup: 'apps', apiVersion: 'v1', resource: 'deployments', namespace: 'prod' }],
    ['GET', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1', { verb: 'get', apiGroup: 'coordination.k8s.io', resource: 'leases', name: 'n1' }],
    ['POST', '/api/v1/namespaces/default/configmaps', { verb: 'create', resource: 'configmaps', name: '' }],
    ['PUT', '/api/v1/namespaces/default/configmaps/cm', { verb: 'update', name: 'cm' }],
    ['PATCH', '/apis/apps/v1/namespaces/default/deployments/web', { verb: 'patch', apiGroup: 'apps', name: 'web' }],
    ['DELETE', '/apis/apps/v1/namespaces/default/deployments/web', { verb: 'delete', name: 'web' }],
    ['DELETE', '/apis/apps/v1/namespaces/default/deployments', { verb: 'deletecollection', name: '' }],
    ['DELETE', '/api/v1/namespaces/default/pods?labelSelector=app%3Dweb', { verb: 'deletecollection', path: '/api/v1/namespaces/default/pods' }],
    // Watches.
    ['GET', '/api/v1/namespaces/default/pods?watch=true', { verb: 'watch', resource: 'pods', path: '/api/v1/namespaces/default/pods' }],
    ['GET', '/api/v1/namespaces/default/pods?watch=1', { verb: 'watch' }],
    ['GET', '/api/v1/namespaces/default/pods?watch', { verb: 'watch' }],
    ['GET', '/api/v1/namespaces/default/pods?watch=TRUE&resourceVersion=10', { verb: 'watch' }],
    ['GET', '/api/v1/namespaces/default/pods?watch=false', { verb: 'list' }],
    ['GET', '/api/v1/namespaces/default/pods?watch=0', { verb: 'list' }],
    ['GET', '/api/v1/namespaces/default/pods?watch=False', { verb: 'list' }],
    ['GET', '/api/v1/watch/namespaces/default/pods', { verb: 'watch', resource: 'pods', namespace: 'default' }],
    ['GET', '/api/v1/watch/namespaces/default/pods/web', { verb: 'watch', name: 'web' }],
    ['GET', '/api/v1/namespaces/default/pods/web?watch=true', { verb: 'get', name: 'web' }],
    // A name pinned by a field selector, as kubectl get pod x --watch sends it.
    ['GET', '/api/v1/namespaces/default/pods?fieldSelector=metadata.name%3Dweb&watch=true', { verb: 'watch', name: 'web' }],
    ['GET', '/api/v1/namespaces/default/pods?fieldSelector=metadata.name%3D%3Dweb', { verb: 'list', name: 'web' }],
    ['GET', '/api/v1/namespaces/default/pods?fieldSelector=status.phase%3DRunning,metadata.name%3Dweb', { verb: 'list', name: 'web' }],
    ['GET', '/api/v1/namespaces/default/pods?fieldSelector=metadata.name!%3Dweb', { verb: 'list', name: '' }],
    ['GET', '/api/v1/namespaces/default/pods?fieldSelector=metadata.name%3Da%2Fb', { verb: 'list', name: '' }],
    ['GET', '/api/v1/namespaces/default/pods?fieldSelector=metadata.name%3Da%3Db', { verb: 'list', name: '' }],
    ['GET', '/api/v1/namespaces/default/pods?fieldSelector=nonsense', { verb: 'list', name: '' }],
    // Subresources.
    ['GET', '/api/v1/namespaces/default/pods/web/log?follow=true', { verb: 'get', resource: 'pods', name: 'web', subresource: 'log' }],
    ['PUT', '/api/v1/namespaces/default/pods/web/status', { verb: 'update', subresource: 'status' }],
    ['PATCH', '/apis/apps/v1/namespaces/default/deployments/web/scale', { verb: 'patch', subresource: 'scale' }],
    ['POST', '/api/v1/namespaces/default/pods/web/binding', { verb: 'create', subresource: 'binding' }],
    ['POST', '/api/v1/namespaces/default/pods/web/eviction', { verb: 'create', subresource: 'eviction' }],
    ['GET', '/api/v1/namespaces/default/pods/web/exec?command=sh', { verb: 'get', subresource: 'exec' }],
    ['GET', '/api/v1/namespaces/default/pods/web/proxy/some/path', { verb: 'get', subresource: 'proxy', name: 'web' }],
    ['GET', '/api/v1/proxy/namespaces/default/pods/web/extra', { verb: 'proxy', resource: 'pods', name: 'web', subresource: '' }],
    // Namespaces: the object and its own subresources versus resources inside it.
    ['GET', '/api/v1/namespaces', { verb: 'list', resource: 'namespaces', namespace: '' }],
    ['GET', '/api/v1/namespaces/kube-system', { verb: 'get', resource: 'namespaces', name: 'kube-system', namespace: 'kube-system' }],
    ['PUT', '/api/v1/namespaces/doomed/finalize', { verb: 'update', resource: 'namespaces', name: 'doomed', subresource: 'finalize' }],
    ['PUT', '/api/v1/namespaces/doomed/status', { verb: 'update', resource: 'namespaces', subresource: 'status' }],
    ['DELETE', '/api/v1/namespaces/doomed', { verb: 'delete', resource: 'namespaces', name: 'doomed' }],
    // Cluster-scoped.
    ['PATCH', '/api/v1/nodes/n1/status', { verb: 'patch', resource: 'nodes', name: 'n1', subresource: 'status', namespace: '' }],
    // Names are percent-decoded.
    ['GET', '/api/v1/namespaces/default/configmaps/a%3Ab', { name: 'a:b' }],
    // Non-resource requests keep the lower-case HTTP method.
    ['GET', '/healthz', { verb: 'get', resourceRequest: false, path: '/healthz', resource: '' }],
    ['GET', '/version?timeout=32s', { verb: 'get', resourceRequest: false, path: '/version' }],
    ['GET', '/api', { verb: 'get', resourceRequest: false }],
    ['GET', '/api/v1', { verb: 'get', resourceRequest: false, apiVersion: '' }],
    ['GET', '/apis/apps/v1', { verb: 'get', resourceRequest: false, apiGroup: '' }],
    ['GET', '/openapi/v2', { verb: 'get', resourceRequest: false }],
    ['POST', '/healthz', { verb: 'post', resourceRequest: false }],
    ['HEAD', '/readyz', { verb: 'head', resourceRequest: false }],
    ['GET', '/api/v1/watch', { resourceRequest: false }],
  ];
  for (const [method, url, want] of cases) {
    it(`${method} ${url}`, () => {
      const got = requestAttributesFrom(method, url, alice);
      assert.equal(got.user, alice);
      for (const [k, v] of Object.entries(want)) assert.equal(got[k as keyof Want], v, k);
    });
  }
});

describe('alwaysAllowAuthenticated', () => {
  it('allows any authenticated user anything', () => {
    for (const [method, url] of [['DELETE', '/api/v1/namespaces/kube-system'], ['GET', '/metrics'], ['POST', '/api/v1/namespaces/x/secrets']]) {
      assert.deepEqual(alwaysAllowAuthenticated.authorize(requestAttributesFrom(method, url, alice)), { allowed: true, reason: '' });
    }
  });

  it('allows anonymous GETs of exactly the public health and version paths, as system:public-info-viewer does', () => {
    for (const p of ['/healthz', '/livez', '/readyz', '/version', '/version/']) {
      assert.equal(alwaysAllowAuthenticated.authorize(requestAttributesFrom('GET', p, anonymousUser)).allowed, true, p);
    }
    for (const [method, url] of [['GET', '/healthz/ping'], ['POST', '/healthz'], ['GET', '/api'], ['GET', '/api/v1/namespaces/default/pods'], ['GET', '/metrics']]) {
      const decision = alwaysAllowAuthenticated.authorize(requestAttributesFrom(method, url, anonymousUser));
      assert.equal(decision.allowed, false, `${method} ${url}`);
      assert.notEqual(decision.reason, '');
    }
  });
});

describe('forbidden', () => {
  it('words resource requests as kube-apiserver does', () => {
    const bob: UserInfo = { name: 'bob', groups: [] };
    const named = forbidden(requestAttributesFrom('GET', '/api/v1/namespaces/default/pods/web', bob), '');
    assert.equal(named.code, 403);
    assert.equal(named.reason, 'Forbidden');
    assert.equal(named.message, 'pods "web" is forbidden: User "bob" cannot get resource "pods" in API group "" in the namespace "default"');
    assert.deepEqual(named.status.details, { name: 'web', group: undefined, kind: 'pods' });

    const collection = forbidden(requestAttributesFrom('GET', '/apis/apps/v1/deployments?watch=1', bob), 'no RBAC policy matched');
    assert.equal(collection.message,
      'deployments.apps is forbidden: User "bob" cannot watch resource "deployments" in API group "apps" at the cluster scope: no RBAC policy matched');

    const sub = forbidden(requestAttributesFrom('PUT', '/api/v1/namespaces/ns/pods/p/status', bob), '');
    assert.equal(sub.message, 'pods "p" is forbidden: User "bob" cannot update resource "pods/status" in API group "" in the namespace "ns"');
  });

  it('words non-resource requests as kube-apiserver does, escaping HTML', () => {
    const err = forbidden(requestAttributesFrom('GET', '/metrics', anonymousUser), '<b>no</b>');
    assert.equal(err.message, 'forbidden: User "system:anonymous" cannot get path "/metrics": &lt;b&gt;no&lt;/b&gt;');
    assert.equal(err.status.details, undefined);
  });
});
