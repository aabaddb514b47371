// Escalation prevention on RBAC writes: what a user may put into roles and bindings.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resourceFor } from '../../../apiserver/api/resources.ts';
import type { ClusterRole, ClusterRoleBinding, KubeObject, StoredObject } from '../../../apiserver/api/types.ts';
import { RBACAuthorizer } from '../../../apiserver/rbac/authorizer.ts';
import { admitRBACWrite, type EscalationCheck } from '../../../apiserver/rbac/escalation.ts';
import { PolicyIndex } from '../../../apiserver/rbac/policy-index.ts';
import type { AdmissionAttributes } from '../../../apiserver/registry/registry.ts';
import { unionAuthorizer } from '../../../apiserver/server/authorization-modes.ts';
import type { UserInfo } from '../../../apiserver/server/user.ts';
import { ApiError } from '../../../apiserver/api/errors.ts';

const rbac = 'rbac.authorization.k8s.io';
const stored = (obj: object): StoredObject => obj as unknown as StoredObject;
const roles = resourceFor(rbac, 'v1', 'roles')!;
const clusterRoles = resourceFor(rbac, 'v1', 'clusterroles')!;
const roleBindings = resourceFor(rbac, 'v1', 'rolebindings')!;

function setup(): EscalationCheck {
  const policy = new PolicyIndex();
  policy.replace([
    stored({ kind: 'ClusterRole', metadata: { name: 'pod-reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] } satisfies ClusterRole),
    stored({ kind: 'ClusterRole', metadata: { name: 'secret-reader' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }] } satisfies ClusterRole),
    stored({ kind: 'ClusterRole', metadata: { name: 'role-writer' }, rules: [{ apiGroups: [rbac], resources: ['roles', 'rolebindings'], verbs: ['create', 'update'] }] } satisfies ClusterRole),
    stored({ kind: 'ClusterRole', metadata: { name: 'binder' }, rules: [{ apiGroups: [rbac], resources: ['clusterroles'], verbs: ['bind'], resourceNames: ['secret-reader'] }] } satisfies ClusterRole),
    ...['pod-reader', 'role-writer'].map((role) => stored({
      kind: 'RoleBinding', metadata: { name: `bob-${role}`, namespace: 'dev' },
      roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: role }, subjects: [{ kind: 'User', apiGroup: rbac, name: 'bob' }],
    })),
  ]);
  return { policy, authorizer: unionAuthorizer(['RBAC'], { rbac: new RBACAuthorizer(policy) }) };
}

const bob: UserInfo = { name: 'bob', groups: ['system:authenticated'] };
const create = (ri: typeof roles, namespace: string, object: object): AdmissionAttributes =>
  ({ operation: 'CREATE', ri, namespace, name: (object as KubeObject).metadata?.name ?? '', subresource: '', object: object as KubeObject });

describe('admitRBACWrite', () => {
  it('lets a user write a role with rules they hold', () => {
    const check = setup();
    admitRBACWrite(check, bob, create(roles, 'dev', { metadata: { name: 'r' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] }));
  });

  it('refuses a role with more, in kube\'s words', () => {
    const check = setup();
    assert.throws(() => admitRBACWrite(check, bob, create(roles, 'dev', { metadata: { name: 'r' }, rules: [{ apiGroups: [''], resources: ['pods', 'secrets'], verbs: ['get'] }] })),
      (e: ApiError) => e.code === 403 && e.message === 'roles.rbac.authorization.k8s.io "r" is forbidden: user "bob" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}');
    // What bob holds in dev he does not hold in prod.
    assert.throws(() => admitRBACWrite(check, bob, create(roles, 'prod', { metadata: { name: 'r' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] })), /forbidden/);
  });

  it('refuses a binding to a role the user does not hold, unless they may bind it', () => {
    const check = setup();
    const binding = (name: string) => ({ metadata: { name: 'b' }, roleRef: { apiGroup: rbac, kind: 'ClusterRole', name }, subjects: [{ kind: 'User', apiGroup: rbac, name: 'eve' }] } satisfies ClusterRoleBinding);
    admitRBACWrite(check, bob, create(roleBindings, 'dev', binding('pod-reader')));
    assert.throws(() => admitRBACWrite(check, bob, create(roleBindings, 'dev', binding('secret-reader'))),
      /rolebindings.rbac.authorization.k8s.io "b" is forbidden: user "bob" .* not currently held:\n\{APIGroups:\[""\], Resources:\["secrets"\], Verbs:\["get"\]\}/);
    assert.throws(() => admitRBACWrite(check, bob, create(roleBindings, 'dev', binding('ghost'))),
      (e: ApiError) => e.code === 404 && e.message === 'clusterroles.rbac.authorization.k8s.io "ghost" not found');
    // With `bind` on secret-reader (granted here through a second binding), the same binding is fine.
    check.policy.upsert(stored({ kind: 'RoleBinding', metadata: { name: 'bob-binder', namespace: 'dev' }, roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: 'binder' }, subjects: [{ kind: 'User', apiGroup: rbac, name: 'bob' }] }));
    admitRBACWrite(check, bob, create(roleBindings, 'dev', binding('secret-reader')));
  });

  it('lets system:masters and escalate-holders write anything, and AlwaysAllow never checks', () => {
    const check = setup();
    const everything = { metadata: { name: 'all' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] };
    admitRBACWrite(check, { name: 'root', groups: ['system:masters'] }, create(clusterRoles, '', everything));
    check.policy.upsert(stored({ kind: 'ClusterRole', metadata: { name: 'escalator' }, rules: [{ apiGroups: [rbac], resources: ['clusterroles'], verbs: ['escalate'] }] }));
    check.policy.upsert(stored({ kind: 'ClusterRoleBinding', metadata: { name: 'carol' }, roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: 'escalator' }, subjects: [{ kind: 'User', apiGroup: rbac, name: 'carol' }] }));
    admitRBACWrite(check, { name: 'carol', groups: [] }, create(clusterRoles, '', everything));
    admitRBACWrite({ ...check, authorizer: unionAuthorizer(['AlwaysAllow'], {}) }, bob, create(clusterRoles, '', everything));
  });

  it('requires everything to set an aggregationRule', () => {
    const check = setup();
    assert.throws(() => admitRBACWrite(check, bob, create(clusterRoles, '', { metadata: { name: 'agg' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: 'b' } }] } })),
      /clusterroles.rbac.authorization.k8s.io "agg" is forbidden: must have cluster-admin privileges to use the aggregationRule/);
  });
});
