// Authenticates bearer tokens that are ServiceAccount JWTs (kube's pkg/serviceaccount jwtTokenAuthenticator plus its
// validator): signed by one of our keys, from one of our issuers, for an audience this apiserver accepts, current,
// and naming a ServiceAccount (and bound pod, secret or node) that still exists with the uid it had when the token
// was issued. Deleting the account or the pod therefore revokes every token issued for it.
import { resourceFor, type ResourceInfo } from '../api/resources.ts';
import type { StoredObject } from '../api/types.ts';
import { objectKey } from '../registry/keys.ts';
import type { Store } from '../storage/store.ts';
import type { UserInfo } from '../server/user.ts';
import { audienceAccepted, checkTimes, leewaySeconds, readClaims, userForClaims, type ObjectRef } from './claims.ts';
import { decodeJwt, verifyJwtSignature, type VerificationKey } from './jwt.ts';

export type BoundKind = 'serviceaccounts' | 'pods' | 'secrets' | 'nodes';

/** Reads the objects a token names; undefined when there is no such object. */
export type ObjectGetter = (kind: BoundKind, namespace: string, name: string) => Promise<StoredObject | undefined>;

const infos: Record<BoundKind, ResourceInfo> = {
  serviceaccounts: resourceFor('', 'v1', 'serviceaccounts')!,
  pods: resourceFor('', 'v1', 'pods')!,
  secrets: resourceFor('', 'v1', 'secrets')!,
  nodes: resourceFor('', 'v1', 'nodes')!,
};

/** The apiserver reads its own store directly (kube uses its informer caches; ours is one SQLite read). */
export function storeGetter(store: Store): ObjectGetter {
  return async (kind, namespace, name) => store.get(objectKey(infos[kind], infos[kind].namespaced ? namespace : '', name));
}

export interface ServiceAccountTokenAuthenticatorOptions {
  /** --service-account-issuer values: tokens from any of them are accepted (the first signs new ones). */
  issuers: string[];
  /** --api-audiences: a token must be meant for at least one of these. */
  audiences: string[];
  keys: VerificationKey[];
  objects: ObjectGetter;
  clock?: () => number;
  /** Why a token of ours was turned down: the client only hears 401, the operator may want the reason. */
  onReject?: (reason: string) => void;
}

/** `user` when the token authenticates; `error` when it is ours but invalid; `notOurs` when it is no concern of ours. */
export type TokenVerdict = { user: UserInfo } | { error: string } | 'notOurs';

export class ServiceAccountTokenAuthenticator {
  private readonly o: ServiceAccountTokenAuthenticatorOptions;
  private readonly clock: () => number;

  constructor(o: ServiceAccountTokenAuthenticatorOptions) {
    this.o = o;
    this.clock = o.clock ?? Date.now;
  }

  async authenticate(token: string): Promise<UserInfo | undefined> {
    const verdict = await this.verify(token);
    if (verdict === 'notOurs') return undefined;
    if ('error' in verdict) {
      this.o.onReject?.(verdict.error);
      return undefined;
    }
    return verdict.user;
  }

  async verify(token: string): Promise<TokenVerdict> {
    const jwt = decodeJwt(token);
    // Not a JWT, or another issuer's: other authenticators may know it (kube's hasCorrectIssuer).
    if (!jwt || typeof jwt.payload.iss !== 'string' || !this.o.issuers.includes(jwt.payload.iss)) return 'notOurs';
    if (!verifyJwtSignature(jwt, this.o.keys)) return { error: 'token signature is invalid' };
    const claims = readClaims(jwt.payload);
    if (typeof claims === 'string') return { error: claims };
    if (!audienceAccepted(claims, this.o.audiences)) {
      return { error: `token audiences ${JSON.stringify(claims.aud)} is invalid for the target audiences ${JSON.stringify(this.o.audiences)}` };
    }
    const now = this.clock();
    const timeError = checkTimes(claims, now);
    if (timeError) return { error: timeError };

    // Objects deleted more than the leeway ago no longer vouch for their tokens.
    const deletedLongAgo = (obj: StoredObject) => {
      const at = obj.metadata.deletionTimestamp ? Date.parse(obj.metadata.deletionTimestamp) : NaN;
      return !Number.isNaN(at) && at < now - leewaySeconds * 1000;
    };
    const k = claims['kubernetes.io'];
    const sa = await this.o.objects('serviceaccounts', k.namespace, k.serviceaccount.name);
    if (!sa) return { error: `serviceaccounts "${k.serviceaccount.name}" not found` };
    if (sa.metadata.uid !== k.serviceaccount.uid) {
      return { error: `service account UID (${sa.metadata.uid}) does not match claim (${k.serviceaccount.uid})` };
    }
    if (deletedLongAgo(sa)) return { error: `service account ${k.namespace}/${k.serviceaccount.name} has been deleted` };

    const checkBound = async (kind: BoundKind, ref: ObjectRef, what: string): Promise<string | undefined> => {
      const obj = await this.o.objects(kind, k.namespace, ref.name);
      if (!obj) return 'service account token has been invalidated';
      if (obj.metadata.uid !== ref.uid) return `${what} UID (${obj.metadata.uid}) does not match service account ${what} ref claim (${ref.uid})`;
      if (deletedLongAgo(obj)) return 'service account token has been invalidated';
      return undefined;
    };
    const boundError = (k.secret && await checkBound('secrets', k.secret, 'secret'))
      || (k.pod && await checkBound('pods', k.pod, 'pod'))
      // A pod-bound token only records the pod's node; a token bound to the node itself lives as long as the node.
      || (!k.pod && k.node && await checkBound('nodes', k.node, 'node'));
    if (boundError) return { error: boundError };
    return { user: userForClaims(claims) };
  }
}
