// RBAC end to end on a real apiserver started with --authorization-mode=Node,RBAC, driven by real kubectl: kube's
// exact refusals, bindings that grant in one namespace only, `kubectl auth can-i`, the `kubectl create`
// generators, escalation prevention, impersonation, and a ServiceAccount token limited to its Role. The
// clusterrole-aggregation controller runs beside it as system:kube-controller-manager, so `view` gets its rules.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { newClusterRoleAggregationController } from '../../../controllers/clusterrole-aggregation.ts';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { kubectlFor, type Kubectl } from '../../helpers/kubectl.ts';
import { runControllers, type RunningControllers } from '../controllers/harness.ts';

const run = promisify(execFile);
let api: TestApiserver;
let kubectl: Kubectl;
let controllers: RunningControllers;

const tokens = { jane: 'jane-token-0123456789', bob: 'bob-token-0123456789', cm: 'cm-token-0123456789' };

/** kubectl as someone else (its exit code and both streams, whatever happened). */
async function kubectlAs(token: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await run('kubectl', ['--kubeconfig', api.kubeconfig, '--token', token, ...args], { timeout: 60_000 });
    return { code: 0, out: stdout, err: stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, out: err.stdout ?? '', err: err.stderr ?? '' };
  }
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  api = await startApiserver({
    args: ['--authorization-mode=Node,RBAC'],
    tokens: [`${tokens.jane},jane,jane-uid`, `${tokens.bob},bob,bob-uid`, `${tokens.cm},system:kube-controller-manager,cm-uid`],
  });
  kubectl = kubectlFor(api.kubeconfig);
  // The aggregation controller under the controller-manager's own identity: its RBAC role must be enough.
  const cmKubeconfig = path.join(api.dataDir, 'controller-manager.kubeconfig');
  writeFileSync(cmKubeconfig, readFileSync(api.kubeconfig, 'utf8').replace(`token: ${api.token}`, `token: ${tokens.cm}`), { mode: 0o600 });
  controllers = await runControllers({ ...api, kubeconfig: cmKubeconfig }, [newClusterRoleAggregationController]);
  await kubectl('create', 'namespace', 'dev');
  await waitFor('view to aggregate its rules', async () => /pods/.test(await kubectl('get', 'clusterrole', 'view', '-o', 'jsonpath={.rules}')));
});

after(async () => {
  await controllers?.stop();
  await api.stop();
  api.cleanup();
});

describe('refusals', () => {
  it('refuses a user with no bindings with kube\'s exact message, for a real or an impersonated user', async () => {
    const asNobody = await kubectl.fails('get', 'pods', '--as=nobody');
    assert.equal(asNobody.trim(), 'Error from server (Forbidden): pods is forbidden: User "nobody" cannot list resource "pods" in API group "" in the namespace "default"');
    const jane = await kubectlAs(tokens.jane, 'get', 'pods');
    assert.equal(jane.code, 1);
    assert.equal(jane.err.trim(), 'Error from server (Forbidden): pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "default"');
    const node = await kubectlAs(tokens.jane, 'get', 'nodes', 'n1');
    assert.equal(node.err.trim(), 'Error from server (Forbidden): nodes "n1" is forbidden: User "jane" cannot get resource "nodes" in API group "" at the cluster scope');
  });

  it('lets only those allowed to impersonate do so', async () => {
    const r = await kubectlAs(tokens.jane, 'get', 'pods', '--as=bob');
    assert.equal(r.err.trim(), 'Error from server (Forbidden): users "bob" is forbidden: User "jane" cannot impersonate resource "users" in API group "" at the cluster scope');
    assert.match(await kubectl('auth', 'whoami', '--as=bob', '--as-group=devs'), /Username\s+bob\nGroups\s+\[devs system:authenticated\]/);
  });
});

