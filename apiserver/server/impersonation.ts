// Acting as someone else (`kubectl --as bob --as-group devs`): the Impersonate-User, -Group, -Uid and -Extra-*
// headers, as kube-apiserver's impersonation filter handles them. Each thing asked for is authorized for the real
// user with the `impersonate` verb (on users, groups, serviceaccounts, authentication.k8s.io uids and userextras)
// before the request goes on as the impersonated user, who is then authorized like anyone else.
import type { IncomingHttpHeaders } from 'node:http';
import { errors } from '../api/errors.ts';
import { allServiceAccountsGroup, parseServiceAccountUsername } from '../serviceaccount/claims.ts';
import { forbidden, type Authorizer, type RequestAttributes } from './authz.ts';
import { allUnauthenticatedGroup, anonymousUserName, withAuthenticatedGroup, type UserInfo } from './user.ts';

const userHeader = 'impersonate-user';
const groupHeader = 'impersonate-group';
const uidHeader = 'impersonate-uid';
const extraPrefix = 'impersonate-extra-';

/** Header values as sent, one entry per header line (node joins repeated custom headers with ", " otherwise). */
export type HeaderLists = Record<string, string[] | undefined>;

function isImpersonationHeader(h: string): boolean {
  return h === userHeader || h === groupHeader || h === uidHeader || h.startsWith(extraPrefix);
}

export function wantsImpersonation(headers: IncomingHttpHeaders): boolean {
  return Object.keys(headers).some(isImpersonationHeader);
}

function attributes(requestor: UserInfo, fields: Partial<RequestAttributes>): RequestAttributes {
  return {
    user: requestor, verb: 'impersonate', apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '',
    name: '', path: '', resourceRequest: true, ...fields,
  };
}

/**
 * The user the request acts as. Throws a 403 naming the first thing the requestor may not impersonate, or a
 * 500 (kube's answer) when groups, a uid or extras come without a user.
 */
export function impersonatedUser(headers: HeaderLists, requestor: UserInfo, authorizer: Authorizer): UserInfo {
  const userName = headers[userHeader]?.[0] ?? '';
  const groupsAsked = headers[groupHeader] ?? [];
  const uid = headers[uidHeader]?.[0] ?? '';
  const extras: Record<string, string[]> = {};
  for (const [header, values] of Object.entries(headers)) {
    if (!header.startsWith(extraPrefix) || !values) continue;
    const key = decodeURIComponent(header.slice(extraPrefix.length)).toLowerCase();
    extras[key] = [...(extras[key] ?? []), ...values];
  }
  if (!userName && (groupsAsked.length > 0 || uid || Object.keys(extras).length > 0)) {
    throw errors.internal('requested impersonation of groups, uid or extras without impersonating a user');
  }

  const checks: RequestAttributes[] = [];
  let groups: string[] = [];
  const sa = parseServiceAccountUsername(userName);
  if (sa) {
    checks.push(attributes(requestor, { resource: 'serviceaccounts', namespace: sa.namespace, name: sa.name }));
    // A ServiceAccount's groups are known; they are the default unless groups are given.
    if (groupsAsked.length === 0) groups = [allServiceAccountsGroup, `${allServiceAccountsGroup}:${sa.namespace}`];
  } else {
    checks.push(attributes(requestor, { resource: 'users', name: userName }));
  }
  for (const g of groupsAsked) {
    checks.push(attributes(requestor, { resource: 'groups', name: g }));
    groups.push(g);
  }
  for (const [key, values] of Object.entries(extras)) {
    for (const value of values) {
      checks.push(attributes(requestor, { apiGroup: 'authentication.k8s.io', apiVersion: 'v1', resource: 'userextras', subresource: key, name: value }));
    }
  }
  if (uid) checks.push(attributes(requestor, { apiGroup: 'authentication.k8s.io', apiVersion: 'v1', resource: 'uids', name: uid }));

  for (const attrs of checks) {
    const decision = authorizer.authorize(attrs);
    if (!decision.allowed) throw forbidden(attrs, decision.reason);
  }

  // The impersonated user is authenticated unless it is the anonymous one (or the groups say otherwise).
  if (userName === anonymousUserName && !groups.includes(allUnauthenticatedGroup)) groups.push(allUnauthenticatedGroup);
  return withAuthenticatedGroup({
    name: userName, groups,
    ...(uid ? { uid } : {}),
    ...(Object.keys(extras).length > 0 ? { extra: extras } : {}),
  });
}

/** Impersonation headers stop here, as kube removes them: nothing downstream may act on them again. */
export function dropImpersonationHeaders(headers: IncomingHttpHeaders): void {
  for (const h of Object.keys(headers)) {
    if (isImpersonationHeader(h)) delete headers[h];
  }
}
