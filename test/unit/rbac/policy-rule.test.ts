// RBAC rule matching, case by case as kube's RuleAllows decides.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PolicyRule } from '../../../apiserver/api/types.ts';
import { ruleAllows, type RuleRequest } from '../../../apiserver/rbac/policy-rule.ts';

const request = (r: Partial<RuleRequest>): RuleRequest => ({
  verb: 'get', resourceRequest: true, apiGroup: '', resource: 'pods', subresource: '', name: '', path: '', ...r,
});
const nonResource = (verb: string, path: string): RuleRequest => request({ verb, resourceRequest: false, resource: '', path });

describe('ruleAllows', () => {
  const podReader: PolicyRule = { apiGroups: [''], resources: ['pods'], verbs: ['get', 'watch', 'list'] };

  it('matches verb, group and resource', () => {
    assert.equal(ruleAllows(request({}), podReader), true);
    assert.equal(ruleAllows(request({ verb: 'list' }), podReader), true);
    assert.equal(ruleAllows(request({ verb: 'delete' }), podReader), false);
    assert.equal(ruleAllows(request({ apiGroup: 'apps' }), podReader), false);
    assert.equal(ruleAllows(request({ resource: 'secrets' }), podReader), false);
  });

  it('treats a subresource as its own resource, pods/log', () => {
    assert.equal(ruleAllows(request({ subresource: 'log' }), podReader), false);
    assert.equal(ruleAllows(request({ subresource: 'log' }), { ...podReader, resources: ['pods/log'] }), true);
    assert.equal(ruleAllows(request({}), { ...podReader, resources: ['pods/log'] }), false);
  });

  it('knows * for verbs, groups and resources, and */sub for any resource\'s subresource', () => {
    const all: PolicyRule = { apiGroups: ['*'], resources: ['*'], verbs: ['*'] };
    assert.equal(ruleAllows(request({ verb: 'deletecollection', apiGroup: 'apps', resource: 'deployments', subresource: 'scale' }), all), true);
    const anyScale: PolicyRule = { apiGroups: ['*'], resources: ['*/scale'], verbs: ['get', 'update'] };
    assert.equal(ruleAllows(request({ apiGroup: 'apps', resource: 'deployments', subresource: 'scale', name: 'web' }), anyScale), true);
    assert.equal(ruleAllows(request({ apiGroup: 'apps', resource: 'deployments', name: 'web' }), anyScale), false);
    assert.equal(ruleAllows(request({ apiGroup: 'apps', resource: 'deployments', subresource: 'status' }), anyScale), false);
  });

  it('limits a rule with resourceNames to those names, and never to unnamed requests', () => {
    const one: PolicyRule = { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'update'], resourceNames: ['kube-scheduler'] };
    assert.equal(ruleAllows(request({ apiGroup: 'coordination.k8s.io', resource: 'leases', name: 'kube-scheduler' }), one), true);
    assert.equal(ruleAllows(request({ apiGroup: 'coordination.k8s.io', resource: 'leases', name: 'other' }), one), false);
    assert.equal(ruleAllows(request({ verb: 'list', apiGroup: 'coordination.k8s.io', resource: 'leases' }), { ...one, verbs: ['list'] }), false);
  });

  it('matches non-resource URLs exactly, or by prefix with a trailing *', () => {
    const discovery: PolicyRule = { nonResourceURLs: ['/healthz', '/apis/*', '/version'], verbs: ['get'] };
    assert.equal(ruleAllows(nonResource('get', '/healthz'), discovery), true);
    assert.equal(ruleAllows(nonResource('get', '/healthz/ping'), discovery), false);
    assert.equal(ruleAllows(nonResource('get', '/apis/apps/v1'), discovery), true);
    assert.equal(ruleAllows(nonResource('get', '/apis'), discovery), false);
    assert.equal(ruleAllows(nonResource('post', '/healthz'), discovery), false);
    assert.equal(ruleAllows(nonResource('get', '/anything'), { nonResourceURLs: ['*'], verbs: ['*'] }), true);
    // A resource rule never matches a non-resource request, and the other way round.
    assert.equal(ruleAllows(nonResource('get', '/healthz'), podReader), false);
    assert.equal(ruleAllows(request({}), discovery), false);
  });
});
