// Impersonation headers: who may act as whom, and who the request then is.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiError } from '../../../apiserver/api/errors.ts';
import type { Authorizer, RequestAttributes } from '../../../apiserver/server/authz.ts';
import { impersonatedUser, wantsImpersonation } from '../../../apiserver/server/impersonation.ts';
import type { UserInfo } from '../../../apiserver/server/user.ts';

const admin: UserInfo = { name: 'admin', groups: ['system:masters', 'system:authenticated'] };
const asked: RequestAttributes[] = [];
/** Allows everything but impersonating the group `root`, and records what it was asked. */
const authorizer: Authorizer = {
  authorize: (attrs) => {
    asked.push(attrs);
    return { allowed: !(attrs.resource === 'groups' && attrs.name === 'root'), reason: '' };
  },
};

describe('impersonatedUser', () => {
  it('acts as a user, adding system:authenticated', () => {
    assert.equal(wantsImpersonation({ 'impersonate-user': 'jane' }), true);
    assert.equal(wantsImpersonation({ accept: '*/*' }), false);
    asked.length = 0;
    assert.deepEqual(impersonatedUser({ 'impersonate-user': ['jane'], 'impersonate-group': ['devs', 'ops'] }, admin, authorizer),
      { name: 'jane', groups: ['devs', 'ops', 'system:authenticated'] });
    assert.deepEqual(asked.map((a) => `${a.verb} ${a.resource} ${a.name}`), ['impersonate users jane', 'impersonate groups devs', 'impersonate groups ops']);
    assert.equal(asked[0].user, admin);
  });

  it('knows a ServiceAccount\'s groups, checked against serviceaccounts in its namespace', () => {
    asked.length = 0;
    assert.deepEqual(impersonatedUser({ 'impersonate-user': ['system:serviceaccount:dev:builder'] }, admin, authorizer), {
      name: 'system:serviceaccount:dev:builder',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:dev', 'system:authenticated'],
    });
    assert.deepEqual([asked[0].resource, asked[0].namespace, asked[0].name], ['serviceaccounts', 'dev', 'builder']);
  });

  it('carries extras and uid, each authorized in authentication.k8s.io', () => {
    asked.length = 0;
    const user = impersonatedUser({ 'impersonate-user': ['jane'], 'impersonate-uid': ['u-1'], 'impersonate-extra-scopes': ['view', 'edit'] }, admin, authorizer);
    assert.deepEqual(user, { name: 'jane', groups: ['system:authenticated'], uid: 'u-1', extra: { scopes: ['view', 'edit'] } });
    assert.deepEqual(asked.slice(1).map((a) => `${a.apiGroup} ${a.resource}/${a.subresource} ${a.name}`),
      ['authentication.k8s.io userextras/scopes view', 'authentication.k8s.io userextras/scopes edit', 'authentication.k8s.io uids/ u-1']);
  });

  it('refuses what the requestor may not impersonate, in kube\'s words, and groups without a user', () => {
    assert.throws(() => impersonatedUser({ 'impersonate-user': ['jane'], 'impersonate-group': ['root'] }, admin, authorizer),
      (e: ApiError) => e.code === 403 && e.message === 'groups "root" is forbidden: User "admin" cannot impersonate resource "groups" in API group "" at the cluster scope');
    assert.throws(() => impersonatedUser({ 'impersonate-group': ['devs'] }, admin, authorizer), (e: ApiError) => e.code === 500);
  });

  it('keeps the anonymous user unauthenticated', () => {
    assert.deepEqual(impersonatedUser({ 'impersonate-user': ['system:anonymous'] }, admin, authorizer),
      { name: 'system:anonymous', groups: ['system:unauthenticated'] });
  });
});
