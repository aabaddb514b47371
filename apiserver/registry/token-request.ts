// serviceaccounts/token (kube's TokenREST): issues a signed, short-lived token for a ServiceAccount, optionally
// bound to a Pod, Secret or Node so that it dies with that object. Nothing is stored: the token is the record.
import { randomUUID } from 'node:crypto';
import { errors, fieldError, invalid } from '../api/errors.ts';
import { resourceFor, type ResourceInfo } from '../api/resources.ts';
import type { Pod, StoredObject, TokenRequest } from '../api/types.ts';
import { buildClaims, type ObjectRef } from '../serviceaccount/claims.ts';
import { signJwt, type SigningKey } from '../serviceaccount/jwt.ts';
import type { Registry } from './registry.ts';

/** TokenRequestSpec's default lifetime, and the shortest and longest kube accepts. */
export const defaultExpirationSeconds = 3600;
const minExpirationSeconds = 600;
const maxValidExpirationSeconds = 2 ** 32;
/** What the ServiceAccount admission plugin asks for; kube treats tokens requested so as legacy-safe (below). */
export const warnOnlyBoundTokenExpirationSeconds = 3607;
/** kube's ExpirationExtensionSeconds: a year. */
const expirationExtensionSeconds = 365 * 24 * 60 * 60;

export interface TokenIssuerConfig {
  /** The first --service-account-issuer: the `iss` of every token issued. */
  issuer: string;
  /** --api-audiences: a request without audiences gets these. */
  apiAudiences: string[];
  key: SigningKey;
  /** --service-account-max-token-expiration in seconds; 0 for no cap. */
  maxExpirationSeconds: number;
  /**
   * --service-account-extend-token-expiration: a pod-bound token requested for 3607 s (the kube-api-access volume's)
   * is valid for a year, with `warnafter` at 3607 s, so a client that never rereads its token file keeps working
   * while the staleness is still visible.
   */
  extendExpiration: boolean;
  clock?: () => number;
}

const info = (plural: string): ResourceInfo => resourceFor('', 'v1', plural)!;
const tokenRequestGroup = 'authentication.k8s.io';

export async function createToken(
  registry: Registry, config: TokenIssuerConfig, namespace: string, name: string, req: TokenRequest,
): Promise<TokenRequest> {
  const meta = req.metadata ?? {};
  if (meta.name && meta.name !== name) {
    throw invalid('TokenRequest', tokenRequestGroup, name, [fieldError.invalid('metadata.name', meta.name, 'must match the service account name if specified')]);
  }
  if (meta.namespace && meta.namespace !== namespace) {
    throw invalid('TokenRequest', tokenRequestGroup, name, [fieldError.invalid('metadata.namespace', meta.namespace, 'must match the service account namespace if specified')]);
  }
  const sa = await registry.get(info('serviceaccounts'), namespace, name);
  if (meta.uid && meta.uid !== sa.metadata.uid) {
    throw errors.conflict(tokenRequestGroup, 'TokenRequest', name,
      `the UID in the token request (${meta.uid}) does not match the UID of the service account (${sa.metadata.uid})`);
  }
  const spec = { ...req.spec };
  const audiences = spec.audiences?.length ? spec.audiences : config.apiAudiences;
  let expirationSeconds = spec.expirationSeconds ?? defaultExpirationSeconds;
  if (expirationSeconds < minExpirationSeconds) {
    throw invalid('TokenRequest', tokenRequestGroup, '', [fieldError.invalid('spec.expirationSeconds', expirationSeconds, 'may not specify a duration less than 10 minutes')]);
  }
  if (expirationSeconds > maxValidExpirationSeconds) {
    throw invalid('TokenRequest', tokenRequestGroup, '', [fieldError.invalid('spec.expirationSeconds', expirationSeconds, 'may not specify a duration larger than 2^32 seconds')]);
  }

  const bound = spec.boundObjectRef ? await boundObject(registry, namespace, name, spec.boundObjectRef) : {};
  if (config.maxExpirationSeconds > 0 && expirationSeconds > config.maxExpirationSeconds) {
    expirationSeconds = config.maxExpirationSeconds;
  }
  let tokenSeconds = expirationSeconds;
  let warnAfterSeconds = 0;
  if (config.extendExpiration && bound.pod && expirationSeconds === warnOnlyBoundTokenExpirationSeconds
    && audiences.every((a) => config.apiAudiences.includes(a))) {
    warnAfterSeconds = expirationSeconds;
    // A configured maximum also caps the extension (expirationSeconds is already within it).
    tokenSeconds = config.maxExpirationSeconds > 0
      ? Math.min(config.maxExpirationSeconds, expirationExtensionSeconds) : expirationExtensionSeconds;
  }

  // The time is taken once, so status.expirationTimestamp is never later than the token's own exp.
  const nowMs = (config.clock ?? Date.now)();
  const claims = buildClaims({
    issuer: config.issuer, audiences, nowMs, expirationSeconds: tokenSeconds,
    serviceAccount: { namespace, name, uid: sa.metadata.uid },
    ...bound, warnAfterSeconds, jti: randomUUID(),
  });
  const token = signJwt(claims, config.key);
  const seconds = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    apiVersion: `${tokenRequestGroup}/v1`,
    kind: 'TokenRequest',
    metadata: { name, namespace, uid: sa.metadata.uid, creationTimestamp: seconds(nowMs) },
    spec: { ...spec, audiences, expirationSeconds },
    status: { token, expirationTimestamp: seconds(nowMs + expirationSeconds * 1000) },
  };
}

