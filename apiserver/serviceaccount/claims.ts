// What a ServiceAccount token says (kube's pkg/serviceaccount/claims.go): the registered JWT claims plus a
// `kubernetes.io` claim naming the account and, for a bound token, the pod, secret or node whose life it shares.
// Building, reading and checking claims is pure; looking the named objects up is the authenticator's job.
import type { UserInfo } from '../server/user.ts';

export interface ObjectRef {
  name: string;
  uid: string;
}

export interface KubernetesClaim {
  namespace: string;
  serviceaccount: ObjectRef;
  pod?: ObjectRef;
  secret?: ObjectRef;
  node?: ObjectRef;
  warnafter?: number;
}

export interface ServiceAccountClaims {
  aud: string[];
  exp: number;
  iat: number;
  iss: string;
  jti: string;
  'kubernetes.io': KubernetesClaim;
  nbf: number;
  sub: string;
}

export const serviceAccountUsernamePrefix = 'system:serviceaccount:';
export const allServiceAccountsGroup = 'system:serviceaccounts';
/** The user-info extra keys kube sets for bound tokens (kubectl auth whoami shows them). */
export const extraKeys = {
  podName: 'authentication.kubernetes.io/pod-name',
  podUID: 'authentication.kubernetes.io/pod-uid',
  nodeName: 'authentication.kubernetes.io/node-name',
  nodeUID: 'authentication.kubernetes.io/node-uid',
  credentialID: 'authentication.kubernetes.io/credential-id',
} as const;

/** go-jose's default leeway: clocks may disagree this much on exp, nbf and iat. */
export const leewaySeconds = 60;

export function serviceAccountUsername(namespace: string, name: string): string {
  return `${serviceAccountUsernamePrefix}${namespace}:${name}`;
}

/**
 * `system:serviceaccount:ns:name` -> its namespace and name; anything else (another user, or a malformed one with
 * an empty or extra part) is not a ServiceAccount's name.
 */
export function parseServiceAccountUsername(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(serviceAccountUsernamePrefix)) return undefined;
  const parts = username.slice(serviceAccountUsernamePrefix.length).split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return { namespace: parts[0], name: parts[1] };
}

export interface ClaimsInput {
  issuer: string;
  audiences: string[];
  nowMs: number;
  expirationSeconds: number;
  serviceAccount: { namespace: string; name: string; uid: string };
  /** Bound to a pod (optionally with the node it runs on), a secret, or a node: at most one of pod/secret. */
  pod?: ObjectRef;
  secret?: ObjectRef;
  node?: ObjectRef;
  /** Seconds after which using the token is reported as stale (kube's warnafter); 0 or absent for none. */
  warnAfterSeconds?: number;
  jti: string;
}

export function buildClaims(i: ClaimsInput): ServiceAccountClaims {
  const now = Math.floor(i.nowMs / 1000);
  const k8s: KubernetesClaim = {
    namespace: i.serviceAccount.namespace,
    serviceaccount: { name: i.serviceAccount.name, uid: i.serviceAccount.uid },
  };
  if (i.secret && (i.pod || i.node)) throw new Error('a token is bound to one object: a pod (with its node), a secret, or a node');
  if (i.pod) k8s.pod = i.pod;
  if (i.secret) k8s.secret = i.secret;
  if (i.node) k8s.node = i.node;
  if (i.warnAfterSeconds) k8s.warnafter = now + i.warnAfterSeconds;
  // Keys in the order Go's JSON encoding of the merged claims produces (sorted), so tokens read like kube's.
  return {
    aud: i.audiences,
    exp: now + i.expirationSeconds,
    iat: now,
    iss: i.issuer,
    jti: i.jti,
    'kubernetes.io': k8s,
    nbf: now,
    sub: serviceAccountUsername(i.serviceAccount.namespace, i.serviceAccount.name),
  };
}

