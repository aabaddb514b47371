// Covers, CompactRules and the escalation message, against kube's behaviour.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterRole, ClusterRoleBinding, PolicyRule, StoredObject } from '../../../apiserver/api/types.ts';
import { compactRules, compactString, covers } from '../../../apiserver/rbac/covers.ts';
import { escalationError } from '../../../apiserver/rbac/escalation.ts';
import { PolicyIndex } from '../../../apiserver/rbac/policy-index.ts';

const r = (verbs: string[], groups: string[], resources: string[], names?: string[]): PolicyRule =>
  ({ apiGroups: groups, resources, verbs, ...(names ? { resourceNames: names } : {}) });

describe('covers', () => {
  it('is true when every atom of the servant rules is held', () => {
    const owner = [r(['get', 'list', 'watch'], [''], ['pods', 'services'])];
    assert.equal(covers(owner, [r(['get'], [''], ['pods'])]).covered, true);
    assert.equal(covers(owner, [r(['get', 'list'], [''], ['pods', 'services'])]).covered, true);
    const { covered, missing } = covers(owner, [r(['get', 'delete'], [''], ['pods'])]);
    assert.equal(covered, false);
    assert.deepEqual(missing, [r(['delete'], [''], ['pods'])]);
  });

  it('lets * and */sub in the owner cover anything they match', () => {
    assert.equal(covers([r(['*'], ['*'], ['*'])], [r(['escalate'], ['rbac.authorization.k8s.io'], ['roles'])]).covered, true);
    assert.equal(covers([r(['get'], ['apps'], ['*/scale'])], [r(['get'], ['apps'], ['deployments/scale'])]).covered, true);
    assert.equal(covers([r(['get'], ['apps'], ['deployments/scale'])], [r(['get'], ['apps'], ['*/scale'])]).covered, false);
  });

  it('never lets a name-limited rule cover an unlimited one', () => {
    const owner = [r(['get'], [''], ['configmaps'], ['a'])];
    assert.equal(covers(owner, [r(['get'], [''], ['configmaps'], ['a'])]).covered, true);
    assert.equal(covers(owner, [r(['get'], [''], ['configmaps'])]).covered, false);
    assert.equal(covers([r(['get'], [''], ['configmaps'])], [r(['get'], [''], ['configmaps'], ['b'])]).covered, true);
  });

  it('covers URLs by exact match or star prefix', () => {
    const owner: PolicyRule[] = [{ nonResourceURLs: ['/apis/*'], verbs: ['get'] }];
    assert.equal(covers(owner, [{ nonResourceURLs: ['/apis/apps'], verbs: ['get'] }]).covered, true);
    assert.equal(covers(owner, [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }]).covered, false);
  });
});

describe('compactRules and compactString', () => {
  it('merges atoms that differ only by verb and prints as kube', () => {
    const compacted = compactRules([r(['get'], [''], ['pods']), r(['list'], [''], ['pods']), r(['get'], [''], ['secrets'], ['x'])]);
    assert.deepEqual(compacted.map(compactString), [
      '{APIGroups:[""], Resources:["secrets"], ResourceNames:["x"], Verbs:["get"]}',
      '{APIGroups:[""], Resources:["pods"], Verbs:["get" "list"]}',
    ]);
    assert.equal(compactString({ nonResourceURLs: ['/metrics'], verbs: ['get'] }), '{NonResourceURLs:["/metrics"], Verbs:["get"]}');
  });
});

describe('escalationError', () => {
  const stored = (obj: object) => obj as unknown as StoredObject;
  const policy = new PolicyIndex();
  policy.replace([
    stored({ kind: 'ClusterRole', metadata: { name: 'pod-reader' }, rules: [r(['get', 'list'], [''], ['pods'])] } satisfies ClusterRole),
    stored({
      kind: 'ClusterRoleBinding', metadata: { name: 'bob-reads' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'pod-reader' },
      subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'bob' }],
    } satisfies ClusterRoleBinding),
  ]);
  const bob = { name: 'bob', groups: ['system:authenticated'] };

  it('says nothing when the user holds every rule', () => {
    assert.equal(escalationError(policy, bob, 'default', [r(['get'], [''], ['pods'])]), undefined);
  });

  it('lists what is missing, sorted, in kube\'s words', () => {
    assert.equal(escalationError(policy, bob, 'default', [r(['get', 'delete', 'patch'], [''], ['pods', 'secrets'])]),
      'user "bob" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n'
      + '{APIGroups:[""], Resources:["pods"], Verbs:["delete" "patch"]}\n'
      + '{APIGroups:[""], Resources:["secrets"], Verbs:["get" "delete" "patch"]}');
  });
});
