// Real kubectl against the served OpenAPI documents (skipped where kubectl is not installed): `explain` renders
// from them, and `apply` trusts the server with fieldValidation and computes its strategic merge patch from them.
import './ensure-definitions.ts';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startOpenApiServer, type OpenApiTestServer } from './openapi-test-server.ts';

const kubectlPath = '/usr/bin/kubectl';
const hasKubectl = existsSync(kubectlPath);

const deployment = (image: string, replicas: number, extraContainer = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: ${image}
        ports:
        - containerPort: 80
${extraContainer}`;

describe('kubectl against the OpenAPI documents', { skip: hasKubectl ? false : 'kubectl is not installed' }, () => {
  let server: OpenApiTestServer;
  let dir: string;

  const kubectl = (...args: string[]) => new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    execFile(kubectlPath, ['--server', server.url, '--cache-dir', path.join(dir, 'cache'), ...args], {
      env: { ...process.env, KUBECONFIG: path.join(dir, 'kubeconfig'), HOME: dir }, timeout: 60_000,
    }, (error, stdout, stderr) => (error ? reject(new Error(`kubectl ${args.join(' ')}: ${stderr || error.message}`)) : resolve({ stdout, stderr })));
  });

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'skiff-kubectl-'));
    writeFileSync(path.join(dir, 'kubeconfig'), '');
    server = await startOpenApiServer();
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('explains pods.spec.containers from /openapi/v3', async () => {
    const { stdout, stderr } = await kubectl('explain', 'pods.spec.containers');
    assert.match(stdout, /^KIND:\s+Pod\nVERSION:\s+v1\n/);
    assert.match(stdout, /FIELD: containers <\[\]Container>/);
    assert.match(stdout, /\n {2}name\t<string> -required-\n/);
    assert.match(stdout, /\n {2}ports\t<\[\]ContainerPort>\n/);
    assert.equal(stderr, '');
    const explained = await kubectl('explain', 'deployments.spec.strategy.rollingUpdate');
    assert.match(explained.stdout, /GROUP:\s+apps\nKIND:\s+Deployment/);
    assert.match(explained.stdout, /maxSurge\t<IntOrString>|maxSurge\t<string>/);
    assert.ok(server.requests.some((r) => r.url.startsWith('/openapi/v3/api/v1?hash=')));
    assert.ok(!server.requests.some((r) => r.url.startsWith('/openapi/v2')), 'no fallback to /openapi/v2');
  });

  it('applies with fieldValidation=Strict and a strategic merge patch computed from the schema', async () => {
    writeFileSync(path.join(dir, 'v1.yaml'), deployment('nginx:1.27', 2));
    const created = await kubectl('apply', '-f', path.join(dir, 'v1.yaml'));
    assert.match(created.stdout, /deployment\.apps\/web created/);
    const post = server.requests.find((r) => r.method === 'POST');
    assert.ok(post);
    assert.match(post.url, /[?&]fieldValidation=Strict(&|$)/, 'kubectl leaves field validation to the server');
    assert.ok(!server.requests.some((r) => r.url.startsWith('/openapi/v2')), 'no client-side validation against v2');

    writeFileSync(path.join(dir, 'v2.yaml'), deployment('nginx:1.28', 3, '      - name: side\n        image: busybox\n'));
    const configured = await kubectl('apply', '-f', path.join(dir, 'v2.yaml'));
    assert.match(configured.stdout, /deployment\.apps\/web configured/);
    assert.equal(configured.stderr, '', 'no "error calculating patch from openapi" warning');
    const patch = server.requests.find((r) => r.method === 'PATCH');
    assert.ok(patch);
    assert.equal(patch.contentType, 'application/strategic-merge-patch+json');
    assert.match(patch.url, /[?&]fieldValidation=Strict(&|$)/);
    const body = JSON.parse(patch.body) as { spec: { replicas: number; template: { spec: Record<string, unknown> } } };
    assert.equal(body.spec.replicas, 3);
    // The containers list is merged by name: kubectl sends only the changes plus the element order.
    assert.deepEqual(body.spec.template.spec['$setElementOrder/containers'], [{ name: 'web' }, { name: 'side' }]);
    assert.deepEqual(body.spec.template.spec.containers, [{ image: 'nginx:1.28', name: 'web' }, { image: 'busybox', name: 'side' }]);
  });
});
