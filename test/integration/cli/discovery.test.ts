// api-resources, api-versions, version and cluster-info against kubectl's.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { assertSameRun, compare, skiffctl } from './harness.ts';

let api: TestApiserver;

before(async () => {
  api = await startApiserver();
});
after(async () => {
  await api.stop();
  api.cleanup();
});

async function same(...args: string[]): Promise<string> {
  const [k, s] = await compare(api, args);
  assertSameRun(k, s, args.join(' '), assert);
  return s.stdout;
}

describe('discovery commands match kubectl', () => {
  it('api-resources and its filters', async () => {
    assert.match(await same('api-resources'), /^deployments +deploy +apps\/v1 +true +Deployment$/m);
    await same('api-resources', '-o', 'wide');
    await same('api-resources', '-o', 'name');
    await same('api-resources', '--namespaced=false');
    await same('api-resources', '--api-group=apps');
    await same('api-resources', '--no-headers');
    await same('api-resources', '--verbs=list,watch', '--sort-by=kind');
  });

  it('api-versions', async () => {
    assert.match(await same('api-versions'), /^apps\/v1$/m);
  });

  it('version: server version as kubectl reports it', async () => {
    const [k, s] = await compare(api, ['version', '-o', 'json']);
    assert.equal(s.code, 0);
    assert.deepEqual(JSON.parse(s.stdout).serverVersion, JSON.parse(k.stdout).serverVersion);
    const text = await skiffctl(['--kubeconfig', api.kubeconfig, 'version']);
    assert.match(text.stdout, /^Client Version: v1\.31\.0\+skiff-\S+\nServer Version: v1\.31\.0\+skiff-\S+\n$/);
    const client = await skiffctl(['version', '--client']);
    assert.match(client.stdout, /^Client Version: v1\.31\.0\+skiff-\S+\n$/);
  });

  it('cluster-info names the control plane', async () => {
    const s = await skiffctl(['--kubeconfig', api.kubeconfig, 'cluster-info']);
    assert.equal(s.code, 0);
    assert.match(s.stdout, new RegExp(`^Kubernetes control plane is running at ${api.url}\n`));
  });
});
