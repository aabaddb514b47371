// --authorization-mode: which authorizers decide, in order, as kube-apiserver's union authorizer: the first to
// allow wins; when none does, the request is refused with the reasons they gave. Members of system:masters are
// allowed before any mode is asked (kube's privileged-group authorizer), so the admin credential works even while
// RBAC policy is missing or being repaired.
import type { Authorizer, AuthorizationDecision, RequestAttributes, RuleResolver, UserRules } from './authz.ts';
import { alwaysAllowAuthenticated } from './authz.ts';
import type { UserInfo } from './user.ts';

export const authorizationModes = ['AlwaysAllow', 'AlwaysDeny', 'Node', 'RBAC'] as const;
export type AuthorizationMode = (typeof authorizationModes)[number];

/** The group kube-apiserver trusts with everything (its own loopback client is in it). */
export const systemPrivilegedGroup = 'system:masters';

/** `Node,RBAC` -> ['Node', 'RBAC']; unknown or repeated modes are an error, as in kube-apiserver. */
export function parseAuthorizationModes(value: string): AuthorizationMode[] {
  const modes = value.split(',').map((m) => m.trim()).filter(Boolean);
  if (modes.length === 0) throw new Error('at least one authorization-mode must be passed');
  const seen = new Set<string>();
  for (const mode of modes) {
    if (!(authorizationModes as readonly string[]).includes(mode)) {
      throw new Error(`authorization-mode ${JSON.stringify(mode)} is not a valid mode`);
    }
    if (seen.has(mode)) throw new Error(`authorization-mode ${JSON.stringify(mode)} has mode specified more than once`);
    seen.add(mode);
  }
  return modes as AuthorizationMode[];
}

export const privilegedGroupAuthorizer: Authorizer = {
  authorize: (attrs) => ({ allowed: attrs.user.groups.includes(systemPrivilegedGroup), reason: '' }),
};

const alwaysDeny: Authorizer & RuleResolver = {
  authorize: () => ({ allowed: false, reason: 'Everything is forbidden.' }),
  rulesFor: () => ({ resourceRules: [], nonResourceRules: [], incomplete: false, errors: [] }),
};

export interface ModeAuthorizers {
  rbac?: Authorizer & RuleResolver;
  node?: Authorizer & RuleResolver;
}

/** The authorizer and rule resolver the server uses, from the modes and the authorizers they name. */
export function unionAuthorizer(modes: AuthorizationMode[], available: ModeAuthorizers): Authorizer & RuleResolver {
  const members: (Authorizer & RuleResolver)[] = modes.map((mode) => {
    switch (mode) {
      case 'AlwaysAllow': return alwaysAllowAuthenticated;
      case 'AlwaysDeny': return alwaysDeny;
      case 'RBAC':
        if (!available.rbac) throw new Error('authorization mode RBAC needs the RBAC authorizer');
        return available.rbac;
      case 'Node':
        if (!available.node) throw new Error('authorization mode Node needs the node authorizer');
        return available.node;
    }
  });
  return {
    authorize(attrs: RequestAttributes): AuthorizationDecision {
      if (privilegedGroupAuthorizer.authorize(attrs).allowed) return { allowed: true, reason: '' };
      const reasons: string[] = [];
      for (const member of members) {
        const decision = member.authorize(attrs);
        if (decision.allowed) return decision;
        if (decision.reason) reasons.push(decision.reason);
      }
      return { allowed: false, reason: reasons.join('\n') };
    },
    // The privileged group resolves no rules of its own: like kube, `can-i --list` shows what RBAC grants.
    rulesFor(user: UserInfo, namespace: string): UserRules {
      const all: UserRules = { resourceRules: [], nonResourceRules: [], incomplete: false, errors: [] };
      for (const member of members) {
        const rules = member.rulesFor(user, namespace);
        all.resourceRules.push(...rules.resourceRules);
        all.nonResourceRules.push(...rules.nonResourceRules);
        all.incomplete ||= rules.incomplete;
        all.errors.push(...rules.errors);
      }
      return all;
    },
  };
}
