// skiffctl apply view-last-applied, set-last-applied and edit-last-applied next to kubectl's: the configurations
// printed (YAML, JSON), the annotations recorded and the objects left, the result lines, the editor's file (scripted
// editors cat it to stdout), and the failures with their exit codes.
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { assertSame, comparable, makeTwins, type Twins } from './twins.ts';

let api: TestApiserver;

const ab = `apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  labels: {app: x}
data: {k: "<v>", num: "1"}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: b
  labels: {app: x}
`;

const ab2 = `apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  labels: {app: x, v: "2"}
data: {k: "<v2>"}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: b
  labels: {app: x}
`;

const plainManifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n';

before(async () => {
  api = await startApiserver();
});
after(async () => {
  await api.stop();
  api.cleanup();
});

/** Both namespaces get a and b applied, and `plain` created without the annotation. */
async function seeded(prefix: string): Promise<Twins> {
  const t = await makeTwins(api, prefix);
  const file = t.file('ab.yaml', ab);
  for (const ns of [t.kns, t.sns]) {
    assert.equal((await t.kubectl(['apply', '-f', file, '-n', ns])).code, 0);
    assert.equal((await t.kubectl(['create', 'configmap', 'plain', '-n', ns])).code, 0);
  }
  return t;
}

async function sameObjects(t: Twins, names: string[]): Promise<void> {
  for (const name of names) {
    const [k, s] = await Promise.all([t.kubectl(['get', 'cm', name, '-n', t.kns, '-o', 'json']), t.skiffctl(['get', 'cm', name, '-n', t.sns, '-o', 'json'])]);
    assert.equal(k.code, 0, k.stderr);
    assert.deepEqual(comparable(s.stdout), comparable(k.stdout), `configmap ${name}`);
  }
}

/** A shell script usable as $EDITOR. */
function editor(t: Twins, name: string, body: string): NodeJS.ProcessEnv {
  const path = t.file(name, `#!/bin/sh\nset -e\n${body}\n`);
  chmodSync(path, 0o755);
  return { ...process.env, EDITOR: path, KUBE_EDITOR: '' };
}

/** Temporary file names differ by tool and run. */
function withoutTempNames(text: string): string {
  return text.replace(/\/tmp\/(kubectl|skiffctl)-edit-\d+\.(yaml|json)/g, '<file>');
}

/**
 * Removes every file the editor was opened on (the scripts list them in `opened`): the copies kept after a failure,
 * and the first round's file, which kubectl (and skiffctl) leave behind when the second round gives up.
 */
function removeEditedFiles(t: Twins): void {
  let listed = '';
  try {
    listed = readFileSync(`${t.dir}/opened`, 'utf8');
  } catch {
    return;
  }
  for (const file of listed.split('\n').filter((l) => l !== '')) rmSync(file, { force: true });
}

