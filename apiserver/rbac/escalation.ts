// Privilege-escalation prevention on RBAC writes (kube's rbac policybased storages): you may write a role only
// with rules you already hold where it applies, and bind a role only if you already hold its rules there, unless
// you are allowed the `escalate` verb on roles (or `bind` on that role). Without this, the right to edit roles
// would be the right to everything.
import { ApiError } from '../api/errors.ts';
import { goQuote } from '../api/go-format.ts';
import type { ClusterRole, ClusterRoleBinding, KubeObject, PolicyRule, Role, RoleBinding, RoleRef } from '../api/types.ts';
import { semanticEqual } from '../api/validation/common.ts';
import { rbacGroup } from '../api/validation/rbac.ts';
import type { AdmissionAttributes } from '../registry/registry.ts';
import type { Authorizer, RequestAttributes } from '../server/authz.ts';
import { systemPrivilegedGroup } from '../server/authorization-modes.ts';
import type { UserInfo } from '../server/user.ts';
import { compactRules, compactString, covers } from './covers.ts';
import { missingRoleMessage, type PolicyIndex } from './policy-index.ts';


/** What a cluster role with an aggregationRule can collect: anything, so setting one needs everything. */
const fullAuthority: PolicyRule[] = [
  { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
  { nonResourceURLs: ['*'], verbs: ['*'] },
];

export interface EscalationCheck {
  /** The server's authorizer, asked about `escalate` and `bind`. */
  authorizer: Authorizer;
  policy: PolicyIndex;
}

function forbiddenRBAC(plural: string, name: string, message: string): ApiError {
  const qualified = `${plural}.${rbacGroup}`;
  const text = name ? `${qualified} ${JSON.stringify(name)} is forbidden: ${message}` : `${qualified} is forbidden: ${message}`;
  return new ApiError(403, 'Forbidden', text, { name: name || undefined, group: rbacGroup, kind: plural });
}

function allowedTo(check: EscalationCheck, user: UserInfo, verb: string, resource: string, namespace: string, name: string): boolean {
  const attrs: RequestAttributes = {
    user, verb, apiGroup: rbacGroup, apiVersion: '*', resource, subresource: '', namespace, name, path: '', resourceRequest: true,
  };
  return check.authorizer.authorize(attrs).allowed;
}

/** kube's ConfirmNoEscalation: the error text, or undefined when the user holds every rule. */
export function escalationError(policy: PolicyIndex, user: UserInfo, namespace: string, rules: PolicyRule[]): string | undefined {
  const owner = policy.rulesFor(user, namespace);
  const result = covers(owner.rules, rules);
  if (result.covered) return undefined;
  const missing = [...new Set(compactRules(result.missing).map(compactString))].sort();
  let message = `user ${goQuote(user.name)} (groups=[${user.groups.map(goQuote).join(' ')}]) is attempting to grant RBAC permissions not currently held:\n${missing.join('\n')}`;
  if (owner.missing.length > 0) {
    message += `; resolution errors: [${owner.missing.map((ref) => missingRoleMessage(ref, 'registry')).join(' ')}]`;
  }
  return message;
}

/** kube's IsOnlyMutatingGCFields: an update that only touches what garbage collection needs is never an escalation. */
function onlyGarbageCollectionFields(obj: KubeObject, old: KubeObject): boolean {
  const copy = structuredClone(obj);
  const meta = (copy.metadata ??= {});
  const oldMeta = old.metadata ?? {};
  for (const field of ['ownerReferences', 'finalizers', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'resourceVersion', 'managedFields', 'generation'] as const) {
    (meta as Record<string, unknown>)[field] = (oldMeta as Record<string, unknown>)[field];
  }
  return semanticEqual(copy, old);
}

/**
 * The admission step for RBAC kinds; throws a 403 (or a 404 for a binding to a role that does not exist) when the
 * write would grant more than the user holds.
 */
export function admitRBACWrite(check: EscalationCheck, user: UserInfo | undefined, a: AdmissionAttributes): void {
  if (a.ri.group !== rbacGroup || a.operation === 'DELETE' || a.subresource !== '' || !a.object) return;
  // No user (in-process writes such as bootstrap) or the privileged group: kube's EscalationAllowed.
  if (!user || user.groups.includes(systemPrivilegedGroup)) return;
  const namespace = a.ri.namespaced ? a.namespace : '';
  switch (a.ri.plural) {
    case 'roles':
    case 'clusterroles': {
      if (allowedTo(check, user, 'escalate', a.ri.plural, namespace, a.name)) return;
      if (a.operation === 'UPDATE' && a.oldObject && onlyGarbageCollectionFields(a.object, a.oldObject)) return;
      const role = a.object as unknown as Role | ClusterRole;
      const error = escalationError(check.policy, user, namespace, role.rules ?? []);
      if (error) throw forbiddenRBAC(a.ri.plural, a.name, error);
      if (a.ri.plural === 'clusterroles') {
        const aggregates = (r: ClusterRole | undefined) => (r?.aggregationRule?.clusterRoleSelectors ?? []).length > 0;
        if (aggregates(role as ClusterRole) || aggregates(a.oldObject as unknown as ClusterRole | undefined)) {
          if (escalationError(check.policy, user, namespace, fullAuthority)) {
            throw forbiddenRBAC(a.ri.plural, a.name, 'must have cluster-admin privileges to use the aggregationRule');
          }
        }
      }
      return;
    }
    case 'rolebindings':
    case 'clusterrolebindings': {
      if (a.operation === 'UPDATE' && a.oldObject && onlyGarbageCollectionFields(a.object, a.oldObject)) return;
      const ref: RoleRef = (a.object as unknown as RoleBinding | ClusterRoleBinding).roleRef;
      if (bindAllowed(check, user, ref, namespace)) return;
      const rules = check.policy.roleReferenceRules(ref, namespace);
      if (!rules) {
        const plural = ref.kind === 'Role' ? 'roles' : 'clusterroles';
        throw new ApiError(404, 'NotFound', missingRoleMessage(ref, 'registry'), { name: ref.name, group: rbacGroup, kind: plural });
      }
      const error = escalationError(check.policy, user, namespace, rules);
      if (error) throw forbiddenRBAC(a.ri.plural, a.name, error);
      return;
    }
  }
}

/** kube's BindingAuthorized: `bind` on the referenced role, checked in the binding's namespace. */
function bindAllowed(check: EscalationCheck, user: UserInfo, ref: RoleRef, namespace: string): boolean {
  if (ref.kind !== 'Role' && ref.kind !== 'ClusterRole') return false;
  return allowedTo(check, user, 'bind', ref.kind === 'Role' ? 'roles' : 'clusterroles', namespace, ref.name);
}