/** Resolves spec.boundObjectRef to the claims it adds, with kube's checks and messages. */
async function boundObject(
  registry: Registry, namespace: string, saName: string, ref: NonNullable<TokenRequest['spec']['boundObjectRef']>,
): Promise<{ pod?: ObjectRef; secret?: ObjectRef; node?: ObjectRef }> {
  const group = ref.apiVersion?.includes('/') ? ref.apiVersion.split('/')[0] : '';
  const refName = ref.name ?? '';
  let obj: StoredObject;
  const out: { pod?: ObjectRef; secret?: ObjectRef; node?: ObjectRef } = {};
  switch (group === '' ? ref.kind : undefined) {
    case 'Pod': {
      obj = await registry.get(info('pods'), namespace, refName);
      const pod = obj as unknown as Pod;
      if (pod.spec?.serviceAccountName !== saName) {
        throw errors.badRequest(`cannot bind token for serviceaccount ${JSON.stringify(saName)} to pod running with different serviceaccount name.`);
      }
      out.pod = { name: obj.metadata.name, uid: obj.metadata.uid };
      // The pod's node goes into the token too (kube's ServiceAccountTokenPodNodeInfo); a missing node only
      // loses its uid.
      const nodeName = pod.spec?.nodeName;
      if (nodeName) {
        const node = await registry.find(info('nodes'), '', nodeName);
        out.node = { name: nodeName, uid: node?.metadata.uid ?? '' };
      }
      break;
    }
    case 'Node':
      obj = await registry.get(info('nodes'), '', refName);
      out.node = { name: obj.metadata.name, uid: obj.metadata.uid };
      break;
    case 'Secret':
      obj = await registry.get(info('secrets'), namespace, refName);
      out.secret = { name: obj.metadata.name, uid: obj.metadata.uid };
      break;
    default: {
      // Go's GroupVersionKind.String(): `/v1, Kind=ConfigMap` for the core group.
      const version = ref.apiVersion?.includes('/') ? ref.apiVersion.split('/')[1] : ref.apiVersion ?? '';
      const gvk = `${group}/${version}, Kind=${ref.kind ?? ''}`;
      throw errors.badRequest(`cannot bind token to object of type ${gvk}`);
    }
  }
  if (ref.uid && ref.uid !== obj.metadata.uid) {
    throw errors.conflict('', ref.kind ?? '', refName,
      `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
  }
  return out;
}
