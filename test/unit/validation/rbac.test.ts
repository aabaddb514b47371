// Validation tables for Roles, ClusterRoles, RoleBindings and ClusterRoleBindings, with kube's messages.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultBinding } from '../../../apiserver/api/defaults/rbac.ts';
import { formatFieldError, invalid } from '../../../apiserver/api/errors.ts';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '../../../apiserver/api/types.ts';
import {
  validateClusterRole, validateClusterRoleBinding, validateClusterRoleBindingUpdate, validateRole, validateRoleBinding,
  validateRoleBindingUpdate,
} from '../../../apiserver/api/validation/rbac.ts';
import { validateObjectMeta } from '../../../apiserver/api/validation/metadata.ts';
import { resourceFor } from '../../../apiserver/api/resources.ts';
import { nameValidatorFor } from '../../../apiserver/registry/registry.ts';
import { assertHasError, validationTable } from './field-errors.ts';
import { clone } from './fixtures.ts';

describe('Role validation', () => {
  const role = (): Role => ({
    metadata: { name: 'pod-reader', namespace: 'default' },
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'watch', 'list'] }],
  });
  validationTable(role, validateRole, [
    { name: 'requires verbs', mutate: (r) => { r.rules![0].verbs = []; }, field: 'rules[0].verbs', type: 'FieldValueRequired', detail: 'verbs must contain at least one value' },
    { name: 'requires api groups', mutate: (r) => { delete r.rules![0].apiGroups; }, field: 'rules[0].apiGroups', type: 'FieldValueRequired', detail: 'resource rules must supply at least one api group' },
    { name: 'requires resources', mutate: (r) => { r.rules![0].resources = []; }, field: 'rules[0].resources', type: 'FieldValueRequired', detail: 'resource rules must supply at least one resource' },
    { name: 'keeps non-resource URLs out of namespaced rules', mutate: (r) => { r.rules = [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }]; }, field: 'rules[0].nonResourceURLs', type: 'FieldValueInvalid', detail: 'namespaced rules cannot apply to non-resource URLs' },
  ]);

  it('prints a nonResourceURLs value as Go does', () => {
    const r = role();
    r.rules = [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }];
    assert.equal(formatFieldError(validateRole(r)[0]),
      'rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs');
  });

  it('allows names kube allows: any path segment', () => {
    const ri = resourceFor('rbac.authorization.k8s.io', 'v1', 'roles')!;
    const ok = validateObjectMeta({ name: 'system:Leader-Locking', namespace: 'default' }, { namespaced: true, nameValidator: nameValidatorFor(ri) });
    assert.deepEqual(ok, []);
    const bad = validateObjectMeta({ name: 'a/b', namespace: 'default' }, { namespaced: true, nameValidator: nameValidatorFor(ri) });
    assert.equal(formatFieldError(bad[0]), 'metadata.name: Invalid value: "a/b": may not contain \'/\'');
  });
});

describe('ClusterRole validation', () => {
  const role = (): ClusterRole => ({
    metadata: { name: 'secret-reader' },
    rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }, { nonResourceURLs: ['/healthz', '/metrics/*'], verbs: ['get'] }],
  });
  validationTable(role, validateClusterRole, [
    { name: 'keeps resources and URLs in separate rules', mutate: (r) => { r.rules![1].resources = ['pods']; }, field: 'rules[1].nonResourceURLs', type: 'FieldValueInvalid', detail: 'rules cannot apply to both regular resources and non-resource URLs' },
    { name: 'requires selectors in an aggregationRule', mutate: (r) => { r.aggregationRule = {}; }, field: 'aggregationRule.clusterRoleSelectors', type: 'FieldValueRequired', detail: 'at least one clusterRoleSelector required if aggregationRule is non-nil' },
    { name: 'validates aggregation selectors', mutate: (r) => { r.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { 'bad key!': 'x' } }] }; }, field: 'aggregationRule.clusterRoleSelectors[0].matchLabels', type: 'FieldValueInvalid' },
  ]);
});

