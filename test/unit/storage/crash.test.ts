// F1: kill -9 the process that owns the store in the middle of a write load. Every acknowledged write must be there
// afterwards, every write in flight must be whole or absent, revisions must never repeat, and SQLite must find the
// file intact.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openTestStore, rvOf, tempDir } from './store-fixtures.ts';

const WRITER = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

type Line =
  | { t: 'intent'; op: 'create' | 'update' | 'delete'; key: string }
  | { t: 'ack'; op: 'create' | 'update' | 'delete'; key: string; rv: number; counter?: number };

/**
 * Runs the writer and kills it with SIGKILL once it has acknowledged `killAfterAcks` writes plus `extraDelayMs`
 * (the writer keeps writing meanwhile, so the signal lands at an arbitrary point of a write). Counting acks rather
 * than milliseconds keeps the test meaningful on a loaded machine. Returns every complete line the writer wrote.
 */
async function runAndKill(dbPath: string, durability: 'normal' | 'full', killAfterAcks: number, extraDelayMs: number): Promise<Line[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dbPath, durability], {
    cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let acks = 0;
  let killScheduled = false;
  child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); });
  child.stdout.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    out += text;
    acks += text.split('"t":"ack"').length - 1;
    if (!killScheduled && acks >= killAfterAcks) {
      killScheduled = true;
      setTimeout(() => child.kill('SIGKILL'), extraDelayMs);
    }
  });
  const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
  assert.equal(signal, 'SIGKILL', `the writer was killed, not crashed: ${err}`);
  const complete = out.slice(0, out.lastIndexOf('\n') + 1);
  return complete.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
}

describe('kill -9 during writes (F1)', () => {
  const rounds: ('normal' | 'full')[] = ['normal', 'full', 'normal', 'full'];
  for (const [round, durability] of rounds.entries()) {
    it(`round ${round + 1}: loses no acknowledged write (durability ${durability})`, async (t) => {
      const tmp = tempDir();
      try {
        let lines: Line[] = [];
        let previousMaxRv = 0;
        // Two crashes on the same file: the second run starts from a file that was itself recovered from a crash.
        for (let crash = 0; crash < 2; crash++) {
          const killAfterAcks = 30 + Math.floor(Math.random() * 2000);
          const extraDelayMs = Math.floor(Math.random() * 20);
          t.diagnostic(`crash ${crash + 1}: SIGKILL ${extraDelayMs} ms after ack ${killAfterAcks}`);
          const run = await runAndKill(tmp.dbPath, durability, killAfterAcks, extraDelayMs);
          const acks = run.filter((l): l is Extract<Line, { t: 'ack' }> => l.t === 'ack');
          assert.ok(acks.length >= killAfterAcks, `the writer got work done before the kill (${acks.length} acks)`);
          t.diagnostic(`crash ${crash + 1}: ${acks.length} acknowledged writes, last revision ${acks[acks.length - 1].rv}`);
          for (let i = 1; i < acks.length; i++) assert.ok(acks[i].rv > acks[i - 1].rv, 'acknowledged revisions strictly increase');
          assert.ok(acks[0].rv > previousMaxRv, 'revisions continue above everything issued before the crash');
          previousMaxRv = acks[acks.length - 1].rv;
          lines = lines.concat(run);
        }

        const started = performance.now();
        const store = await openTestStore(tmp.dbPath, { durability });
        const openMs = performance.now() - started;
        assert.ok(openMs < 5000, `ready again in ${openMs.toFixed(0)} ms`);
        try {
          assert.ok(store.currentRevision() >= previousMaxRv, 'the revision counter is at or past the last ack');
          const { inFlight, inFlightCommitted } = await checkEveryKey(lines, async (key) => store.get(key));
          t.diagnostic(`${inFlight} writes were in flight at the kills; ${inFlightCommitted} of them had committed`);
        } finally {
          await store.close();
        }

        const db = new Database(tmp.dbPath, { readonly: true });
        assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
        db.close();
      } finally {
        tmp.remove();
      }
    });
  }
});

describe('the crash checker itself', () => {
  const ack = (key: string, rv: number, counter: number): Line => ({ t: 'ack', op: 'update', key, rv, counter });
  const stored = (rv: number, counter: number): Stored => ({
    apiVersion: 'v1', kind: 'ConfigMap', data: { counter: String(counter) },
    metadata: { name: 'x', uid: 'u', resourceVersion: String(rv), creationTimestamp: '' },
  });
  it('flags an acknowledged write that is missing or older', async () => {
    await assert.rejects(checkEveryKey([ack('/k', 5, 1)], async () => undefined));
    await assert.rejects(checkEveryKey([ack('/k', 5, 1)], async () => stored(4, 0)));
    await checkEveryKey([ack('/k', 5, 1)], async () => stored(5, 1));
  });
  it('accepts a whole in-flight write and rejects a partial one', async () => {
    const lines: Line[] = [ack('/k', 5, 1), { t: 'intent', op: 'update', key: '/k' }];
    await checkEveryKey(lines, async () => stored(9, 2));
    await assert.rejects(checkEveryKey(lines, async () => stored(9, 1)));
  });
});

type Stored = Awaited<ReturnType<Awaited<ReturnType<typeof openTestStore>>['get']>>;

/**
 * For each key: after its last acknowledged write, at most one more write may have been in flight (each key belongs
 * to one sequential writer). The store must hold either the acknowledged state or the whole in-flight one.
 */
async function checkEveryKey(lines: Line[], get: (key: string) => Promise<Stored>): Promise<{ inFlight: number; inFlightCommitted: number }> {
  let inFlightCommitted = 0;
  const lastAck = new Map<string, Extract<Line, { t: 'ack' }>>();
  const pending = new Map<string, Extract<Line, { t: 'intent' }>>();
  for (const l of lines) {
    if (l.t === 'intent') pending.set(l.key, l);
    if (l.t === 'ack') {
      lastAck.set(l.key, l);
      pending.delete(l.key);
    }
  }
  for (const key of new Set([...lastAck.keys(), ...pending.keys()])) {
    const ack = lastAck.get(key);
    const inFlight = pending.get(key);
    const obj = await get(key);
    const counter = obj ? Number((obj.data as { counter: string }).counter) : undefined;
    const acked = ack === undefined ? { present: false } : ack.op === 'delete'
      ? { present: false } : { present: true, rv: ack.rv, counter: ack.counter };
    const matchesAck = acked.present
      ? obj !== undefined && rvOf(obj) === acked.rv && counter === acked.counter
      : obj === undefined;
    if (matchesAck) continue;
    assert.ok(inFlight, `${key}: state ${JSON.stringify(obj?.metadata.resourceVersion)} differs from the last ack ${JSON.stringify(ack)} with nothing in flight`);
    const wholeInFlight =
      (inFlight.op === 'create' && obj !== undefined && counter === 0)
      || (inFlight.op === 'update' && obj !== undefined && acked.rv !== undefined && rvOf(obj) > acked.rv && counter === (acked.counter ?? 0) + 1)
      || (inFlight.op === 'delete' && obj === undefined);
    assert.ok(wholeInFlight, `${key}: neither the acknowledged state nor the whole in-flight ${inFlight.op}`);
    inFlightCommitted++;
  }
  return { inFlight: pending.size, inFlightCommitted };
}
