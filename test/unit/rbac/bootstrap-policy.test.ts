// The bootstrap policy's shape, and how a stored copy is reconciled with it at apiserver start.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterRole, ClusterRoleBinding } from '../../../apiserver/api/types.ts';
import { validateClusterRole, validateClusterRoleBinding } from '../../../apiserver/api/validation/rbac.ts';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from '../../../apiserver/rbac/bootstrap-policy.ts';
import { reconcileClusterRole, reconcileClusterRoleBinding } from '../../../apiserver/rbac/reconcile.ts';
import { aggregatedRules } from '../../../controllers/clusterrole-aggregation-plan.ts';

describe('bootstrap policy', () => {
  const roles = bootstrapClusterRoles();
  const bindings = bootstrapClusterRoleBindings();

  it('is valid, uniquely named, labelled and auto-updated', () => {
    const names = new Set<string>();
    for (const role of roles) {
      assert.deepEqual(validateClusterRole(role), [], role.metadata?.name);
      assert.ok(!names.has(role.metadata!.name!), role.metadata?.name);
      names.add(role.metadata!.name!);
      assert.equal(role.metadata?.labels?.['kubernetes.io/bootstrapping'], 'rbac-defaults');
      assert.equal(role.metadata?.annotations?.['rbac.authorization.kubernetes.io/autoupdate'], 'true');
    }
    for (const b of bindings) assert.deepEqual(validateClusterRoleBinding(b), [], b.metadata?.name);
  });

  it('binds only roles it defines', () => {
    const names = new Set(roles.map((r) => r.metadata!.name));
    for (const b of bindings) assert.ok(names.has(b.roleRef.name), `${b.metadata?.name} -> ${b.roleRef.name}`);
  });

  it('gives system:masters cluster-admin and everyone discovery, as kube does', () => {
    const subjectsOf = (name: string) => bindings.find((b) => b.metadata?.name === name)?.subjects?.map((s) => `${s.kind}:${s.name}`);
    assert.deepEqual(subjectsOf('cluster-admin'), ['Group:system:masters']);
    assert.deepEqual(subjectsOf('system:discovery'), ['Group:system:authenticated']);
    assert.deepEqual(subjectsOf('system:public-info-viewer'), ['Group:system:authenticated', 'Group:system:unauthenticated']);
    assert.deepEqual(subjectsOf('system:node'), []);
  });

  it('aggregates view into edit into admin', () => {
    const byName = (n: string) => roles.find((r) => r.metadata?.name === n)!;
    // What the aggregation controller computes, step by step (view first, as it feeds edit).
    const filled = roles.map((r) => structuredClone(r));
    for (const name of ['view', 'edit', 'admin']) {
      const role = filled.find((r) => r.metadata?.name === name)!;
      role.rules = aggregatedRules(role, filled);
    }
    const has = (name: string, resource: string, verb: string) => filled.find((r) => r.metadata?.name === name)!.rules!
      .some((rule) => rule.resources?.includes(resource) && rule.verbs.includes(verb));
    assert.equal(has('view', 'pods', 'list'), true);
    assert.equal(has('view', 'secrets', 'get'), false);
    assert.equal(has('edit', 'pods', 'list'), true);
    assert.equal(has('edit', 'secrets', 'get'), true);
    assert.equal(has('edit', 'rolebindings', 'create'), false);
    assert.equal(has('admin', 'rolebindings', 'create'), true);
    assert.equal(byName('view').rules, undefined);
  });
});

describe('reconcileClusterRole', () => {
  const expected: ClusterRole = {
    metadata: { name: 'r', labels: { a: '1' }, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' } },
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }],
  };

  it('creates what is missing and leaves an equal role alone', () => {
    assert.equal(reconcileClusterRole(undefined, expected).operation, 'create');
    assert.equal(reconcileClusterRole(structuredClone(expected), expected).operation, 'none');
  });

  it('adds missing rules and keeps what an administrator added', () => {
    const existing: ClusterRole = { ...structuredClone(expected), rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }, { apiGroups: [''], resources: ['secrets'], verbs: ['get'] }] };
    existing.metadata!.labels = { a: 'mine', b: '2' };
    const result = reconcileClusterRole(existing, expected);
    assert.equal(result.operation, 'update');
    assert.deepEqual(result.object.rules, [...existing.rules!, { apiGroups: [''], resources: ['pods'], verbs: ['list'] }]);
    assert.deepEqual(result.object.metadata?.labels, { a: 'mine', b: '2' });
  });

  it('reports but never writes a role marked autoupdate false', () => {
    const existing: ClusterRole = { metadata: { name: 'r', annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'false' } }, rules: [] };
    const result = reconcileClusterRole(existing, expected);
    assert.equal(result.operation, 'update');
    assert.equal(result.protected, true);
  });

  it('adds missing aggregation selectors', () => {
    const aggregated: ClusterRole = { metadata: { name: 'view' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: 'true' } }] } };
    const existing: ClusterRole = { metadata: { name: 'view' }, aggregationRule: { clusterRoleSelectors: [] }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] };
    const result = reconcileClusterRole(existing, aggregated);
    assert.equal(result.operation, 'update');
    assert.deepEqual(result.object.aggregationRule, aggregated.aggregationRule);
    assert.deepEqual(result.object.rules, existing.rules);
  });
});

describe('reconcileClusterRoleBinding', () => {
  const expected: ClusterRoleBinding = {
    metadata: { name: 'b' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'g' }],
  };

  it('adds missing subjects, keeps extra ones, recreates on another roleRef', () => {
    const existing: ClusterRoleBinding = { ...structuredClone(expected), subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'u' }] };
    const result = reconcileClusterRoleBinding(existing, expected);
    assert.equal(result.operation, 'update');
    assert.deepEqual(result.object.subjects?.map((s) => s.name), ['u', 'g']);
    assert.equal(reconcileClusterRoleBinding({ ...structuredClone(expected), roleRef: { ...expected.roleRef, name: 'edit' } }, expected).operation, 'recreate');
    assert.equal(reconcileClusterRoleBinding(structuredClone(expected), expected).operation, 'none');
  });
});