describe('RoleBinding validation', () => {
  const binding = (): RoleBinding => {
    const b: RoleBinding = {
      metadata: { name: 'read-pods', namespace: 'default' },
      subjects: [{ kind: 'User', name: 'jane' }, { kind: 'ServiceAccount', name: 'builder' }, { kind: 'Group', name: 'devs' }],
      roleRef: { kind: 'Role', name: 'pod-reader', apiGroup: '' },
    };
    defaultBinding(b);
    return b;
  };
  validationTable(binding, validateRoleBinding, [
    { name: 'requires the RBAC group in roleRef', mutate: (b) => { b.roleRef.apiGroup = 'example.com'; }, field: 'roleRef.apiGroup', type: 'FieldValueNotSupported', detail: 'supported values: "rbac.authorization.k8s.io"' },
    { name: 'allows only Role and ClusterRole', mutate: (b) => { b.roleRef.kind = 'Group'; }, field: 'roleRef.kind', type: 'FieldValueNotSupported', detail: 'supported values: "Role", "ClusterRole"' },
    { name: 'requires a role name', mutate: (b) => { b.roleRef.name = ''; }, field: 'roleRef.name', type: 'FieldValueRequired' },
    { name: 'requires a path-segment role name', mutate: (b) => { b.roleRef.name = '..'; }, field: 'roleRef.name', type: 'FieldValueInvalid' },
    { name: 'knows the subject kinds', mutate: (b) => { b.subjects![0].kind = 'Robot'; }, field: 'subjects[0].kind', type: 'FieldValueNotSupported', detail: 'supported values: "ServiceAccount", "User", "Group"' },
    { name: 'requires subject names', mutate: (b) => { b.subjects![2].name = ''; }, field: 'subjects[2].name', type: 'FieldValueRequired' },
    { name: 'keeps ServiceAccounts in the core group', mutate: (b) => { b.subjects![1].apiGroup = 'rbac.authorization.k8s.io'; }, field: 'subjects[1].apiGroup', type: 'FieldValueNotSupported', detail: 'supported values: ""' },
    { name: 'requires DNS names for ServiceAccounts', mutate: (b) => { b.subjects![1].name = 'Builder'; }, field: 'subjects[1].name', type: 'FieldValueInvalid' },
    { name: 'keeps users in the RBAC group', mutate: (b) => { b.subjects![0].apiGroup = 'example.com'; }, field: 'subjects[0].apiGroup', type: 'FieldValueNotSupported' },
  ]);

  it('defaults the RBAC group on roleRef, users and groups, and none on ServiceAccounts', () => {
    const b = binding();
    assert.equal(b.roleRef.apiGroup, 'rbac.authorization.k8s.io');
    assert.deepEqual(b.subjects!.map((s) => s.apiGroup), ['rbac.authorization.k8s.io', undefined, 'rbac.authorization.k8s.io']);
  });

  it('fixes roleRef after creation, worded as kube', () => {
    const old = binding();
    const changed = clone(old);
    changed.roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' };
    const errs = validateRoleBindingUpdate(changed, old);
    assert.equal(invalid('RoleBinding', 'rbac.authorization.k8s.io', 'read-pods', errs).message,
      'RoleBinding.rbac.authorization.k8s.io "read-pods" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"view"}: cannot change roleRef');
    const relabelled = clone(old);
    relabelled.subjects = [];
    assert.deepEqual(validateRoleBindingUpdate(relabelled, old), []);
  });
});

describe('ClusterRoleBinding validation', () => {
  const binding = (): ClusterRoleBinding => {
    const b: ClusterRoleBinding = {
      metadata: { name: 'read-secrets-global' },
      subjects: [{ kind: 'Group', name: 'manager' }, { kind: 'ServiceAccount', name: 'ci', namespace: 'build' }],
      roleRef: { kind: 'ClusterRole', name: 'secret-reader', apiGroup: 'rbac.authorization.k8s.io' },
    };
    defaultBinding(b);
    return b;
  };
  validationTable(binding, validateClusterRoleBinding, [
    { name: 'binds only ClusterRoles', mutate: (b) => { b.roleRef.kind = 'Role'; }, field: 'roleRef.kind', type: 'FieldValueNotSupported', detail: 'supported values: "ClusterRole"' },
    { name: 'requires a ServiceAccount namespace', mutate: (b) => { delete b.subjects![1].namespace; }, field: 'subjects[1].namespace', type: 'FieldValueRequired' },
  ]);

  it('fixes roleRef after creation', () => {
    const old = binding();
    const changed = clone(old);
    changed.roleRef.name = 'cluster-admin';
    assertHasError(validateClusterRoleBindingUpdate(changed, old), 'roleRef', 'FieldValueInvalid', 'cannot change roleRef');
  });
});
