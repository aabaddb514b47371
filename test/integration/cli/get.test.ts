// skiffctl get against real kubectl on the same apiserver: the same bytes on stdout and stderr, the same exit code.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { createFixtures } from './fixtures.ts';
import { assertSameRun, compare, skiffctl } from './harness.ts';

let api: TestApiserver;

before(async () => {
  api = await startApiserver();
  await createFixtures(api);
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

describe('skiffctl get matches kubectl', () => {
  for (const kind of ['pods', 'nodes', 'services', 'deployments', 'configmaps']) {
    it(`${kind}: default, wide, -A, --show-labels, --no-headers`, async () => {
      assert.notEqual(await same('get', kind), '');
      await same('get', kind, '-o', 'wide');
      await same('get', kind, '-A');
      await same('get', kind, '-A', '-o', 'wide', '--show-labels');
      await same('get', kind, '--show-labels');
      await same('get', kind, '--no-headers');
    });

    it(`${kind}: -o name, jsonpath, custom-columns, json, yaml`, async () => {
      await same('get', kind, '-A', '-o', 'name');
      await same('get', kind, '-A', '-o', 'jsonpath={.items[*].metadata.name}');
      await same('get', kind, '-A', '-o', 'jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name}{"\\t"}{.metadata.labels}{"\\n"}{end}');
      await same('get', kind, '-A', '-o', 'custom-columns=NAME:.metadata.name,NS:.metadata.namespace,LABELS:.metadata.labels,UID:{.metadata.uid}');
      await same('get', kind, '-A', '-o', 'json');
      await same('get', kind, '-A', '-o', 'yaml');
    });
  }

  it('names, TYPE/NAME pairs, several kinds and `all`', async () => {
    await same('get', 'pods', 'runner');
    await same('get', 'pod', 'runner', 'waiting', '-o', 'wide');
    await same('get', 'po/runner', 'svc/web', 'deploy/web', 'cm/settings');
    await same('get', 'pods,services,deployments.apps,cm');
    await same('get', 'all');
    await same('get', 'all', '-A');
    await same('get', 'all', '-A', '-o', 'name');
    await same('get', 'pods,nodes', '-A');
    await same('get', 'Pod', 'runner', '-o', 'yaml');
    await same('get', 'deployments.v1.apps', 'web', '-o', 'json');
    await same('get', 'pod', 'runner', '-o', 'jsonpath={.status.containerStatuses[?(@.name=="app")].restartCount} {.spec.containers[0].resources}');
  });

  it('selectors, label columns and namespaces', async () => {
    await same('get', 'pods', '-l', 'app=runner');
    await same('get', 'pods', '-A', '-l', 'app in (runner,batch)', '--show-labels');
    await same('get', 'configmaps', '-L', 'kind');
    await same('get', 'pods', '--field-selector', 'status.phase=Running');
    await same('get', 'cm', '-n', 'team-a');
    await same('get', 'cm', '--namespace=team-a', '-o', 'name');
    await same('get', 'pods', '-l', 'app=nothing');
    await same('get', 'nodes', '-l', 'app=nothing');
    await same('get', 'pods', '-A', '-l', 'app=nothing');
    await same('get', 'pods', '-n', 'team-a', '-o', 'custom-columns=N:.metadata.name', '--no-headers');
  });

  it('--sort-by, on tables and on objects', async () => {
    await same('get', 'pods', '-A', '--sort-by=.metadata.name');
    await same('get', 'configmaps', '-A', '--sort-by={.metadata.creationTimestamp}');
    await same('get', 'pods', '-A', '--sort-by=.spec.containers[0].image', '-o', 'name');
    await same('get', 'services', '-A', '--sort-by=.spec.ports[0].port', '-o', 'wide');
  });

  it('not found: the found ones print, the missing ones are errors, exit 1', async () => {
    await same('get', 'pods', 'runner', 'nope');
    await same('get', 'pods,svc', 'web', 'runner');
    await same('get', 'deploy', 'nope');
    await same('get', 'pod', 'nope', '-o', 'json');
    await same('get', 'pods', 'nope', '--ignore-not-found');
  });

  it('unknown kinds: kubectl\'s error plus the closest name, one line, exit 1', async () => {
    const [k, s] = await compare(api, ['get', 'podz']);
    assert.equal(k.code, 1);
    assert.equal(s.code, 1);
    assert.equal(k.stderr, 'error: the server doesn\'t have a resource type "podz"\n');
    assert.equal(s.stderr, 'error: the server doesn\'t have a resource type "podz"; did you mean "pods"?\n');
    assert.equal(s.stdout, '');
    const deploy = await skiffctl(['--kubeconfig', api.kubeconfig, 'get', 'deploymnets']);
    assert.equal(deploy.stderr, 'error: the server doesn\'t have a resource type "deploymnets"; did you mean "deployments"?\n');
    const far = await skiffctl(['--kubeconfig', api.kubeconfig, 'get', 'xyzzyqq']);
    assert.equal(far.stderr, 'error: the server doesn\'t have a resource type "xyzzyqq"\n');
  });

  it('usage errors', async () => {
    await same('get', 'pods', 'pod/runner');
    await same('get', 'pods/');
    // kubectl lists go-template and friends, which skiffctl does not offer; the rest of the line is kubectl's.
    const [k, s] = await compare(api, ['get', 'pods', '-o', 'foo']);
    assert.equal(s.code, k.code);
    assert.equal(s.stderr, 'error: unable to match a printer suitable for the output format "foo", allowed formats are: custom-columns,custom-columns-file,json,jsonpath,jsonpath-file,name,wide,yaml\n');
  });
});
