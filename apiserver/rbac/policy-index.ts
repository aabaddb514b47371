// The RBAC policy in memory: every Role, ClusterRole, RoleBinding and ClusterRoleBinding, with the bindings indexed
// by subject so that finding the rules of one user touches only the bindings that name the user, one of its groups
// or its ServiceAccount, never the whole list. Fed by the store (store-feed.ts); read by the authorizer, the rules
// review and escalation checks (kube's DefaultRuleResolver over informer listers).
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, RoleRef, StoredObject, Subject } from '../api/types.ts';
import type { StoreEvent } from '../storage/store.ts';
import type { UserInfo } from '../server/user.ts';
import { parseServiceAccountUsername, serviceAccountUsername } from '../serviceaccount/claims.ts';
import type { FeedHandler } from './store-feed.ts';

type Binding = RoleBinding | ClusterRoleBinding;

/**
 * Called per rule that applies (source describes the binding, formatted only when asked: the authorizer needs it
 * only for the rule that allows) or per binding whose role cannot be found.
 */
export type RuleVisitor = (source: (() => string) | undefined, rule: PolicyRule | undefined, missing: RoleRef | undefined) => boolean;

/**
 * How kube words a role that a binding names but that does not exist: the authorizer's informer listers say
 * `clusterrole.rbac.authorization.k8s.io "x" not found`, the registry behind escalation checks `clusterroles...`.
 */
export function missingRoleMessage(ref: RoleRef, form: 'lister' | 'registry'): string {
  if (ref.kind !== 'Role' && ref.kind !== 'ClusterRole') return `unsupported role reference kind: ${JSON.stringify(ref.kind)}`;
  const resource = ref.kind === 'Role' ? 'role' : 'clusterrole';
  return `${resource}${form === 'registry' ? 's' : ''}.rbac.authorization.k8s.io ${JSON.stringify(ref.name)} not found`;
}

export const rbacPrefix = '/registry/rbac.authorization.k8s.io/';

/** `User:alice`, `Group:devs`, `ServiceAccount:ns/name`: how bindings are found from a user. */
function subjectKey(subject: Subject, bindingNamespace: string): string | undefined {
  switch (subject.kind) {
    case 'User': return `User:${subject.name}`;
    case 'Group': return `Group:${subject.name}`;
    case 'ServiceAccount': {
      // A RoleBinding's ServiceAccount without a namespace is in the binding's; a cluster binding has none.
      const namespace = subject.namespace || bindingNamespace;
      return namespace ? `ServiceAccount:${namespace}/${subject.name}` : undefined;
    }
    default: return undefined;
  }
}

/** The keys under which a user's bindings are filed. */
export function userKeys(user: UserInfo): string[] {
  const keys = [`User:${user.name}`, ...user.groups.map((g) => `Group:${g}`)];
  const sa = parseServiceAccountUsername(user.name);
  if (sa) keys.push(`ServiceAccount:${sa.namespace}/${sa.name}`);
  return keys;
}

/** kube's describeSubject, for "allowed by" reasons. */
function describeSubject(subject: Subject, bindingNamespace: string): string {
  if (subject.kind === 'ServiceAccount') return `${subject.kind} ${JSON.stringify(`${subject.name}/${subject.namespace || bindingNamespace}`)}`;
  return `${subject.kind} ${JSON.stringify(subject.name)}`;
}

/** Bindings of one scope (the cluster, or one namespace) by subject key. */
class BindingSet<B extends Binding> {
  private readonly byName = new Map<string, B>();
  private readonly bySubject = new Map<string, Set<string>>();

  put(binding: B): void {
    const name = binding.metadata?.name ?? '';
    this.remove(name);
    this.byName.set(name, binding);
    for (const key of this.keysOf(binding)) {
      let names = this.bySubject.get(key);
      if (!names) this.bySubject.set(key, (names = new Set()));
      names.add(name);
    }
  }

  remove(name: string): void {
    const old = this.byName.get(name);
    if (!old) return;
    this.byName.delete(name);
    for (const key of this.keysOf(old)) {
      const names = this.bySubject.get(key);
      names?.delete(name);
      if (names?.size === 0) this.bySubject.delete(key);
    }
  }

  /** The bindings naming any of the keys, each once, in name order (so reasons do not depend on arrival order). */
  matching(keys: string[]): B[] {
    const names = new Set<string>();
    for (const key of keys) for (const name of this.bySubject.get(key) ?? []) names.add(name);
    return [...names].sort().map((n) => this.byName.get(n)!);
  }

  get size(): number {
    return this.byName.size;
  }

  clear(): void {
    this.byName.clear();
    this.bySubject.clear();
  }

  private keysOf(binding: B): string[] {
    const namespace = binding.metadata?.namespace ?? '';
    return (binding.subjects ?? []).map((s) => subjectKey(s, namespace)).filter((k): k is string => k !== undefined);
  }
}