describe('bindings', () => {
  it('a RoleBinding to view lets jane read pods in that namespace only', async () => {
    await kubectl('create', 'rolebinding', 'jane-view', '--clusterrole=view', '--user=jane', '-n', 'dev');
    const inDev = await kubectlAs(tokens.jane, 'get', 'pods', '-n', 'dev');
    assert.equal(inDev.code, 0, inDev.err);
    assert.equal(inDev.err.trim(), 'No resources found in dev namespace.');
    const inDefault = await kubectlAs(tokens.jane, 'get', 'pods', '-n', 'default');
    assert.match(inDefault.err, /pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "default"/);
    const secrets = await kubectlAs(tokens.jane, 'get', 'secrets', '-n', 'dev');
    assert.match(secrets.err, /secrets is forbidden: User "jane" cannot list resource "secrets"/);
  });

  it('kubectl auth can-i answers yes and no with kube\'s exit codes, and --list shows the rules', async () => {
    const yes = await kubectlAs(tokens.jane, 'auth', 'can-i', 'list', 'pods', '-n', 'dev');
    assert.deepEqual([yes.code, yes.out.trim()], [0, 'yes']);
    const no = await kubectlAs(tokens.jane, 'auth', 'can-i', 'delete', 'pods', '-n', 'dev');
    assert.deepEqual([no.code, no.out.trim()], [1, 'no']);
    const asJane = await run('kubectl', ['--kubeconfig', api.kubeconfig, 'auth', 'can-i', 'watch', 'deployments.apps', '-n', 'dev', '--as=jane']);
    assert.equal(asJane.stdout.trim(), 'yes');
    const list = await kubectlAs(tokens.jane, 'auth', 'can-i', '--list', '-n', 'dev');
    assert.equal(list.code, 0, list.err);
    assert.match(list.out, /^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs$/m);
    assert.match(list.out, /^pods\s+\[\]\s+\[\]\s+\[get list watch\]$/m);
    assert.match(list.out, /^selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$/m);
    assert.match(list.out, /^\s+\[\/healthz\]\s+\[\]\s+\[get\]$/m);
    const elsewhere = await kubectlAs(tokens.jane, 'auth', 'can-i', '--list', '-n', 'default');
    assert.doesNotMatch(elsewhere.out, /^pods\s/m);
    const admin = await kubectl('auth', 'can-i', '--list');
    assert.match(admin, /^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/m);
  });

  it('kubectl get roles,rolebindings -o wide shows kube\'s columns', async () => {
    await kubectl('create', 'role', 'pod-reader', '--verb=get,list,watch', '--resource=pods', '-n', 'dev');
    await kubectl('create', 'rolebinding', 'readers', '--role=pod-reader', '--user=jane', '--group=devs', '--serviceaccount=dev:builder', '-n', 'dev');
    const out = await kubectl('get', 'roles,rolebindings', '-o', 'wide', '-n', 'dev');
    assert.match(out, /^NAME\s+CREATED AT\nrole\.rbac\.authorization\.k8s\.io\/pod-reader\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m);
    assert.match(out, /^NAME\s+ROLE\s+AGE\s+USERS\s+GROUPS\s+SERVICEACCOUNTS$/m);
    assert.match(out, /^rolebinding\.rbac\.authorization\.k8s\.io\/readers\s+Role\/pod-reader\s+\d+s\s+jane\s+devs\s+dev\/builder$/m);
    const narrow = await kubectl('get', 'rolebindings', '-n', 'dev');
    assert.match(narrow, /^NAME\s+ROLE\s+AGE$/m);
    assert.match(await kubectl('get', 'clusterrolebindings', 'cluster-admin', '-o', 'wide'),
      /^cluster-admin\s+ClusterRole\/cluster-admin\s+\S+\s+system:masters\s*$/m);
  });
});

describe('kubectl create generators', () => {
  const json = async (...args: string[]) => JSON.parse(await kubectl('get', ...args, '-o', 'json')) as Record<string, unknown>;

  it('role and clusterrole', async () => {
    await kubectl('create', 'role', 'cm-admin', '--verb=get', '--verb=create', '--resource=configmaps', '--resource-name=a', '--resource-name=b', '-n', 'dev');
    assert.deepEqual((await json('role', 'cm-admin', '-n', 'dev')).rules,
      [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['a', 'b'], verbs: ['get', 'create'] }]);
    await kubectl('create', 'clusterrole', 'deploy-scaler', '--verb=get,update', '--resource=deployments.apps/scale', '--resource=replicasets.apps');
    assert.deepEqual((await json('clusterrole', 'deploy-scaler')).rules,
      [{ apiGroups: ['apps'], resources: ['deployments/scale', 'replicasets'], verbs: ['get', 'update'] }]);
    await kubectl('create', 'clusterrole', 'log-reader', '--verb=get', '--non-resource-url=/logs/*');
    assert.deepEqual((await json('clusterrole', 'log-reader')).rules, [{ nonResourceURLs: ['/logs/*'], verbs: ['get'] }]);
    await kubectl('create', 'clusterrole', 'monitoring', '--aggregation-rule=rbac.example.com/aggregate-to-monitoring=true');
    assert.deepEqual((await json('clusterrole', 'monitoring')).aggregationRule,
      { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } }] });
  });

  it('rolebinding and clusterrolebinding (sent as protobuf by kubectl)', async () => {
    await kubectl('create', 'rolebinding', 'mixed', '--clusterrole=edit', '--user=jane', '--group=devs', '--serviceaccount=dev:builder', '-n', 'dev');
    const rb = await json('rolebinding', 'mixed', '-n', 'dev');
    assert.deepEqual(rb.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' });
    assert.deepEqual(rb.subjects, [
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'jane' },
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'devs' },
      { kind: 'ServiceAccount', name: 'builder', namespace: 'dev' },
    ]);
    await kubectl('create', 'clusterrolebinding', 'global-view', '--clusterrole=view', '--group=auditors');
    const crb = await json('clusterrolebinding', 'global-view');
    assert.deepEqual(crb.subjects, [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'auditors' }]);
    assert.deepEqual(Object.keys(crb.metadata as object).sort(), ['creationTimestamp', 'name', 'resourceVersion', 'uid']);
  });

  it('refuses to change a roleRef, in kube\'s words', async () => {
    const out = await kubectl.fails('patch', 'rolebinding', 'mixed', '-n', 'dev', '-p', '{"roleRef":{"name":"admin"}}');
    assert.equal(out.trim(), 'The RoleBinding "mixed" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"admin"}: cannot change roleRef');
  });
});

