// skiffctl edit next to kubectl edit, with scripted editors: an edit that is patched, no change, an invalid edit
// re-opened with the server's reasons as comments and then fixed, an invalid edit left as it was (the copy kept),
// several objects edited as one List, --output-patch.
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { assertSame, comparable, makeTwins, type Twins } from './twins.ts';

let api: TestApiserver;
let t: Twins;

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: main, image: nginx:1.25}]
`;

before(async () => {
  api = await startApiserver();
  t = await makeTwins(api, 'edit');
  const file = t.file('web.yaml', deployment);
  for (const ns of [t.kns, t.sns]) {
    assert.equal((await t.kubectl(['apply', '-f', file, '-n', ns])).code, 0);
    assert.equal((await t.kubectl(['create', 'configmap', 'cfg', '--from-literal=a=1', '-n', ns])).code, 0);
  }
});
after(async () => {
  await api.stop();
  api.cleanup();
});

/** A shell script usable as $EDITOR. */
function editor(name: string, body: string): NodeJS.ProcessEnv {
  const path = t.file(name, `#!/bin/sh\nset -e\n${body}\n`);
  chmodSync(path, 0o755);
  return { ...process.env, EDITOR: path, KUBE_EDITOR: '' };
}

/** "A copy ... stored to /tmp/kubectl-edit-123.yaml": the file name differs by tool and by run. */
function withoutTempNames(text: string): string {
  return text.replace(/\/tmp\/(kubectl|skiffctl)-edit-\d+\.(yaml|json)/g, '<file>');
}

describe('skiffctl edit', () => {
  it('patches what the editor changed', async () => {
    const env = editor('image.sh', `sed -i 's/image: nginx:1.25/image: nginx:1.26/' "$1"`);
    const [k, s] = await t.both(['edit', 'deployment', 'web'], { env });
    assertSame(k, s, 'edit deployment web');
    assert.equal(s.stdout, 'deployment.apps/web edited\n');
    const [kg, sg] = await Promise.all([t.kubectl(['get', 'deploy', 'web', '-n', t.kns, '-o', 'json']), t.skiffctl(['get', 'deploy', 'web', '-n', t.sns, '-o', 'json'])]);
    assert.deepEqual(comparable(sg.stdout), comparable(kg.stdout));
  });

  it('no change, an emptied file', async () => {
    const [k, first] = await t.both(['edit', 'deploy/web'], { env: editor('none.sh', 'true') });
    let s = first;
    assertSame(k, s, 'edit without a change');
    assert.equal(s.stderr, 'Edit cancelled, no changes made.\n');
    // The header promises that an empty file aborts the edit. (kubectl 1.32 validates the empty text first and
    // reports it as invalid instead; skiffctl keeps the promise.)
    s = await t.skiffctl(['edit', 'deploy/web', '-n', t.sns], { env: editor('empty.sh', ': > "$1"') });
    assert.equal(s.stderr, 'Edit cancelled, saved file was empty.\n');
    assert.equal(s.code, 0);
  });

  it('re-opens an invalid edit with the reasons as comments; a fix is then patched', async () => {
    const seen = `${t.dir}/seen`;
    const env = editor('fix.sh', `if grep -q 'was not valid' "$1"; then cp "$1" "${seen}-$$"; sed -i 's/replicas: -1/replicas: 3/' "$1"; else sed -i 's/^  replicas: .*/  replicas: -1/' "$1"; fi`);
    const [k, s] = await t.both(['edit', 'deploy', 'web'], { env });
    assertSame(k, s, 'invalid, then fixed');
    assert.equal(s.stderr, 'error: deployments.apps "web" is invalid\n');
    assert.equal(s.stdout, 'deployment.apps/web edited\n');
    assert.equal((await t.skiffctl(['get', 'deploy', 'web', '-n', t.sns, '-o', 'jsonpath={.spec.replicas}'])).stdout, '3');
    rmSync(seen, { force: true });
  });

  it('an invalid edit saved again unchanged gives up and keeps a copy', async () => {
    const env = editor('stubborn.sh', `sed -i 's/^  replicas: .*/  replicas: -1/' "$1"`);
    const k = await t.kubectl(['edit', 'deploy', 'web', '-n', t.kns], { env });
    const s = await t.skiffctl(['edit', 'deploy', 'web', '-n', t.sns], { env });
    assert.equal(withoutTempNames(s.stderr).replace(t.sns, t.kns), withoutTempNames(k.stderr));
    assert.equal(s.code, 1);
    assert.equal(k.code, 1);
    const copy = /stored to "([^"]+)"/.exec(s.stderr)?.[1] ?? '';
    assert.match(copy, /skiffctl-edit-/);
    const kept = readFileSync(copy, 'utf8');
    assert.match(kept, /^# deployments.apps "web" was not valid:\n# \* spec.replicas: Invalid value: -1: must be greater than or equal to 0\n#\n/m);
    rmSync(copy);
    const kcopy = /stored to "([^"]+)"/.exec(k.stderr)?.[1];
    if (kcopy) rmSync(kcopy, { force: true });
  });

  it('several objects as one List, with --output-patch', async () => {
    const env = editor('labels.sh', `sed -i 's/^    name: \\(web\\|cfg\\)$/    name: \\1\\n    labels: {touched: "yes"}/' "$1"`);
    const [k, s] = await t.both(['edit', 'deploy/web', 'configmap/cfg', '--output-patch'], { env });
    assertSame(k, s, 'edit of two objects');
    assert.match(s.stdout, /^Patch: \{"metadata":\{"labels":\{"touched":"yes"\}\}\}\ndeployment.apps\/web edited\nPatch: .*\nconfigmap\/cfg edited\n$/);
  });

  it('fails as kubectl does without resources or with unknown names', async () => {
    for (const args of [['edit'], ['edit', 'deploy', 'missing']]) {
      const [k, s] = await t.both(args, { env: editor('noop.sh', 'true') });
      assertSame(k, s, args.join(' '));
      assert.equal(s.code, 1);
    }
  });
});