describe('skiffctl apply view-last-applied', () => {
  it('prints the recorded configurations as kubectl does, and fails the same way', async () => {
    const t = await seeded('view');
    const fromFile = t.file('ab.yaml', ab);
    const plain = t.file('plain.yaml', plainManifest);
    for (const args of [
      ['cm/a'], ['cm', 'a', 'b'], ['cm/a', '-o', 'json'], ['cm', 'a', 'b', '-o', 'json'], ['cm/a', '-o', 'yaml'],
      ['cm/plain'], ['cm/a', 'cm/plain'], ['cm'], ['cm', '-l', 'app=x'], ['-f', fromFile], ['-f', fromFile, '-o', 'json'],
      ['cm/plain', '-o', 'wide'],
      // Failures.
      [], ['cm', '--all'], ['cm/missing'], ['cm/a', '-o', 'wide'], ['-f', plain], ['-f', fromFile, 'cm/a'], ['-f', fromFile, 'cm'],
      ['cm/a', '-l', 'app=x'], ['cm', 'a', '-l', 'app=x'], ['-l', 'app=x'],
    ]) {
      const [k, s] = await t.both(['apply', 'view-last-applied', ...args]);
      assertSame(k, s, `view-last-applied ${args.join(' ')}`);
    }
    // Without -n a type alone names nothing, and --all then means every object of it.
    const [k, s] = await t.both(['apply', 'view-last-applied', 'cm'], { noNamespace: true });
    assertSame(k, s, 'view-last-applied cm without -n');
    assert.equal(s.stderr, 'error: resource(s) were provided, but no name was specified\n');
  });

  it('-o json keeps the annotation\'s own text, re-indented; -o yaml reads it', async () => {
    const t = await seeded('view');
    const [k, s] = await t.both(['apply', 'view-last-applied', 'cm/a', '-o', 'json']);
    assertSame(k, s, 'view-last-applied -o json');
    assert.equal(s.stdout, `{
  "apiVersion": "v1",
  "data": {
    "k": "\\u003cv\\u003e",
    "num": "1"
  },
  "kind": "ConfigMap",
  "metadata": {
    "annotations": {},
    "labels": {
      "app": "x"
    },
    "name": "a",
    "namespace": "${t.kns}"
  }
}
`);
    const [ky, sy] = await t.both(['apply', 'view-last-applied', 'cm/a']);
    assertSame(ky, sy, 'view-last-applied');
    assert.match(sy.stdout, /^apiVersion: v1\ndata:\n  k: <v>\n  num: "1"\nkind: ConfigMap\n/);
  });
});

describe('skiffctl apply set-last-applied', () => {
  it('records the files, checks every object first, and says what it did as kubectl does', async () => {
    const t = await seeded('set');
    const changed = t.file('ab2.yaml', ab2);
    const original = t.file('ab.yaml', ab);
    const plain = t.file('plain.yaml', plainManifest);
    const missing = t.file('missing.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: missing\n');
    for (const args of [
      ['-f', changed, '--dry-run=client'],
      ['-f', changed, '--dry-run=server'],
      ['-f', changed],
      ['-f', changed],
      ['-f', `${original},${plain}`],
      ['-f', plain],
      ['-f', plain, '--create-annotation', '-o', 'name'],
      ['-f', plain],
      ['-f', original, '--dry-run'],
      [], ['cm/a'], ['-f', missing], ['-f', 'no-such-file.yaml'], ['-f', original, '-o', 'wide'],
    ]) {
      const [k, s] = await t.both(['apply', 'set-last-applied', ...args]);
      assertSame(k, s, `set-last-applied ${args.join(' ')}`);
    }
    // Only the annotations changed: data and labels are as first applied, the annotation says what ab2.yaml says.
    await sameObjects(t, ['a', 'b', 'plain']);
    const view = await t.skiffctl(['apply', 'view-last-applied', 'cm/a', '-n', t.sns, '-o', 'json']);
    assert.match(view.stdout, /"v": "2"/);
    const live = JSON.parse((await t.skiffctl(['get', 'cm/a', '-n', t.sns, '-o', 'json'])).stdout) as { data: Record<string, string>; metadata: { labels: Record<string, string> } };
    assert.deepEqual(live.data, { k: '<v>', num: '1' });
    assert.deepEqual(live.metadata.labels, { app: 'x' });
  });

  it('-o yaml prints the objects patched', async () => {
    const t = await seeded('set');
    const [k, s] = await t.both(['apply', 'set-last-applied', '-f', t.file('ab2.yaml', ab2), '-o', 'yaml']);
    const masked = (text: string): string => text.replace(/(creationTimestamp|resourceVersion|uid): .*/g, '$1: -');
    assert.equal(masked(s.stdout), masked(k.stdout));
    assert.equal(s.code, 0);
    assert.match(s.stdout, /\n---\napiVersion: v1\nkind: ConfigMap\n/);
  });
});

