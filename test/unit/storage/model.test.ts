// Model-based test: random sequences of writes, CAS writes, reads, lists and restarts run against the SQLite store
// and against a few lines of obviously-correct in-memory code; every result, error and revision must agree, and the
// history a watcher replays at the end must be exactly the model's event log.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { StoredObject } from '../../../apiserver/api/types.ts';
import {
  ConflictError, KeyExistsError, NotFoundError,
} from '../../../apiserver/storage/errors.ts';
import type { SqliteStore } from '../../../apiserver/storage/sqlite-store.ts';
import type { StoreEvent, StoreEventType } from '../../../apiserver/storage/store.ts';
import { EventLog, openTestStore, pod, rvOf, tempDir, waitFor } from './store-fixtures.ts';

const PREFIX = '/registry/core/configmaps/ns/';
const KEYS = [`${PREFIX}a`, `${PREFIX}b`, `${PREFIX}c`, '/registry/core/configmaps/ns-2/a'];

type Command =
  | { op: 'create'; key: string; value: number }
  | { op: 'update'; key: string; value: number; casOffset: number | null }
  | { op: 'delete'; key: string; casOffset: number | null }
  | { op: 'get'; key: string }
  | { op: 'list'; limit: number }
  | { op: 'reopen' };

const key = fc.constantFrom(...KEYS);
const casOffset = fc.option(fc.constantFrom(0, 0, 0, -1, 1, 7), { nil: null }); // mostly right, sometimes stale
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('create' as const), key, value: fc.integer() }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('update' as const), key, value: fc.integer(), casOffset }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), key, casOffset }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('get' as const), key }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('list' as const), limit: fc.integer({ min: 0, max: 4 }) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'reopen' as const }) },
);

type Outcome =
  | { ok: true; rv?: number; value?: number; values?: (number | undefined)[] }
  | { ok: false; error: string; currentRv?: number };

/** The specification: a map, a counter and an event list. */
class Model {
  readonly state = new Map<string, { rv: number; value: number }>();
  readonly events: { type: StoreEventType; key: string; rv: number; value: number }[] = [];
  rv = 0;

  apply(c: Command): Outcome {
    switch (c.op) {
      case 'create': {
        if (this.state.has(c.key)) return { ok: false, error: 'KeyExistsError' };
        return this.write('ADDED', c.key, c.value);
      }
      case 'update':
      case 'delete': {
        const cur = this.state.get(c.key);
        if (!cur) return { ok: false, error: 'NotFoundError' };
        if (c.casOffset !== null && c.casOffset !== 0) return { ok: false, error: 'ConflictError', currentRv: cur.rv };
        if (c.op === 'update') return this.write('MODIFIED', c.key, c.value);
        const out = this.write('DELETED', c.key, cur.value);
        this.state.delete(c.key);
        return out;
      }
      case 'get': {
        const cur = this.state.get(c.key);
        return cur ? { ok: true, rv: cur.rv, value: cur.value } : { ok: true };
      }
      case 'list': {
        const values = [...this.state.keys()].filter((k) => k.startsWith(PREFIX)).sort().map((k) => this.state.get(k)?.value);
        return { ok: true, values: c.limit > 0 ? values.slice(0, c.limit) : values };
      }
      case 'reopen':
        return { ok: true };
    }
  }

  private write(type: StoreEventType, k: string, value: number): Outcome {
    this.rv++;
    this.state.set(k, { rv: this.rv, value });
    this.events.push({ type, key: k, rv: this.rv, value });
    return { ok: true, rv: this.rv, value };
  }
}

const valueOf = (o: StoredObject): number => (o.data as { v: number }).v;

/** The expectedRv a CAS command sends: the key's current revision plus the command's offset (0 = up to date). */
function expectedRvFor(model: Model, c: Command): number | undefined {
  if ((c.op !== 'update' && c.op !== 'delete') || c.casOffset === null) return undefined;
  return (model.state.get(c.key)?.rv ?? 3) + c.casOffset;
}

async function run(store: SqliteStore, c: Command, expectedRv: number | undefined): Promise<Outcome> {
  try {
    switch (c.op) {
      case 'create': {
        const o = await store.create(c.key, pod('x', { data: { v: c.value } }));
        return { ok: true, rv: rvOf(o), value: valueOf(o) };
      }
      case 'update': {
        const o = await store.update(c.key, pod('x', { data: { v: c.value } }), expectedRv);
        return { ok: true, rv: rvOf(o), value: valueOf(o) };
      }
      case 'delete': {
        const o = await store.delete(c.key, expectedRv);
        return { ok: true, rv: rvOf(o), value: valueOf(o) };
      }
      case 'get': {
        const o = await store.get(c.key);
        return o ? { ok: true, rv: rvOf(o), value: valueOf(o) } : { ok: true };
      }
      case 'list': {
        const page = await store.list(PREFIX, { limit: c.limit });
        return { ok: true, values: page.items.map(valueOf) };
      }
      case 'reopen':
        return { ok: true };
    }
  } catch (err) {
    if (err instanceof ConflictError) return { ok: false, error: 'ConflictError', currentRv: err.currentRv };
    if (err instanceof KeyExistsError) return { ok: false, error: 'KeyExistsError' };
    if (err instanceof NotFoundError) return { ok: false, error: 'NotFoundError' };
    throw err;
  }
}

describe('SqliteStore against an in-memory model', () => {
  it('agrees on every result, error, revision and replayed event', async () => {
    await fc.assert(fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 60 }), async (commands) => {
      const tmp = tempDir();
      let store = await openTestStore(tmp.dbPath);
      try {
        const model = new Model();
        for (const c of commands) {
          if (c.op === 'reopen') {
            await store.close();
            store = await openTestStore(tmp.dbPath);
          }
          const expectedRv = expectedRvFor(model, c);
          const expected = model.apply(c);
          const actual = await run(store, c, expectedRv);
          assert.deepEqual(actual, expected, `command ${JSON.stringify(c)}`);
          assert.equal(store.currentRevision(), model.rv);
        }

        // The whole history, replayed from the log (everything but revision 1, since 0 means "from now").
        if (model.rv > 1) {
          const log = new EventLog();
          store.watch('/registry/', 1, log.onEvent, log.onError);
          await waitFor(() => log.events.length === model.rv - 1, 'replayed history', 2000);
          const seen = log.events.map((e: StoreEvent) => ({ type: e.type, key: e.key, rv: e.rv, value: valueOf(e.object) }));
          assert.deepEqual(seen, model.events.slice(1));
        }
      } finally {
        await store.close();
        tmp.remove();
      }
    }), { numRuns: 150 });
  });
});
