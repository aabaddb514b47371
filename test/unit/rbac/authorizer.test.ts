// The RBAC authorizer over the in-memory policy index, and the --authorization-mode union around it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding, StoredObject, Subject } from '../../../apiserver/api/types.ts';
import { RBACAuthorizer } from '../../../apiserver/rbac/authorizer.ts';
import { PolicyIndex } from '../../../apiserver/rbac/policy-index.ts';
import { parseAuthorizationModes, unionAuthorizer } from '../../../apiserver/server/authorization-modes.ts';
import { requestAttributesFrom } from '../../../apiserver/server/authz.ts';
import type { UserInfo } from '../../../apiserver/server/user.ts';
import type { StoreEvent } from '../../../apiserver/storage/store.ts';

const rbac = 'rbac.authorization.k8s.io';
const stored = (obj: object): StoredObject => obj as unknown as StoredObject;
const clusterRole = (name: string, rules: ClusterRole['rules']): StoredObject => stored({ kind: 'ClusterRole', metadata: { name }, rules });
const role = (namespace: string, name: string, rules: Role['rules']): StoredObject => stored({ kind: 'Role', metadata: { name, namespace }, rules });
const clusterBinding = (name: string, roleName: string, subjects: Subject[]): StoredObject =>
  stored({ kind: 'ClusterRoleBinding', metadata: { name }, roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: roleName }, subjects } satisfies ClusterRoleBinding);
const binding = (namespace: string, name: string, kind: 'Role' | 'ClusterRole', roleName: string, subjects: Subject[]): StoredObject =>
  stored({ kind: 'RoleBinding', metadata: { name, namespace }, roleRef: { apiGroup: rbac, kind, name: roleName }, subjects } satisfies RoleBinding);
const user = (name: string): Subject => ({ kind: 'User', apiGroup: rbac, name });
const group = (name: string): Subject => ({ kind: 'Group', apiGroup: rbac, name });

function policy(...objects: StoredObject[]): PolicyIndex {
  const index = new PolicyIndex();
  index.replace(objects);
  return index;
}

const jane: UserInfo = { name: 'jane', groups: ['system:authenticated'] };
const can = (authz: RBACAuthorizer, u: UserInfo, method: string, url: string) => authz.authorize(requestAttributesFrom(method, url, u));

