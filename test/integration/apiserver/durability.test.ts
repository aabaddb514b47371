// An acknowledged write survives kill -9 of the apiserver (reliability.md F1), and resourceVersions never go
// backwards across the restart.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, it } from 'node:test';
import Database from 'better-sqlite3';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';

let api: TestApiserver;
before(async () => { api = await startApiserver(); });
after(async () => { await api.stop(); api.cleanup(); });

for (const round of [1, 2, 3]) {
  it(`round ${round}: every acknowledged create is there after kill -9`, async () => {
    const acked: { name: string; rv: number }[] = [];
    let stop = false;
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const name = `r${round}-w${w}-${i}`;
        try {
          const res = await api.request('POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name }, data: { i: String(i) } } });
          if (res.status === 201) acked.push({ name, rv: Number(res.body.metadata.resourceVersion) });
        } catch {
          return; // the connection died with the process
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    // Killed once enough writes are in (a busy machine acknowledges fewer a second), at a random moment after.
    const deadline = Date.now() + 30_000;
    while (acked.length < 30 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, Math.random() * 500));
    await api.kill9();
    stop = true;
    await Promise.all(writers);
    assert.ok(acked.length > 20, `only ${acked.length} writes acknowledged before the kill`);

    await api.restart();
    const list = await api.request('GET', `/api/v1/namespaces/default/configmaps`);
    const present = new Map<string, number>(list.body.items.map((i: any) => [i.metadata.name, Number(i.metadata.resourceVersion)]));
    const missing = acked.filter((a) => !present.has(a.name));
    assert.deepEqual(missing, [], `${missing.length} of ${acked.length} acknowledged writes lost`);
    for (const a of acked) assert.equal(present.get(a.name), a.rv);

    const maxAcked = Math.max(...acked.map((a) => a.rv));
    const next = await api.request('POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: `after-${round}` } } });
    assert.ok(Number(next.body.metadata.resourceVersion) > maxAcked, 'revisions continue upwards');

    // The apiserver holds the database exclusively: check its integrity between a stop and the next start.
    await api.stop();
    const db = new Database(path.join(api.dataDir, 'skiff.db'), { readonly: true });
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    } finally {
      db.close();
    }
    await api.restart();
  });
}
