// skiffctl replace -f next to kubectl replace: replaced lines, the objects afterwards, --save-config, --force
// (delete, wait, create), dry runs, and the failures.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { assertSame, comparable, makeTwins, type Twins } from './twins.ts';

let api: TestApiserver;
let t: Twins;

before(async () => {
  api = await startApiserver();
  t = await makeTwins(api, 'replace');
});
after(async () => {
  await api.stop();
  api.cleanup();
});

const cm = (value: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rp\n  labels: {v: "${value}"}\ndata:\n  a: "${value}"\n`;

describe('skiffctl replace', () => {
  it('replaces, with the same objects afterwards, and fails on what does not exist', async () => {
    const one = t.file('one.yaml', cm('1'));
    const two = t.file('two.yaml', cm('2'));
    let [k, s] = await t.both(['replace', '-f', one]);
    assertSame(k, s, 'replace of a missing object');
    assert.match(s.stderr, /^Error from server \(NotFound\): error when replacing ".*one.yaml": configmaps "rp" not found$/m);
    for (const ns of [t.kns, t.sns]) assert.equal((await t.kubectl(['create', '-f', one, '-n', ns])).code, 0);
    for (const args of [['replace', '-f', two], ['replace', '-f', two, '--save-config', '-o', 'name'], ['replace', '-f', one, '--dry-run=server'], ['replace', '-f', one, '--dry-run=client']]) {
      [k, s] = await t.both(args);
      assertSame(k, s, args.join(' '));
      assert.equal(s.code, 0, s.stderr);
    }
    const [kg, sg] = await Promise.all([t.kubectl(['get', 'cm', 'rp', '-n', t.kns, '-o', 'json']), t.skiffctl(['get', 'cm', 'rp', '-n', t.sns, '-o', 'json'])]);
    assert.deepEqual(comparable(sg.stdout), comparable(kg.stdout));
    assert.match(sg.stdout, /last-applied-configuration/);
  });

  it('--force deletes and creates again (a new uid)', async () => {
    const file = t.file('force.yaml', cm('3'));
    const uid = async (): Promise<string> => (await t.skiffctl(['get', 'cm', 'rp', '-n', t.sns, '-o', 'jsonpath={.metadata.uid}'])).stdout;
    const before = await uid();
    const [k, s] = await t.both(['replace', '-f', file, '--force']);
    assertSame(k, s, 'replace --force');
    assert.equal(s.stdout, 'configmap "rp" deleted\nconfigmap/rp replaced\n');
    assert.notEqual(await uid(), before);
  });

  it('fails as kubectl does on flag misuse', async () => {
    const file = t.file('flags.yaml', cm('4'));
    for (const args of [['replace'], ['replace', '-f', file, '--grace-period=3'], ['replace', '-f', file, '--timeout=3s'], ['replace', '-f', file, '--force', '--dry-run=server']]) {
      const [k, s] = await t.both(args);
      assertSame(k, s, args.join(' '));
      assert.equal(s.code, 1);
    }
  });
});
