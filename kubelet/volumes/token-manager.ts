// The kubelet's ServiceAccount token cache (kube's pkg/kubelet/token): projected volumes get their tokens through
// the TokenRequest API, bound to the pod, and every volume sync asks again. A cached token is reused until 80% of
// its lifetime (or 24 h) has passed, then renewed; if renewal fails, the old token serves until it expires.
import type { TokenRequest } from '../../apiserver/api/types.ts';

export type TokenRequester = (namespace: string, serviceAccount: string, request: TokenRequest) => Promise<TokenRequest>;

/** kube: renew at most this long after issue, however long the token lives. */
const maxTTLMs = 24 * 60 * 60 * 1000;
/** Spread renewals of tokens issued together by up to this much. */
const maxJitterMs = 10_000;

/**
 * kube's requiresRefresh: the token was issued at exp - expirationSeconds; renew once 24 h have passed since then,
 * or once within 20% of its lifetime of expiring, each brought forward by `jitterMs`.
 */
export function requiresRefresh(tr: TokenRequest, nowMs: number, jitterMs = 0): boolean {
  const seconds = tr.spec.expirationSeconds;
  const exp = Date.parse(tr.status?.expirationTimestamp ?? '');
  if (seconds === undefined || Number.isNaN(exp)) return true;
  const issuedAt = exp - seconds * 1000;
  if (nowMs > issuedAt + maxTTLMs - jitterMs) return true;
  return nowMs > exp - seconds * 1000 * 0.2 - jitterMs;
}

function expired(tr: TokenRequest, nowMs: number): boolean {
  return nowMs >= Date.parse(tr.status?.expirationTimestamp ?? '');
}

export class TokenManager {
  private readonly request: TokenRequester;
  private readonly clock: () => number;
  private readonly jitter: () => number;
  private readonly cache = new Map<string, { tr: TokenRequest; podUid: string }>();

  constructor(o: { request: TokenRequester; clock?: () => number; jitter?: () => number }) {
    this.request = o.request;
    this.clock = o.clock ?? Date.now;
    this.jitter = o.jitter ?? (() => Math.random() * maxJitterMs);
  }

  /** A current token for the account, as asked for in `tr` (audiences, lifetime, bound object). */
  async getToken(namespace: string, serviceAccount: string, tr: TokenRequest): Promise<string> {
    const key = JSON.stringify([namespace, serviceAccount, tr.spec.audiences ?? [], tr.spec.expirationSeconds ?? 0,
      tr.spec.boundObjectRef?.kind ?? '', tr.spec.boundObjectRef?.name ?? '', tr.spec.boundObjectRef?.uid ?? '']);
    const now = this.clock();
    const cached = this.cache.get(key);
    if (cached && !requiresRefresh(cached.tr, now, this.jitter())) return cached.tr.status!.token;
    let fresh: TokenRequest;
    try {
      fresh = await this.request(namespace, serviceAccount, tr);
    } catch (err) {
      if (!cached || expired(cached.tr, now)) throw err;
      return cached.tr.status!.token;
    }
    if (!fresh.status?.token) throw new Error('the apiserver answered the token request without a token');
    this.cache.set(key, { tr: fresh, podUid: tr.spec.boundObjectRef?.kind === 'Pod' ? tr.spec.boundObjectRef.uid ?? '' : '' });
    this.dropExpired(now);
    return fresh.status.token;
  }

  /** The pod is gone from this node: its tokens are of no further use. */
  deletePodTokens(podUid: string): void {
    for (const [key, entry] of this.cache) if (entry.podUid === podUid) this.cache.delete(key);
  }

  get size(): number {
    return this.cache.size;
  }

  private dropExpired(now: number): void {
    for (const [key, entry] of this.cache) if (expired(entry.tr, now)) this.cache.delete(key);
  }
}