describe('the seed\'s RBAC examples, applied unchanged', () => {
  it('Role pod-reader, ClusterRole secret-reader (its namespace ignored) and RoleBinding read-pods for jane', async () => {
    const out = await kubectl.apply(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  namespace: default
  name: pod-reader
rules:
- apiGroups: [""] # "" indicates the core API group
  resources: ["pods"]
  verbs: ["get", "watch", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  # "namespace" is ignored on ClusterRoles
  namespace: default
  name: secret-reader-seed
rules:
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "watch", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: read-pods
  namespace: default
subjects:
- kind: User
  name: jane # Name is case sensitive
  apiGroup: rbac.authorization.k8s.io
roleRef:
  kind: Role # this must be Role or ClusterRole
  name: pod-reader # this must match the name of the Role or ClusterRole you wish to bind to
  apiGroup: rbac.authorization.k8s.io
`);
    assert.match(out, /role\.rbac\.authorization\.k8s\.io\/pod-reader created/);
    assert.match(out, /clusterrole\.rbac\.authorization\.k8s\.io\/secret-reader-seed created/);
    assert.match(out, /rolebinding\.rbac\.authorization\.k8s\.io\/read-pods created/);
    assert.equal((await kubectl('get', 'clusterrole', 'secret-reader-seed', '-o', 'jsonpath={.metadata.namespace}')), '');
    const pods = await kubectlAs(tokens.jane, 'get', 'pods', '-n', 'default');
    assert.equal(pods.code, 0, pods.err);
    const secrets = await kubectlAs(tokens.jane, 'get', 'secrets', '-n', 'default');
    assert.match(secrets.err, /secrets is forbidden: User "jane" cannot list resource "secrets"/);
    await kubectl('delete', 'rolebinding', 'read-pods', '-n', 'default');
    assert.match((await kubectlAs(tokens.jane, 'get', 'pods', '-n', 'default')).err, /forbidden/);
  });
});

describe('escalation prevention', () => {
  before(async () => {
    await kubectl('create', 'clusterrole', 'role-manager', '--verb=create,get,list,update,patch,delete',
      '--resource=roles.rbac.authorization.k8s.io,rolebindings.rbac.authorization.k8s.io,pods');
    await kubectl('create', 'rolebinding', 'bob-manager', '--clusterrole=role-manager', '--user=bob', '-n', 'dev');
  });

  it('lets bob grant what he holds', async () => {
    const r = await kubectlAs(tokens.bob, 'create', 'role', 'pod-lister', '--verb=get,list', '--resource=pods', '-n', 'dev');
    assert.equal(r.code, 0, r.err);
    const b = await kubectlAs(tokens.bob, 'create', 'rolebinding', 'eve-lists', '--role=pod-lister', '--user=eve', '-n', 'dev');
    assert.equal(b.code, 0, b.err);
  });

  it('refuses more, with kube\'s message', async () => {
    const role = await kubectlAs(tokens.bob, 'create', 'role', 'secret-reader', '--verb=get', '--resource=secrets', '-n', 'dev');
    assert.equal(role.err.trim(), 'Error from server (Forbidden): roles.rbac.authorization.k8s.io "secret-reader" is forbidden: user "bob" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}');
    const binding = await kubectlAs(tokens.bob, 'create', 'rolebinding', 'eve-admin', '--clusterrole=cluster-admin', '--user=eve', '-n', 'dev');
    assert.equal(binding.err.trim(), 'error: failed to create rolebinding: rolebindings.rbac.authorization.k8s.io "eve-admin" is forbidden: user "bob" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:["*"], Resources:["*"], Verbs:["*"]}\n{NonResourceURLs:["*"], Verbs:["*"]}');
    // What bob may do in dev he may not grant in default.
    const elsewhere = await kubectlAs(tokens.bob, 'create', 'role', 'pod-lister', '--verb=get', '--resource=pods', '-n', 'default');
    assert.match(elsewhere.err, /roles\.rbac\.authorization\.k8s\.io is forbidden: User "bob" cannot create resource "roles"/);
  });

  it('lets bind on a role stand in for holding it', async () => {
    await kubectl('create', 'clusterrole', 'secret-reader', '--verb=get', '--resource=secrets');
    await kubectl('create', 'clusterrole', 'bind-secret-reader', '--verb=bind', '--resource=clusterroles', '--resource-name=secret-reader');
    await kubectl('create', 'rolebinding', 'bob-binds', '--clusterrole=bind-secret-reader', '--user=bob', '-n', 'dev');
    const r = await kubectlAs(tokens.bob, 'create', 'rolebinding', 'eve-secrets', '--clusterrole=secret-reader', '--user=eve', '-n', 'dev');
    assert.equal(r.code, 0, r.err);
  });
});

describe('a ServiceAccount token bound to a Role', () => {
  it('can do exactly what the Role allows, where it allows it', async () => {
    await kubectl('create', 'serviceaccount', 'deployer', '-n', 'dev');
    await kubectl('create', 'role', 'cm-writer', '--verb=get,create', '--resource=configmaps', '-n', 'dev');
    await kubectl('create', 'rolebinding', 'deployer-cm', '--role=cm-writer', '--serviceaccount=dev:deployer', '-n', 'dev');
    const token = (await kubectl('create', 'token', 'deployer', '-n', 'dev')).trim();
    const created = await kubectlAs(token, 'create', 'configmap', 'built', '--from-literal=a=b', '-n', 'dev');
    assert.equal(created.code, 0, created.err);
    assert.equal((await kubectlAs(token, 'get', 'configmap', 'built', '-n', 'dev', '-o', 'jsonpath={.data.a}')).out, 'b');
    const list = await kubectlAs(token, 'get', 'configmaps', '-n', 'dev');
    assert.equal(list.err.trim(), 'Error from server (Forbidden): configmaps is forbidden: User "system:serviceaccount:dev:deployer" cannot list resource "configmaps" in API group "" in the namespace "dev"');
    const del = await kubectlAs(token, 'delete', 'configmap', 'built', '-n', 'dev');
    assert.match(del.err, /configmaps "built" is forbidden: User "system:serviceaccount:dev:deployer" cannot delete resource "configmaps"/);
    const other = await kubectlAs(token, 'create', 'configmap', 'x', '-n', 'default');
    assert.match(other.err, /cannot create resource "configmaps" in API group "" in the namespace "default"/);
    const canI = await kubectlAs(token, 'auth', 'can-i', 'create', 'configmaps', '-n', 'dev');
    assert.equal(canI.out.trim(), 'yes');
  });
});

describe('access reviews over HTTP', () => {
  it('SubjectAccessReview answers for another user with the binding that allowed it', async () => {
    const res = await api.request('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user: 'jane', resourceAttributes: { namespace: 'dev', verb: 'list', resource: 'pods' } } },
    });
    assert.equal(res.status, 201);
    assert.deepEqual(res.body.status, { allowed: true, reason: 'RBAC: allowed by RoleBinding "jane-view/dev" of ClusterRole "view" to User "jane"' });
    const no = await api.request('POST', '/apis/authorization.k8s.io/v1/namespaces/dev/localsubjectaccessreviews', {
      body: { apiVersion: 'authorization.k8s.io/v1', kind: 'LocalSubjectAccessReview', spec: { user: 'mallory', resourceAttributes: { namespace: 'dev', verb: 'delete', resource: 'pods' } } },
    });
    assert.equal(no.status, 201);
    assert.deepEqual(no.body.status, { allowed: false });
  });

  it('validates reviews as kube does', async () => {
    const res = await api.request('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { resourceAttributes: { verb: 'get', resource: 'pods' } } },
    });
    assert.equal(res.status, 422);
    assert.equal(res.body.message, 'SubjectAccessReview.authorization.k8s.io "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified');
    const jane = await api.request('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      token: tokens.jane,
      body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user: 'bob', resourceAttributes: { verb: 'get', resource: 'pods' } } },
    });
    assert.equal(jane.status, 403);
    assert.equal(jane.body.message, 'subjectaccessreviews.authorization.k8s.io is forbidden: User "jane" cannot create resource "subjectaccessreviews" in API group "authorization.k8s.io" at the cluster scope');
  });
});
