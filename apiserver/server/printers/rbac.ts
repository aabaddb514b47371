// kubectl get rolebindings / clusterrolebindings: NAME ROLE AGE, and with -o wide USERS GROUPS SERVICEACCOUNTS
// (kube's printRoleBinding). Roles and cluster roles have no printer of their own in kube: NAME and CREATED AT.
import type { ClusterRoleBinding, RoleBinding, Subject } from '../../api/types.ts';
import { ageCell, kindPrinter } from './kind-printer.ts';
import { ageColumn, column, nameColumn, type Printer } from './printer.ts';

function bindingPrinter(what: 'roleBinding' | 'clusterRoleBinding', roleDescription: string): Printer {
  return kindPrinter<RoleBinding | ClusterRoleBinding>([
    nameColumn,
    column('Role', 'string', roleDescription),
    ageColumn,
    column('Users', 'string', `Users in the ${what}`, { priority: 1 }),
    column('Groups', 'string', `Groups in the ${what}`, { priority: 1 }),
    column('ServiceAccounts', 'string', `ServiceAccounts in the ${what}`, { priority: 1 }),
  ], (binding, now) => {
    const { users, groups, serviceAccounts } = subjectsStrings(binding.subjects ?? []);
    return [
      binding.metadata?.name ?? '',
      `${binding.roleRef?.kind ?? ''}/${binding.roleRef?.name ?? ''}`,
      ageCell(binding, now),
      users.join(', '), groups.join(', '), serviceAccounts.join(', '),
    ];
  });
}

/** rbac.SubjectsStrings: users and groups by name, service accounts as namespace/name. */
export function subjectsStrings(subjects: Subject[]): { users: string[]; groups: string[]; serviceAccounts: string[] } {
  const out = { users: [] as string[], groups: [] as string[], serviceAccounts: [] as string[] };
  for (const s of subjects) {
    if (s.kind === 'ServiceAccount') out.serviceAccounts.push(`${s.namespace ?? ''}/${s.name}`);
    else if (s.kind === 'User') out.users.push(s.name);
    else if (s.kind === 'Group') out.groups.push(s.name);
  }
  return out;
}

export const roleBindingPrinter = bindingPrinter('roleBinding',
  'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable.');

export const clusterRoleBindingPrinter = bindingPrinter('clusterRoleBinding',
  'RoleRef can only reference a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable.');
