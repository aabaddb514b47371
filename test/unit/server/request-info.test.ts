import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseResourcePath } from '../../../apiserver/server/request-info.ts';

describe('parseResourcePath', () => {
  const cases: [string, string, boolean, Record<string, string> | undefined][] = [
    ['GET', '/api/v1/namespaces/default/pods', false, { group: '', version: 'v1', namespace: 'default', resource: 'pods', name: '', subresource: '', verb: 'list' }],
    ['GET', '/api/v1/namespaces/default/pods', true, { namespace: 'default', resource: 'pods', verb: 'watch' }],
    ['GET', '/api/v1/namespaces/default/pods/web', false, { name: 'web', verb: 'get' }],
    ['GET', '/api/v1/namespaces/default/pods/web/log', false, { name: 'web', subresource: 'log', verb: 'get' }],
    ['POST', '/api/v1/namespaces/default/pods/web/binding', false, { subresource: 'binding', verb: 'create' }],
    ['GET', '/api/v1/pods', false, { namespace: '', resource: 'pods', verb: 'list' }],
    ['GET', '/api/v1/namespaces', false, { namespace: '', resource: 'namespaces', name: '', verb: 'list' }],
    ['GET', '/api/v1/namespaces/kube-system', false, { namespace: 'kube-system', resource: 'namespaces', name: 'kube-system', verb: 'get' }],
    ['PUT', '/api/v1/namespaces/doomed/finalize', false, { resource: 'namespaces', name: 'doomed', subresource: 'finalize', verb: 'update' }],
    ['PUT', '/api/v1/namespaces/doomed/status', false, { resource: 'namespaces', name: 'doomed', subresource: 'status', verb: 'update' }],
    ['GET', '/apis/apps/v1/namespaces/default/deployments/web/scale', false, { group: 'apps', version: 'v1', resource: 'deployments', subresource: 'scale', verb: 'get' }],
    ['PATCH', '/apis/apps/v1/namespaces/default/deployments/web', false, { verb: 'patch' }],
    ['DELETE', '/apis/apps/v1/namespaces/default/deployments', false, { verb: 'deletecollection' }],
    ['DELETE', '/apis/apps/v1/namespaces/default/deployments/web', false, { verb: 'delete' }],
    ['GET', '/api/v1/nodes/n1', false, { resource: 'nodes', name: 'n1', namespace: '', verb: 'get' }],
    ['GET', '/api/v1/watch/namespaces/default/pods', false, { resource: 'pods', verb: 'watch' }],
    ['GET', '/api/v1/namespaces/default/pods/web', true, { name: 'web', verb: 'get' }],
    ['GET', '/api/v1/watch/namespaces/default/pods/web', false, { name: 'web', verb: 'watch' }],
    ['GET', '/api', false, undefined],
    ['GET', '/apis/apps', false, undefined],
    ['GET', '/healthz', false, undefined],
    ['GET', '/api/v1/namespaces/default/pods/a/proxy/some/path', false, { name: 'a', subresource: 'proxy', verb: 'get' }],
    ['GET', '/api/v1/proxy/namespaces/default/pods/a/x', false, { name: 'a', subresource: '', verb: 'proxy' }],
    ['GET', '/api/v1/namespaces/default/pods/%E0%A4%A', false, undefined],
  ];
  for (const [method, path, watch, want] of cases) {
    it(`${method} ${path}${watch ? '?watch' : ''}`, () => {
      const got = parseResourcePath(method, path, watch);
      if (want === undefined) return assert.equal(got, undefined);
      assert.ok(got);
      for (const [k, v] of Object.entries(want)) assert.equal((got as unknown as Record<string, string>)[k], v, k);
    });
  }
});