describe('RBACAuthorizer', () => {
  const view = clusterRole('view', [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch'] }]);

  it('refuses a user with no bindings, with no reason (kube\'s message then ends at the namespace)', () => {
    const decision = can(new RBACAuthorizer(policy(view)), jane, 'GET', '/api/v1/namespaces/default/pods');
    assert.deepEqual(decision, { allowed: false, reason: '' });
  });

  it('lets a RoleBinding to a ClusterRole grant it in that namespace only', () => {
    const authz = new RBACAuthorizer(policy(view, binding('dev', 'jane-view', 'ClusterRole', 'view', [user('jane')])));
    const ok = can(authz, jane, 'GET', '/api/v1/namespaces/dev/pods');
    assert.deepEqual(ok, { allowed: true, reason: 'RBAC: allowed by RoleBinding "jane-view/dev" of ClusterRole "view" to User "jane"' });
    assert.equal(can(authz, jane, 'GET', '/api/v1/namespaces/dev/pods/web/log').allowed, true);
    assert.equal(can(authz, jane, 'GET', '/api/v1/namespaces/prod/pods').allowed, false);
    assert.equal(can(authz, jane, 'GET', '/api/v1/pods').allowed, false);
    assert.equal(can(authz, jane, 'DELETE', '/api/v1/namespaces/dev/pods/web').allowed, false);
    assert.equal(can(authz, jane, 'GET', '/api/v1/namespaces/dev/secrets').allowed, false);
  });

  it('lets ClusterRoleBindings grant everywhere, through a group', () => {
    const authz = new RBACAuthorizer(policy(view, clusterBinding('authenticated-view', 'view', [group('system:authenticated')])));
    assert.deepEqual(can(authz, jane, 'GET', '/api/v1/pods'),
      { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "authenticated-view" of ClusterRole "view" to Group "system:authenticated"' });
    assert.equal(can(authz, jane, 'GET', '/api/v1/namespaces/any/pods').allowed, true);
  });

  it('binds Roles in their own namespace', () => {
    const authz = new RBACAuthorizer(policy(
      role('dev', 'cm-editor', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['*'] }]),
      role('prod', 'cm-editor', []),
      binding('dev', 'b', 'Role', 'cm-editor', [user('jane')]),
      binding('prod', 'b', 'Role', 'cm-editor', [user('jane')]),
    ));
    assert.equal(can(authz, jane, 'POST', '/api/v1/namespaces/dev/configmaps').allowed, true);
    assert.equal(can(authz, jane, 'POST', '/api/v1/namespaces/prod/configmaps').allowed, false);
  });

  it('matches ServiceAccounts by name, namespace defaulting to the binding\'s; names are case-sensitive', () => {
    const sa: UserInfo = { name: 'system:serviceaccount:dev:builder', groups: ['system:serviceaccounts', 'system:serviceaccounts:dev', 'system:authenticated'] };
    const authz = new RBACAuthorizer(policy(view, binding('dev', 'sa-view', 'ClusterRole', 'view', [{ kind: 'ServiceAccount', name: 'builder' }])));
    assert.deepEqual(can(authz, sa, 'GET', '/api/v1/namespaces/dev/pods'),
      { allowed: true, reason: 'RBAC: allowed by RoleBinding "sa-view/dev" of ClusterRole "view" to ServiceAccount "builder/dev"' });
    const other: UserInfo = { ...sa, name: 'system:serviceaccount:prod:builder' };
    assert.equal(can(new RBACAuthorizer(policy(view, binding('prod', 'x', 'ClusterRole', 'view', [{ kind: 'ServiceAccount', name: 'builder', namespace: 'dev' }]))), other, 'GET', '/api/v1/namespaces/prod/pods').allowed, false);
    const janeUpper: UserInfo = { name: 'Jane', groups: [] };
    assert.equal(can(new RBACAuthorizer(policy(view, clusterBinding('j', 'view', [user('jane')]))), janeUpper, 'GET', '/api/v1/pods').allowed, false);
  });

  it('says which role is missing when a binding points nowhere', () => {
    const authz = new RBACAuthorizer(policy(clusterBinding('dangling', 'ghost', [user('jane')])));
    assert.deepEqual(can(authz, jane, 'GET', '/api/v1/pods'), { allowed: false, reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "ghost" not found' });
  });

  it('follows the store: bindings added, changed and deleted', () => {
    const index = policy(view);
    const authz = new RBACAuthorizer(index);
    const b = clusterBinding('b', 'view', [user('jane')]);
    const event = (type: StoreEvent['type'], object: StoredObject): StoreEvent => ({ type, key: '', rv: 1, object });
    index.apply(event('ADDED', b));
    assert.equal(can(authz, jane, 'GET', '/api/v1/pods').allowed, true);
    index.apply(event('MODIFIED', clusterBinding('b', 'view', [user('someone-else')])));
    assert.equal(can(authz, jane, 'GET', '/api/v1/pods').allowed, false);
    index.apply(event('MODIFIED', b));
    index.apply(event('DELETED', b));
    assert.equal(can(authz, jane, 'GET', '/api/v1/pods').allowed, false);
  });

  it('lists the rules a user holds, resource and non-resource apart', () => {
    const authz = new RBACAuthorizer(policy(view, clusterRole('disc', [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }]),
      clusterBinding('d', 'disc', [group('system:authenticated')]), binding('dev', 'v', 'ClusterRole', 'view', [user('jane')])));
    const rules = authz.rulesFor(jane, 'dev');
    assert.deepEqual(rules.resourceRules, [{ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods', 'pods/log'] }]);
    assert.deepEqual(rules.nonResourceRules, [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }]);
    assert.equal(authz.rulesFor(jane, 'prod').resourceRules.length, 0);
  });
});

describe('--authorization-mode', () => {
  it('parses kube\'s mode list and refuses unknown or repeated modes', () => {
    assert.deepEqual(parseAuthorizationModes('Node,RBAC'), ['Node', 'RBAC']);
    assert.throws(() => parseAuthorizationModes('RBAC,ABAC'), /authorization-mode "ABAC" is not a valid mode/);
    assert.throws(() => parseAuthorizationModes('RBAC,RBAC'), /more than once/);
    assert.throws(() => parseAuthorizationModes(''), /at least one/);
  });

  it('allows system:masters before any mode, and the first allowing mode wins', () => {
    const authz = unionAuthorizer(['RBAC'], { rbac: new RBACAuthorizer(policy()) });
    const admin: UserInfo = { name: 'admin', groups: ['system:masters', 'system:authenticated'] };
    assert.equal(authz.authorize(requestAttributesFrom('DELETE', '/api/v1/nodes/n1', admin)).allowed, true);
    assert.equal(authz.authorize(requestAttributesFrom('DELETE', '/api/v1/nodes/n1', jane)).allowed, false);
    const allowAll = unionAuthorizer(['RBAC', 'AlwaysAllow'], { rbac: new RBACAuthorizer(policy()) });
    assert.equal(allowAll.authorize(requestAttributesFrom('DELETE', '/api/v1/nodes/n1', jane)).allowed, true);
  });

  it('answers rules reviews with every mode\'s rules; AlwaysAllow holds everything', () => {
    const rules = unionAuthorizer(['AlwaysAllow'], {}).rulesFor(jane, 'default');
    assert.deepEqual(rules.resourceRules, [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]);
    assert.deepEqual(rules.nonResourceRules, [{ verbs: ['*'], nonResourceURLs: ['*'] }]);
  });
});
