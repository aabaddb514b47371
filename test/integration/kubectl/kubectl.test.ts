// Real kubectl against a real apiserver: the commands issue #2 names, each checked by its output.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';

const run = promisify(execFile);
let api: TestApiserver;
let dir: string;

before(async () => {
  api = await startApiserver();
  dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-kubectl-'));
});
after(async () => {
  await api.stop();
  api.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

async function kubectl(...args: string[]): Promise<string> {
  try {
    const { stdout } = await run('kubectl', ['--kubeconfig', api.kubeconfig, '--cache-dir', path.join(dir, 'cache'), ...args], { timeout: 30_000 });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string };
    throw new Error(`kubectl ${args.join(' ')} failed: ${err.stderr || err.message}`);
  }
}

async function kubectlFails(...args: string[]): Promise<string> {
  try {
    await run('kubectl', ['--kubeconfig', api.kubeconfig, '--cache-dir', path.join(dir, 'cache'), ...args], { timeout: 30_000 });
  } catch (e) {
    return (e as { stderr: string }).stderr;
  }
  throw new Error(`kubectl ${args.join(' ')} should have failed`);
}

const manifest = (replicas: number, image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels:
    app: nginx
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: ${image}
        ports:
        - containerPort: 80
`;

describe('kubectl', () => {
  it('api-versions and api-resources', async () => {
    const versions = (await kubectl('api-versions')).split('\n');
    for (const v of ['v1', 'apps/v1', 'batch/v1', 'coordination.k8s.io/v1', 'autoscaling/v2', 'storage.k8s.io/v1']) assert.ok(versions.includes(v), v);
    const resources = await kubectl('api-resources');
    assert.match(resources, /^pods\s+po\s+v1\s+true\s+Pod$/m);
    assert.match(resources, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    assert.match(resources, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
    assert.match(resources, /^storageclasses\s+sc\s+storage\.k8s\.io\/v1\s+false\s+StorageClass$/m);
  });

  it('apply creates, updates, then is a no-op', async () => {
    const file = path.join(dir, 'deploy.yaml');
    writeFileSync(file, manifest(2, 'nginx:1.25'));
    assert.match(await kubectl('apply', '-f', file), /deployment.apps\/nginx-deployment created/);
    writeFileSync(file, manifest(3, 'nginx:1.26'));
    assert.match(await kubectl('apply', '-f', file), /deployment.apps\/nginx-deployment configured/);
    const rv = (await kubectl('get', 'deploy', 'nginx-deployment', '-o', 'jsonpath={.metadata.resourceVersion}')).trim();
    assert.match(await kubectl('apply', '-f', file), /deployment.apps\/nginx-deployment unchanged/);
    const rvAfter = (await kubectl('get', 'deploy', 'nginx-deployment', '-o', 'jsonpath={.metadata.resourceVersion}')).trim();
    assert.equal(rvAfter, rv, 'a no-op apply writes nothing');
    const obj = JSON.parse(await kubectl('get', 'deployment', 'nginx-deployment', '-o', 'json'));
    assert.equal(obj.spec.replicas, 3);
    assert.equal(obj.spec.template.spec.containers[0].image, 'nginx:1.26');
    assert.ok(obj.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
  });

  it('apply removes a field dropped from the manifest (three-way merge)', async () => {
    const file = path.join(dir, 'cm.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: "1"\n  b: "2"\n');
    await kubectl('apply', '-f', file);
    writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: "1"\n');
    await kubectl('apply', '-f', file);
    const cm = JSON.parse(await kubectl('get', 'cm', 'settings', '-o', 'json'));
    assert.deepEqual(cm.data, { a: '1' });
  });

  it('get in table, yaml and json forms', async () => {
    const table = await kubectl('get', 'deployments');
    assert.match(table, /^NAME\s/m);
    assert.match(table, /nginx-deployment/);
    const yaml = await kubectl('get', 'deploy', 'nginx-deployment', '-o', 'yaml');
    assert.match(yaml, /^kind: Deployment$/m);
    const list = JSON.parse(await kubectl('get', 'configmaps', '-o', 'json'));
    assert.equal(list.kind, 'List');
    assert.ok(list.items.some((i: { metadata: { name: string } }) => i.metadata.name === 'settings'));
    assert.match(await kubectl('get', 'ns'), /kube-system/);
  });

  it('label, annotate and scale', async () => {
    assert.match(await kubectl('label', 'deploy', 'nginx-deployment', 'tier=web'), /labeled/);
    assert.match(await kubectl('annotate', 'deploy', 'nginx-deployment', 'owner=team-a'), /annotated/);
    assert.match(await kubectl('scale', 'deploy', 'nginx-deployment', '--replicas=5'), /scaled/);
    const obj = JSON.parse(await kubectl('get', 'deploy', 'nginx-deployment', '-o', 'json'));
    assert.equal(obj.metadata.labels.tier, 'web');
    assert.equal(obj.metadata.annotations.owner, 'team-a');
    assert.equal(obj.spec.replicas, 5);
    assert.match(await kubectl('label', 'deploy', 'nginx-deployment', 'tier-'), /unlabeled/);
  });

  it('get -w streams changes', async () => {
    const child = spawn('kubectl', ['--kubeconfig', api.kubeconfig, '--cache-dir', path.join(dir, 'cache'),
      'get', 'configmaps', '-w', '--output-watch-events'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    try {
      await waitFor(() => /settings/.test(out), 10_000, () => out);
      await kubectl('create', 'configmap', 'watched', '--from-literal=k=v');
      await waitFor(() => /ADDED\s+watched/.test(out), 10_000, () => out);
      await kubectl('delete', 'configmap', 'watched');
      await waitFor(() => /DELETED\s+watched/.test(out), 10_000, () => out);
    } finally {
      child.kill();
    }
  });

  it('delete, and a clear error for what is not there', async () => {
    assert.match(await kubectl('delete', 'deploy', 'nginx-deployment'), /deployment.apps "nginx-deployment" deleted/);
    const err = await kubectlFails('get', 'deploy', 'nginx-deployment');
    assert.match(err, /Error from server \(NotFound\): deployments.apps "nginx-deployment" not found/);
  });

  it('server-side errors come through as kubectl prints them', async () => {
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, manifest(-1, 'nginx').replace('name: nginx-deployment', 'name: bad'));
    const err = await kubectlFails('apply', '-f', file);
    assert.match(err, /is invalid/);
    assert.match(err, /spec.replicas/);
  });
});

async function waitFor(cond: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out; output so far:\n${describe()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
