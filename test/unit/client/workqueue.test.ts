import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { pino } from 'pino';
import {
  ItemExponentialRateLimiter, MaxOfRateLimiter, TokenBucketRateLimiter, defaultControllerRateLimiter,
} from '../../../apiserver/client/rate-limiter.ts';
import { runWorkers } from '../../../apiserver/client/run-workers.ts';
import { WorkQueue } from '../../../apiserver/client/workqueue.ts';

const quiet = pino({ level: 'silent' });
const fastLimiter = (): ItemExponentialRateLimiter<string> => new ItemExponentialRateLimiter<string>(1, 8);

async function waitFor(cond: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('WorkQueue', () => {
  test('de-duplicates keys waiting to be processed', async () => {
    const q = new WorkQueue<string>();
    q.add('a');
    q.add('b');
    q.add('a');
    q.add('a');
    assert.equal(q.len(), 2);
    assert.equal(await q.get(), 'a');
    assert.equal(await q.get(), 'b');
    assert.equal(q.tryGet(), undefined);
  });

  test('a key being processed is not handed out again until done, then comes back once', async () => {
    const q = new WorkQueue<string>();
    q.add('a');
    const first = await q.get();
    assert.equal(first, 'a');
    q.add('a');
    q.add('a');
    assert.equal(q.len(), 0, 're-added while processing: dirty, not queued');
    let second: string | undefined;
    void q.get().then((k) => { second = k; });
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(second, undefined, 'a second worker must not get "a" while the first has it');
    q.done('a');
    await waitFor(() => second === 'a', 'a to come back after done');
    q.done('a');
    assert.equal(q.len(), 0);
  });

  test('a waiting get() is woken by add()', async () => {
    const q = new WorkQueue<string>();
    const pending = q.get();
    setTimeout(() => q.add('late'), 5);
    assert.equal(await pending, 'late');
  });

  test('addAfter delays; an earlier deadline for the same key wins', async () => {
    const q = new WorkQueue<string>();
    const t0 = performance.now();
    q.addAfter('k', 200);
    q.addAfter('k', 30);
    q.addAfter('k', 500);
    assert.equal(q.len(), 0);
    assert.equal(await q.get(), 'k');
    const waited = performance.now() - t0;
    assert.ok(waited >= 25 && waited < 190, `waited ${waited} ms`);
    q.done('k');
    await new Promise((r) => setTimeout(r, 250));
    assert.equal(q.len(), 0, 'the later addAfter calls did not add it again');
  });

  test('addRateLimited backs off per key; forget resets it', async () => {
    const q = new WorkQueue<string>({ rateLimiter: new ItemExponentialRateLimiter<string>(20, 10_000) });
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      q.addRateLimited('k');
      assert.equal(await q.get(), 'k');
      const waited = performance.now() - t0;
      const expected = 20 * 2 ** i;
      assert.ok(waited >= expected - 5, `failure ${i + 1}: waited ${waited} ms, expected about ${expected}`);
      q.done('k');
    }
    assert.equal(q.numRequeues('k'), 3);
    q.forget('k');
    assert.equal(q.numRequeues('k'), 0);
  });

  test('shutDown wakes waiting getters with undefined, ignores adds and drops delayed keys', async () => {
    const q = new WorkQueue<string>();
    const waiting = [q.get(), q.get()];
    q.addAfter('delayed', 20);
    q.shutDown();
    assert.deepEqual(await Promise.all(waiting), [undefined, undefined]);
    q.add('x');
    assert.equal(q.len(), 0);
    assert.equal(await q.get(), undefined);
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(q.len(), 0);
    assert.ok(q.isShuttingDown());
  });

  test('shutDownWithDrain waits for keys in flight to be done', async () => {
    const q = new WorkQueue<string>();
    q.add('a');
    const key = (await q.get())!;
    let drained = false;
    const drain = q.shutDownWithDrain().then(() => { drained = true; });
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(drained, false);
    q.done(key);
    await drain;
    assert.equal(drained, true);
  });

  test('property: the queue never hands out a key in processing, never holds duplicates, and loses no work', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), key: fc.constantFrom('a', 'b', 'c', 'd') }),
      fc.record({ kind: fc.constant('get' as const) }),
      fc.record({ kind: fc.constant('done' as const), pick: fc.nat() }),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
      const q = new WorkQueue<string>();
      const processing = new Set<string>();
      // Keys added since they were last handed out: each must be handed out again eventually.
      const owed = new Set<string>();
      for (const o of ops) {
        if (o.kind === 'add') {
          q.add(o.key);
          owed.add(o.key);
        } else if (o.kind === 'get') {
          const k = q.tryGet();
          if (k === undefined) continue;
          assert.ok(!processing.has(k), `handed out ${k} while it was being processed`);
          processing.add(k);
          owed.delete(k);
        } else if (processing.size > 0) {
          const k = [...processing][o.pick % processing.size];
          processing.delete(k);
          q.done(k);
        }
        // Exactly the owed keys that no worker holds are queued, once each: no duplicates, and a key re-added
        // while processing waits for done() instead of being queued beside it.
        assert.equal(q.len(), [...owed].filter((k) => !processing.has(k)).length);
      }
      // Finish everything: every owed key comes out, exactly once.
      for (const k of [...processing]) q.done(k);
      const drained: string[] = [];
      for (let k = q.tryGet(); k !== undefined; k = q.tryGet()) {
        drained.push(k);
        q.done(k);
      }
      assert.deepEqual(drained.slice().sort(), [...owed].sort());
      assert.equal(new Set(drained).size, drained.length);
    }), { numRuns: 500 });
  });

  test('property: with concurrent workers a key is never reconciled twice at once, and its last add is seen', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c'), delay: fc.integer({ min: 0, max: 3 }) }), { minLength: 1, maxLength: 30 }),
      fc.integer({ min: 1, max: 4 }),
      async (adds, workers) => {
        const q = new WorkQueue<string>({ rateLimiter: fastLimiter() });
        const active = new Map<string, number>();
        const version = new Map<string, number>();
        const seenVersion = new Map<string, number>();
        let overlap = false;
        const run = runWorkers(q, workers, async (key) => {
          active.set(key, (active.get(key) ?? 0) + 1);
          if (active.get(key)! > 1) overlap = true;
          const v = version.get(key) ?? 0;
          await new Promise((r) => setTimeout(r, 1));
          seenVersion.set(key, Math.max(seenVersion.get(key) ?? 0, v));
          active.set(key, active.get(key)! - 1);
        }, { logger: quiet });
        for (const { key, delay } of adds) {
          version.set(key, (version.get(key) ?? 0) + 1);
          q.add(key);
          if (delay) await new Promise((r) => setTimeout(r, delay));
        }
        await waitFor(() => [...version].every(([k, v]) => seenVersion.get(k) === v), 'every key to be reconciled at its last version');
        q.shutDown();
        await run;
        assert.equal(overlap, false);
      },
    ), { numRuns: 25 });
  });
});

