import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { pino } from 'pino';
import { resourceFor } from '../../../apiserver/api/resources.ts';
import { RestClient } from '../../../apiserver/client/rest.ts';
import { ApiStatusError } from '../../../apiserver/client/status-error.ts';
import { LineSplitter, parseWatchLine } from '../../../apiserver/client/watch-lines.ts';
import { ReconnectingWatcher, WatchExpiredError, watch, type WatchEventOf } from '../../../apiserver/client/watch.ts';
import type { ApiObject } from '../../../apiserver/client/object.ts';
import { FakeApiServer } from './fake-apiserver.ts';

const configmaps = resourceFor('', 'v1', 'configmaps')!;
const quiet = pino({ level: 'silent' });
const fastBackoff = { initialMs: 5, maxMs: 20, jitter: 0 };

function cm(name: string, data: Record<string, string> = {}): { metadata: { name: string; namespace: string }; data: Record<string, string> } {
  return { metadata: { name, namespace: 'default' }, data };
}

/** Pulls events until `count` arrived (or throws what the iterator throws). */
async function take<T>(it: AsyncIterator<T>, count: number): Promise<T[]> {
  const out: T[] = [];
  while (out.length < count) {
    const r = await it.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

async function waitFor(cond: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('watch line parsing', () => {
  test('any split of the byte stream yields the same lines (multi-byte characters included)', () => {
    const events = [
      { type: 'ADDED', object: { metadata: { name: 'a', resourceVersion: '1' }, data: { msg: 'grüße, 世界, 🚀' } } },
      { type: 'MODIFIED', object: { metadata: { name: 'b', resourceVersion: '2' } } },
      { type: 'DELETED', object: { metadata: { name: 'a', resourceVersion: '3' }, data: { x: 'ü'.repeat(50) } } },
    ];
    const bytes = Buffer.from(`${events.map((e) => JSON.stringify(e)).join('\r\n')}\n\n`, 'utf8');
    fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 40 }), (cuts) => {
      const points = [0, ...cuts.sort((a, b) => a - b), bytes.length];
      const splitter = new LineSplitter();
      const lines: string[] = [];
      for (let i = 0; i + 1 < points.length; i++) lines.push(...splitter.push(bytes.subarray(points[i], points[i + 1])));
      lines.push(...splitter.end());
      const parsed = lines.map(parseWatchLine).filter((e) => e !== undefined);
      assert.deepEqual(parsed, events);
    }), { numRuns: 300 });
  });

  test('a last line without a newline is delivered at the end; junk is reported, blank lines ignored', () => {
    const s = new LineSplitter();
    assert.deepEqual(s.push('{"type":"ADDED","object":{}}\n{"type":"BOOK'), ['{"type":"ADDED","object":{}}']);
    assert.deepEqual(s.push('MARK","object":{}}'), []);
    assert.deepEqual(s.end(), ['{"type":"BOOKMARK","object":{}}']);
    assert.equal(parseWatchLine('   '), undefined);
    assert.deepEqual(parseWatchLine('{oops'), { error: 'not JSON' });
    assert.deepEqual(parseWatchLine('{"type":"EXPLODED","object":{}}'), { error: 'unknown event type "EXPLODED"' });
    assert.deepEqual(parseWatchLine('{"type":"ADDED"}'), { error: 'event without an object' });
  });
});

describe('watch() on one connection', () => {
  let server: http.Server;
  let client: RestClient;
  let lastUrl = '';
  before(async () => {
    server = http.createServer((req, res) => {
      lastUrl = req.url ?? '';
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const body = Buffer.from([
        JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'ä', resourceVersion: '11' } } }),
        'this line is not JSON',
        '',
        JSON.stringify({ type: 'MODIFIED', object: { metadata: { name: 'ä', resourceVersion: '12' }, data: { k: '€' } } }),
        JSON.stringify({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '15' } } }),
      ].join('\n') + '\n', 'utf8');
      // Dribble the response out in 7-byte chunks, splitting lines and UTF-8 sequences.
      let offset = 0;
      const timer = setInterval(() => {
        if (offset >= body.length) {
          clearInterval(timer);
          res.end();
          return;
        }
        res.write(body.subarray(offset, offset + 7));
        offset += 7;
      }, 1);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new RestClient({ server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, logger: quiet });
  });
  after(async () => {
    client.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('parses events from chunks that split lines and characters, dropping bad lines', async () => {
    const events: WatchEventOf<ApiObject>[] = [];
    for await (const ev of watch(client, configmaps, {
      namespace: 'default', resourceVersion: '10', allowWatchBookmarks: true, labelSelector: 'app=x',
      fieldSelector: 'metadata.name=ä', timeoutSeconds: 30, logger: quiet,
    })) events.push(ev);
    assert.deepEqual(events.map((e) => [e.type, e.object.metadata?.resourceVersion]), [
      ['ADDED', '11'], ['MODIFIED', '12'], ['BOOKMARK', '15'],
    ]);
    const first = events[0];
    assert.ok(first.type !== 'ERROR');
    assert.equal(first.object.metadata?.name, 'ä');
    const q = new URL(lastUrl, 'http://x').searchParams;
    assert.equal(new URL(lastUrl, 'http://x').pathname, '/api/v1/namespaces/default/configmaps');
    assert.deepEqual(
      ['watch', 'resourceVersion', 'allowWatchBookmarks', 'labelSelector', 'fieldSelector', 'timeoutSeconds'].map((k) => q.get(k)),
      ['true', '10', 'true', 'app=x', 'metadata.name=ä', '30'],
    );
  });

  test('aborting the signal ends the iteration quietly', async () => {
    const ac = new AbortController();
    const seen: string[] = [];
    for await (const ev of watch(client, configmaps, { namespace: 'default', signal: ac.signal, logger: quiet })) {
      seen.push(ev.type);
      ac.abort();
    }
    assert.deepEqual(seen, ['ADDED']);
  });
});

