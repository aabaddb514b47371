// Who a request acts as, and the well-known names Kubernetes gives to users and groups. Authentication produces a
// UserInfo; authorization (RBAC, the node authorizer) reads it.

export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  /** Further facts authenticators attach (a ServiceAccount token's pod and node), as kube's user.Info.Extra. */
  extra?: Record<string, string[]>;
}

/** Every authenticated request carries this group (apiserver's AuthenticatedGroupAdder). */
export const allAuthenticatedGroup = 'system:authenticated';
/** The group of the anonymous user. */
export const allUnauthenticatedGroup = 'system:unauthenticated';
export const anonymousUserName = 'system:anonymous';

/** What an unauthenticated request is, for an authorizer to decide about (health and version paths). */
export const anonymousUser: UserInfo = Object.freeze({
  name: anonymousUserName,
  groups: Object.freeze([allUnauthenticatedGroup]) as string[],
});

/**
 * Adds system:authenticated the way kube does: not to the anonymous user, and not when the authenticator already
 * put the user in system:authenticated or system:unauthenticated.
 */
export function withAuthenticatedGroup(user: UserInfo): UserInfo {
  if (user.name === anonymousUserName) return user;
  if (user.groups.some((g) => g === allAuthenticatedGroup || g === allUnauthenticatedGroup)) return user;
  return { ...user, groups: [...user.groups, allAuthenticatedGroup] };
}
