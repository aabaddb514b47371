// May this user do this? The request is described the way kube-apiserver's authorizers see it (verb, API group,
// resource, subresource, namespace, name, or a non-resource path), so RBAC and a node authorizer can later
// replace the allow-all policy without touching the request path.
import { ApiError } from '../api/errors.ts';
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
  authorize(attrs: RequestAttributes): AuthorizationDecision;
}

/**
 * What system:public-info-viewer grants everyone, authenticated or not, in kube's bootstrap RBAC policy: GET
 * on exactly these paths (RBAC matches non-resource URLs exactly, so /healthz/ping is not included).
 */
export const publicInfoPaths: ReadonlySet<string> = new Set(['/healthz', '/livez', '/readyz', '/version', '/version/']);

/** Until RBAC exists: any authenticated user may do anything; anyone may read the public health/version paths. */
export const alwaysAllowAuthenticated: Authorizer = {
  authorize(attrs) {
    if (attrs.user.groups.includes(allAuthenticatedGroup)) return { allowed: true, reason: '' };
    if (!attrs.resourceRequest && attrs.verb === 'get' && publicInfoPaths.has(attrs.path)) {
      return { allowed: true, reason: '' };
    }
    return { allowed: false, reason: 'only authenticated users are allowed' };
  },
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

// Path prefixes that name the verb themselves (deprecated forms kube still parses). After `proxy`, no subresource
// is read: the rest of the path belongs to the proxied request.
const pathVerbs = new Set(['watch', 'proxy']);
// Segments after /namespaces/{name}/ that are subresources of the namespace, not resources inside it.
const namespaceSubresources = new Set(['status', 'finalize']);

/**
 * Describes an HTTP request as kube-apiserver's RequestInfoFactory does:
 *   /api/{version}/...                          core group
 *   /apis/{group}/{version}/...                 named groups
 *   .../namespaces/{ns}/{resource}/{name}/{subresource}/...   (further segments are not interpreted)
 * GET without a name is list, or watch when `watch` is present and not false/0; DELETE without a name is
 * deletecollection. A named GET stays get even with ?watch=true, as in kube (whose item GET ignores it). Anything
 * else is a non-resource request whose verb is the lower-case method.
 */
export function requestAttributesFrom(method: string, url: string, user: UserInfo): RequestAttributes {
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const query = new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1));
  const attrs: RequestAttributes = {
    user, verb: method.toLowerCase(), apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '',
    name: '', path, resourceRequest: false,
  };

  let parts = splitPath(path);
  if (parts.length < 3 || (parts[0] !== 'api' && parts[0] !== 'apis')) return attrs;
  if (parts[0] === 'apis') {
    if (parts.length < 4) return attrs;
    attrs.apiGroup = parts[1];
    parts = parts.slice(2);
  } else {
    parts = parts.slice(1);
  }
  attrs.apiVersion = parts[0];
  parts = parts.slice(1);

  if (pathVerbs.has(parts[0])) {
    // `/api/v1/watch` alone names no resource; kube fails such a request, so it stays a non-resource request.
    if (parts.length < 2) return { ...attrs, apiGroup: '', apiVersion: '' };
    attrs.verb = parts[0];
    parts = parts.slice(1);
  } else {
    attrs.verb = verbForMethod(method);
  }
  attrs.resourceRequest = true;

  if (parts[0] === 'namespaces' && parts.length > 1) {
    attrs.namespace = parts[1];
    if (parts.length > 2 && !namespaceSubresources.has(parts[2])) parts = parts.slice(2);
  }
  attrs.resource = parts[0] ?? '';
  attrs.name = parts[1] ?? '';
  if (parts.length >= 3 && attrs.verb !== 'proxy') attrs.subresource = parts[2];

  if (attrs.name === '' && attrs.verb === 'get') {
    attrs.verb = watchRequested(query) ? 'watch' : 'list';
    attrs.name = nameFromFieldSelector(query.get('fieldSelector')) ?? '';
  }
  if (attrs.name === '' && attrs.verb === 'delete') attrs.verb = 'deletecollection';
  return attrs;
}

function verbForMethod(method: string): string {
  switch (method.toUpperCase()) {
    case 'GET':
    case 'HEAD': return 'get';
    case 'POST': return 'create';
    case 'PUT': return 'update';
    case 'PATCH': return 'patch';
    case 'DELETE': return 'delete';
    default: return '';
  }
}

/** kube's boolean query parameters: present and not "0" or "false" (any case) means true; `?watch` alone too. */
function watchRequested(query: URLSearchParams): boolean {
  const value = query.get('watch');
  if (value === null) return false;
  return value !== '0' && value.toLowerCase() !== 'false';
}

/** Path segments, each percent-decoded as the router decodes them; a malformed escape stays as written. */
function splitPath(path: string): string[] {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return [];
  return trimmed.split('/').map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  });
}

/**
 * The name a field selector pins with `metadata.name=x` or `metadata.name==x`, as kube's RequiresExactMatch
 * finds it (terms are compared in sorted order; values may escape `\,` `\=` `\\`). undefined when there is none,
 * when the selector does not parse, or when the value could not be a name in a path.
 */
function nameFromFieldSelector(selector: string | null): string | undefined {
  if (!selector) return undefined;
  const terms = splitSelectorTerms(selector).sort();
  let found: string | undefined;
  for (const term of terms) {
    if (term === '') continue;
    const parsed = splitSelectorTerm(term);
    if (!parsed) return undefined;
    const value = unescapeSelectorValue(parsed.value);
    if (value === undefined) return undefined;
    if (found === undefined && parsed.field === 'metadata.name' && parsed.op !== '!=') found = value;
  }
  if (found === undefined || found === '' || found === '.' || found === '..' || /[/%]/.test(found)) return undefined;
  return found;
}

function splitSelectorTerms(selector: string): string[] {
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (escaped) escaped = false;
    else if (c === '\\') escaped = true;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

function splitSelectorTerm(term: string): { field: string; op: string; value: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ['!=', '==', '=']) {
      if (term.startsWith(op, i)) return { field: term.slice(0, i), op, value: term.slice(i + op.length) };
    }
  }
  return undefined;
}

function unescapeSelectorValue(value: string): string | undefined {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') {
      const next = value[i + 1];
      if (next !== '\\' && next !== ',' && next !== '=') return undefined;
      out += next;
      i++;
    } else if (c === ',' || c === '=') {
      return undefined;
    } else {
      out += c;
    }
  }
  return out;
}