export class PolicyIndex implements FeedHandler {
  private readonly roles = new Map<string, Role>();
  private readonly clusterRoles = new Map<string, ClusterRole>();
  private readonly clusterBindings = new BindingSet<ClusterRoleBinding>();
  private readonly roleBindings = new Map<string, BindingSet<RoleBinding>>();

  replace(items: StoredObject[]): void {
    this.roles.clear();
    this.clusterRoles.clear();
    this.clusterBindings.clear();
    this.roleBindings.clear();
    for (const item of items) this.upsert(item);
  }

  apply(event: StoreEvent): void {
    if (event.type === 'DELETED') this.remove(event.object);
    else this.upsert(event.object);
  }

  upsert(obj: StoredObject): void {
    const { name, namespace = '' } = obj.metadata;
    switch (obj.kind) {
      case 'Role': this.roles.set(`${namespace}/${name}`, obj as unknown as Role); break;
      case 'ClusterRole': this.clusterRoles.set(name, obj as unknown as ClusterRole); break;
      case 'ClusterRoleBinding': this.clusterBindings.put(obj as unknown as ClusterRoleBinding); break;
      case 'RoleBinding': {
        let set = this.roleBindings.get(namespace);
        if (!set) this.roleBindings.set(namespace, (set = new BindingSet()));
        set.put(obj as unknown as RoleBinding);
        break;
      }
    }
  }

  remove(obj: StoredObject): void {
    const { name, namespace = '' } = obj.metadata;
    switch (obj.kind) {
      case 'Role': this.roles.delete(`${namespace}/${name}`); break;
      case 'ClusterRole': this.clusterRoles.delete(name); break;
      case 'ClusterRoleBinding': this.clusterBindings.remove(name); break;
      case 'RoleBinding': {
        const set = this.roleBindings.get(namespace);
        set?.remove(name);
        if (set?.size === 0) this.roleBindings.delete(namespace);
        break;
      }
    }
  }

  /** The rules a binding's roleRef grants; undefined when the role does not exist (yet). */
  roleReferenceRules(ref: RoleRef, bindingNamespace: string): PolicyRule[] | undefined {
    switch (ref.kind) {
      case 'Role': {
        const role = this.roles.get(`${bindingNamespace}/${ref.name}`);
        return role ? role.rules ?? [] : undefined;
      }
      case 'ClusterRole': {
        const role = this.clusterRoles.get(ref.name);
        return role ? role.rules ?? [] : undefined;
      }
      default: return undefined;
    }
  }

  /**
   * kube's VisitRulesFor: every rule granted to the user by cluster role bindings, then (for a namespace) by role
   * bindings there; stops when the visitor returns false.
   */
  visitRulesFor(user: UserInfo, namespace: string, visit: RuleVisitor): void {
    const keys = userKeys(user);
    const walk = (bindings: Binding[], scope: string, describe: (b: Binding, s: Subject) => string): boolean => {
      for (const binding of bindings) {
        const subject = (binding.subjects ?? []).find((s) => appliesTo(user, s, scope));
        if (!subject) continue;
        const rules = this.roleReferenceRules(binding.roleRef, scope);
        if (!rules) {
          if (!visit(undefined, undefined, binding.roleRef)) return false;
          continue;
        }
        const source = () => describe(binding, subject);
        for (const rule of rules) if (!visit(source, rule, undefined)) return false;
      }
      return true;
    };
    const cluster = walk(this.clusterBindings.matching(keys), '', (b, s) =>
      `ClusterRoleBinding ${JSON.stringify(b.metadata?.name)} of ${b.roleRef.kind} ${JSON.stringify(b.roleRef.name)} to ${describeSubject(s, '')}`);
    if (!cluster || !namespace) return;
    walk(this.roleBindings.get(namespace)?.matching(keys) ?? [], namespace, (b, s) =>
      `RoleBinding ${JSON.stringify(`${b.metadata?.name}/${namespace}`)} of ${b.roleRef.kind} ${JSON.stringify(b.roleRef.name)} to ${describeSubject(s, namespace)}`);
  }

  /** Every rule the user holds in the namespace ('' for cluster-wide only), and the roles found missing. */
  rulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; missing: RoleRef[] } {
    const rules: PolicyRule[] = [];
    const missing: RoleRef[] = [];
    this.visitRulesFor(user, namespace, (_source, rule, ref) => {
      if (rule) rules.push(rule);
      if (ref) missing.push(ref);
      return true;
    });
    return { rules, missing };
  }
}

/** kube's appliesToUser: names compare exactly (case matters), groups by membership. */
export function appliesTo(user: UserInfo, subject: Subject, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User': return user.name === subject.name;
    case 'Group': return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const namespace = subject.namespace || bindingNamespace;
      return namespace !== '' && user.name === serviceAccountUsername(namespace, subject.name);
    }
    default: return false;
  }
}
