// skiffctl delete next to kubectl delete: by names, TYPE/NAME, -f, -l, --all, dry runs, -o name, --ignore-not-found,
// the grace-period and cascade flags, waiting for finalizers with --timeout, and the failures.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { assertSame, makeTwins, type Twins } from './twins.ts';

let api: TestApiserver;
let t: Twins;

before(async () => {
  api = await startApiserver();
  t = await makeTwins(api, 'delete');
});
after(async () => {
  await api.stop();
  api.cleanup();
});

async function seed(...names: string[]): Promise<void> {
  for (const ns of [t.kns, t.sns]) {
    for (const name of names) {
      const labels = name.startsWith('l-') ? { sel: 'yes' } : {};
      const res = await api.request('POST', `/api/v1/namespaces/${ns}/configmaps`, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels } } });
      assert.equal(res.status, 201, res.text);
    }
  }
}

describe('skiffctl delete', () => {
  it('by names, TYPE/NAME, -l, --all, -f; dry runs and -o name', async () => {
    await seed('a', 'b', 'c', 'd', 'l-1', 'l-2', 'f', 'x', 'y');
    const manifest = t.file('f.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: f\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: gone\n');
    for (const args of [
      ['delete', 'configmap', 'a', 'b'],
      ['delete', 'cm/c', '--dry-run=server'],
      ['delete', 'cm/c', '--dry-run=client', '-o', 'name'],
      ['delete', 'cm', 'c', '-o', 'name'],
      ['delete', 'cm', '-l', 'sel=yes'],
      ['delete', 'cm', '-l', 'sel=yes'],
      ['delete', '-f', manifest],
      ['delete', 'cm', 'missing', 'd'],
      ['delete', 'cm', 'missing', '--ignore-not-found'],
      ['delete', 'cm', 'x', '--now'],
      ['delete', 'cm', 'y', '--grace-period=0', '--wait=false', '--cascade=orphan'],
      ['delete', 'cm', '--all'],
    ]) {
      const [k, s] = await t.both(args);
      assertSame(k, s, args.join(' '));
    }
  });

  it('waits for finalizers, and gives up at --timeout with kubectl\'s message', async () => {
    for (const ns of [t.kns, t.sns]) {
      const res = await api.request('POST', `/api/v1/namespaces/${ns}/configmaps`, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', finalizers: ['example.com/hold'] } } });
      assert.equal(res.status, 201, res.text);
    }
    const [k, s] = await t.both(['delete', 'cm', 'held', '--timeout=1s']);
    assertSame(k, s, 'delete with a finalizer and --timeout');
    assert.equal(s.stderr, 'error: timed out waiting for the condition on configmaps/held\n');
    assert.equal(s.code, 1);
    // The finalizer is removed while skiffctl waits (once it has said `deleted`): it returns once the object is gone.
    // Released on a timer instead, a slow start of skiffctl let the object go before its DELETE, which then failed.
    let released = false;
    const waited = await t.skiffctl(['delete', 'cm', 'held', '-n', t.sns, '--timeout=30s'], {
      onStdout: (chunk) => {
        if (released || !chunk.includes('configmap "held" deleted')) return;
        released = true;
        void api.request('PATCH', `/api/v1/namespaces/${t.sns}/configmaps/held`, { body: { metadata: { finalizers: null } }, contentType: 'application/merge-patch+json' });
      },
    });
    assert.equal(waited.code, 0, waited.stderr);
    assert.ok(released, `it said the object was deleted before waiting: ${waited.stdout}`);
    assert.equal((await api.request('GET', `/api/v1/namespaces/${t.sns}/configmaps/held`)).status, 404);
  });

  it('fails as kubectl does: no resources, no names, bad flags, unknown types', async () => {
    for (const args of [
      ['delete'],
      ['delete', 'cm'],
      ['delete', 'cm', '--all', '-l', 'a=b'],
      ['delete', 'cm', 'a', '--now', '--grace-period=3'],
      ['delete', 'cm', 'a', '--cascade=sideways'],
      ['delete', 'cm', 'a', '-o', 'yaml'],
      ['delete', 'nosuchthing', 'a'],
    ]) {
      const [k, s] = await t.both(args);
      assertSame(k, s, args.join(' '));
      assert.equal(s.code, 1, args.join(' '));
    }
    // kubectl's line, plus the closest type the server has.
    const [k, s] = await t.both(['delete', 'confgmap', 'a']);
    assert.equal(s.stderr, `${k.stderr.trimEnd()}; did you mean "configmaps"?\n`);
    assert.equal(s.code, 1);
  });
});