describe('ReconnectingWatcher', () => {
  const fake = new FakeApiServer();
  let client: RestClient;
  before(async () => {
    client = new RestClient({ server: await fake.start(), logger: quiet });
  });
  after(async () => {
    client.close();
    await fake.close();
  });
  beforeEach(() => {
    fake.intercept = undefined;
    fake.expiredMode = 'http';
  });

  test('resumes from the last resourceVersion it saw, bookmarks included, after the stream ends', async () => {
    const start = fake.resourceVersion;
    const ac = new AbortController();
    const watcher = new ReconnectingWatcher(client, configmaps, {
      namespace: 'default', resourceVersion: String(start), allowWatchBookmarks: true, signal: ac.signal,
      backoff: fastBackoff, logger: quiet,
    });
    const it = watcher[Symbol.asyncIterator]();
    const before = fake.watchRequests().length;
    const first = take(it, 2);
    await waitFor(() => fake.openWatches === 1, 'the watch to connect');
    fake.put('', 'configmaps', cm('a'));
    fake.put('', 'configmaps', cm('b'));
    const got = await first;
    assert.deepEqual(got.map((e) => [e.type, e.object.metadata?.name]), [['ADDED', 'a'], ['ADDED', 'b']]);
    const afterB = String(fake.resourceVersion);
    assert.equal(watcher.resourceVersion, afterB);

    // The server ends the stream; changes made while no watch is open must still arrive, once.
    fake.closeWatches();
    fake.put('', 'configmaps', cm('a', { v: '2' }));
    const resumed = await take(it, 1);
    assert.deepEqual(resumed.map((e) => [e.type, e.object.metadata?.name]), [['MODIFIED', 'a']]);
    const watches = fake.watchRequests().slice(before);
    assert.equal(watches.length, 2);
    assert.equal(watches[1].query.get('resourceVersion'), afterB, 'the second watch resumes after the last event');

    // A bookmark moves the resume point without any object changing here.
    fake.advance(5);
    const bookmark = take(it, 1);
    await waitFor(() => fake.openWatches === 1, 'the watch to reconnect');
    fake.bookmark();
    assert.equal((await bookmark)[0].type, 'BOOKMARK');
    assert.equal(watcher.resourceVersion, String(fake.resourceVersion));
    fake.closeWatches();
    const next = take(it, 1);
    await waitFor(() => fake.watchRequests().length - before === 3, 'the third watch');
    assert.equal(fake.watchRequests().at(-1)!.query.get('resourceVersion'), String(fake.resourceVersion));
    fake.put('', 'configmaps', cm('c'));
    assert.equal((await next)[0].object.metadata?.name, 'c');
    ac.abort();
    assert.equal((await it.next()).done, true);
  });

  test('connection failures and 5xx are retried with back-off', async () => {
    let refused = 0;
    fake.intercept = (req) => {
      if (req.query.get('watch') !== 'true' || refused >= 3) return 'pass';
      refused++;
      return { status: 503, body: { kind: 'Status', code: 503, reason: 'ServiceUnavailable', message: 'starting' } };
    };
    const ac = new AbortController();
    const watcher = new ReconnectingWatcher(client, configmaps, {
      namespace: 'default', resourceVersion: String(fake.resourceVersion), signal: ac.signal, backoff: fastBackoff, logger: quiet,
    });
    const it = watcher[Symbol.asyncIterator]();
    const pending = take(it, 1);
    await waitFor(() => fake.openWatches === 1, 'the watch to get through');
    fake.put('', 'configmaps', cm('after-outage'));
    assert.equal((await pending)[0].object.metadata?.name, 'after-outage');
    assert.equal(refused, 3);
    assert.equal(watcher.connections, 4);
    ac.abort();
    await it.next();
  });

  test('410 at connect surfaces as WatchExpiredError', async () => {
    const old = fake.resourceVersion;
    fake.put('', 'configmaps', cm('x'));
    fake.compact();
    const watcher = new ReconnectingWatcher(client, configmaps, {
      namespace: 'default', resourceVersion: String(old), backoff: fastBackoff, logger: quiet,
    });
    await assert.rejects(take(watcher[Symbol.asyncIterator](), 1), (e: unknown) => {
      assert.ok(e instanceof WatchExpiredError);
      assert.equal(e.code, 410);
      assert.equal(e.reason, 'Expired');
      return true;
    });
  });

  test('an ERROR event carrying a 410 Status surfaces as WatchExpiredError too', async () => {
    fake.expiredMode = 'event';
    const old = fake.resourceVersion;
    fake.put('', 'configmaps', cm('y'));
    fake.compact();
    const watcher = new ReconnectingWatcher(client, configmaps, {
      namespace: 'default', resourceVersion: String(old), backoff: fastBackoff, logger: quiet,
    });
    await assert.rejects(take(watcher[Symbol.asyncIterator](), 1), WatchExpiredError);
  });

  test('answers retrying cannot fix (403) are thrown, not retried', async () => {
    fake.intercept = () => ({ status: 403, body: { kind: 'Status', code: 403, reason: 'Forbidden', message: 'no watching for you' } });
    const watcher = new ReconnectingWatcher(client, configmaps, {
      namespace: 'default', resourceVersion: '1', backoff: fastBackoff, logger: quiet,
    });
    await assert.rejects(take(watcher[Symbol.asyncIterator](), 1), (e: unknown) =>
      e instanceof ApiStatusError && !(e instanceof WatchExpiredError) && e.code === 403);
    assert.equal(watcher.connections, 1);
  });
});