describe('skiffctl apply edit-last-applied', () => {
  it('shows the recorded configurations under kubectl\'s header; unchanged cancels', async () => {
    const t = await seeded('editla');
    const env = editor(t, 'show.sh', 'cat "$1"');
    for (const args of [['cm/a'], ['cm', 'a', 'b'], ['cm'], ['-f', t.file('ab.yaml', ab)], ['cm/a', '-o', 'json'], ['cm/a', 'cm/plain']]) {
      const [k, s] = await t.both(['apply', 'edit-last-applied', ...args], { env });
      assertSame(k, s, `edit-last-applied ${args.join(' ')}`);
    }
    const [, s] = await t.both(['apply', 'edit-last-applied', 'cm/a'], { env });
    assert.equal(s.stdout, `# Please edit the 'last-applied-configuration' annotations below.
# Lines beginning with a '#' will be ignored, and an empty file will abort the edit.
#
apiVersion: v1
data:
  k: <v>
  num: "1"
kind: ConfigMap
metadata:
  annotations: {}
  labels:
    app: x
  name: a
  namespace: ${t.kns}
`);
    assert.equal(s.stderr, 'Edit cancelled, no changes made.\n');
  });

  it('records what was saved: edited, or skipped when equal to the first configuration shown', async () => {
    const t = await seeded('editla');
    const env = editor(t, 'relabel.sh', `sed -i 's/app: x$/app: z/' "$1"`);
    let [k, s] = await t.both(['apply', 'edit-last-applied', 'cm/a'], { env });
    assertSame(k, s, 'edit-last-applied cm/a');
    assert.equal(s.stdout, 'configmap/a edited\n');
    // a is already relabelled, so it compares equal; b is compared with a's configuration (kubectl pairs by uid,
    // and recorded configurations have none) and is edited.
    [k, s] = await t.both(['apply', 'edit-last-applied', 'cm', 'a', 'b'], { env });
    assertSame(k, s, 'edit-last-applied cm a b');
    assert.equal(s.stdout, 'configmap/a skipped\nconfigmap/b edited\n');
    [k, s] = await t.both(['apply', 'view-last-applied', 'cm', 'a', 'b', '-o', 'json']);
    assertSame(k, s, 'the configurations recorded');
    await sameObjects(t, ['a', 'b']);
    // -o json edits JSON without the header, and reports with the object itself, as kubectl does.
    const jsonEnv = editor(t, 'json.sh', `sed -i 's/"app": "z"/"app": "w"/' "$1"`);
    [k, s] = await t.both(['apply', 'edit-last-applied', 'cm/a', '-o', 'json'], { env: jsonEnv });
    assertSame(k, s, 'edit-last-applied -o json');
    assert.match(s.stdout, /^\{\n {4}"apiVersion": "v1",\n/);
    await sameObjects(t, ['a']);
  });

  it('fails as kubectl does: no annotation, no resources, missing objects, another namespace, an unknown kind', async () => {
    const t = await seeded('editla');
    const noop = editor(t, 'noop.sh', 'true');
    for (const args of [['cm/plain'], [], ['cm/missing']]) {
      const [k, s] = await t.both(['apply', 'edit-last-applied', ...args], { env: noop });
      assertSame(k, s, `edit-last-applied ${args.join(' ')}`);
      assert.equal(s.code, 1);
    }
    for (const [name, body] of [
      ['other-ns.sh', `sed -i 's/namespace: .*/namespace: other/; s/app: x$/app: q/' "$1"`],
      ['kind.sh', `sed -i 's/kind: ConfigMap$/kind: ConfigMapX/' "$1"`],
    ]) {
      const env = editor(t, name, `echo "$1" >> ${t.dir}/opened\n${body}`);
      const [k, s] = await t.both(['apply', 'edit-last-applied', 'cm/a'], { env });
      assert.equal(withoutTempNames(s.stderr), withoutTempNames(k.stderr), name);
      assert.equal(s.stdout, k.stdout, name);
      assert.equal(s.code, 1, name);
      assert.equal(k.code, 1, name);
      assert.match(s.stderr, /^A copy of your changes has been stored to "\/tmp\/kubectl-edit-\d+\.yaml"\n/);
    }
    removeEditedFiles(t);
    await sameObjects(t, ['a']);
  });
});