/** The claims of a verified payload, or why they are not those of a ServiceAccount token. */
export function readClaims(payload: Record<string, unknown>): ServiceAccountClaims | string {
  const k8s = payload['kubernetes.io'];
  if (k8s === null || typeof k8s !== 'object') return 'token has no kubernetes.io claim';
  const k = k8s as Record<string, unknown>;
  const sa = readRef(k.serviceaccount);
  if (typeof k.namespace !== 'string' || k.namespace === '' || !sa || sa.name === '') {
    return 'token does not name a namespace and service account';
  }
  // RFC 7519 allows a single audience as a string.
  const aud = typeof payload.aud === 'string' ? [payload.aud]
    : Array.isArray(payload.aud) && payload.aud.every((a) => typeof a === 'string') ? payload.aud as string[] : undefined;
  if (!aud) return 'token has no audience';
  if (typeof payload.exp !== 'number') return 'token has no expiry';
  if (payload.sub !== serviceAccountUsername(k.namespace, sa.name)) return 'token subject does not match its service account';
  const claims: ServiceAccountClaims = {
    aud,
    exp: payload.exp,
    iat: typeof payload.iat === 'number' ? payload.iat : 0,
    iss: typeof payload.iss === 'string' ? payload.iss : '',
    jti: typeof payload.jti === 'string' ? payload.jti : '',
    'kubernetes.io': { namespace: k.namespace, serviceaccount: sa },
    nbf: typeof payload.nbf === 'number' ? payload.nbf : 0,
    sub: payload.sub,
  };
  for (const bound of ['pod', 'secret', 'node'] as const) {
    if (k[bound] === undefined) continue;
    const ref = readRef(k[bound]);
    if (!ref) return `token has a malformed ${bound} claim`;
    claims['kubernetes.io'][bound] = ref;
  }
  return claims;
}

function readRef(value: unknown): ObjectRef | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const r = value as Record<string, unknown>;
  if (typeof r.name !== 'string' || (r.uid !== undefined && typeof r.uid !== 'string')) return undefined;
  return { name: r.name, uid: typeof r.uid === 'string' ? r.uid : '' };
}

/** kube's checks of the registered time claims, with go-jose's leeway; undefined when the token is current. */
export function checkTimes(claims: ServiceAccountClaims, nowMs: number): string | undefined {
  const now = nowMs / 1000;
  if (now - leewaySeconds > claims.exp) return 'service account token has expired';
  if (claims.nbf && now + leewaySeconds < claims.nbf) return 'service account token is not valid yet';
  if (claims.iat && now + leewaySeconds < claims.iat) return 'service account token is issued in the future';
  return undefined;
}

/** Whether the token is for someone listening at one of `accepted` (kube: the audiences must intersect). */
export function audienceAccepted(claims: ServiceAccountClaims, accepted: readonly string[]): boolean {
  return claims.aud.some((a) => accepted.includes(a));
}

/**
 * The user a valid token authenticates as (kube's ServiceAccountInfo.UserInfo): the account's name and uid, its
 * groups, and for a pod-bound token the pod and node in extra. system:authenticated is added by the caller.
 */
export function userForClaims(claims: ServiceAccountClaims): UserInfo {
  const k = claims['kubernetes.io'];
  const extra: Record<string, string[]> = {};
  if (k.pod?.name && k.pod.uid) {
    extra[extraKeys.podName] = [k.pod.name];
    extra[extraKeys.podUID] = [k.pod.uid];
  }
  if (claims.jti) extra[extraKeys.credentialID] = [`JTI=${claims.jti}`];
  if (k.node?.name) {
    extra[extraKeys.nodeName] = [k.node.name];
    if (k.node.uid) extra[extraKeys.nodeUID] = [k.node.uid];
  }
  const user: UserInfo = {
    name: serviceAccountUsername(k.namespace, k.serviceaccount.name),
    uid: k.serviceaccount.uid,
    groups: [allServiceAccountsGroup, `${allServiceAccountsGroup}:${k.namespace}`],
  };
  if (Object.keys(extra).length > 0) user.extra = extra;
  return user;
}
