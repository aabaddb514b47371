// Defaults of rbac.authorization.k8s.io/v1, as its SetDefaults_*: a roleRef and User/Group subjects name the RBAC
// group unless told otherwise, so `roleRef: {kind: ClusterRole, name: view}` means the built-in role.
import type { ClusterRoleBinding, RoleBinding, Subject } from '../types.ts';
import { rbacGroup } from '../validation/rbac.ts';

export function defaultBinding(binding: RoleBinding | ClusterRoleBinding): void {
  // kubernetes-types marks roleRef required; a body without one reaches validation through this default.
  const ref = (binding.roleRef ??= { apiGroup: '', kind: '', name: '' }) as { apiGroup?: string };
  if (!ref.apiGroup) ref.apiGroup = rbacGroup;
  for (const subject of binding.subjects ?? []) defaultSubject(subject);
}

/** A ServiceAccount's group is the core one, "", which JSON leaves out. */
function defaultSubject(subject: Subject): void {
  if (!subject.apiGroup && (subject.kind === 'User' || subject.kind === 'Group')) subject.apiGroup = rbacGroup;
}
