// RBAC decision benchmark: kube's bootstrap policy plus N RoleBindings (default 5,000) spread over 500 namespaces,
// half to a namespaced Role and half to edit's rules (`system:aggregate-to-edit`: here no aggregation controller
// fills `edit` itself), each binding one user and one group. Prints the
// time per authorize() for an allowed request, a request refused after every rule was checked, and a cluster-admin.
//   npx tsx test/bench/rbac.bench.ts [roleBindings]
import type { Role, RoleBinding, StoredObject } from '../../apiserver/api/types.ts';
import { RBACAuthorizer } from '../../apiserver/rbac/authorizer.ts';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from '../../apiserver/rbac/bootstrap-policy.ts';
import { PolicyIndex } from '../../apiserver/rbac/policy-index.ts';
import { requestAttributesFrom } from '../../apiserver/server/authz.ts';
import type { UserInfo } from '../../apiserver/server/user.ts';

const bindings = Number(process.argv[2] ?? 5000);
const namespaces = 500;
const rbac = 'rbac.authorization.k8s.io';
const stored = (obj: object): StoredObject => obj as unknown as StoredObject;

const objects: StoredObject[] = [...bootstrapClusterRoles(), ...bootstrapClusterRoleBindings()].map(stored);
for (let n = 0; n < namespaces; n++) {
  objects.push(stored({
    kind: 'Role', metadata: { name: 'deployer', namespace: `ns-${n}` },
    rules: [{ apiGroups: ['apps'], resources: ['deployments', 'deployments/scale'], verbs: ['get', 'list', 'update', 'patch'] }],
  } satisfies Role));
}
for (let i = 0; i < bindings; i++) {
  const namespace = `ns-${i % namespaces}`;
  const toRole = i % 2 === 0;
  objects.push(stored({
    kind: 'RoleBinding', metadata: { name: `b-${i}`, namespace },
    roleRef: { apiGroup: rbac, kind: toRole ? 'Role' : 'ClusterRole', name: toRole ? 'deployer' : 'system:aggregate-to-edit' },
    subjects: [{ kind: 'User', apiGroup: rbac, name: `user-${i}` }, { kind: 'Group', apiGroup: rbac, name: `team-${i % 50}` }],
  } satisfies RoleBinding));
}

const started = performance.now();
const index = new PolicyIndex();
index.replace(objects);
const authz = new RBACAuthorizer(index);
console.log(`${objects.length} policy objects (${bindings} RoleBindings) indexed in ${(performance.now() - started).toFixed(0)} ms`);

function timePerCall(label: string, user: UserInfo, method: string, url: string, expectAllowed: boolean): void {
  const attrs = requestAttributesFrom(method, url, user);
  const first = authz.authorize(attrs);
  if (first.allowed !== expectAllowed) throw new Error(`${label}: expected allowed=${expectAllowed}, got ${JSON.stringify(first)}`);
  const rounds = 200_000;
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) authz.authorize(attrs);
  console.log(`${label}: ${((performance.now() - t0) * 1000 / rounds).toFixed(2)} µs per decision`);
}

const member = (i: number): UserInfo => ({ name: `user-${i}`, groups: [`team-${i % 50}`, 'system:authenticated'] });
timePerCall('allowed through a namespaced Role', member(42), 'PATCH', '/apis/apps/v1/namespaces/ns-42/deployments/web', true);
timePerCall('allowed through a ClusterRole (edit\'s rules)', member(43), 'DELETE', '/api/v1/namespaces/ns-43/pods/web-1', true);
timePerCall('refused (no binding in that namespace)', member(42), 'DELETE', '/api/v1/namespaces/ns-7/secrets/db', false);
timePerCall('cluster-admin (system:masters)', { name: 'admin', groups: ['system:masters', 'system:authenticated'] }, 'DELETE', '/api/v1/nodes/n1', true);
