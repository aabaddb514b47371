// skiffctl diff -f next to kubectl diff: the same unified diff of LIVE and MERGED (a server dry run of the apply),
// the same file names, masked secrets, and kubectl's exit codes (0 same, 1 different, 2 errors).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import type { RunResult } from './harness.ts';
import { makeTwins, withoutKlog, type Twins } from './twins.ts';

let api: TestApiserver;
let t: Twins;

before(async () => {
  api = await startApiserver();
  t = await makeTwins(api, 'diff');
});
after(async () => {
  await api.stop();
  api.cleanup();
});

/** What differs by nature between two runs: temporary directories, file times, uids, creation times. */
function masked(r: RunResult): RunResult {
  const mask = (s: string): string => withoutKlog(s)
    .replace(/\/(LIVE|MERGED)-[A-Za-z0-9]+\//g, '/$1-X/')
    .replace(/\t\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ [+-]\d{4}$/gm, '\tDATE')
    .replace(/(uid|creationTimestamp|resourceVersion): .*$/gm, '$1: X');
  return { ...r, stdout: mask(r.stdout), stderr: mask(r.stderr) };
}

const deployment = (image: string, replicas: number): string => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: main, image: ${image}, ports: [{containerPort: 80}]}]
`;

describe('skiffctl diff', () => {
  it('exit 1 with the unified diff when apply would change something, 0 when not', async () => {
    const v1 = t.file('v1.yaml', deployment('nginx:1.25', 2));
    const v2 = t.file('v2.yaml', deployment('nginx:1.26', 3));
    let [k, s] = await t.both(['diff', '-f', v1]);
    assert.deepEqual(masked(s), masked(k), 'diff of an object that does not exist yet');
    assert.equal(s.code, 1);
    for (const ns of [t.kns, t.sns]) assert.equal((await t.kubectl(['apply', '-f', v1, '-n', ns])).code, 0);
    [k, s] = await t.both(['diff', '-f', v1]);
    assert.deepEqual(masked(s), masked(k), 'diff after apply');
    assert.equal(s.code, 0);
    assert.equal(s.stdout, '');
    [k, s] = await t.both(['diff', '-f', v2]);
    assert.deepEqual(masked(s), masked(k), 'diff of a changed manifest');
    assert.equal(s.code, 1);
    assert.match(s.stdout, /^-      - image: nginx:1.25\n\+      - image: nginx:1.26$/m);
  });

  it('masks secret values', async () => {
    for (const ns of [t.kns, t.sns]) assert.equal((await t.kubectl(['create', 'secret', 'generic', 'creds', '--from-literal=a=1', '--from-literal=b=2', '-n', ns])).code, 0);
    const file = t.file('secret.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\nstringData:\n  a: "1"\n  b: changed\n  c: new\n');
    const [k, s] = await t.both(['diff', '-f', file]);
    assert.deepEqual(masked(s), masked(k));
    assert.match(s.stdout, /\*\*\* \(after\)/);
    assert.doesNotMatch(s.stdout, /changed|bmV3/);
  });

  it('errors exit 2', async () => {
    for (const args of [['diff', '-f', `${t.dir}/missing.yaml`], ['diff', '-f', t.file('widget.yaml', 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n')]]) {
      const [k, s] = await t.both(args);
      assert.deepEqual(masked(s), masked(k), args.join(' '));
      assert.equal(s.code, 2);
    }
  });
});
