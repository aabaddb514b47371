// The kubelet's token cache: kube's refresh rule (80% of the lifetime or 24 h) and keeping an old token through
// a failed renewal until it expires.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TokenRequest } from '../../../../apiserver/api/types.ts';
import { TokenManager, requiresRefresh } from '../../../../kubelet/volumes/token-manager.ts';

const t0 = Date.parse('2025-03-01T12:00:00Z');
const issued = (atMs: number, seconds: number, token = 'tok'): TokenRequest => ({
  spec: { audiences: [], expirationSeconds: seconds },
  status: { token, expirationTimestamp: new Date(atMs + seconds * 1000).toISOString() },
});

describe('requiresRefresh', () => {
  it('renews after 80% of the lifetime', () => {
    const tr = issued(t0, 3600);
    assert.equal(requiresRefresh(tr, t0 + 2879_000), false);
    assert.equal(requiresRefresh(tr, t0 + 2881_000), true);
  });

  it('renews a long-lived token after 24 hours', () => {
    const tr = issued(t0, 365 * 24 * 3600);
    assert.equal(requiresRefresh(tr, t0 + 23 * 3600_000), false);
    assert.equal(requiresRefresh(tr, t0 + 24 * 3600_000 + 1), true);
  });

  it('jitter brings the renewal forward', () => {
    assert.equal(requiresRefresh(issued(t0, 3600), t0 + 2875_000, 10_000), true);
  });
});

describe('TokenManager', () => {
  const pod = { apiVersion: 'v1', kind: 'Pod', name: 'web', uid: 'u1' };
  const want: TokenRequest = { spec: { audiences: [], expirationSeconds: 3600, boundObjectRef: pod } };

  it('asks once, reuses the token, and renews it when due', async () => {
    let now = t0;
    const asked: TokenRequest[] = [];
    const tm = new TokenManager({
      clock: () => now, jitter: () => 0,
      request: async (_ns, _sa, tr) => { asked.push(tr); return issued(now, 3600, `tok-${asked.length}`); },
    });
    assert.equal(await tm.getToken('team', 'default', want), 'tok-1');
    now += 2000_000;
    assert.equal(await tm.getToken('team', 'default', want), 'tok-1');
    now += 900_000;
    assert.equal(await tm.getToken('team', 'default', want), 'tok-2');
    assert.equal(asked.length, 2);
    assert.deepEqual(asked[0].spec.boundObjectRef, pod);
  });

  it('a failed renewal keeps the old token until it expires, then fails', async () => {
    let now = t0;
    let fail = false;
    const tm = new TokenManager({
      clock: () => now, jitter: () => 0,
      request: async () => { if (fail) throw new Error('apiserver down'); return issued(now, 3600); },
    });
    await tm.getToken('team', 'default', want);
    fail = true;
    now += 3000_000;
    assert.equal(await tm.getToken('team', 'default', want), 'tok');
    now += 700_000;
    await assert.rejects(tm.getToken('team', 'default', want), /apiserver down/);
  });

  it('different audiences or pods are different tokens; a removed pod\'s tokens are dropped', async () => {
    let n = 0;
    const tm = new TokenManager({ clock: () => t0, jitter: () => 0, request: async () => issued(t0, 3600, `tok-${++n}`) });
    await tm.getToken('team', 'default', want);
    await tm.getToken('team', 'default', { spec: { ...want.spec, audiences: ['vault'] } });
    await tm.getToken('team', 'default', { spec: { ...want.spec, boundObjectRef: { ...pod, uid: 'u2' } } });
    assert.equal(tm.size, 3);
    tm.deletePodTokens('u1');
    assert.equal(tm.size, 1);
  });
});
