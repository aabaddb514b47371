import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { resourceFor } from '../../../apiserver/api/resources.ts';
import { LeaderElector, validateLeaderElectionTimings } from '../../../apiserver/client/leader-election.ts';
import { RestClient } from '../../../apiserver/client/rest.ts';
import { NotLeaderError, isConflict } from '../../../apiserver/client/status-error.ts';
import { FakeApiServer } from './fake-apiserver.ts';

const quiet = pino({ level: 'silent' });
const configmaps = resourceFor('', 'v1', 'configmaps')!;
// Short but valid: 1 s > 0.5 s > 1.2 * 0.1 s.
const timings = { leaseDurationSeconds: 1, renewDeadlineSeconds: 0.5, retryPeriodSeconds: 0.1 };

async function waitFor(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface Candidate {
  id: string;
  elector: LeaderElector;
  client: RestClient;
  started?: number;
  stopped?: number;
  leaderSignal?: AbortSignal;
  leadersSeen: string[];
  run: Promise<void>;
  stop: AbortController;
}

describe('LeaderElector', () => {
  let fake: FakeApiServer;
  let server: string;
  let candidates: Candidate[];

  beforeEach(async () => {
    fake = new FakeApiServer();
    server = await fake.start();
    candidates = [];
  });
  afterEach(async () => {
    for (const c of candidates) c.stop.abort();
    await Promise.all(candidates.map((c) => c.run));
    for (const c of candidates) c.client.close();
    await fake.close();
  });

  function candidate(id: string, extra: { releaseOnCancel?: boolean; fenced?: boolean } = {}): Candidate {
    const base = new RestClient({ server, userAgent: `elector-${id}`, logger: quiet });
    const c = { id, client: base, leadersSeen: [] as string[], stop: new AbortController() } as Candidate;
    // A fenced client handed to the elector must not fence the lease writes themselves.
    const client = extra.fenced ? base.withFence(() => c.elector.fenceToken()) : base;
    c.elector = new LeaderElector({
      client, namespace: 'kube-system', name: 'skiff-controller-manager', identity: id, ...timings,
      releaseOnCancel: extra.releaseOnCancel, logger: quiet,
      onStartedLeading: (signal) => {
        c.started = performance.now();
        c.leaderSignal = signal;
        signal.addEventListener('abort', () => { c.stopped = performance.now(); });
      },
      onNewLeader: (leader) => c.leadersSeen.push(leader),
    });
    c.run = c.elector.run(c.stop.signal);
    candidates.push(c);
    return c;
  }

  function lease(): { holderIdentity?: string; leaseTransitions?: number; leaseDurationSeconds?: number } {
    return (fake.get('coordination.k8s.io', 'leases', 'kube-system', 'skiff-controller-manager')?.spec ?? {}) as ReturnType<typeof lease>;
  }

  test('one leader; on renew failure it stops within the deadline; the other takes over after leaseDuration', async () => {
    const a = candidate('a', { fenced: true });
    await waitFor(() => a.started !== undefined, 'a to lead');
    assert.equal(lease().holderIdentity, 'a');
    assert.equal(lease().leaseTransitions, 0);
    assert.equal(lease().leaseDurationSeconds, 1);
    const tokenA = a.elector.fenceToken();
    assert.equal(tokenA, 'kube-system/skiff-controller-manager/a/0');

    const b = candidate('b');
    // Well past leaseDuration: a keeps renewing, so b never sees the lease go quiet.
    await new Promise((r) => setTimeout(r, 1600));
    assert.equal(b.started, undefined, 'b must not lead while a renews');
    assert.equal(b.elector.isLeader(), false);
    assert.equal(b.elector.fenceToken(), undefined);
    assert.equal(b.elector.getLeader(), 'a');
    assert.deepEqual(b.leadersSeen, ['a']);

    // Cut a off from the apiserver.
    fake.intercept = (req) => (req.headers['user-agent'] === 'elector-a'
      ? { status: 503, body: { kind: 'Status', code: 503, reason: 'ServiceUnavailable' } } : 'pass');
    const cut = performance.now();
    await waitFor(() => a.stopped !== undefined, 'a to give up');
    const gaveUpAfter = a.stopped! - cut;
    assert.ok(gaveUpAfter <= 500 + 150, `a kept leading ${gaveUpAfter.toFixed(0)} ms after its last possible renew`);
    assert.equal(a.leaderSignal?.aborted, true);
    assert.equal(a.elector.fenceToken(), undefined);
    assert.equal(a.elector.isLeader(), false);
    await a.run;

    await waitFor(() => b.started !== undefined, 'b to take over');
    const tookOverAfter = b.started! - cut;
    assert.ok(tookOverAfter >= 1000 - 120, `b took over ${tookOverAfter.toFixed(0)} ms after a's last renew, before leaseDuration`);
    assert.ok(tookOverAfter <= 1000 + 2 * 100 * 2.2 + 300, `b took ${tookOverAfter.toFixed(0)} ms`);
    assert.ok(b.started! > a.stopped!, 'never two leaders at once');
    assert.equal(lease().holderIdentity, 'b');
    assert.equal(lease().leaseTransitions, 1);
    const tokenB = b.elector.fenceToken();
    assert.equal(tokenB, 'kube-system/skiff-controller-manager/b/1');
    await waitFor(() => b.leadersSeen.length === 2, 'b to report the new leader');
    assert.deepEqual(b.leadersSeen, ['a', 'b']);

    // a's network heals: its writes carrying the old term are refused by the apiserver...
    fake.intercept = undefined;
    const stale = new RestClient({ server, logger: quiet }).withFence(() => tokenA);
    await assert.rejects(stale.create(configmaps, 'default', { metadata: { name: 'from-a' } }), (e) => isConflict(e));
    stale.close();
    // ...and a's own fenced client does not even send them.
    await assert.rejects(a.client.withFence(() => a.elector.fenceToken()).create(configmaps, 'default', { metadata: { name: 'x' } }),
      NotLeaderError);
    // The current leader's writes go through.
    const current = b.client.withFence(() => b.elector.fenceToken());
    const created = await current.create(configmaps, 'default', { metadata: { name: 'from-b' } });
    assert.equal(created.metadata?.name, 'from-b');

    // Every lease write was a compare-and-swap (PUT with resourceVersion), and none carried a fence.
    const leaseWrites = fake.requests.filter((r) => r.path.includes('/leases') && r.method !== 'GET');
    assert.ok(leaseWrites.length > 10);
    for (const w of leaseWrites) {
      assert.equal(w.headers['x-skiff-fence'], undefined);
      if (w.method === 'PUT') assert.ok(JSON.parse(w.body).metadata.resourceVersion, 'PUT without resourceVersion');
    }
    assert.equal(leaseWrites.filter((w) => w.method === 'POST').length, 1, 'only the first write creates the lease');
  });

  test('a renew that hangs: leadership and the fence token end at the renew deadline, not at the request timeout', async () => {
    const a = candidate('a');
    await waitFor(() => a.started !== undefined, 'a to lead');
    fake.intercept = (req) => (req.headers['user-agent'] === 'elector-a' ? 'hang' : 'pass');
    const cut = performance.now();
    let tokenGoneAt: number | undefined;
    await waitFor(() => {
      if (tokenGoneAt === undefined && a.elector.fenceToken() === undefined) tokenGoneAt = performance.now();
      return a.stopped !== undefined;
    }, 'a to give up');
    assert.ok(tokenGoneAt !== undefined && tokenGoneAt - cut <= 520, `token lived ${(tokenGoneAt ?? NaN) - cut} ms`);
    assert.ok(a.stopped! - cut <= 650, `a led on for ${a.stopped! - cut} ms`);
  });

  test('a leader frozen past its renew deadline (as by SIGSTOP) has no fence token the moment it resumes', async () => {
    const a = candidate('a');
    await waitFor(() => a.started !== undefined, 'a to lead');
    assert.ok(a.elector.fenceToken());
    // Block the whole event loop: no timer, no renew, no deadline callback can run meanwhile.
    const until = performance.now() + 700;
    while (performance.now() < until) { /* frozen */ }
    // First thing after waking up, before any timer fires: a worker asking for the token must get none.
    assert.equal(a.elector.fenceToken(), undefined);
    await waitFor(() => a.stopped !== undefined, 'a to notice it lost the lease');
  });

  test('a leader seeing another holder stops at once', async () => {
    const a = candidate('a');
    await waitFor(() => a.started !== undefined, 'a to lead');
    // Someone else wrote the lease (an operator, or a holder a could not see): a's CAS fails and it re-reads.
    const current = fake.get('coordination.k8s.io', 'leases', 'kube-system', 'skiff-controller-manager')!;
    fake.put('coordination.k8s.io', 'leases', { ...current, spec: { ...(current.spec as object), holderIdentity: 'intruder', leaseTransitions: 7 } });
    const t = performance.now();
    await waitFor(() => a.stopped !== undefined, 'a to stop');
    assert.ok(a.stopped! - t < 300);
    assert.equal(a.elector.fenceToken(), undefined);
  });

  test('releaseOnCancel hands the lease over without waiting out leaseDuration', async () => {
    const a = candidate('a', { releaseOnCancel: true });
    await waitFor(() => a.started !== undefined, 'a to lead');
    const b = candidate('b');
    await new Promise((r) => setTimeout(r, 300));
    const t = performance.now();
    a.stop.abort();
    await a.run;
    assert.equal(lease().holderIdentity, undefined, 'released: no holder');
    await waitFor(() => b.started !== undefined, 'b to lead');
    assert.ok(b.started! - t < 700, `b waited ${b.started! - t} ms for a released lease`);
    assert.equal(lease().leaseTransitions, 1);
  });

  test('stopping before acquiring returns without leading', async () => {
    const a = candidate('a');
    await waitFor(() => a.started !== undefined, 'a to lead');
    const b = candidate('b');
    await new Promise((r) => setTimeout(r, 150));
    b.stop.abort();
    await b.run;
    assert.equal(b.started, undefined);
    await assert.rejects(a.elector.run(), /already running/);
  });

  test('timings are validated as client-go does', () => {
    assert.throws(() => validateLeaderElectionTimings(10, 10, 2), /leaseDuration must be greater than renewDeadline/);
    assert.throws(() => validateLeaderElectionTimings(15, 2.4, 2), /renewDeadline must be greater than retryPeriod\*1.2/);
    assert.throws(() => validateLeaderElectionTimings(15, 10, 0), /greater than zero/);
    validateLeaderElectionTimings(15, 10, 2);
    const client = new RestClient({ server, logger: quiet });
    assert.throws(() => new LeaderElector({ client, namespace: 'ns', name: 'n', identity: '', onStartedLeading: () => {} }), /identity/);
    assert.throws(() => new LeaderElector({
      client, namespace: 'ns', name: 'n', identity: 'x', leaseDurationSeconds: 5, renewDeadlineSeconds: 6, onStartedLeading: () => {},
    }), /leaseDuration must be greater/);
    client.close();
  });
});
