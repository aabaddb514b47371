// May this user do this? The request is described the way kube-apiserver's authorizers see it (verb, API group,
// resource, subresource, namespace, name, or a non-resource path). Which authorizers answer is chosen with
// --authorization-mode (authorization-modes.ts); this file holds the shared shapes, the allow-all policy and
// kube's 403 wording.
import { ApiError } from '../api/errors.ts';
import { parseFieldTerms } from '../api/fields.ts';
import type { NonResourceRule, ResourceRule } from '../api/types.ts';
import { isValidPathSegmentName } from '../api/validation/names.ts';
import { parseResourcePath, watchRequested } from './request-info.ts';
import { allAuthenticatedGroup, type UserInfo } from './user.ts';

export interface RequestAttributes {
  user: UserInfo;
  /**
   * For resource requests: get, list, watch, create, update, patch, delete, deletecollection (or the deprecated
   * path verbs watch/proxy). For other paths: the lower-case HTTP method (get, post, put, ...), as in kube.
   */
  verb: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  namespace: string;
  /** From the path, or for list/watch from a `metadata.name=` field selector (RBAC resourceNames rely on it). */
  name: string;
  /** The URL path without the query. */
  path: string;
  resourceRequest: boolean;
}

export interface AuthorizationDecision {
  allowed: boolean;
  /** Why, in a few words; appended to the 403 message when not allowed. */
  reason: string;
}

export interface Authorizer {
  /** Not allowed means "no opinion": a union of authorizers asks the next one (kube has no authorizer that denies). */
  authorize(attrs: RequestAttributes): AuthorizationDecision;
}

/** What a user may do in a namespace, as a SelfSubjectRulesReview reports it (kube's authorizer.RuleResolver). */
export interface UserRules {
  resourceRules: ResourceRule[];
  nonResourceRules: NonResourceRule[];
  /** True when some authorizer cannot list everything it would allow (the node authorizer). */
  incomplete: boolean;
  errors: string[];
}

export interface RuleResolver {
  rulesFor(user: UserInfo, namespace: string): UserRules;
}

/**
 * What system:public-info-viewer grants everyone, authenticated or not, in kube's bootstrap RBAC policy: GET
 * on exactly these paths (RBAC matches non-resource URLs exactly, so /healthz/ping is not included).
 */
export const publicInfoPaths: ReadonlySet<string> = new Set(['/healthz', '/livez', '/readyz', '/version', '/version/']);

/**
 * kube-apiserver's AlwaysAllow, the default mode: any authenticated user may do anything; anyone may read the
 * public health/version paths (the server refuses anonymous requests for anything else before asking).
 */
export const alwaysAllowAuthenticated: Authorizer & RuleResolver = {
  authorize(attrs) {
    if (attrs.user.groups.includes(allAuthenticatedGroup)) return { allowed: true, reason: '' };
    if (!attrs.resourceRequest && attrs.verb === 'get' && publicInfoPaths.has(attrs.path)) {
      return { allowed: true, reason: '' };
    }
    return { allowed: false, reason: 'only authenticated users are allowed' };
  },
  // As kube's alwaysAllowAuthorizer.RulesFor: everything, on everything.
  rulesFor: () => ({
    resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
    nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
    incomplete: false,
    errors: [],
  }),
};

/**
 * kube's 403: `pods "web" is forbidden: User "bob" cannot get resource "pods" in API group "" in the namespace
 * "default": <reason>`, with details naming the group, resource and name.
 */
export function forbidden(attrs: RequestAttributes, reason: string): ApiError {
  let what: string;
  if (!attrs.resourceRequest) {
    what = `User ${JSON.stringify(attrs.user.name)} cannot ${attrs.verb} path ${JSON.stringify(attrs.path)}`;
  } else {
    const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
    const scope = attrs.namespace ? `in the namespace ${JSON.stringify(attrs.namespace)}` : 'at the cluster scope';
    what = `User ${JSON.stringify(attrs.user.name)} cannot ${attrs.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(attrs.apiGroup)} ${scope}`;
  }
  // kube escapes these so the message can never be mistaken for HTML.
  const detail = (reason ? `${what}: ${reason}` : what).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const qualified = attrs.resource ? (attrs.apiGroup ? `${attrs.resource}.${attrs.apiGroup}` : attrs.resource) : '';
  let message: string;
  if (!qualified) message = `forbidden: ${detail}`;
  else if (!attrs.name) message = `${qualified} is forbidden: ${detail}`;
  else message = `${qualified} ${JSON.stringify(attrs.name)} is forbidden: ${detail}`;
  const details = attrs.resource
    ? { name: attrs.name || undefined, group: attrs.apiGroup || undefined, kind: attrs.resource }
    : undefined;
  return new ApiError(403, 'Forbidden', message, details);
}

/**
 * Describes an HTTP request for authorization, from the same parse the router uses (request-info.ts). A list or
 * watch pinned to one name by `fieldSelector=metadata.name=x` is about that name, as kube's RequestInfo makes it,
 * so RBAC resourceNames rules apply to it. Anything that is not a resource path is a non-resource request whose
 * verb is the lower-case method.
 */
export function requestAttributesFrom(method: string, url: string, user: UserInfo): RequestAttributes {
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const query = new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1));
  const info = parseResourcePath(method.toUpperCase(), path, watchRequested(query.get('watch')));
  if (!info) {
    return {
      user, verb: method.toLowerCase(), apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '',
      name: '', path, resourceRequest: false,
    };
  }
  let name = info.name;
  if (name === '' && (info.verb === 'list' || info.verb === 'watch')) name = nameFromFieldSelector(query.get('fieldSelector')) ?? '';
  return {
    user, verb: info.verb, apiGroup: info.group, apiVersion: info.version, resource: info.resource,
    subresource: info.subresource, namespace: info.namespace, name, path, resourceRequest: true,
  };
}

/** The name a field selector pins with `metadata.name=x` (undefined when none, or when it does not parse). */
function nameFromFieldSelector(selector: string | null): string | undefined {
  if (!selector) return undefined;
  try {
    const pinned = parseFieldTerms(selector).find((r) => r.field === 'metadata.name' && r.operator === '=');
    const value = pinned?.value;
    if (!value || isValidPathSegmentName(value).length > 0) return undefined;
    return value;
  } catch {
    return undefined;
  }
}