describe('rate limiters', () => {
  test('per-key exponential back-off: 5 ms doubling, capped at 1000 s, independent per key', () => {
    const rl = new ItemExponentialRateLimiter<string>();
    const delays = Array.from({ length: 6 }, () => rl.when('a'));
    assert.deepEqual(delays, [5, 10, 20, 40, 80, 160]);
    assert.equal(rl.when('b'), 5);
    for (let i = 0; i < 40; i++) rl.when('a');
    assert.equal(rl.when('a'), 1_000_000);
    for (let i = 0; i < 2000; i++) rl.when('c');
    assert.equal(rl.when('c'), 1_000_000, 'no overflow to Infinity/NaN');
    assert.equal(rl.numRequeues('b'), 1);
    rl.forget('a');
    assert.equal(rl.when('a'), 5);
  });

  test('token bucket: a burst of 100 is free, then 10 per second', () => {
    let now = 0;
    const rl = new TokenBucketRateLimiter<string>(10, 100, () => now);
    for (let i = 0; i < 100; i++) assert.equal(rl.when(`k${i}`), 0);
    assert.equal(rl.when('x'), 100);
    assert.equal(rl.when('y'), 200);
    now = 1000; // ten tokens refilled, two were already owed
    assert.equal(rl.when('z'), 0);
    assert.ok(Math.abs(rl.when('w') - 0) < 1e-9);
  });

  test('the default controller limiter is the max of both', () => {
    let now = 0;
    const rl = new MaxOfRateLimiter<string>(new ItemExponentialRateLimiter<string>(5, 1_000_000), new TokenBucketRateLimiter<string>(10, 100, () => now));
    assert.equal(rl.when('a'), 5);
    assert.equal(rl.when('a'), 10);
    assert.equal(rl.numRequeues('a'), 2);
    for (let i = 0; i < 98; i++) rl.when(`other${i}`);
    assert.equal(rl.when('b'), 100, 'bucket exhausted: 100 ms beats b\'s 5 ms');
    rl.forget('a');
    assert.equal(rl.numRequeues('a'), 0);
    assert.equal(defaultControllerRateLimiter<string>().when('fresh'), 5);
  });
});

describe('runWorkers', () => {
  test('success forgets, failure re-queues rate-limited, errors are logged, done is always called', async () => {
    const q = new WorkQueue<string>({ rateLimiter: fastLimiter() });
    const logged: string[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => { logged.push(JSON.parse(line).msg as string); } });
    const attempts = new Map<string, number>();
    const requeuesSeen: number[] = [];
    const run = runWorkers(q, 2, async (key) => {
      const n = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, n);
      if (key === 'flaky') {
        requeuesSeen.push(q.numRequeues(key));
        if (n < 3) throw new Error(`attempt ${n} failed`);
      }
    }, { logger });
    q.add('ok');
    q.add('flaky');
    await waitFor(() => attempts.get('flaky') === 3, 'the flaky key to succeed');
    await waitFor(() => q.numRequeues('flaky') === 0, 'the key to be forgotten');
    assert.deepEqual(requeuesSeen, [0, 1, 2]);
    assert.equal(attempts.get('ok'), 1);
    assert.equal(logged.filter((m) => /retrying/.test(m)).length, 2);
    q.shutDown();
    await run;
  });

  test('maxRetries drops a key that keeps failing; aborting the signal stops the workers', async () => {
    const q = new WorkQueue<string>({ rateLimiter: fastLimiter() });
    let attempts = 0;
    const ac = new AbortController();
    const run = runWorkers(q, 1, async () => {
      attempts++;
      throw new Error('always');
    }, { logger: quiet, maxRetries: 3, signal: ac.signal });
    q.add('bad');
    await waitFor(() => attempts === 4, 'the first try and three retries');
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(attempts, 4, 'dropped after maxRetries');
    assert.equal(q.numRequeues('bad'), 0);
    ac.abort();
    await run;
    assert.ok(q.isShuttingDown());
    await assert.rejects(runWorkers(q, 0, async () => {}), /positive integer/);
  });
});
