// A real apiserver and the kubelet's HTTPS server in the test process, on real Docker, for the tests of what the
// apiserver proxies to a kubelet (logs, exec, attach, port-forward). The apiserver proves itself with a client
// certificate from a CA the kubelet trusts (its --client-ca-file); the Node names the kubelet's loopback address and
// port. Pods are made by the test directly through the runtime with the kubelet's names and labels: no pod workers.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { ensureCA, issueClientCert } from '../../../apiserver/server/certs.ts';
import { containerLabels, containerName, sandboxLabels, sandboxName, type PodRef } from '../../../kubelet/runtime/naming.ts';
import type { SandboxNetwork } from '../../../kubelet/runtime/runtime.ts';
import { startKubeletServer, type KubeletServer } from '../../../kubelet/server/kubelet-server.ts';
import { kubeletServingCert } from '../../../kubelet/server/serving-cert.ts';
import { registerNodeAt, startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { createFixture, waitFor, type Fixture } from '../runtime/runtime-fixture.ts';

export interface KubeletServerFixture {
  fx: Fixture;
  api: TestApiserver;
  kubelet: KubeletServer;
  /** The CA the kubelet trusts for clients, for tests that make certificates of their own. */
  clientCa: { certPem: string; keyPem: string };
  kubeletTls: { certPem: string; keyPem: string };
  cleanup(): Promise<void>;
}

export async function startKubeletServerFixture(name: string): Promise<KubeletServerFixture> {
  const fx = await createFixture(name);
  const dir = mkdtempSync(path.join(os.tmpdir(), `skiff-${name}-`));
  const clientCa = await ensureCA(path.join(dir, 'client-ca'));
  const client = await issueClientCert(clientCa, { commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'] });
  writeFileSync(path.join(dir, 'client.crt'), client.certPem);
  writeFileSync(path.join(dir, 'client.key'), client.keyPem, { mode: 0o600 });
  const api = await startApiserver({ args: [
    '--kubelet-client-certificate', path.join(dir, 'client.crt'), '--kubelet-client-key', path.join(dir, 'client.key'),
  ] });
  const kubeletTls = await kubeletServingCert({ rootDir: path.join(dir, 'kubelet'), nodeName: fx.nodeName, nodeIP: '127.0.0.1' });
  const kubelet = await startKubeletServer({
    host: '127.0.0.1', port: 0, tls: kubeletTls, clientCaPem: clientCa.certPem, runtime: fx.runtime, nodeName: fx.nodeName,
    logger: pino({ level: 'silent' }),
  });
  await registerNodeAt(api, fx.nodeName, kubelet.port);
  return {
    fx, api, kubelet, clientCa, kubeletTls,
    async cleanup() {
      await kubelet.close();
      await api.stop();
      api.cleanup();
      await fx.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const servedPage = 'hello from web\n';

/**
 * A Running pod whose one container serves `servedPage` over HTTP on httpPort ("http") and echoes on echoPort
 * ("echo"), on a bridge network or the host's.
 */
export async function startServingPod(k: KubeletServerFixture, name: string, opts: {
  network?: SandboxNetwork; httpPort?: number; echoPort?: number; labels?: Record<string, string>;
} = {}): Promise<void> {
  const { fx, api } = k;
  const { network = { mode: 'network', network: 'bridge' }, httpPort = 8080, echoPort = 9000, labels = {} } = opts;
  const created = await api.request('POST', '/api/v1/namespaces/default/pods', { body: {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, labels },
    spec: {
      nodeName: fx.nodeName, hostNetwork: network.mode === 'host' || undefined,
      containers: [{ name: 'app', image: fx.busyboxImage, ports: [{ name: 'http', containerPort: httpPort }, { name: 'echo', containerPort: echoPort }] }],
    },
  } });
  assert.equal(created.status, 201, created.text);
  const pod: PodRef = { name, namespace: 'default', uid: created.body.metadata.uid };
  const sandbox = await fx.runtime.createSandbox({
    name: sandboxName(pod, 0), image: fx.pauseImage, hostname: name, portMappings: [], network,
    labels: { ...sandboxLabels({ pod, attempt: 0, nodeName: fx.nodeName }), ...fx.label },
  });
  const id = await fx.runtime.createContainer({
    name: containerName(pod, 'app', 0), image: fx.busyboxImage, sandboxId: sandbox.id, pidNamespace: 'container', env: [], mounts: [],
    command: ['sh', '-c', `mkdir -p /www && echo 'hello from web' > /www/index.html && httpd -p ${httpPort} -h /www && exec nc -ll -p ${echoPort} -e cat`],
    labels: { ...containerLabels({ pod, containerName: 'app', restartCount: 0, nodeName: fx.nodeName, sandboxId: sandbox.id, specHash: 'test' }), ...fx.label },
  });
  await fx.runtime.startContainer(id);
  // Port-forward goes only to a running pod; without pod workers the test says so itself.
  const status = await api.request('PATCH', `/api/v1/namespaces/default/pods/${name}/status`, {
    contentType: 'application/merge-patch+json', body: { status: { phase: 'Running', podIP: sandbox.ip ?? '127.0.0.1' } },
  });
  assert.equal(status.status, 200, status.text);
  await waitFor(`${name} to serve`, async () => {
    const r = await fx.runtime.execSync(id, ['sh', '-c', `wget -qO- 127.0.0.1:${httpPort}/`], 5000);
    return r.exitCode === 0 && r.stdout === servedPage ? true : undefined;
  });
}

/** GET / on a loopback port, on a connection of its own. */
export function httpGet(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    }).on('error', reject);
  });
}
