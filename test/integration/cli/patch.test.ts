// skiffctl patch next to kubectl patch: strategic (default), merge and JSON patches, YAML patches, patch files,
// `patched (no change)`, dry runs, the scale subresource, and the failures.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { assertSame, comparable, makeTwins, type Twins } from './twins.ts';

let api: TestApiserver;
let t: Twins;

before(async () => {
  api = await startApiserver();
  t = await makeTwins(api, 'patch');
  const file = t.file('web.yaml', `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: main, image: nginx:1.25, env: [{name: A, value: "1"}]}, {name: side, image: busybox}]
`);
  for (const ns of [t.kns, t.sns]) assert.equal((await t.kubectl(['apply', '-f', file, '-n', ns])).code, 0);
});
after(async () => {
  await api.stop();
  api.cleanup();
});

describe('skiffctl patch', () => {
  it('strategic, merge and json patches; no change; dry runs; -o', async () => {
    const file = t.file('patch.yaml', 'spec:\n  template:\n    spec:\n      containers:\n      - name: side\n        image: busybox:1.36\n');
    for (const args of [
      ['patch', 'deployment', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"main","env":[{"name":"B","value":"2"}]}]}}}}'],
      ['patch', 'deployment', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"main","env":[{"name":"B","value":"2"}]}]}}}}'],
      ['patch', 'deploy/web', '--type=merge', '-p', 'metadata: {labels: {patched: "yes"}}'],
      ['patch', 'deploy', 'web', '--type', 'json', '-p', '[{"op":"replace","path":"/spec/replicas","value":2}]', '-o', 'name'],
      ['patch', 'deploy', 'web', '--patch-file', file],
      ['patch', 'deploy', 'web', '-p', '{"spec":{"replicas":5}}', '--dry-run=server'],
      ['patch', 'deploy', 'web', '-p', '{"spec":{"replicas":5}}', '--dry-run=client'],
      ['patch', 'deploy', 'web', '--subresource=scale', '-p', '{"spec":{"replicas":3}}'],
    ]) {
      const [k, s] = await t.both(args);
      assertSame(k, s, args.join(' '));
      assert.equal(s.code, 0, s.stderr);
    }
    const [kg, sg] = await Promise.all([t.kubectl(['get', 'deploy', 'web', '-n', t.kns, '-o', 'json']), t.skiffctl(['get', 'deploy', 'web', '-n', t.sns, '-o', 'json'])]);
    assert.deepEqual(comparable(sg.stdout), comparable(kg.stdout));
  });

  it('fails as kubectl does', async () => {
    for (const args of [
      ['patch', 'deploy', 'web'],
      ['patch', 'deploy', 'web', '-p', '{}', '--type=foo'],
      ['patch', 'deploy', 'missing', '-p', '{}'],
      ['patch', 'deploy', 'web', '-p', '{"spec":{"replicas":-1}}'],
      ['patch', 'deploy', 'web', '-p', '{'],
      ['patch', 'deploy', 'web', '--type=json', '-p', '[{"op":"remove","path":"/spec/nothing"}]'],
      ['patch', '-p', '{}'],
    ]) {
      const [k, s] = await t.both(args);
      assertSame(k, s, args.join(' '));
      assert.equal(s.code, 1, args.join(' '));
    }
  });
});
