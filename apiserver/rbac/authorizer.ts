// The RBAC authorizer (kube's plugin/pkg/auth/authorizer/rbac): allow when any rule bound to the user, its groups
// or its ServiceAccount allows the request; otherwise no opinion, so another authorizer may still allow it. A
// denial carries no reason unless a binding pointed at a role that does not exist, which kube reports as
// `RBAC: clusterrole.rbac.authorization.k8s.io "x" not found`.
import type { Authorizer, AuthorizationDecision, RequestAttributes, RuleResolver, UserRules } from '../server/authz.ts';
import type { UserInfo } from '../server/user.ts';
import { missingRoleMessage, type PolicyIndex } from './policy-index.ts';
import { ruleAllows } from './policy-rule.ts';
import { aggregateMessages } from '../api/errors.ts';

export class RBACAuthorizer implements Authorizer, RuleResolver {
  private readonly index: PolicyIndex;

  constructor(index: PolicyIndex) {
    this.index = index;
  }

  authorize(attrs: RequestAttributes): AuthorizationDecision {
    let allowedBy: string | undefined;
    const errors: string[] = [];
    this.index.visitRulesFor(attrs.user, attrs.namespace, (source, rule, missing) => {
      if (rule && ruleAllows(attrs, rule)) {
        allowedBy = source?.();
        return false;
      }
      if (missing) errors.push(missingRoleMessage(missing, 'lister'));
      return true;
    });
    if (allowedBy !== undefined) return { allowed: true, reason: `RBAC: allowed by ${allowedBy}` };
    return { allowed: false, reason: errors.length > 0 ? `RBAC: ${aggregateMessages(errors)}` : '' };
  }

  rulesFor(user: UserInfo, namespace: string): UserRules {
    const { rules, missing } = this.index.rulesFor(user, namespace);
    const errors = missing.map((ref) => missingRoleMessage(ref, 'lister'));
    const out: UserRules = { resourceRules: [], nonResourceRules: [], incomplete: false, errors };
    for (const rule of rules) {
      if ((rule.resources ?? []).length > 0) {
        out.resourceRules.push({
          verbs: rule.verbs, apiGroups: rule.apiGroups, resources: rule.resources,
          ...(rule.resourceNames?.length ? { resourceNames: rule.resourceNames } : {}),
        });
      }
      if ((rule.nonResourceURLs ?? []).length > 0) out.nonResourceRules.push({ verbs: rule.verbs, nonResourceURLs: rule.nonResourceURLs });
    }
    return out;
  }
}
