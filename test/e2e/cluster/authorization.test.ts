// The launcher's cluster runs with --authorization-mode=Node,RBAC, as kubeadm's does: each component under its own
// identity and role. A kubelet runs a pod whose Secret and ConfigMap only its node may read; the same credential
// cannot read a Secret no pod of its node uses, nor do what its role does not grant; the controller-manager fills
// the aggregated roles; the admin (system:masters) may do anything.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { testCluster } from '../../helpers/cluster.ts';
import { waitFor } from '../../helpers/component.ts';

const run = promisify(execFile);
let cluster: Awaited<ReturnType<typeof testCluster>>;
let node: string;

/** kubectl with one component's kubeconfig: exit code and both streams. */
async function kubectlAs(component: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const kubeconfig = path.join(cluster.stateDir, 'kubeconfigs', `${component}.kubeconfig`);
  try {
    const { stdout, stderr } = await run('kubectl', ['--kubeconfig', kubeconfig, ...args], { timeout: 60_000 });
    return { code: 0, out: stdout, err: stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, out: err.stdout ?? '', err: err.stderr ?? '' };
  }
}

before(async () => {
  cluster = await testCluster({ name: 'authz' });
  node = cluster.nodeNames[0];
  const { stdout, code } = await cluster.up();
  assert.equal(code, 0, stdout);
});
after(async () => {
  await cluster.reset();
});

describe('a Node,RBAC cluster', () => {
  it('runs a pod with a Secret volume and ConfigMap env: its kubelet may read exactly those', async () => {
    await cluster.kubectl('create', 'secret', 'generic', 'app-secret', '--from-literal=password=s3cret');
    await cluster.kubectl('create', 'secret', 'generic', 'unused-secret', '--from-literal=x=y');
    await cluster.kubectl('create', 'configmap', 'app-config', '--from-literal=MODE=prod');
    await cluster.kubectl.apply(`apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
  - name: app
    image: skiff.local/busybox
    command: ["sh", "-c", "cat /secret/password; echo; echo $MODE; sleep 3600"]
    envFrom:
    - configMapRef:
        name: app-config
    volumeMounts:
    - name: secret
      mountPath: /secret
  volumes:
  - name: secret
    secret:
      secretName: app-secret
`);
    await waitFor('app Running', async () => (/Running/.test(await cluster.kubectl('get', 'pod', 'app', '--no-headers')) ? true : undefined), 90_000);
    await waitFor('app logs', async () => ((await cluster.kubectl('logs', 'app')).trim() === 's3cret\nprod' ? true : undefined), 30_000);

    const kubelet = `kubelet-${node}`;
    assert.equal((await kubectlAs(kubelet, 'get', 'secret', 'app-secret', '-o', 'jsonpath={.metadata.name}')).out, 'app-secret');
    const unused = await kubectlAs(kubelet, 'get', 'secret', 'unused-secret');
    assert.equal(unused.err.trim(), `Error from server (Forbidden): secrets "unused-secret" is forbidden: User "system:node:${node}" cannot get resource "secrets" in API group "" in the namespace "default": no relationship found between node '${node}' and this object`);
    const list = await kubectlAs(kubelet, 'get', 'secrets');
    assert.match(list.err, new RegExp(`secrets is forbidden: User "system:node:${node}" cannot list resource "secrets" in API group "" in the namespace "default": No Object name found`));
    const deploy = await kubectlAs(kubelet, 'create', 'deployment', 'x', '--image=skiff.local/busybox');
    assert.match(deploy.err, /deployments\.apps is forbidden: User "system:node:.*" cannot create resource "deployments"/);
  });

  it('gives the scheduler and controller-manager their roles, no more', async () => {
    const schedulerDeletes = await kubectlAs('scheduler', 'delete', 'secret', 'app-secret');
    assert.match(schedulerDeletes.err, /secrets "app-secret" is forbidden: User "system:kube-scheduler" cannot delete resource "secrets"/);
    assert.equal((await kubectlAs('scheduler', 'auth', 'can-i', 'create', 'pods', '--subresource=binding')).out.trim(), 'yes');
    assert.equal((await kubectlAs('controller-manager', 'auth', 'can-i', 'create', 'pods', '-n', 'any')).out.trim(), 'yes');
    assert.equal((await kubectlAs('controller-manager', 'auth', 'can-i', 'create', 'clusterrolebindings')).out.trim(), 'no');
    // The clusterrole-aggregation controller, running as the controller-manager, has filled view.
    await waitFor('view aggregated', async () => (/pods\/log/.test(await cluster.kubectl('get', 'clusterrole', 'view', '-o', 'jsonpath={.rules}')) ? true : undefined), 30_000);
  });

  it('refuses a user with no bindings, and lets the admin do anything', async () => {
    const out = await cluster.kubectlFails('get', 'pods', '--as=nobody');
    assert.equal(out.trim(), 'Error from server (Forbidden): pods is forbidden: User "nobody" cannot list resource "pods" in API group "" in the namespace "default"');
    assert.equal((await cluster.kubectl('auth', 'can-i', '*', '*')).trim(), 'yes');
  });
});
