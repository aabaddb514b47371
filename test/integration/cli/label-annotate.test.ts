// skiffctl label and annotate next to kubectl: adding, --overwrite, key- removal (and a missing key), several
// objects, --all, -l, dry runs, --list, --resource-version, and the failures.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { assertSame, makeTwins, type Twins } from './twins.ts';

let api: TestApiserver;
let t: Twins;

before(async () => {
  api = await startApiserver();
  t = await makeTwins(api, 'label');
  for (const ns of [t.kns, t.sns]) {
    for (const name of ['one', 'two']) {
      const res = await api.request('POST', `/api/v1/namespaces/${ns}/configmaps`, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } } });
      assert.equal(res.status, 201, res.text);
    }
  }
});
after(async () => {
  await api.stop();
  api.cleanup();
});

async function sameRuns(cases: string[][]): Promise<void> {
  for (const args of cases) {
    const [k, s] = await t.both(args);
    assertSame(k, s, args.join(' '));
  }
}

describe('skiffctl label', () => {
  it('adds, refuses to overwrite, overwrites, removes, reports missing keys', async () => {
    await sameRuns([
      ['label', 'configmap', 'one', 'tier=web', 'team=a'],
      ['label', 'configmap', 'one', 'tier=web'],
      ['label', 'configmap', 'one', 'tier=db'],
      ['label', 'configmap', 'one', 'tier=db', '--overwrite'],
      ['label', 'cm/one', 'team-', 'extra=1'],
      ['label', 'cm', 'one', 'extra-'],
      ['label', 'cm', 'one', 'absent-'],
      ['label', 'cm', 'one', 'two', 'pair=yes', '-o', 'name'],
      ['label', 'cm', '--all', 'everyone=yes'],
      ['label', 'cm', '-l', 'pair=yes', 'pair-', '--dry-run=server'],
      ['label', 'cm', 'one', 'x=1', '--dry-run=client'],
    ]);
    // Go lists a map in no fixed order: compare the lines as sets.
    const [k, s] = await t.both(['label', 'cm', 'one', '--list']);
    assert.deepEqual(s.stdout.split('\n').sort(), k.stdout.split('\n').sort());
    assert.equal(s.code, 0);
  });

  it('fails as kubectl does', async () => {
    for (const args of [
      ['label', 'cm', 'one'],
      ['label', 'x=y'],
      ['label', 'cm', 'one', 'bad=a b'],
      ['label', 'cm', 'one', 'a=1', 'a-'],
      ['label', 'cm', 'one', 'a=b=c'],
      ['label', 'cm', 'one', 'a=1', 'cm'],
      ['label', 'cm', 'missing', 'a=1'],
      ['label', 'cm', '--all', '-l', 'a=b', 'c=d'],
      ['label', 'cm', '--all', 'c=d', '--resource-version=1'],
    ]) {
      const [k, s] = await t.both(args);
      assertSame(k, s, args.join(' '));
      assert.equal(s.code, 1, args.join(' '));
    }
  });

  it('--resource-version: a stale one is a conflict', async () => {
    const [k, s] = await t.both(['label', 'cm', 'one', 'locked=yes', '--resource-version=1']);
    assertSame(k, s, 'label --resource-version');
    assert.match(s.stderr, /^Error from server \(Conflict\)/);
  });
});

describe('skiffctl annotate', () => {
  it('adds, refuses to overwrite, overwrites, removes; values with =', async () => {
    await sameRuns([
      ['annotate', 'configmap', 'one', 'note=hello'],
      ['annotate', 'configmap', 'one', 'note=other'],
      ['annotate', 'configmap', 'one', 'note=other', '--overwrite'],
      ['annotate', 'cm/one', 'note-', '-o', 'name'],
      ['annotate', 'cm', 'one', 'url=http://x/?a=b'],
      ['annotate', 'cm', '--all', 'all=yes', '--dry-run=server'],
      ['annotate', 'cm', 'two', 'url=x', '--dry-run=client'],
      ['annotate', 'cm', 'two', 'kubernetes.io/change-cause=first'],
      ['annotate', 'cm', 'two', 'kubernetes.io/change-cause=second'],
    ]);
  });

  it('fails as kubectl does', async () => {
    for (const args of [
      ['annotate', 'cm', 'one'],
      ['annotate', 'cm', 'one', '=x'],
      ['annotate', 'cm', 'one', 'a=1', 'a-'],
      ['annotate', 'cm', 'missing', 'a=1'],
    ]) {
      const [k, s] = await t.both(args);
      assertSame(k, s, args.join(' '));
      assert.equal(s.code, 1, args.join(' '));
    }
  });
});
